// The site's service worker, for people with little data and patchy
// signal. Online, every page and search file comes from the network (never
// a stale copy), and a copy is kept; offline, the kept copy is served, and
// a page says when it was saved. The search index of a language is kept
// whole once its search has been opened, so searching works offline too,
// if it is small (KEEP_WHOLE): a large site's index would cost a person's
// data plan megabytes they did not ask for.
// The build writes this file to the site's root with its version: a new
// deploy installs a new worker, which drops the old copies.
"use strict";
const VERSION = "__VERSION__"; // "<build time in ms>-<hash>"
const CACHE = "wegweiser-" + VERSION;
const built = (name) => Number(name.slice("wegweiser-".length).split("-")[0]);

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("wegweiser-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()));
});

// current deletes the copies of older builds and reports whether this
// worker's build is the newest: a worker a new deploy replaced may still
// be finishing work, and must not fill the old copies again.
async function current() {
  let newest = true;
  for (const k of await caches.keys()) {
    if (!k.startsWith("wegweiser-") || k === CACHE) continue;
    if (built(k) > built(CACHE)) newest = false;
    else await caches.delete(k);
  }
  return newest;
}

// keep stores a copy of a response with the time it was saved.
async function keep(key, response) {
  if (!(await current())) return;
  const headers = new Headers(response.headers);
  headers.set("x-wegweiser-saved", new Date().toISOString());
  const body = await response.blob();
  const cache = await caches.open(CACHE);
  await cache.put(key, new Response(body, { status: response.status, statusText: response.statusText, headers }));
}

// KEEP_WHOLE is the most bytes (as the build wrote them, before
// compression) of a search index that is kept whole: about 250 KB
// compressed, a city's index (the example's: 57–70 KB); a state's
// (1.8 MB) or the whole country's (7.4–9.8 MB, 1.6 MB compressed) is
// not. Of those, and whenever the browser asks to save data, only the
// files the searches read are kept.
const KEEP_WHOLE = 1000000;

// keepIndex keeps every file of a language's search index (its meta.json,
// the response to request, names them and says how large they are
// together), once per worker version.
const indexed = new Set();
async function keepIndex(base, request, response) {
  if (indexed.has(base)) return;
  indexed.add(base);
  if (request.headers.get("save-data") === "on" || (self.navigator.connection && self.navigator.connection.saveData)) return;
  const meta = await response.json();
  if (!(meta.bytes <= KEEP_WHOLE)) return;
  const files = ["f.json"];
  for (let i = 0; i * meta.chunk < meta.docs; i++) files.push("d/" + i + ".json");
  for (const k of meta.shards) files.push("t/" + k + ".json");
  for (const k of meta.rests || []) files.push("r/" + k + ".json");
  const cache = await caches.open(CACHE);
  for (const f of files) {
    if (!(await current())) return;
    if (await cache.match(base + f)) continue;
    const r = await fetch(base + f);
    if (r.ok) await keep(base + f, r);
  }
}

// saved serves a kept page, marked with the time it was saved: the page's
// script shows the note.
async function saved(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
  if (!hit) return Response.error();
  const type = hit.headers.get("content-type") || "";
  if (!type.startsWith("text/html")) return hit;
  const text = (await hit.text()).replace("<body", '<body data-saved="' + (hit.headers.get("x-wegweiser-saved") || "") + '"');
  return new Response(text, { status: hit.status, headers: hit.headers });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.includes("/assets/")) {
    // Fingerprinted: a name is never reused for other content.
    event.respondWith(caches.open(CACHE).then((c) => c.match(request)).then((hit) => hit || fetch(request).then((r) => {
      if (r.ok) event.waitUntil(keep(request, r.clone()));
      return r;
    })));
    return;
  }
  // Asked of the server each time (no-cache: a copy in the browser's HTTP
  // cache is revalidated), so a page is never stale online, and offline
  // the kept copy is served with its note.
  const fresh = request.mode === "navigate" ? fetch(url.href, { cache: "no-cache", credentials: "same-origin" }) : fetch(request, { cache: "no-cache" });
  event.respondWith(fresh.then((r) => {
    if (r.ok) {
      // A page is kept under its address without the query: offline, the
      // search page answers any query from the kept index.
      const key = request.mode === "navigate" ? url.origin + url.pathname : request;
      event.waitUntil(keep(key, r.clone()));
      const m = url.pathname.match(/^(.*\/search\/[^/]+\/)meta\.json$/);
      if (m) event.waitUntil(keepIndex(url.origin + m[1], request, r.clone()).catch(() => {}));
    }
    return r;
  }).catch(() => saved(request)));
});
