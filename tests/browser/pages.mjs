// Opens pages of a built site in headless Chromium and reports, for each,
// what a person would see: the heading, the language and direction of the
// page, console errors and Content-Security-Policy violations, the result
// of "open now", axe-core's violations (WCAG 2.1 A/AA and best practices)
// and the layout at phone and desktop widths (layout.mjs's measure).
//
// Usage:
//   node pages.mjs check <base-url> <json>             each page as a person sees it;
//       json: {"paths": [...], "widths": [320, 360, 1280], "parallel": 2}
//       axe runs at the first width; the layout is measured at each width
//       with an 800 px high window
//   node pages.mjs status <base-url> <path> <time>...  the hours status line and
//                                                      today's marked slots at each ISO time
//   node pages.mjs offline <base-url> <page> <search> <search2> <switch>
//       visits a page and a search online, goes offline (Chromium's
//       emulation), opens the page and another search again, goes online,
//       asks <switch> (the test server then serves a new build) and opens
//       the page once more
// Prints one JSON array. Environment: CHROMIUM (default /usr/bin/chromium).
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { measure } from "./layout.mjs";

const [mode, base, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const results = [];
try {
  const context = await browser.newContext({ viewport: { width: 320, height: 740 } });
  if (mode === "type") {
    // paths: a search page, the text to type, then a facet name. Types the
    // text key by key, then picks the facet's first value and reports the
    // counts shown and the results left.
    const [path, text, facet] = paths;
    const page = await context.newPage();
    await page.goto(base + path, { waitUntil: "load" });
    await page.locator("#q").pressSequentially(text, { delay: 60 });
    await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 10000 });
    // All results, through "more results" where there are more than a page.
    const all = async () => {
      for (let i = 0; i < 50 && await page.locator("#search-more").isVisible(); i++) {
        const n = await page.locator("#search-results li").count();
        await page.click("#search-more");
        await page.waitForFunction((n) => document.querySelectorAll("#search-results li").length > n, n, { timeout: 5000 });
      }
      return page.locator("#search-results li").count();
    };
    const before = await all();
    const status = await page.textContent("#search-status");
    const sel = page.locator(`#search-filters select[name=${facet}]`);
    const options = await sel.locator("option").evaluateAll((os) => os.slice(1).map((o) => ({ value: o.value, text: o.textContent })));
    await sel.selectOption(options[0].value);
    await page.waitForFunction((n) => document.querySelectorAll("#search-results li").length !== n, before, { timeout: 5000 }).catch(() => {});
    results.push({
      dir: await page.evaluate(() => getComputedStyle(document.getElementById("search-results")).direction),
      before, status, option: options[0], after: await all(),
      afterStatus: await page.textContent("#search-status"), url: page.url(),
    });
    paths.length = 0;
  }
  if (mode === "fold") {
    // paths: a search page, then words; reports the page script's folding.
    const [path, ...words] = paths;
    const page = await context.newPage();
    await page.goto(base + path, { waitUntil: "load" });
    results.push(await page.evaluate((ws) => ws.map((w) => window.wegweiserFold(w)), words));
    paths.length = 0;
  }
  if (mode === "search") {
    // paths: search page URLs with ?q=…; reports the first ten result links
    // and the time from the start of navigation to the first result.
    const page = await context.newPage();
    for (const path of paths) {
      await page.goto(base + path, { waitUntil: "domcontentloaded" });
      await page.waitForFunction(() => (document.getElementById("search-status") || {}).textContent, null, { timeout: 10000 }).catch(() => {});
      results.push(await page.evaluate(() => ({
        hrefs: Array.from(document.querySelectorAll("#search-results li a")).slice(0, 10).map((a) => a.getAttribute("href")),
        dir: getComputedStyle(document.getElementById("search-results")).direction,
        ms: performance.now(),
      })));
    }
    paths.length = 0;
  }
  if (mode === "filter") {
    // paths: <path> then name=value pairs for the advisor filter form.
    const [path, ...pairs] = paths;
    const page = await context.newPage();
    await page.goto(base + path, { waitUntil: "load" });
    const before = await page.locator("table.directory tbody tr:visible").count();
    for (const p of pairs) {
      const [name, value] = p.split("=");
      await page.selectOption(`#advisor-filter select[name=${name}]`, value);
    }
    results.push({
      before, after: await page.locator("table.directory tbody tr:visible").count(),
      output: await page.locator("#advisor-filter output").textContent(),
      formShown: await page.locator("#advisor-filter").isVisible(),
      firstName: await page.locator("table.directory tbody tr:visible th").first().getAttribute("scope"),
      names: await page.locator("table.directory tbody tr:visible").evaluateAll((rs) => rs.map((r) => r.getAttribute("data-name"))),
    });
    paths.length = 0;
  }
  if (mode === "offline") {
    const [visit, search1, search2, switchPath] = paths;
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(base + visit, { waitUntil: "load" });
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload({ waitUntil: "load" }); // now controlled by the worker
    const controlled = await page.evaluate(() => !!navigator.serviceWorker.controller);
    await page.goto(base + search1, { waitUntil: "load" });
    await page.waitForFunction(() => (document.getElementById("search-status") || {}).textContent, null, { timeout: 10000 });
    // The worker keeps the language's whole index once the search has
    // fetched its meta.json: wait until every file of it is kept.
    const lang = search1.split("/")[1];
    const kept = await page.evaluate(async (lang) => {
      const meta = await (await fetch("/search/" + lang + "/meta.json")).json();
      const want = 2 + Math.ceil(meta.docs / meta.chunk) + meta.shards.length;
      let n = 0;
      for (let i = 0; i < 120 && n < want; i++) {
        await new Promise((r) => setTimeout(r, 250));
        n = 0;
        for (const name of await caches.keys()) {
          for (const r of await (await caches.open(name)).keys()) if (r.url.includes("/search/" + lang + "/")) n++;
        }
      }
      return { n, want };
    }, lang);
    await context.setOffline(true);
    const offline = {};
    const r1 = await page.goto(base + visit, { waitUntil: "load" });
    offline.status = r1 ? r1.status() : 0;
    offline.h1 = await page.textContent("h1");
    offline.note = await page.evaluate(() => (document.querySelector(".offline-note") || {}).textContent || "");
    await page.goto(base + search2, { waitUntil: "load" });
    await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 10000 }).catch(() => {});
    offline.results = await page.locator("#search-results li").count();
    offline.searchStatus = await page.evaluate(() => (document.getElementById("search-status") || {}).textContent || "");
    offline.kept = kept;
    offline.searchNote = await page.evaluate(() => (document.querySelector(".offline-note") || {}).textContent || "");
    await context.setOffline(false);
    await page.request.get(base + switchPath);
    await page.goto(base + visit, { waitUntil: "load" });
    const online = {
      footer: await page.evaluate(() => document.querySelector("footer").textContent),
      note: await page.evaluate(() => (document.querySelector(".offline-note") || {}).textContent || ""),
    };
    // The new build's worker replaces the old one and its copies.
    online.caches = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      const changed = new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
      await reg.update();
      await Promise.race([changed, new Promise((r) => setTimeout(r, 10000))]);
      const res = await fetch("/sw.js");
      const version = ((await res.text()).match(/VERSION = "([0-9a-f-]+)"/) || [])[1];
      // Until the new worker has kept the page (the old one keeps nothing).
      for (let i = 0; i < 40; i++) {
        await fetch(location.href);
        await new Promise((r) => setTimeout(r, 250));
        const names = await caches.keys();
        if (names.length === 1 && names[0] === "wegweiser-" + version) break;
      }
      return { names: await caches.keys(), version };
    });
    results.push({ controlled, offline, online, errors });
    paths.length = 0;
  }
  if (mode === "file") {
    // base: a file:// address of a search page; reports its status line.
    const page = await context.newPage();
    await page.goto(base, { waitUntil: "load" });
    results.push({ status: await page.evaluate(() => (document.getElementById("search-status") || {}).textContent || "") });
  }
  if (mode === "status") {
    const [path, ...times] = paths;
    for (const time of times) {
      const page = await context.newPage();
      await page.clock.setFixedTime(new Date(time));
      await page.goto(base + path, { waitUntil: "load" });
      results.push(await page.evaluate(() => ({
        status: (document.querySelector("[data-status] .status") || {}).textContent || "",
        today: document.querySelectorAll("[data-status] li.today").length,
      })));
      await page.close();
    }
    paths.length = 0;
  }
  if (mode === "check") {
    const { paths: list, widths = [320], parallel = 2, noAxe = [] } = JSON.parse(paths[0]);
    const skipAxe = new Set(noAxe);
    // axe is evaluated in the page (as a test tool, outside the page's CSP)
    // rather than served, so one copy is read once.
    const axeSource = readFileSync(new URL("./node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
    const queue = list.slice();
    // Added to every document before its own scripts run (outside the
    // page's CSP): compiled once per renderer, not once per page.
    await context.addInitScript({ content: axeSource });
    const worker = async () => {
      const page = await context.newPage();
      let errors, external;
      page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) external.push(r.url()); });
      page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
      page.on("pageerror", (e) => errors.push(String(e)));
      for (let path; (path = queue.shift()) !== undefined;) {
        errors = []; external = [];
        await page.setViewportSize({ width: widths[0], height: 800 });
        const response = await page.goto(base + path, { waitUntil: "load" });
        const seen = await page.evaluate(() => ({
          h1: (document.querySelector("h1") || {}).textContent || "",
          lang: document.documentElement.lang,
          dir: document.documentElement.dir,
          main: (document.querySelector("main") || {}).textContent?.trim().length || 0,
          openNow: (document.querySelector("[data-status] .status") || {}).textContent || null,
        }));
        const axe = skipAxe.has(path) ? [] : await page.evaluate(async () => {
          const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }, resultTypes: ["violations"] });
          return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
        });
        const layout = [];
        for (const width of widths) {
          await page.setViewportSize({ width, height: 800 });
          layout.push({ ...(await page.evaluate(measure)) });
        }
        results.push({ path, status: response.status(), ...seen, errors, external, axe, layout });
      }
      await page.close();
    };
    await Promise.all(Array.from({ length: parallel }, worker));
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
