// Filters and sorts the advisor directory in place. The filter's state
// lives in the address (?lang=ar&district=laim&program=jmd&sort=office),
// so a filtered list can be bookmarked and shared. Without JavaScript the
// same filters are pre-built pages (the links this script hides).
(function () {
  "use strict";
  var form = document.getElementById("advisor-filter");
  if (!form) return;
  form.hidden = false;
  var links = document.querySelector("nav.filters");
  if (links) links.hidden = true;
  var groups = Array.prototype.slice.call(document.querySelectorAll(".district-group"));
  var out = form.elements.count;
  // A district's page has no district filter: the filters it has.
  var names = ["lang", "district", "program", "sort"].filter(function (n) { return form.elements[n]; });
  function value(n) { return form.elements[n] ? form.elements[n].value : ""; }
  // The address first: a shared link shows what it showed its sender.
  var params = new URLSearchParams(location.search);
  names.forEach(function (n) {
    var v = params.get(n), el = form.elements[n];
    if (v && el.querySelector('option[value="' + v.replace(/[^a-z0-9-]/g, "") + '"]')) el.value = v;
  });
  function apply(record) {
    var lang = value("lang"), district = value("district"),
      program = value("program"), sort = value("sort") || "name", shown = 0;
    groups.forEach(function (g) {
      var body = g.querySelector("tbody");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        return (a.getAttribute("data-" + sort) || "").localeCompare(b.getAttribute("data-" + sort) || "", document.documentElement.lang);
      });
      var visible = 0;
      rows.forEach(function (r) {
        var ok = (!lang || (" " + r.getAttribute("data-langs") + " ").indexOf(" " + lang + " ") >= 0) &&
          (!program || (" " + r.getAttribute("data-programs") + " ").indexOf(" " + program + " ") >= 0) &&
          (!district || g.getAttribute("data-district") === district);
        r.hidden = !ok;
        if (ok) visible++;
        body.appendChild(r);
      });
      g.hidden = visible === 0;
      shown += visible;
    });
    out.value = shown ? out.getAttribute("data-template").replace("{n}", (window.wegweiserNumber || String)(shown)) : out.getAttribute("data-none");
    if (record && window.history && history.replaceState) {
      var q = new URLSearchParams();
      names.forEach(function (n) {
        var v = form.elements[n].value;
        if (v && !(n === "sort" && v === "name")) q.set(n, v);
      });
      var s = q.toString();
      history.replaceState(null, "", location.pathname + (s ? "?" + s : "") + location.hash);
    }
  }
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(true); });
  apply(false);
})();
