// Search forms send nojs=1, so that a host with the build's _redirects
// leads a name to its page without JavaScript; with it, the search page's
// script answers, and its address carries the query alone.
document.querySelectorAll('form[role="search"] input[name="nojs"]').forEach(function (e) { e.remove(); });

// wegweiserNumber writes a number as the page's language does (21.000,
// 21,000, 21 000): its digits in groups of three, separated by the body's
// data-group, as i18n.Bundle.Number does in Go (TestNumberMatchesJavaScript
// holds the two equal). The page's other scripts count with it.
window.wegweiserNumber = function (n) {
  var s = String(Math.abs(n)), sep = document.body.getAttribute("data-group") || "";
  var out = s.slice(0, s.length % 3 || 3);
  for (var i = out.length; i < s.length; i += 3) out += sep + s.slice(i, i + 3);
  return (n < 0 ? "-" : "") + out;
};

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
    var open = false, appointment = false, walkIn = false;
    ul.querySelectorAll("li[data-days]").forEach(function (li) {
      if (li.getAttribute("data-days").split(" ").indexOf(day) < 0) return;
      li.classList.add("today");
      var label = document.createElement("strong");
      label.textContent = ul.getAttribute("data-today") + ": ";
      li.insertBefore(label, li.firstChild);
      var from = +li.getAttribute("data-from"), to = +li.getAttribute("data-to"), kind = li.getAttribute("data-kind");
      if (now >= from && now < to) {
        if (kind === "open") open = true;
        if (kind === "appointment") appointment = true;
      }
    });
    walkIn = !!ul.querySelector('li[data-kind="open"]');
    var section = ul.closest("[data-status]");
    if (!section) return;
    // Public holidays (the build lists them on <body>): offices are closed.
    var closed = (document.body.getAttribute("data-holidays") || "").split(" ").indexOf(date) >= 0;
    (section.getAttribute("data-closures") || "").split(" ").forEach(function (r) {
      var ft = r.split("/");
      if (ft.length === 2 && date >= ft[0] && date <= ft[1]) closed = true;
    });
    // "By appointment" is never shown as closed: an office without walk-in
    // hours gets no open/closed line at all.
    var say = closed ? "data-closed" : open ? "data-open" : appointment ? "data-appointment" : walkIn ? "data-closed" : "";
    if (!say) return;
    var p = document.createElement("p");
    p.className = say === "data-open" ? "status open" : "status";
    p.setAttribute("role", "status");
    p.textContent = ul.getAttribute(say);
    ul.parentNode.insertBefore(p, ul);
  });
})();

// Offline use (sw.js): registers the site's service worker, and on a page
// the worker served from its copy while offline says when it was saved.
(function () {
  "use strict";
  var body = document.body;
  if ("serviceWorker" in navigator && location.protocol !== "file:" && body.hasAttribute("data-root")) {
    navigator.serviceWorker.register(body.getAttribute("data-root") + "sw.js").catch(function () {});
  }
  var saved = body.getAttribute("data-saved");
  var main = document.getElementById("main");
  if (saved === null || !main) return;
  var when = new Date(saved), text = saved;
  if (!isNaN(when) && window.Intl) {
    text = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "long", timeStyle: "short" }).format(when);
  }
  var p = document.createElement("p");
  p.className = "offline-note";
  p.setAttribute("role", "status");
  p.textContent = (body.getAttribute("data-offline") || "Offline: {date}").replace("{date}", text);
  main.insertBefore(p, main.firstChild);
})();
