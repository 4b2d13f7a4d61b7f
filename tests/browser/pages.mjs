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
//   node pages.mjs courses <base-url> <path> <query>  the course finder: see below
//   node pages.mjs coursequeries <base-url> <path> <query>...  the course finder opened with each query
//   node pages.mjs pdf <base-url> <folder> <path>...   prints pages to PDF files
//   node pages.mjs keep <base-url> <page> <search> <search2>
//       visits a page and a search online, waits until the service worker
//       keeps no more search files, then offline opens <search2> and
//       <search> again
//   node pages.mjs offline <base-url> <page> <search> <search2> <switch> [<finder>]
//       visits a page and a search online, goes offline (Chromium's
//       emulation), opens the page and another search again, goes online,
//       asks <switch> (the test server then serves a new build) and opens
//       the page once more; with <finder> (the course list with a query),
//       also opens it online and, offline, with ?type=literacy
// Prints one JSON array. Environment: CHROMIUM (default /usr/bin/chromium).
//
//   node pages.mjs serve
//       one browser for many runs: reads one request per line on stdin,
//       {"id": 1, "args": ["check", "<base-url>", "<json>"]}, runs it (several
//       at a time, each in contexts of its own) and writes one line per
//       request, {"id": 1, "results": [...]} or {"id": 1, "error": "..."};
//       closes the browser when stdin ends. The Go tests start it once per
//       test binary (browser_test.go), so Chromium starts once, not once
//       per test.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { launch } from "./chromium.mjs";
import { measure } from "./layout.mjs";

const browser = await launch();

// run runs one command (see Usage) in contexts of its own and returns its
// results.
// underWorker opens url in page, waits for the site's service worker and
// opens it again, now controlled by the worker; it reports whether it is.
async function underWorker(page, url) {
  await page.goto(url, { waitUntil: "load" });
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload({ waitUntil: "load" });
  return page.evaluate(() => !!navigator.serviceWorker.controller);
}

