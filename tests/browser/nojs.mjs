// Searches a built site in headless Chromium without JavaScript, through a
// server on loopback that answers with Netlify's own redirect engine
// (netlify-redirector, the matcher of Netlify's local development server)
// reading the build's _redirects, in front of the static files: as on
// Netlify, a rule applies when it is forced or no file is at the path;
// 301/302 answer with a redirect, 200 serves the target's content at the
// asked address, 404 the target with status 404.
//
// Usage:
//   node nojs.mjs <base-url> <_redirects file> <json>
//       json: [{"page": "/de/search/", "q": "Maxvorstadt", "form": "#search-form"}, …]
// For each search: types q into the page's form (default: the search
// page's, #search-form), sends it with
// JavaScript off, and reports where the browser ends up (path, status,
// heading) and whether the first link of the page's main part opens. Then,
// with JavaScript on, sends the first search again and reports the
// address the script made of it. Prints one JSON object.
// Environment: CHROMIUM (default /usr/bin/chromium).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { launch } from "./chromium.mjs";
import redirector from "netlify-redirector";

const [base, rulesFile, json] = process.argv.slice(2);
const searches = JSON.parse(json);
const matcher = await redirector.parsePlain(readFileSync(rulesFile, "utf8"), {});
const origin = new URL(base).origin;

// exists reports whether the static host has a file at path.
const exists = async (path) => (await fetch(origin + path, { method: "HEAD", redirect: "manual" })).status !== 404;

// The host: a server on loopback in front of the static files at base
// that answers as Netlify would with the build's _redirects.
const host = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, "http://" + req.headers.host);
    const rule = matcher.match({
      scheme: "http", host: url.host, path: url.pathname, query: url.search.slice(1),
      getHeader: () => "", getCookie: () => "",
    });
    let target = url.pathname + url.search, status = 0;
    if (rule && (rule.force || !(await exists(url.pathname)))) {
      if (rule.status === 301 || rule.status === 302) {
        res.writeHead(rule.status, { location: rule.to });
        return res.end();
      }
      target = rule.to;
      status = rule.status === 200 ? 0 : rule.status;
    }
    const up = await fetch(origin + target, { redirect: "manual" });
    const headers = {};
    for (const name of ["content-type", "content-security-policy", "location"]) {
      if (up.headers.get(name)) headers[name] = up.headers.get(name);
    }
    res.writeHead(status || up.status, headers);
    res.end(Buffer.from(await up.arrayBuffer()));
  } catch (e) {
    res.writeHead(500);
    res.end(String(e));
  }
});
await new Promise((ok) => host.listen(0, "127.0.0.1", ok));
const front = "http://127.0.0.1:" + host.address().port;

const browser = await launch();
const out = { searches: [] };
try {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  for (const s of searches) {
    await page.goto(front + s.page);
    const form = s.form || "#search-form";
    await page.fill(form + " input[type=search]", s.q);
    const [response] = await Promise.all([page.waitForNavigation(), page.click(form + " button[type=submit]")]);
    const url = new URL(page.url());
    const r = { page: s.page, q: s.q, path: decodeURI(url.pathname), status: response.status(), h1: (await page.textContent("h1")).trim() };
    const link = page.locator("main a[href]").first();
    if (await link.count()) {
      const href = await link.getAttribute("href");
      const res = await page.request.get(new URL(href, page.url()).href);
      r.link = { href, status: res.status() };
    }
    out.searches.push(r);
  }
  await context.close();

  // With JavaScript, the script takes the form: no nojs in the address.
  const js = await browser.newContext();
  const jsPage = await js.newPage();
  await jsPage.goto(front + searches[0].page);
  await jsPage.fill("#q", searches[0].q);
  await jsPage.press("#q", "Enter");
  await jsPage.waitForFunction(() => location.search.includes("q="), null, { timeout: 10000 });
  out.withScript = { path: new URL(jsPage.url()).pathname, query: new URL(jsPage.url()).search };
} finally {
  await browser.close();
  host.close();
}
process.stdout.write(JSON.stringify(out));
