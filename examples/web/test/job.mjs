// Drive work.html through a whole labelling job in one headless Chromium,
// each person in a browser context of its own with its test wallet injected
// (test/wallet.js): the requester creates a batch and uploads a CSV; the test
// is told (POST to `uploaded`, which answers when it is done); each worker
// connects, registers, accepts, reads its items, labels them with the
// keyboard and submits; the requester, who watched completion, settles the
// confident items and downloads the labels. Prints one JSON line of what
// each page showed.
//
// Usage: node test/job.mjs JOB.json [CHROMIUM]
//   JOB.json: { "url": work.html URL, "screenshots": DIR, "uploaded": URL,
//     "requester": { "name", "secretKey": [64], "address", "create": {price,
//                    redundancy, task, labels}, "uploads": [CSV TEXT, ...],
//                    "delivered": N, "settle": [minConfidence, minAnswers] },
//     "workers": [{ "name", "secretKey": [64], "address", "accept": N,
//                   "keys": { "<item>": "1".."9" or "click:LABEL" },
//                   "tries": [{ "batch", "accept": N, "keys"? }] (other batches
//                   first; with keys, its items are labelled and submitted) }] }
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const [jobFile, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobFile, "utf8"));
const walletSource = readFileSync(join(here, "wallet.js"), "utf8");
const TIMEOUT = 60_000;

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

/** A person's page: a context of its own with its wallet injected, connected. */
async function open(who, tag, record) {
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 }, acceptDownloads: true });
  const wallet = { name: who.name, secretKey: who.secretKey };
  await context.addInitScript({
    content: `globalThis.__amplifyTestWallet = ${JSON.stringify(wallet)};\n${walletSource}`,
  });
  const page = await context.newPage();
  record.problems = [];
  page.on("pageerror", (e) => record.problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && record.problems.push(`console: ${m.text()} @ ${m.location().url}`));
  const shot = (step) => page.screenshot({ path: join(job.screenshots, `${tag}-${step}.png`), fullPage: true });
  // Wait for a condition, or stop at the page's own error.
  const until = async (fn, arg) => {
    // Done: the page's error, or the condition once no action is running.
    const expr = `document.body.dataset.error !== undefined || (!document.body.dataset.busy && (${fn.toString()})(${JSON.stringify(arg ?? null)}))`;
    await page.waitForFunction(expr, null, { timeout: TIMEOUT });
    const err = await page.getAttribute("body", "data-error");
    if (err) throw new Error(`${tag}: the page says: ${err}`);
  };
  await page.goto(job.url);
  await until(() => document.body.dataset.loaded === "true");
  await page.click(`#wallets button[data-wallet="${who.name}"]`);
  await until((pk) => document.body.dataset.wallet === pk && document.body.dataset.registered !== undefined, who.address);
  return { context, page, shot, until };
}

/** Open the batch's items, label each by keyboard (the key the test chose
 *  for the item shown), submit; what the page showed goes into `out`. */
async function workOn({ page, until, shot }, batch, keys, out, tag) {
  await page.evaluate(() => {
    delete document.body.dataset.items;
    delete document.body.dataset.submitted;
  });
  await page.click(`#batches tr[data-batch="${batch}"] button.work`);
  await until(() => document.body.dataset.items !== undefined);
  out.options = await page.$$eval("#options button", (bs) => bs.map((b) => b.textContent));
  out.items = await page.$$eval("#items li", (lis) =>
    lis.map((li) => ({ item: Number(li.dataset.item), state: li.dataset.state, title: li.title })),
  );
  out.itemText = {};
  await shot(`${tag}-items`);
  // Arrow keys move between items.
  const shownItem = () => page.getAttribute("#item", "data-item");
  const before = await shownItem();
  await page.keyboard.press("ArrowRight");
  const right = await shownItem();
  await page.keyboard.press("ArrowLeft");
  out.arrows = [before, right, await shownItem()];
  for (let turn = 0; ; turn++) {
    if (turn > out.items.length) throw new Error(`${tag}: labelling does not move on`);
    const item = await page.getAttribute("#item", "data-item");
    const labelled = await page.getAttribute(`#items li[data-item="${item}"]`, "data-label");
    const ok = (await page.getAttribute(`#items li[data-item="${item}"]`, "data-state")) === "ok";
    if (!ok || labelled !== null) break;
    out.itemText[item] = await page.textContent("#item");
    // "1".."9": the key; "click:LABEL": the label's button.
    if (keys[item].startsWith("click:")) await page.click(`#options button[data-label="${keys[item].slice(6)}"]`);
    else await page.keyboard.press(keys[item]);
  }
  out.labels = await page.$$eval("#items li[data-label]", (lis) =>
    Object.fromEntries(lis.map((li) => [li.dataset.item, li.dataset.label])),
  );
  await shot(`${tag}-labelled`);
  if (Object.keys(out.labels).length === 0) {
    out.submitted = 0; // nothing to submit: the test says what it expected
    return;
  }
  await page.click("#submit");
  await until(() => document.body.dataset.submitted !== undefined);
  out.submitted = Number(await page.getAttribute("body", "data-submitted"));
  out.workStatus = await page.textContent("#work-status");
}

const shown = { requester: {}, workers: [] };
let failed = false;
async function step(record, tag, fn) {
  if (failed) return;
  try {
    await fn();
  } catch (e) {
    record.error = `${tag}: ${e.message}`;
    failed = true;
  }
}

