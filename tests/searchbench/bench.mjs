// Search benchmark: Wegweiser's static index against Pagefind on the same
// built site, in the same run, in headless Chromium.
//
// Usage (from the repository root; see docs/search.md):
//   node tests/searchbench/bench.mjs [flags] <public-dir>
//     --lang de              interface language whose search is measured
//     --pagefind-out DIR     where Pagefind writes its index (default <public-dir>/../pagefind)
//     --reuse-pagefind       keep an index already in --pagefind-out
//     --no-pagefind          measure Wegweiser alone (Pagefind 1.6 needed more
//                            than 17 GB for the 297,744 pages of the national
//                            benchmark site of 2026-12-04, and was killed)
//     --latency MS --kbps N  also measure over an emulated slow network
//     --block-service-worker the site's service worker off (it takes over the
//                            page during the first query and sees every fetch)
//     --json                 print the raw measurements as JSON as well
//
// Both engines are served by the same loopback server from the same
// public/ (Pagefind's index from --pagefind-out under /pagefind/), with
// gzip for every response that is not compressed already, as static hosts
// do. Bytes are counted by the server: response bodies as sent, headers
// left out. Each pair of queries runs in a fresh browser context: the first
// query right after the page has loaded, then a follow-up query.
//
// Time to result: for Wegweiser, from the start of the search (the
// performance mark search.js sets after the 120 ms typing pause) to the
// results on screen (the first 20 titles with snippets); for Pagefind, from
// calling pagefind.search() to the data of the first 10 results (titles and
// excerpts; Pagefind's UI shows 5). Pagefind indexes <main> of the same
// pages Wegweiser indexes (entries and content pages, not the listings).
import { chromium } from "playwright-core";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf("--" + name);
  if (i < 0) return def;
  const v = typeof def === "boolean" ? true : args[i + 1];
  args.splice(i, typeof def === "boolean" ? 1 : 2);
  return v;
};
const lang = flag("lang", "de");
const reuse = flag("reuse-pagefind", false);
const noPagefind = flag("no-pagefind", false);
const blockWorker = flag("block-service-worker", false);
const asJSON = flag("json", false);
const latency = Number(flag("latency", "0"));
const kbps = Number(flag("kbps", "0"));
let pfOut = flag("pagefind-out", "");
const site = resolve(args[0] || "public");
if (!existsSync(join(site, "search", lang, "meta.json"))) {
  console.error(`bench: ${site} has no search/${lang}/meta.json: build the site first`);
  process.exit(2);
}
pfOut = resolve(pfOut || join(site, "..", "pagefind"));

// Query pairs: what a person types first, then how they refine it.
const QUERIES = {
  de: [["integrationskurs", "integrationskurs kinder"], ["beratung arabisch", "beratung arabisch jmd"],
    ["sprachkurs", "sprachkurs abends"], ["anerkennung", "anerkennung ausbildung"], ["wohnung", "wohnung familie"]],
  en: [["integration course", "integration course children"], ["counselling", "counselling housing"],
    ["recognition", "recognition training"]],
  ar: [["استشارة", "استشارة السكن"], ["دورة اللغة", "دورة اللغة الأطفال"]],
  uk: [["консультація", "консультація житло"], ["мовний курс", "мовний курс діти"]],
};
const pairs = QUERIES[lang] || QUERIES.de;

// --- sizes on disk ---
function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out); else out.push(p);
  }
  return out;
}
function sizes(dir, precompressed) {
  let raw = 0, gz = 0, files = 0;
  for (const f of walk(dir)) {
    const b = readFileSync(f);
    files++;
    raw += b.length;
    gz += precompressed(f) ? b.length : gzipSync(b, { level: 6 }).length;
  }
  return { files, raw, gz };
}

