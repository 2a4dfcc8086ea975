// Open the page in headless Chromium (the system's, driven by playwright-core),
// wait until it has loaded, keep a screenshot and print what it shows as JSON.
//
// Usage: node test/page.mjs URL SCREENSHOT.png [CHROMIUM]
import { chromium } from "playwright-core";

const [url, screenshot, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
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
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 700 } });
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  await page.goto(url);
  await page.waitForSelector("body[data-loaded]", { timeout: 30_000 });
  await page.screenshot({ path: screenshot, fullPage: true });
  const rows = (selector) =>
    page.$$eval(selector, (trs) =>
      trs.map((tr) => ({
        batch: tr.dataset.batch ?? null,
        cells: [...tr.cells].map((td) => td.textContent),
        titles: [...tr.cells].map((td) => td.title),
      })),
    );
  console.log(
    JSON.stringify({
      loaded: await page.getAttribute("body", "data-loaded"),
      status: await page.textContent("#status"),
      batches: await rows("#batches tbody tr"),
      market: await rows("#market tbody tr"),
      problems,
    }),
  );
} finally {
  await browser.close();
}
