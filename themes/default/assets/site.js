// Marks today's consultation hours and, for offices, whether they are open
// now, in Munich time. Pages are complete without it: it only adds.
(function () {
  "use strict";
  var lists = document.querySelectorAll("ul.hours");
  if (!lists.length || !window.Intl) return;
  var parts = {};
  new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Berlin", weekday: "short", year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
  }).formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
  var day = { Mon: "mo", Tue: "tu", Wed: "we", Thu: "th", Fri: "fr", Sat: "sa", Sun: "su" }[parts.weekday];
  var date = parts.year + "-" + parts.month + "-" + parts.day;
  var now = parseInt(parts.hour, 10) * 60 + parseInt(parts.minute, 10);
  lists.forEach(function (ul) {
    var open = false;
    ul.querySelectorAll("li[data-days]").forEach(function (li) {
      if (li.getAttribute("data-days").split(" ").indexOf(day) < 0) return;
      li.classList.add("today");
      var label = document.createElement("strong");
      label.textContent = ul.getAttribute("data-today") + ": ";
      li.insertBefore(label, li.firstChild);
      var from = +li.getAttribute("data-from"), to = +li.getAttribute("data-to");
      if (li.getAttribute("data-kind") === "open" && now >= from && now < to) open = true;
    });
    var section = ul.closest("[data-status]");
    if (!section) return;
    (section.getAttribute("data-closures") || "").split(" ").forEach(function (r) {
      var ft = r.split("/");
      if (ft.length === 2 && date >= ft[0] && date <= ft[1]) open = false;
    });
    var p = document.createElement("p");
    p.className = open ? "status open" : "status";
    p.setAttribute("role", "status");
    p.textContent = ul.getAttribute(open ? "data-open" : "data-closed");
    ul.parentNode.insertBefore(p, ul);
  });
})();