// --- Pagefind indexing ---
let pagefindSeconds = null;
if (!noPagefind && (!reuse || !existsSync(join(pfOut, "pagefind.js")))) {
  const bin = join(here, "node_modules", ".bin", "pagefind");
  if (!existsSync(bin)) {
    console.error("bench: Pagefind is missing: npm ci --prefix tests/searchbench");
    process.exit(2);
  }
  const glob = "*/{offices,offers,courses,advisors,districts,providers,topics,programs,languages,integrationskurs,mbe-jmd,ueber-uns,open-data}/**/*.html";
  const t = Date.now();
  const r = spawnSync(bin, ["--site", site, "--output-path", pfOut, "--root-selector", "main", "--glob", glob],
    { encoding: "utf8", maxBuffer: 1 << 26 });
  pagefindSeconds = (Date.now() - t) / 1000;
  if (r.status !== 0) {
    console.error(r.stdout.slice(-4000), r.stderr.slice(-4000));
    process.exit(1);
  }
  const pages = /Indexed (\d+) pages?/.exec(r.stdout);
  console.error(`pagefind: indexed ${pages ? pages[1] : "?"} pages in ${pagefindSeconds.toFixed(1)} s`);
}

// --- the server ---
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".json": "application/json",
  ".css": "text/css", ".svg": "image/svg+xml", ".wasm": "application/wasm" };
let log = [];
const server = createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  let path = decodeURIComponent(url.pathname);
  if (path === "/__bench/blank.html") {
    const body = `<!doctype html><html lang="${lang}"><meta charset="utf-8"><title>bench</title><main></main></html>`;
    res.writeHead(200, { "content-type": TYPES[".html"], "cache-control": "no-store" });
    return res.end(body);
  }
  let file = path.startsWith("/pagefind/") ? join(pfOut, path.slice("/pagefind/".length)) : join(site, path);
  if (!file.startsWith(site) && !file.startsWith(pfOut)) { res.writeHead(403); return res.end(); }
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!existsSync(file)) { res.writeHead(404); return res.end(); }
  let body = readFileSync(file);
  const headers = { "content-type": TYPES[extname(file)] || "application/octet-stream", "cache-control": "no-store" };
  // Pagefind's index files are gzip-compressed by Pagefind itself.
  const pre = path.startsWith("/pagefind/") && /\.pf_|wasm\./.test(path);
  if (!pre && /gzip/.test(req.headers["accept-encoding"] || "")) {
    body = gzipSync(body, { level: 6 });
    headers["content-encoding"] = "gzip";
  }
  log.push({ path, bytes: body.length });
  res.writeHead(200, headers);
  res.end(body);
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;

// --- measuring ---
const isCode = (p) => /^\/assets\/search\.[^/]*js$/.test(p) || /^\/pagefind\/(pagefind\.js|wasm\.)/.test(p);
// f.json holds the facets, needed for the filter counts only.
const isFilter = (p) => p === `/search/${lang}/f.json`;
const isIndex = (p) => (p.startsWith(`/search/${lang}/`) && !isFilter(p)) || (p.startsWith("/pagefind/") && !isCode(p));
function take() {
  const l = log;
  log = [];
  const code = l.filter((e) => isCode(e.path)), index = l.filter((e) => isIndex(e.path)), filter = l.filter((e) => isFilter(e.path));
  const sum = (es) => es.reduce((n, e) => n + e.bytes, 0);
  return { code: sum(code), index: sum(index), filter: sum(filter), requests: l.filter((e) => !e.pseudo && (isCode(e.path) || isIndex(e.path))).length };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, serviceWorkers: blockWorker ? "block" : "allow" });
  const page = await context.newPage();
  if (latency || kbps) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency,
      downloadThroughput: (kbps || 100000) * 1000 / 8, uploadThroughput: (kbps || 100000) * 1000 / 8 });
  }
  return { context, page };
}