const r = job.requester;
let requester;
await step(shown.requester, "requester", async () => {
  requester = await open(r, "requester", shown.requester);
  const { page, until, shot } = requester;
  await page.fill("#price", String(r.create.price));
  await page.fill("#redundancy", String(r.create.redundancy));
  await page.fill("#task", r.create.task);
  await page.fill("#labels", r.create.labels.join(", "));
  await page.click("#create button[type=submit]");
  await until(() => document.body.dataset.created !== undefined);
  const batch = await page.getAttribute("body", "data-created");
  shown.requester.batch = batch;
  const row = `#mine tr[data-batch="${batch}"]`;
  // Each file in turn: uploaded (or appended to what the batch holds), or
  // refused with the page's error.
  shown.requester.uploads = [];
  for (const csv of r.uploads) {
    await page.evaluate(() => delete document.body.dataset.uploaded);
    await page.setInputFiles(`${row} input.csv`, { name: "posts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.click(`${row} button.upload`);
    await page.waitForFunction(() => !document.body.dataset.busy, null, { timeout: TIMEOUT });
    shown.requester.uploads.push({
      error: await page.getAttribute("body", "data-error"),
      uploaded: Number((await page.getAttribute("body", "data-uploaded")) ?? 0),
      progress: await page.$eval("#upload-progress", (p) => [p.value, p.max]),
      status: await page.textContent("#upload-status"),
    });
  }
  await shot("uploaded");
  const told = await fetch(job.uploaded, { method: "POST", body: batch });
  if (!told.ok) throw new Error(`the test refused the upload: ${await told.text()}`);
});

for (const [n, w] of job.workers.entries()) {
  const record = { name: w.name };
  shown.workers.push(record);
  let context;
  await step(record, `worker${n + 1}`, async () => {
    const opened = await open(w, `worker${n + 1}`, record);
    context = opened.context;
    const { page, until, shot } = opened;
    const batch = shown.requester.batch;
    record.registeredBefore = (await page.getAttribute("body", "data-registered")) === "true";
    if (!record.registeredBefore) {
      await page.click("#register");
      await until(() => document.body.dataset.registered === "true");
    }
    // Other batches first: each try accepts N items, or is refused.
    record.tries = [];
    for (const t of w.tries ?? []) {
      const other = `#batches tr[data-batch="${t.batch}"]`;
      await page.waitForSelector(other, { timeout: TIMEOUT });
      const tried = { row: await page.$$eval(`${other} td`, (tds) => tds.map((td) => td.textContent)) };
      await page.fill(`${other} input.count`, String(t.accept));
      await page.click(`${other} button.accept`);
      await page.waitForFunction(() => !document.body.dataset.busy, null, { timeout: TIMEOUT });
      tried.error = await page.getAttribute("body", "data-error");
      tried.status = await page.textContent("#status");
      tried.accepted = Number(await page.getAttribute("body", "data-accepted") ?? 0);
      record.tries.push(tried);
      await page.evaluate(() => delete document.body.dataset.accepted);
      if (t.keys) await workOn(opened, t.batch, t.keys, tried, `try${record.tries.length}`);
    }
    if (record.tries.length) await shot("tries");
    const row = `#batches tr[data-batch="${batch}"]`;
    await page.waitForSelector(row, { timeout: TIMEOUT });
    record.batchRow = await page.$$eval(`${row} td`, (tds) => tds.map((td) => td.textContent));
    await page.fill(`${row} input.count`, String(w.accept));
    await page.click(`${row} button.accept`);
    await until(() => document.body.dataset.accepted !== undefined);
    record.accepted = Number(await page.getAttribute("body", "data-accepted"));
    await workOn(opened, batch, w.keys, record, "main");
    record.earnings = {
      lamports: Number(await page.getAttribute("#earnings", "data-lamports")),
      items: Number(await page.getAttribute("#earnings", "data-items")),
      text: await page.textContent("#earnings"),
    };
    record.standing = await page.textContent("#standing");
    record.skills = JSON.parse((await page.getAttribute("#skills", "data-skills")) ?? "null");
    record.signed = await page.evaluate(() => globalThis.__amplifyTestWalletSigned ?? null);
    record.keyInPage = await page.evaluate(() => "__amplifyTestWallet" in globalThis);
    await shot("done");
  });
  await context?.close();
}

await step(shown.requester, "requester", async () => {
  const { page, until, shot } = requester;
  const batch = shown.requester.batch;
  const row = `#mine tr[data-batch="${batch}"]`;
  // The page watches completion by itself: wait for every delivery to show.
  await page.waitForSelector(`${row}[data-completed="${r.delivered}"]`, { timeout: TIMEOUT });
  shown.requester.completion = await page.textContent(`${row} td:nth-child(4)`);
  await shot("completed");
  await page.fill(`${row} input.min-confidence`, String(r.settle[0]));
  await page.fill(`${row} input.min-answers`, String(r.settle[1]));
  await page.click(`${row} button.settle`);
  await until(() => document.body.dataset.settled !== undefined);
  shown.requester.settled = Number(await page.getAttribute("body", "data-settled"));
  shown.requester.refunded = Number(await page.getAttribute("body", "data-refunded"));
  shown.requester.settleStatus = await page.textContent("#status");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(`${row} button.labels`)]);
  const path = join(job.screenshots, "labels.csv");
  await download.saveAs(path);
  shown.requester.labelsCsv = readFileSync(path, "utf8");
  shown.requester.labelsFile = download.suggestedFilename();
  await until(() => !document.body.dataset.busy);
  shown.requester.labelsStatus = await page.textContent("#status");
  await shot("settled");
});
await requester?.context.close();
await browser.close();
console.log(JSON.stringify(shown));