// keptSearchFiles counts the copies the worker keeps of lang's search files.
function keptSearchFiles(page, lang) {
  return page.evaluate(async (lang) => {
    let n = 0;
    for (const name of await caches.keys()) {
      for (const r of await (await caches.open(name)).keys()) if (r.url.includes("/search/" + lang + "/")) n++;
    }
    return n;
  }, lang);
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(mode, base, paths) {
  const results = [];
  const opened = [];
  const newContext = async (options) => {
    const c = await browser.newContext(options);
    opened.push(c);
    return c;
  };
  try {
    const context = await newContext({ viewport: { width: 320, height: 740 } });
    if (mode === "type") {
      // paths: a search page, the text to type, then a facet name. Types the
      // text key by key, then picks the facet's first value and reports the
      // counts shown and the results left.
      const [path, text, facet] = paths;
      const page = await context.newPage();
      const facetFiles = []; // f.json requests: none until the filters are opened
      page.on("request", (r) => { if (r.url().endsWith("/f.json")) facetFiles.push(r.url()); });
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
      const facetsBefore = facetFiles.length;
      await page.click("#search-filter-box summary");
      const sel = page.locator(`#search-filters select[name=${facet}]`);
      await sel.waitFor({ timeout: 10000 });
      const options = await sel.locator("option").evaluateAll((os) => os.slice(1).map((o) => ({ value: o.value, text: o.textContent })));
      await sel.selectOption(options[0].value);
      await page.waitForFunction((n) => document.querySelectorAll("#search-results li").length !== n, before, { timeout: 5000 }).catch(() => {});
      results.push({
        dir: await page.evaluate(() => getComputedStyle(document.getElementById("search-results")).direction),
        before, status, option: options[0], after: await all(), facetsBefore,
        filterSet: await page.textContent("#search-filter-set"),
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
    if (mode === "numbers") {
      // paths: pages (one per language), then numbers as JSON; reports each
      // page's wegweiserNumber (site.js) of every number.
      const numbers = JSON.parse(paths.pop());
      const page = await context.newPage();
      for (const path of paths) {
        await page.goto(base + path, { waitUntil: "load" });
        results.push(await page.evaluate((ns) => ns.map((n) => window.wegweiserNumber(n)), numbers));
      }
      paths.length = 0;
    }
    if (mode === "more") {
      // paths: a search page with ?q=…; reports the status and the rests
      // (r/ files) fetched after the first results, then after "more
      // results", with the links shown, then after the filters were opened.
      const [path] = paths;
      const page = await context.newPage();
      const rests = [];
      page.on("request", (r) => { if (r.url().includes("/r/")) rests.push(r.url()); });
      await page.goto(base + path, { waitUntil: "load" });
      await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 10000 });
      const first = { status: await page.textContent("#search-status"), rests: rests.length, shown: await page.locator("#search-results li").count() };
      await page.click("#search-more");
      await page.waitForFunction((n) => document.querySelectorAll("#search-results li").length > n, first.shown, { timeout: 5000 }).catch(() => {});
      const more = {
        status: await page.textContent("#search-status"), rests: rests.length,
        hrefs: await page.locator("#search-results li a").evaluateAll((as) => as.map((a) => a.getAttribute("href"))),
        focused: await page.evaluate(() => document.activeElement && document.activeElement.getAttribute("href")),
      };
      await page.goto(base + path, { waitUntil: "load" });
      await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 10000 });
      await page.click("#search-filter-box summary");
      await page.locator("#search-filters select").first().waitFor({ timeout: 10000 });
      results.push({ first, more, filtersStatus: await page.textContent("#search-status") });
      paths.length = 0;
    }
    if (mode === "decide") {
      // paths: a search page, then the cases of internal/search/testdata/decide.json
      // as JSON; reports the page script's decision for each (null: not decided).
      const [path, json] = paths;
      const page = await context.newPage();
      await page.goto(base + path, { waitUntil: "load" });
      results.push(await page.evaluate((cases) => cases.map((c) => {
        const n = 1 + Math.max(0, ...c.per.flatMap((w) => Object.keys(w.best).map(Number)));
        const per = c.per.map((w) => {
          const best = new Float64Array(n);
          for (const [d, v] of Object.entries(w.best)) best[Number(d)] = v;
          return { best, bounds: w.bounds || [] };
        });
        return window.wegweiserDecide(per, c.k, n);
      }), JSON.parse(json)));
      paths.length = 0;
    }
    if (mode === "search") {
      // paths: search page URLs with ?q=…; reports the first ten result links
      // and the time from the start of the search to its results. A query
      // without filters after one on the same language's page is typed into
      // the open page's form, as a person searching again would: the page
      // keeps the index files it has loaded. Others open their address.
      // Without the service worker: on each new site (a test server each
      // run) it would keep every language's index whole in the background,
      // some 300 files a language — half of the test's CPU time (60 → 28
      // CPU-seconds), for what TestOffline checks. The results are the
      // same files' either way (online, the worker passes the network's on).
      const page = await (await newContext({ viewport: { width: 320, height: 740 }, serviceWorkers: "block" })).newPage();
      let open = null; // the path of the page open with no filters, or null
      for (const path of paths) {
        const u = new URL(path, base);
        const plain = [...u.searchParams.keys()].every((k) => k === "q");
        if (plain && open === u.pathname) {
          const n = await page.evaluate((q) => {
            const n = performance.getEntriesByType("mark").filter((m) => m.name.startsWith("wegweiser-search-done-")).length;
            const input = document.getElementById("q");
            input.value = q;
            input.form.requestSubmit();
            return n;
          }, u.searchParams.get("q"));
          await page.waitForFunction((n) => performance.getEntriesByType("mark").filter((m) => m.name.startsWith("wegweiser-search-done-")).length > n, n, { timeout: 10000 }).catch(() => {});
        } else {
          await page.goto(base + path, { waitUntil: "domcontentloaded" });
          await page.waitForFunction(() => (document.getElementById("search-status") || {}).textContent, null, { timeout: 10000 }).catch(() => {});
        }
        open = plain ? u.pathname : null;
        results.push(await page.evaluate(() => {
          const marks = performance.getEntriesByType("mark");
          const last = (w) => marks.filter((m) => m.name.startsWith("wegweiser-search-" + w + "-")).pop();
          const start = last("start"), done = last("done");
          return {
            hrefs: Array.from(document.querySelectorAll("#search-results li a")).slice(0, 10).map((a) => a.getAttribute("href")),
            dir: getComputedStyle(document.getElementById("search-results")).direction,
            status: document.getElementById("search-status").textContent,
            ms: start && done ? done.startTime - start.startTime : -1,
            nav: performance.now(),
          };
        }));
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
    if (mode === "coursequeries") {
      // paths: the course list page, then queries: for each, the page
      // opened with it (the course finder's choice), once its status shows
      // (and the results, for a choice of district): the links shown,
      // the status and the script errors.
      const [path, ...queries] = paths;
      for (const query of queries) {
        const page = await context.newPage();
        const errors = [];
        page.on("pageerror", (e) => errors.push(String(e)));
        await page.goto(base + path + query, { waitUntil: "load" });
        await page.waitForFunction(() => !document.getElementById("cf-status").hidden, null, { timeout: 10000 });
        results.push(await page.evaluate((errors) => ({
          hrefs: Array.from(document.querySelectorAll("#cf-results li h3 a")).map((a) => a.getAttribute("href")),
          status: document.getElementById("cf-status").textContent,
          formShown: !document.getElementById("course-finder").hidden,
          errors,
        }), errors));
        await page.close();
      }
      paths.length = 0;
    }
    if (mode === "courses") {
      // paths: the course list page, then a query to open it with. Chooses
      // childcare in the form, then runs the page's filter over every
      // combination of the form's choices: for each type, district, with
      // and without neighbours, time, month and the 16 combinations of the
      // four checkboxes (childcare 1, women 2, literacy 4, free 8), the
      // indexes in finder.json of the courses kept, as "3,17".
      const [path, query] = paths;
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(base + path + query, { waitUntil: "load" });
      await page.waitForFunction(() => !document.getElementById("cf-status").hidden, null, { timeout: 10000 });
      const shown = () => page.evaluate(() => ({
        hrefs: Array.from(document.querySelectorAll("#cf-results li h3 a")).map((a) => a.getAttribute("href")),
        status: document.getElementById("cf-status").textContent,
        query: location.search,
        options: Object.fromEntries(["type", "district", "time", "month"].map((n) =>
          [n, Array.from(document.querySelectorAll("#cf-" + n + " option")).map((o) => [o.value, o.textContent, o.selected])])),
      }));
      const opened = await shown();
      await page.check("#cf-childcare");
      const checked = await shown();
      const all = await page.evaluate(async () => {
        const data = await (await fetch("finder.json")).json();
        const values = {};
        for (const n of ["type", "district", "time", "month"]) values[n] = Array.from(document.querySelectorAll("#cf-" + n + " option")).map((o) => o.value);
        const index = new Map(data.courses.map((c, i) => [c, i]));
        const results = [];
        for (const type of values.type) for (const district of values.district) for (const near of [false, true])
          for (const time of values.time) for (const month of values.month) for (let m = 0; m < 16; m++) {
            const q = { type, district, near, time, month, childcare: !!(m & 1), women: !!(m & 2), literacy: !!(m & 4), free: !!(m & 8) };
            results.push(window.wegweiserCourses.filter(data, q).map((c) => index.get(c)).join(","));
          }
        return { values, ids: data.courses.map((c) => c.id), results };
      });
      results.push({ opened, checked, all, errors });
      paths.length = 0;
    }
    if (mode === "pdf") {
      // paths: an output folder, then pages; prints each to <folder>/<n>.pdf
      // (A4, as the page's CSS asks) as a person choosing "Print → Save as
      // PDF" would.
      const [folder, ...list] = paths;
      const page = await context.newPage();
      for (const [i, path] of list.entries()) {
        await page.goto(base + path, { waitUntil: "load" });
        const file = folder + "/" + i + ".pdf";
        await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
        results.push({ path, file });
      }
      paths.length = 0;
    }
    if (mode === "keep") {
      // paths: a page, then two searches. Opens the page (and again, now
      // under the worker), the first search online, waits until the
      // worker's copies of search files stop growing, then offline the
      // second search and the first once more: what a large index keeps.
      const WAIT = 30000;
      const [visit, search1, search2] = paths;
      const page = await context.newPage();
      const controlled = await underWorker(page, base + visit);
      const searchFor = async (path) => {
        await page.goto(base + path, { waitUntil: "load" });
        await page.waitForFunction(() => (document.getElementById("search-status") || {}).textContent, null, { timeout: WAIT }).catch(() => {});
        return { n: await page.locator("#search-results li").count(), status: await page.textContent("#search-status") };
      };
      const online = await searchFor(search1);
      const lang = search1.split("/")[1];
      let kept = await keptSearchFiles(page, lang);
      for (let i = 0, same = 0; i < 80 && same < 8; i++) { // until 2 s without a new copy
        await pause(250);
        const n = await keptSearchFiles(page, lang);
        same = n === kept ? same + 1 : 0;
        kept = n;
      }
      await context.setOffline(true);
      const offline = await searchFor(search2);
      const again = await searchFor(search1);
      results.push({ controlled, kept, online, offline, again });
      paths.length = 0;
    }
    if (mode === "offline") {
      // Each wait ends as soon as what it waits for is there; the limits
      // are for a machine under load (make test runs the browser tests
      // side by side with everything else: there a new worker took more
      // than 20 s to take over once).
      const WAIT = 30000;
      const [visit, search1, search2, switchPath, finder] = paths;
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      const controlled = await underWorker(page, base + visit);
      await page.goto(base + search1, { waitUntil: "load" });
      await page.waitForFunction(() => (document.getElementById("search-status") || {}).textContent, null, { timeout: WAIT });
      // The worker keeps the language's whole index once the search has
      // fetched its meta.json: wait until every file of it is kept.
      const lang = search1.split("/")[1];
      const meta = await page.evaluate(async (lang) => (await fetch("/search/" + lang + "/meta.json")).json(), lang);
      const want = 2 + Math.ceil(meta.docs / meta.chunk) + meta.shards.length;
      let n = 0;
      for (let i = 0; i < 120 && n < want; i++) {
        await pause(250);
        n = await keptSearchFiles(page, lang);
      }
      const kept = { n, want };
      if (finder) { // the course finder, online, with a choice: its data is kept
        await page.goto(base + finder, { waitUntil: "load" });
        await page.waitForFunction(() => !document.getElementById("cf-status").hidden, null, { timeout: WAIT });
      }
      await context.setOffline(true);
      const offline = {};
      if (finder) { // offline, another choice: answered from the kept data
        await page.goto(base + finder.split("?")[0] + "?type=literacy", { waitUntil: "load" });
        await page.waitForFunction(() => !document.getElementById("cf-status").hidden, null, { timeout: WAIT }).catch(() => {});
        offline.finder = await page.evaluate(() => ({
          status: document.getElementById("cf-status").textContent,
          courses: document.querySelectorAll("#cf-results li").length,
        }));
      }
      const r1 = await page.goto(base + visit, { waitUntil: "load" });
      offline.status = r1 ? r1.status() : 0;
      offline.h1 = await page.textContent("h1");
      offline.note = await page.evaluate(() => (document.querySelector(".offline-note") || {}).textContent || "");
      await page.goto(base + search2, { waitUntil: "load" });
      await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: WAIT }).catch(() => {});
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
        await Promise.race([changed, new Promise((r) => setTimeout(r, 30000))]);
        const res = await fetch("/sw.js");
        const version = ((await res.text()).match(/VERSION = "([0-9a-f-]+)"/) || [])[1];
        // Until the new worker has kept the page (the old one keeps nothing).
        for (let i = 0; i < 120; i++) {
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
      // axeAt: path → the window widths axe checks it at (none: no axe).
      const { paths: list, widths = [320], parallel = 2, axeAt = {} } = JSON.parse(paths[0]);
      // axe is evaluated in the page (as a test tool, outside the page's CSP)
      // rather than served, so one copy is read once.
      const axeSource = readFileSync(new URL("./node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
      const queue = list.slice();
      // Added to every document of a second context before its own scripts
      // run (outside the page's CSP): compiled once per renderer, not once
      // per page. Pages without axe open in the first context, which saves
      // evaluating it there.
      const axeContext = await newContext({ viewport: { width: 320, height: 740 } });
      // Pages without axe open without the service worker: each page kind
      // still goes through it once (every kind has axe in German or
      // Arabic), and its fetch handler and copies on every other page cost
      // a fifth of the test's CPU time (108 → 88 CPU-seconds); TestOffline
      // checks what it keeps.
      const plainContext = await newContext({ viewport: { width: 320, height: 740 }, serviceWorkers: "block" });
      await axeContext.addInitScript({ content: axeSource });
      const seenBy = new Map(); // page → { errors, external } of its current path
      const open = async (ctx) => {
        const page = await ctx.newPage();
        page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) seenBy.get(page).external.push(r.url()); });
        page.on("console", (m) => { if (m.type() === "error") seenBy.get(page).errors.push(m.text()); });
        page.on("pageerror", (e) => seenBy.get(page).errors.push(String(e)));
        return page;
      };
      const worker = async () => {
        const pages = {};
        for (let path; (path = queue.shift()) !== undefined;) {
          const axeWidths = axeAt[path] || [];
          const withAxe = axeWidths.length > 0;
          const page = pages[withAxe] ||= await open(withAxe ? axeContext : plainContext);
          const errors = [], external = [];
          seenBy.set(page, { errors, external });
          await page.setViewportSize({ width: withAxe ? axeWidths[0] : widths[0], height: 800 });
          const response = await page.goto(base + path, { waitUntil: "load" });
          if (/\/search\/\?/.test(path)) { // a search: its results (and filters) first
            await page.waitForFunction(() => (document.getElementById("search-status") || {}).textContent, null, { timeout: 10000 }).catch(() => {});
            await page.waitForFunction(() => !document.getElementById("search-filter-box").open || document.querySelector("#search-filters select"), null, { timeout: 10000 }).catch(() => {});
          }
          const seen = await page.evaluate(() => ({
            h1: (document.querySelector("h1") || {}).textContent || "",
            lang: document.documentElement.lang,
            dir: document.documentElement.dir,
            main: (document.querySelector("main") || {}).textContent?.trim().length || 0,
            openNow: (document.querySelector("[data-status] .status") || {}).textContent || null,
          }));
          const axe = [];
          for (const width of axeWidths) {
            await page.setViewportSize({ width, height: 800 });
            axe.push(...await page.evaluate(async (width) => {
              const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }, resultTypes: ["violations"] });
              return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")), width }));
            }, width));
          }
          const layout = [];
          for (const width of widths) {
            await page.setViewportSize({ width, height: 800 });
            layout.push({ ...(await page.evaluate(measure)) });
          }
          results.push({ path, status: response.status(), ...seen, errors, external, axe, layout });
        }
        for (const page of Object.values(pages)) await page.close();
      };
      await Promise.all(Array.from({ length: parallel }, worker));
    }
  } finally {
    await Promise.all(opened.map((c) => c.close()));
  }
  return results;
}

const [mode, base, ...paths] = process.argv.slice(2);
if (mode === "serve") {
  const pending = [];
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const { id, args } = JSON.parse(line);
    pending.push(run(args[0], args[1], args.slice(2)).then(
      (results) => process.stdout.write(JSON.stringify({ id, results }) + "\n"),
      (e) => process.stdout.write(JSON.stringify({ id, error: String(e && e.stack || e) }) + "\n")));
  }
  await Promise.all(pending);
  await browser.close();
} else {
  try {
    console.log(JSON.stringify(await run(mode, base, paths)));
  } finally {
    await browser.close();
  }
}
