// Drive the worker app (work.html) through a labelling job in one headless
// Chromium: per worker a fresh browser context with its test wallet injected
// (test/wallet.js), then connect, register, accept, read the items, label
// them with the keyboard and submit. Prints one JSON line of what each
// worker's page showed.
//
// Usage: node test/job.mjs JOB.json [CHROMIUM]
//   JOB.json: { "url": work.html URL, "screenshots": DIR, "batch": ADDRESS,
//               "workers": [{ "name", "secretKey": [64], "accept": N,
//                             "keys": { "<item>": "1".."9" } }] }
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const [jobFile, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobFile, "utf8"));
const walletSource = readFileSync(join(here, "wallet.js"), "utf8");
const TIMEOUT = 20_000;

const browser = await chromium.launch({
  executablePath,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const shown = [];
try {
  for (const [n, w] of job.workers.entries()) {
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    const wallet = { name: w.name, secretKey: w.secretKey };
    await context.addInitScript({
      content: `globalThis.__amplifyTestWallet = ${JSON.stringify(wallet)};\n${walletSource}`,
    });
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()} @ ${m.location().url}`));
    const shot = (step) => page.screenshot({ path: join(job.screenshots, `worker${n + 1}-${step}.png`), fullPage: true });
    const failed = async () => page.getAttribute("body", "data-error");
    // Wait for a condition, or stop at the page's own error.
    const until = async (fn, arg) => {
      const expr = `document.body.dataset.error !== undefined || (${fn.toString()})(${JSON.stringify(arg ?? null)})`;
      await page.waitForFunction(expr, null, { timeout: TIMEOUT });
      const err = await failed();
      if (err) throw new Error(`worker ${n + 1}: the page says: ${err}`);
    };
    const record = { name: w.name, problems };
    shown.push(record);
    try {
      await page.goto(job.url);
      await until(() => document.body.dataset.loaded === "true");
      await page.click(`#wallets button[data-wallet="${w.name}"]`);
      await until((pk) => document.body.dataset.wallet === pk && document.body.dataset.registered !== undefined, w.address);
      record.registeredBefore = (await page.getAttribute("body", "data-registered")) === "true";
      if (!record.registeredBefore) {
        await page.click("#register");
        await until(() => document.body.dataset.registered === "true");
      }
      const row = `#batches tr[data-batch="${job.batch}"]`;
      await page.waitForSelector(row, { timeout: TIMEOUT });
      record.batchRow = await page.$$eval(`${row} td`, (tds) => tds.map((td) => td.textContent));
      await page.fill(`${row} input.count`, String(w.accept));
      await page.click(`${row} button.accept`);
      await until(() => document.body.dataset.accepted !== undefined);
      record.accepted = Number(await page.getAttribute("body", "data-accepted"));
      await page.click(`#batches tr[data-batch="${job.batch}"] button.work`);
      await until(() => document.body.dataset.items !== undefined);
      record.options = await page.$$eval("#options button", (bs) => bs.map((b) => b.textContent));
      record.items = await page.$$eval("#items li", (lis) =>
        lis.map((li) => ({ item: Number(li.dataset.item), state: li.dataset.state, title: li.title })),
      );
      record.itemText = {};
      await shot("items");
      // Label by keyboard: the key the test chose for the item shown.
      for (;;) {
        const item = await page.getAttribute("#item", "data-item");
        const labelled = await page.getAttribute(`#items li[data-item="${item}"]`, "data-label");
        const ok = (await page.getAttribute(`#items li[data-item="${item}"]`, "data-state")) === "ok";
        if (!ok || labelled !== null) break;
        record.itemText[item] = await page.textContent("#item");
        await page.keyboard.press(w.keys[item]);
      }
      record.labels = await page.$$eval("#items li[data-label]", (lis) =>
        Object.fromEntries(lis.map((li) => [li.dataset.item, li.dataset.label])),
      );
      await shot("labelled");
      await page.click("#submit");
      await until(() => document.body.dataset.submitted !== undefined);
      record.submitted = Number(await page.getAttribute("body", "data-submitted"));
      record.workStatus = await page.textContent("#work-status");
      record.earnings = {
        lamports: Number(await page.getAttribute("#earnings", "data-lamports")),
        items: Number(await page.getAttribute("#earnings", "data-items")),
        text: await page.textContent("#earnings"),
      };
      record.standing = await page.textContent("#standing");
      record.signed = await page.evaluate(() => globalThis.__amplifyTestWalletSigned ?? null);
      record.keyInPage = await page.evaluate(() => "__amplifyTestWallet" in globalThis);
      await shot("done");
    } catch (e) {
      record.error = e.message;
      await shot("error").catch(() => {});
      break;
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ workers: shown }));
