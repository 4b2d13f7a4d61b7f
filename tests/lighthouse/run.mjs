// Runs Lighthouse (SEO, accessibility, best practices; a phone 360 px wide)
// in Debian's headless Chromium against pages of a built site and fails
// when a category scores under 100. It serves the directory on loopback
// itself, with the headers of its _headers file, as a static host would.
// Run by `make lighthouse`, which builds the example with its base URL set
// to this server's address: canonical and hreflang links must point to the
// host being audited.
//
// Usage: node run.mjs <public-dir> <port> <path>...
// Environment: CHROMIUM (default /usr/bin/chromium).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, extname, normalize } from "node:path";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const [dir, port, ...paths] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}`;

// The _headers file: a path pattern, then indented "Name: value" lines.
const rules = [];
for (const line of (await readFile(join(dir, "_headers"), "utf8")).split("\n")) {
  if (line.startsWith("#") || !line.trim()) continue;
  if (!/^\s/.test(line)) rules.push({ pattern: line.trim(), headers: [] });
  else { const [name, ...v] = line.trim().split(":"); rules.at(-1).headers.push([name, v.join(":").trim()]); }
}
const matches = (pattern, p) => pattern.endsWith("*") ? p.startsWith(pattern.slice(0, -1)) : p === pattern;
const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml", ".txt": "text/plain", ".xml": "application/xml", ".webmanifest": "application/manifest+json" };
const server = createServer(async (req, res) => {
  const p = decodeURIComponent(new URL(req.url, base).pathname);
  for (const r of rules) if (matches(r.pattern, p)) for (const [n, v] of r.headers) res.setHeader(n, v);
  let file = normalize(p).replace(/^(\.\.[/\\])+/, "");
  if (file.endsWith("/")) file += "index.html";
  try {
    const body = await readFile(join(dir, file));
    res.setHeader("Content-Type", types[extname(file)] || "application/octet-stream");
    res.end(body);
  } catch {
    res.statusCode = 404;
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    res.end(await readFile(join(dir, "404.html")).catch(() => "not found"));
  }
});
await new Promise((ok) => server.listen(Number(port), "127.0.0.1", ok));
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM || "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"],
});
const categories = ["seo", "accessibility", "best-practices"];
let failed = false;
try {
  for (const p of paths) {
    const { lhr } = await lighthouse(base + p, {
      port: chrome.port, output: "json", logLevel: "error", onlyCategories: categories,
      formFactor: "mobile", screenEmulation: { mobile: true, width: 360, height: 800, deviceScaleFactor: 2 },
    });
    const scores = categories.map((c) => `${c} ${Math.round(lhr.categories[c].score * 100)}`);
    console.log(`${p}: ${scores.join(", ")}`);
    for (const c of categories) {
      if (lhr.categories[c].score < 1) {
        failed = true;
        for (const ref of lhr.categories[c].auditRefs) {
          const a = lhr.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 1) console.log(`  ${c}: ${a.id}: ${a.title}`);
        }
      }
    }
  }
} finally {
  await chrome.kill();
  server.close();
}
process.exit(failed ? 1 : 0);
