// Live reload for `wegweiser serve`: reloads the page after every good
// rebuild, and shows the problems of a failed one on top of the last good
// page. Only served by `wegweiser serve`, never published.
(function () {
  "use strict";
  var me = document.currentScript;
  var events = new EventSource(new URL("events", me.src));
  var version = null;
  events.addEventListener("state", function (e) {
    var s = JSON.parse(e.data);
    if (version !== null && s.version !== version) { location.reload(); return; }
    version = s.version;
    show(s.problems || [], s.version > 0);
  });
  function show(problems, built) {
    var old = document.getElementById("wegweiser-problems");
    if (old) old.remove();
    var errors = problems.filter(function (p) { return p.severity === "error"; });
    if (!errors.length) return;
    var box = document.createElement("section");
    box.id = "wegweiser-problems";
    box.setAttribute("role", "alert");
    box.setAttribute("dir", "ltr");
    box.setAttribute("lang", "en");
    var s = box.style; // CSSOM: allowed by the style-src CSP
    s.position = "fixed"; s.insetBlockEnd = "0"; s.insetInline = "0"; s.maxBlockSize = "50vh"; s.overflow = "auto";
    s.background = "#fff4f4"; s.color = "#5c0000"; s.borderBlockStart = "4px solid #b00020"; s.padding = "1rem"; s.font = "14px/1.4 monospace"; s.zIndex = "9999";
    var h = document.createElement("h2");
    h.textContent = "The last change has " + errors.length + " error(s)." + (built ? " The page shows the last good build." : "");
    box.appendChild(h);
    var ul = document.createElement("ul");
    errors.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = p.file + ":" + p.line + ":" + p.column + ": " + p.message + (p.hint ? " — " + p.hint : "");
      ul.appendChild(li);
    });
    box.appendChild(ul);
    document.body.appendChild(box);
  }
})();
