// Search over the static index in search/{lang}/ (see internal/search).
// The query is folded exactly like the index (internal/search/fold.go);
// each word is looked up in the shard of its first two characters, as the
// word, as a prefix, as a stem plus an ending, or with one typo (words of 5
// or more letters). Every word must match; if no entry has all, entries
// with some come instead. A common word's shard holds only the head of
// its postings (the highest weights): when the heads decide the first
// results, they show with "about N results", and the rest of the
// postings is read only for "more results" or the filters; the results
// are the same either way (internal/search, decide). Results, filters
// and counts update as you type; the query and the filters live in the
// address, so a search is a link.
// The filters are folded away under "filter results" until opened (or set
// in the address): their data (f.json) is fetched only then — at national
// scale it is larger than the rest of a search — and opening them never
// moves results already on screen.
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root) return;
  var form = document.getElementById("search-form");
  var input = form.elements.q;
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var filterBox = document.getElementById("search-filters");
  var filterFold = document.getElementById("search-filter-box"); // <details>
  var filterSet = document.getElementById("search-filter-set"); // the filters set, in its summary
  var more = document.getElementById("search-more");
  var PAGE = 10; // results shown at first, and added by "more results" (search.FirstResults)
  var num = window.wegweiserNumber || String; // counts as the page's language writes them (site.js)
  var index = root.getAttribute("data-index");
  var prefix = root.getAttribute("data-root");
  var indexHTML = root.getAttribute("data-index-html") === "true";
  var rtl = (root.getAttribute("data-rtl") || "").split(" ");
  var FACETS = ["kind", "district", "language", "program", "type"];
  if (location.protocol === "file:") {
    // Opened from disk: browsers refuse to read the index from file:.
    status.textContent = root.getAttribute("data-file");
    status.className = "notice";
    return;
  }

  // --- folding: keep equal to internal/search/fold.go ---
  var LETTERS = [["\u0640", ""], ["\u200c", ""], ["أ", "ا"], ["إ", "ا"], ["آ", "ا"], ["ٱ", "ا"],
    ["ى", "ي"], ["ی", "ي"], ["ة", "ه"], ["ک", "ك"], ["ı", "i"], ["ς", "σ"]];
  var ARTICLES = ["وال", "بال", "كال", "فال", "لل", "ال"];
  function strip(s) { return s.normalize("NFD").replace(/\p{Mn}/gu, "").replace(/ß/g, "ss"); }
  function article(w) {
    for (var i = 0; i < ARTICLES.length; i++) {
      var a = ARTICLES[i];
      if (w.indexOf(a) === 0 && Array.from(w.slice(a.length)).length >= 3) return w.slice(a.length);
    }
    return w;
  }
  function fold(word) {
    var w = word.toLowerCase();
    LETTERS.forEach(function (p) { w = w.split(p[0]).join(p[1]); });
    var ae = w.replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss");
    var forms = [article(strip(ae))], plain = article(strip(w));
    if (plain !== forms[0]) forms.push(plain);
    return forms;
  }
  function tokens(text) { return text.match(/[\p{L}\p{N}\p{M}\u200c]+/gu) || []; }
  // The shards a term's matches can be in: those named by its first 2, 3
  // or 4 characters (large shards are split by more characters), and, for
  // a term shorter than a shard's key, every shard whose key it begins.
  function shardsFor(term, keys) {
    var q = Array.from(term).slice(0, 4).map(function (c) { return c.codePointAt(0).toString(16); });
    return keys.filter(function (k) {
      var p = k.split("-");
      for (var i = 0; i < Math.min(p.length, q.length); i++) if (p[i] !== q[i]) return false;
      return true;
    });
  }
  window.wegweiserFold = fold; // for the consistency tests, as decide below

  // --- loading ---
  // A file that cannot be fetched (offline, and not kept by the service
  // worker) is null, and noted in missed: the results may lack entries.
  var cache = {}, missed = {};
  function get(path) {
    if (!cache[path]) {
      cache[path] = fetch(index + path).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; })
        .then(function (v) {
          if (v === null) { missed[path] = true; delete cache[path]; } // asked again next time: the connection may be back
          return v;
        });
    }
    return cache[path];
  }

  // --- matching ---
  function edit1(a, b) { // at most one insertion, deletion, substitution or swap of neighbours
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (a.length === b.length) {
      return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
    }
    return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }
  function match(q, t) {
    if (t === q) return 1;
    if (q.length >= 2 && t.indexOf(q) === 0) return 0.55 + 0.35 * q.length / t.length;
    if (t.length >= 4 && q.indexOf(t) === 0 && q.length - t.length <= 4) return 0.8;
    if (q.length >= 5 && t.length >= 4 && edit1(q, t)) return 0.6;
    return 0;
  }
  // withHeads adds the heads of compound words ("sprachkurs" → "kurs"),
  // found at a lower weight.
  function withHeads(forms, heads) {
    var out = forms.map(function (f) { return [f, 1]; });
    forms.forEach(function (f) {
      heads.forEach(function (h) {
        if (f.length >= h.length + 3 && f.slice(-h.length) === h) out.push([h, 0.7]);
      });
    });
    return out;
  }
  // A term's postings as its shard holds them (internal/search/static.go):
  // groups [weight, doc, gap, gap, …], the name of a term of the same
  // shard with the same postings, or, for a long term, its head {n: how
  // many in all, w: the rest's highest weight, c: the head's last
  // document of weight w or -1, h: groups}, whose rest is in the shard's
  // r/ file (rest, once read).
  function entry(shard, rest, t) {
    var name = t, p = shard[t];
    if (typeof p === "string") { name = p; p = shard[p]; }
    if (!p) return null;
    if (Array.isArray(p)) {
      var n = 0;
      p.forEach(function (g) { n += g.length - 1; });
      return { groups: p, n: n, whole: true };
    }
    if (rest) return { groups: p.h.concat(rest[name] || []), n: p.n, whole: true };
    return { groups: p.h, n: p.n, whole: false, w: p.w, c: p.c };
  }
  // scoreWord returns a query word's best score for each document (0: no
  // match; every score is above 0), how many documents it matched, the
  // bounds of the rests not read (what they can add: at most hi, and lo
  // for a document up to cut) and the most postings of a term it matched.
  // The scores are in a typed array, not an object keyed by document: a
  // common word matches most of 31,000 entries at national scale, which
  // an object took several times as long to fill (and a cheap phone
  // several times as long again).
  function scoreWord(forms, q) {
    var meta = q.meta, best = new Float64Array(meta.docs), hits = 0, bounds = [], most = 0;
    forms.forEach(function (form) {
      var w = form[0], factor = form[1];
      shardsFor(w, meta.shards).forEach(function (k) {
        var shard = q.shards[k];
        if (!shard) return;
        Object.keys(shard).forEach(function (t) {
          var m = match(w, t) * factor;
          if (!m) return;
          var e = entry(shard, q.rests[k], t);
          if (!e || !e.n) return;
          var idf = Math.log(1 + meta.docs / e.n);
          most = Math.max(most, e.n);
          e.groups.forEach(function (g) {
            var s = m * g[0] * idf, doc = 0;
            for (var i = 1; i < g.length; i++) {
              doc += g[i];
              if (best[doc] < s) {
                if (!best[doc]) hits++;
                best[doc] = s;
              }
            }
          });
          if (!e.whole) bounds.push({ hi: m * e.w * idf, lo: m * (e.w - 1) * idf, cut: e.c, key: k });
        });
      });
    });
    return { best: best, hits: hits, bounds: bounds, n: most };
  }
  // scoreAll scores the words of a query with the postings read so far;
  // rests names the shards whose r/ file they lack.
  function scoreAll(q) {
    var per = [], rests = [];
    q.folded.forEach(function (fs) {
      var m = scoreWord(fs, q);
      if (!m.hits) return;
      per.push(m);
      m.bounds.forEach(function (b) { if (rests.indexOf(b.key) < 0) rests.push(b.key); });
    });
    return { per: per, rests: rests };
  }
  // rankAll reads the rests a query lacks and returns all its documents,
  // best first: those with every word; if none has all, those with some,
  // scaled by the share of words they have. first: scoreAll(q), if made.
  function rankAll(q, first) {
    first = first || scoreAll(q);
    return Promise.all(first.rests.map(function (k) {
      return get("r/" + k + ".json").then(function (r) { if (r) q.rests[k] = r; });
    })).then(function () {
      var per = first.rests.length ? scoreAll(q).per : first.per;
      var n = q.meta.docs, score = new Float64Array(n), count = new Uint8Array(n), docs = [], d;
      per.forEach(function (m) {
        for (var d = 0, b = m.best; d < n; d++) if (b[d]) { score[d] += b[d]; count[d]++; }
      });
      for (d = 0; d < n; d++) if (count[d] && count[d] === per.length) docs.push(d);
      if (!docs.length) for (d = 0; d < n; d++) if (count[d]) { score[d] *= count[d] / per.length; docs.push(d); }
      docs.sort(function (a, b) { return score[b] - score[a] || a - b; });
      return docs;
    });
  }
  // decide returns the first k documents of a query's answer from the
  // heads of its postings, or null when the rests could change them: k
  // documents have every word in a head, the first k with scores no rest
  // can raise, and no other document (seen in a head, or in none) can
  // score more than the k-th, or as much with a smaller number. Keep
  // equal to decide in internal/search/query.go.
  function upTo(w, d) {
    var b = 0;
    w.bounds.forEach(function (r) { b = Math.max(b, d > r.cut ? r.hi : r.lo); });
    return b;
  }
  function decide(per, k, n) {
    var all = [], low = new Float64Array(n), inTop = {}, d, i;
    for (d = 0; d < n; d++) {
      var sum = 0, every = true;
      for (i = 0; i < per.length; i++) {
        var v = per[i].best[d];
        if (!v) { every = false; break; }
        sum += v;
      }
      if (every) { all.push(d); low[d] = sum; }
    }
    if (all.length < k || k <= 0) return null;
    all.sort(function (a, b) { return low[b] - low[a] || a - b; });
    var top = all.slice(0, k), sk = low[top[k - 1]], dk = top[k - 1];
    function upper(d) { // -1: d lacks a word
      var u = 0;
      for (var i = 0; i < per.length; i++) {
        var v = Math.max(per[i].best[d], upTo(per[i], d));
        if (!v) return -1;
        u += v;
      }
      return u;
    }
    for (i = 0; i < k; i++) {
      inTop[top[i]] = true;
      if (upper(top[i]) !== low[top[i]]) return null;
    }
    for (d = 0; d < n; d++) {
      if (inTop[d] || !per.some(function (w) { return w.best[d] > 0; })) continue;
      var u = upper(d);
      if (u >= 0 && (u > sk || u === sk && d < dk)) return null;
    }
    // A document in no head has every word only through the rests: not
    // at all if a word has none.
    var hi = 0, below = 0;
    for (i = 0; i < per.length; i++) {
      if (!per[i].bounds.length) return top;
      hi += upTo(per[i], Infinity);
      below += upTo(per[i], dk - 1);
    }
    return hi > sk || below >= sk ? null : top;
  }
  window.wegweiserDecide = decide;
  // estimate returns about how many documents have every word, were they
  // independent: two significant digits, at least n.
  function estimate(per, docs, n) {
    var est = docs;
    per.forEach(function (w) { est *= w.n / docs; });
    var e = Math.round(est);
    if (e >= 100) {
      var p = 1;
      while (Math.floor(e / p) >= 100) p *= 10;
      e = Math.round(e / p) * p;
    }
    return Math.max(e, n);
  }

  // --- state in the address ---
  function readState() {
    var u = new URLSearchParams(location.search), st = { q: u.get("q") || "", f: {} };
    FACETS.forEach(function (k) { if (u.get(k)) st.f[k] = u.get(k); });
    return st;
  }
  function writeState(st) {
    var u = new URLSearchParams();
    if (st.q) u.set("q", st.q);
    FACETS.forEach(function (k) { if (st.f[k]) u.set(k, st.f[k]); });
    history.replaceState(null, "", location.pathname + (u.toString() ? "?" + u : ""));
  }

  // Performance marks "wegweiser-search-start-N", "-done-N" and
  // "-filters-N" time each search from its start (after the typing pause)
  // to its results on screen and to its filters with counts.
  function mark(what, n) { if (window.performance && performance.mark) performance.mark("wegweiser-search-" + what + "-" + n); }

  // found: all the documents of the last search, best first, before
  // filters; null while only its first are known, from the heads (pending:
  // that query, whose rests "more results" and the filters read).
  var state = readState(), seq = 0, found = null, pending = null;
  input.value = state.q;
  if (anyFilter()) filterFold.open = true;

  function run() {
    var my = ++seq, words = tokens(state.q).filter(function (w) { return w.length >= 2 || /\p{N}/u.test(w); });
    mark("start", my);
    missed = {};
    found = pending = null;
    if (!words.length) { list.innerHTML = ""; status.textContent = ""; filterBox.innerHTML = ""; filterFold.hidden = true; if (more) more.hidden = true; return; }
    get("meta.json").then(function (meta) {
      if (!meta) return null;
      var folded = words.map(function (w) { return withHeads(fold(w), meta.heads || []); }), keys = {};
      folded.forEach(function (fs) { fs.forEach(function (f) { shardsFor(f[0], meta.shards).forEach(function (k) { keys[k] = true; }); }); });
      // The facets are needed first only when a filter is set; otherwise
      // results show as soon as the terms are in, and the filters follow.
      return Promise.all([meta, anyFilter() ? loadFacets() : null].concat(Object.keys(keys).map(function (k) {
        return get("t/" + k + ".json").then(function (s) { return [k, s]; });
      }))).then(function (all) { all.push(folded); return all; });
    }).then(function (all) {
      if (my !== seq) return;
      if (!all) { list.innerHTML = ""; filterFold.hidden = true; if (more) more.hidden = true; showStatus(0); return; }
      var q = { folded: all.pop(), meta: all[0], shards: {}, rests: {} };
      all.slice(2).forEach(function (e) { if (e[1]) q.shards[e[0]] = e[1]; });
      // First the heads of the postings: if they decide the first
      // results, those show with an estimate of how many there are.
      var first = scoreAll(q), top = first.rests.length && !filterFold.open && !anyFilter() ? decide(first.per, PAGE, q.meta.docs) : null;
      if (top) {
        pending = q;
        show(top, q.meta, my, PAGE, estimate(first.per, q.meta.docs, top.length)).then(function () {
          if (my === seq) filterFold.hidden = false;
        });
        return;
      }
      rankAll(q, first).then(function (docs) {
        if (my !== seq) return;
        found = docs;
        render(docs, q.meta, my).then(function () {
          if (my !== seq) return;
          filterFold.hidden = docs.length < 2 && !anyFilter();
          if (filterFold.open) filters(my);
        });
      });
    });
  }
  // whole reads the rests of the last search if only its first results
  // are known, and resolves to all its documents.
  function whole(my) {
    if (found || !pending) return Promise.resolve(found);
    return rankAll(pending).then(function (docs) {
      if (my === seq) { found = docs; pending = null; }
      return docs;
    });
  }
  function anyFilter() { return FACETS.some(function (k) { return state.f[k]; }); }
  // filters shows the filters with their counts for the results found,
  // fetching their data if it is not yet loaded.
  function filters(my) {
    if (!found && !pending) return;
    if (!filterBox.firstChild) filterBox.textContent = "…";
    var estimated = !found; // the status says "about": now the number (no filter is set then)
    Promise.all([whole(my), loadFacets()]).then(function (r) {
      var docs = r[0], facets = r[1];
      if (my !== seq || !docs) return;
      if (estimated || !facets) showStatus(docs.length); // the results on screen stay
      if (facets) { renderFilters(docs, facets); mark("filters", my); } else filterBox.textContent = "";
    });
  }
  filterFold.addEventListener("toggle", function () { if (filterFold.open) filters(seq); });

  // f.json holds the facets as columns; loadFacets turns them into one
  // entry per document: [kind, district, program, type, [languages]].
  var facetsLoaded;
  function loadFacets() {
    if (!facetsLoaded) {
      facetsLoaded = get("f.json").then(function (f) {
        if (!f) { facetsLoaded = null; return null; } // asked again next time
        var kind = [], district = [];
        f.kind.forEach(function (r) { for (var i = 0; i < r[1]; i++) kind.push(r[0]); });
        f.district.forEach(function (r) { for (var i = 0; i < r[1]; i++) district.push(r[0]); });
        f.docs = kind.map(function (k, d) { return [k, district[d], f.program[d], f.type[d], f.language[d]]; });
        return f;
      });
    }
    return facetsLoaded;
  }

  // facets.docs: per document [kind, district, program, type, [languages]].
  var POS = { kind: [0, "kinds"], district: [1, "districts"], program: [2, "programs"], type: [3, "types"] };
  function facetValue(facets, doc, k) {
    var f = facets.docs[doc];
    if (k === "language") return f[4].map(function (x) { return facets.languages[x]; });
    var i = POS[k][0];
    return f[i] < 0 ? [] : [facets[POS[k][1]][f[i]]];
  }
  function passes(facets, doc, except) {
    if (!facets) return true;
    return FACETS.every(function (k) {
      return k === except || !state.f[k] || facetValue(facets, doc, k).indexOf(state.f[k]) >= 0;
    });
  }

  // render shows the results; it needs the facets only to apply filters.
  function render(docs, meta, my, limit) {
    if (!anyFilter()) return show(docs, meta, my, limit);
    return loadFacets().then(function (facets) {
      if (my === seq) return show(docs.filter(function (d) { return passes(facets, d); }), meta, my, limit);
    });
  }
  // show lays out the first limit of shown and says how many there are:
  // shown.length, or about (an estimate) when only the first are known.
  function show(shown, meta, my, limit, about) {
    limit = limit || PAGE;
    var top = shown.slice(0, limit), chunks = {};
    top.forEach(function (d) { chunks[Math.floor(d / meta.chunk)] = true; });
    return Promise.all(Object.keys(chunks).map(function (n) { return get("d/" + n + ".json").then(function (c) { return [n, c]; }); })).then(function (cs) {
      if (my !== seq) return;
      var byChunk = {};
      cs.forEach(function (c) { byChunk[c[0]] = c[1]; });
      list.innerHTML = "";
      top.forEach(function (d) {
        var doc = byChunk[Math.floor(d / meta.chunk)][d % meta.chunk];
        var li = document.createElement("li"), a = document.createElement("a");
        var parts = doc[0].split("#");
        a.href = prefix + parts[0] + (indexHTML ? "index.html" : "") + (parts[1] ? "#" + parts[1] : "");
        a.textContent = doc[1];
        if (doc[2]) { a.lang = doc[2]; a.dir = rtl.indexOf(doc[2]) >= 0 ? "rtl" : "ltr"; }
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = (meta.kinds || {})[doc[4]] || "";
        li.appendChild(a);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(kind);
        if (doc[3]) { var sn = document.createElement("small"); sn.textContent = doc[3]; li.appendChild(document.createElement("br")); li.appendChild(sn); }
        list.appendChild(li);
      });
      showStatus(about || shown.length, about);
      if (more) {
        more.hidden = (about || shown.length) <= limit;
        more.onclick = function () {
          var next = list.children.length; // where focus goes: the first new result
          (about ? whole(my).then(function (docs) { return docs && my === seq ? render(docs, meta, my, limit + PAGE) : null; })
            : show(shown, meta, my, limit + PAGE)).then(function () {
            var a = list.children[next] && list.children[next].querySelector("a");
            if (a) a.focus();
          });
        };
      }
      mark("done", my);
    });
  }

  // showStatus says how many results there are, and that they may be
  // incomplete if a file of the index could not be fetched.
  // about: n is an estimate.
  function showStatus(n, about) {
    var offline = Object.keys(missed).length ? root.getAttribute("data-offline") : "";
    if (!n) status.textContent = offline || root.getAttribute("data-none"); // not "try other words" when files are missing
    else status.textContent = root.getAttribute(about ? "data-about" : "data-results").replace("{n}", num(n)) + (offline ? " " + offline : "");
  }

  // renderFilters lays out a select per facet whose values differ among
  // the results (or that is set), each value with the number of results
  // it leaves; if none differ, every facet the results have. The summary
  // names the filters set, so they are seen with the filters folded away.
  function renderFilters(docs, facets) {
    filterBox.innerHTML = "";
    var counted = FACETS.map(function (k) {
      var counts = {};
      docs.forEach(function (d) {
        if (!passes(facets, d, k)) return;
        facetValue(facets, d, k).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
      });
      return [k, counts, Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || a.localeCompare(b); })];
    });
    var shown = counted.filter(function (c) { return c[2].length >= 2 || state.f[c[0]]; });
    if (!shown.length) shown = counted.filter(function (c) { return c[2].length; });
    shown.forEach(function (c) {
      var k = c[0], counts = c[1];
      var label = document.createElement("label"), sel = document.createElement("select");
      label.textContent = root.getAttribute("data-filter-" + k) + " ";
      sel.name = k;
      var all = document.createElement("option");
      all.value = "";
      all.textContent = root.getAttribute("data-all");
      sel.appendChild(all);
      c[2].forEach(function (v) {
        var o = document.createElement("option");
        o.value = v;
        o.textContent = (facets.labels[k + ":" + v] || v) + " (" + num(counts[v]) + ")";
        if (state.f[k] === v) o.selected = true;
        sel.appendChild(o);
      });
      sel.addEventListener("change", function () { state.f[k] = sel.value; writeState(state); run(); });
      label.appendChild(sel);
      filterBox.appendChild(label);
    });
    var set = FACETS.filter(function (k) { return state.f[k]; })
      .map(function (k) { return facets.labels[k + ":" + state.f[k]] || state.f[k]; });
    filterSet.textContent = set.length ? "(" + set.join(", ") + ")" : "";
  }

  var timer;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.q = input.value; writeState(state); run(); }, 120);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); state.q = input.value; writeState(state); run(); });
  get("meta.json"); // 1 KB, needed by every query: fetched while the person starts typing
  run();
})();