async function wegweiser(q1, q2) {
  const { context, page } = await newPage();
  const path = `/${lang === "de" ? "de" : lang}/search/`;
  take();
  await page.goto(base + path, { waitUntil: "networkidle" });
  // What the page fetches of the index before any query (meta.json)
  // counts to the first query.
  const pageLoad = take();
  log.push({ path: `/search/${lang}/(before the query)`, bytes: pageLoad.index, pseudo: true });
  const out = { engine: "wegweiser", pageCode: pageLoad.code, queries: [] };
  for (const q of [q1, q2]) {
    const done = await page.evaluate(() => performance.getEntriesByType("mark").filter((m) => m.name.includes("-done-")).length);
    await page.fill("#q", q);
    await page.waitForFunction((n) => performance.getEntriesByType("mark").filter((m) => m.name.includes("-done-")).length > n, done, { timeout: 30000 });
    const ms = await page.evaluate(() => {
      const marks = performance.getEntriesByType("mark");
      const d = marks.filter((m) => m.name.includes("-done-")).pop();
      const s = marks.find((m) => m.name === d.name.replace("-done-", "-start-"));
      return d.startTime - s.startTime;
    });
    const n = await page.locator("#search-results li").count();
    const atResults = take();
    // Then the filters with their counts, which need f.json: folded away
    // until opened (search.js fetches f.json then), opened here after the
    // first query's results, as a person who wants to narrow them would.
    const box = page.locator("#search-filter-box");
    if (await box.isVisible()) {
      if (!(await box.evaluate((d) => d.open))) await page.click("#search-filter-box summary");
      await page.waitForFunction((n) => performance.getEntriesByType("mark").filter((m) => m.name.includes("-filters-")).length > n, done, { timeout: 30000 });
    }
    const filters = take();
    out.queries.push({ q, ms, results: n, first: await page.locator("#search-results li a").first().textContent().catch(() => ""),
      // The filters' bytes: f.json, and the rests of the postings when
      // the first results came from their heads (search.js reads them then).
      code: atResults.code + filters.code, index: atResults.index, filterIndex: atResults.filter + filters.filter + filters.index,
      requests: atResults.requests + filters.requests });
  }
  await context.close();
  return out;
}

async function pagefind(q1, q2) {
  const { context, page } = await newPage();
  take();
  await page.goto(base + "/__bench/blank.html", { waitUntil: "load" });
  await page.evaluate(async () => { window.pf = await import("/pagefind/pagefind.js"); });
  const pageLoad = take();
  log.push({ path: "/pagefind/(before the query)", bytes: pageLoad.index, pseudo: true });
  const out = { engine: "pagefind", pageCode: pageLoad.code, queries: [] };
  for (const q of [q1, q2]) {
    const r = await page.evaluate(async (q) => {
      const t = performance.now();
      const s = await window.pf.search(q);
      const data = await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
      return { ms: performance.now() - t, results: s.results.length, first: data[0] ? data[0].meta.title : "" };
    }, q);
    out.queries.push({ q, ...r, ...take(), filterIndex: 0 });
  }
  await context.close();
  return out;
}

const runs = [];
for (const [q1, q2] of pairs) {
  runs.push(await wegweiser(q1, q2));
  if (!noPagefind) runs.push(await pagefind(q1, q2));
}
await browser.close();
server.close();

