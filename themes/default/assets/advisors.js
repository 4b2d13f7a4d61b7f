// Filters and sorts the advisor directory in place. Without JavaScript the
// same filters are pre-built pages (the links above the list).
(function () {
  "use strict";
  var form = document.getElementById("advisor-filter");
  if (!form) return;
  form.hidden = false;
  var groups = Array.prototype.slice.call(document.querySelectorAll(".district-group"));
  var out = form.elements.count;
  function apply() {
    var lang = form.elements.lang.value, district = form.elements.district.value,
      program = form.elements.program.value, sort = form.elements.sort.value, shown = 0;
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
    out.value = shown ? out.getAttribute("data-template").replace("{n}", shown) : out.getAttribute("data-none");
  }
  form.addEventListener("change", apply);
  apply();
})();