// --- report ---
const ours = sizes(join(site, "search"), () => false);
const theirs = noPagefind ? null : sizes(pfOut, (f) => /\.pf_|wasm\./.test(f));
const kb = (n) => (n / 1024).toFixed(1) + " KB";
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const max = (xs) => Math.max(...xs);
const docs = JSON.parse(readFileSync(join(site, "search", lang, "meta.json"))).docs;
function summary(engine) {
  const rs = runs.filter((r) => r.engine === engine);
  const first = rs.map((r) => r.queries[0]), next = rs.map((r) => r.queries[1]);
  return {
    script: median(rs.map((r) => r.pageCode + r.queries[0].code)),
    firstIndex: median(first.map((q) => q.index)), firstIndexMax: max(first.map((q) => q.index)),
    firstTotal: median(first.map((q) => q.index + q.code)),
    firstFilters: median(first.map((q) => q.index + q.code + q.filterIndex)),
    firstFiltersMax: max(first.map((q) => q.index + q.code + q.filterIndex)),
    firstReq: median(first.map((q) => q.requests)),
    nextIndex: median(next.map((q) => q.index)), nextIndexMax: max(next.map((q) => q.index)),
    firstMs: median(first.map((q) => q.ms)), firstMsMax: max(first.map((q) => q.ms)),
    nextMs: median(next.map((q) => q.ms)),
  };
}
const w = summary("wegweiser"), p = noPagefind ? null : summary("pagefind");
const pf = (f) => (p ? f(p, theirs) : "not run"); // Pagefind's column
const rows = [
  ["entries in the index (" + lang + ")", String(docs), "same pages"],
  ["index on disk, all languages (files)", `${kb(ours.raw)} (${ours.files})`, pf((p, t) => `${kb(t.raw)} (${t.files})`)],
  ["index on disk, gzip", kb(ours.gz), pf((p, t) => kb(t.gz))],
  ["search code (gzip)", kb(w.script), pf((p) => kb(p.script))],
  ["first query: index bytes, median (max)", `${kb(w.firstIndex)} (${kb(w.firstIndexMax)})`, pf((p) => `${kb(p.firstIndex)} (${kb(p.firstIndexMax)})`)],
  ["first query: code + index, median", kb(w.firstTotal), pf((p) => kb(p.firstTotal))],
  ["first query, filters opened: median (max)", `${kb(w.firstFilters)} (${kb(w.firstFiltersMax)})`, "no filters configured"],
  ["first query: requests, median", String(w.firstReq), pf((p) => String(p.firstReq))],
  ["follow-up query: bytes, median (max)", `${kb(w.nextIndex)} (${kb(w.nextIndexMax)})`, pf((p) => `${kb(p.nextIndex)} (${kb(p.nextIndexMax)})`)],
  ["first query: ms to results, median (max)", `${w.firstMs.toFixed(0)} (${w.firstMsMax.toFixed(0)})`, pf((p) => `${p.firstMs.toFixed(0)} (${p.firstMsMax.toFixed(0)})`)],
  ["follow-up query: ms to results, median", w.nextMs.toFixed(0), pf((p) => p.nextMs.toFixed(0))],
];
if (pagefindSeconds !== null) rows.push(["indexing time (Pagefind run alone)", "part of the build", pagefindSeconds.toFixed(1) + " s"]);
const net = latency || kbps ? `, network ${latency} ms latency, ${kbps || "unlimited"} kbit/s` : ", loopback";
console.log(`search benchmark: ${site} (${lang}, ${pairs.length} query pairs${net})`);
const width = [Math.max(...rows.map((r) => r[0].length)), 22];
console.log("".padEnd(width[0]) + "  " + "Wegweiser".padEnd(width[1]) + "  Pagefind");
for (const r of rows) console.log(r[0].padEnd(width[0]) + "  " + r[1].padEnd(width[1]) + "  " + r[2]);
console.log("\nper query (bytes to results, + bytes for filter counts, ms to results, results, first result):");
for (const r of runs) for (const q of r.queries) {
  console.log(`  ${r.engine.padEnd(9)} ${JSON.stringify(q.q).padEnd(34)} ${kb(q.index + q.code).padStart(9)} ${("+" + kb(q.filterIndex)).padStart(10)} ${q.ms.toFixed(0).padStart(5)} ms ${String(q.results).padStart(6)}  ${(q.first || "").trim().slice(0, 40)}`);
}
const verdict = [
  [w.firstIndexMax + w.script < 60 * 1024, "first query under 60 KB to results (code + index, worst pair)"],
  [w.firstFiltersMax < 60 * 1024, "first query under 60 KB with the filters opened (worst pair)"],
  [w.firstMsMax < 100, "first query under 100 ms to results (worst pair)"],
];
if (p) verdict.push([w.firstTotal < p.firstTotal && w.nextIndex <= p.nextIndex, "fewer bytes than Pagefind (first and follow-up)"]);
console.log("\ntargets:");
for (const [ok, what] of verdict) console.log(`  ${ok ? "met " : "MISSED"} ${what}`);
if (asJSON) console.log(JSON.stringify({ ours, theirs, runs }, null, 1));
