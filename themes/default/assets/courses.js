// The course finder: filters the courses of finder.json (written by the
// build, see render.CourseFinderData; on a site with many districts the
// chosen district's and its neighbours' files of finder/) by type, district (with its
// neighbours), time of day, start month, childcare, women only, literacy
// and free places, in any combination, and shows beside each choice how
// many courses it would leave. The choices live in the address
// (?type=…&district=…), so a search can be bookmarked and shared. Without
// this script the form stays hidden and the pre-built lists lead to the
// same courses; the rules are those of site.FindCourses, and
// TestCourseFinder holds the two equal.
(function () {
  "use strict";
  var SELECTS = ["type", "district", "time", "month"];
  var FLAGS = ["childcare", "women", "literacy", "free"];

  // keep reports whether course c passes every choice of q but the one
  // named skip (to count what choosing another value there would give).
  function keep(c, q, near, skip) {
    if (skip !== "type" && q.type && c.type !== q.type) return false;
    if (skip !== "district" && q.district && places(q.district, q.near, near).indexOf(c.district) < 0) return false;
    if (skip !== "time" && q.time && c.time !== q.time) return false;
    if (skip !== "month" && q.month && c.month !== q.month) return false;
    for (var i = 0; i < FLAGS.length; i++) {
      if (skip !== FLAGS[i] && q[FLAGS[i]] && !c[FLAGS[i]]) return false;
    }
    return true;
  }
  function places(district, withNear, near) {
    return withNear ? [district].concat(near[district] || []) : [district];
  }
  // filter returns the courses of data that a choice keeps, in order.
  function filter(data, q) {
    return data.courses.filter(function (c) { return keep(c, q, data.near, ""); });
  }
  window.wegweiserCourses = { filter: filter };

  var form = document.getElementById("course-finder");
  if (!form) return;
  var status = document.getElementById("cf-status");
  var list = document.getElementById("cf-results");
  var card = document.getElementById("cf-card");
  var data = null;
  // A state or the country: the courses come per district
  // (finder/{district}.json, with its neighbours), fetched once a district
  // is chosen; the district choices then show no counts (the other
  // districts' courses are not here).
  var split = form.getAttribute("data-split");
  var files = {};

  function choice() {
    var q = { near: form.elements.near.checked };
    SELECTS.forEach(function (n) { q[n] = form.elements[n].value; });
    FLAGS.forEach(function (n) { q[n] = form.elements[n].checked; });
    return q;
  }
  // The address holds what differs from the form's defaults.
  function toURL(q) {
    var p = new URLSearchParams();
    SELECTS.forEach(function (n) { if (q[n]) p.set(n, q[n]); });
    if (!q.near) p.set("near", "0");
    FLAGS.forEach(function (n) { if (q[n]) p.set(n, "1"); });
    var s = p.toString();
    return location.pathname + (s ? "?" + s : "");
  }
  function fromURL() {
    var p = new URLSearchParams(location.search);
    SELECTS.forEach(function (n) {
      var el = form.elements[n], v = p.get(n) || "";
      for (var i = 0; i < el.options.length; i++) {
        if (el.options[i].value === v) el.selectedIndex = i;
      }
    });
    form.elements.near.checked = p.get("near") !== "0";
    FLAGS.forEach(function (n) { form.elements[n].checked = p.get(n) === "1"; });
  }

  function count(q, facet, value) {
    var n = 0, alt = {}, k;
    for (k in q) alt[k] = q[k];
    alt[facet] = value;
    for (var i = 0; i < data.courses.length; i++) {
      if (keep(data.courses[i], alt, data.near, "")) n++;
    }
    return n;
  }
  // Beside each choice, how many courses it would leave with the others.
  function counts(q) {
    SELECTS.forEach(function (n) {
      if (split && n === "district") return;
      var el = form.elements[n];
      for (var i = 1; i < el.options.length; i++) {
        var o = el.options[i];
        if (!o.hasAttribute("data-label")) o.setAttribute("data-label", o.textContent);
        o.textContent = o.getAttribute("data-label") + " (" + count(q, n, o.value) + ")";
      }
    });
    FLAGS.forEach(function (n) {
      var label = form.querySelector("label[for=cf-" + n + "]");
      if (!label.hasAttribute("data-label")) label.setAttribute("data-label", label.textContent);
      label.textContent = label.getAttribute("data-label") + " (" + count(q, n, true) + ")";
    });
  }

  function text(el, t) {
    el.textContent = t.s;
    if (t.lang) {
      el.lang = t.lang;
      el.dir = t.dir;
    }
    if (t.note) {
      var small = document.createElement("small");
      small.className = "fallback";
      small.textContent = " (" + t.note + ")";
      el.parentNode.appendChild(small);
    }
  }
  function render(c) {
    var li = card.content.firstElementChild.cloneNode(true);
    li.querySelector("a").href = c.url;
    text(li.querySelector(".cf-title"), c.title);
    li.querySelector(".cf-when").textContent = c.when;
    li.querySelector(".cf-hours").textContent = c.hours;
    li.querySelector(".cf-where").textContent = c.where;
    text(li.querySelector(".cf-place"), c.place);
    var seats = li.querySelector(".cf-seats");
    if (c.seats > 0) seats.textContent = seats.getAttribute("data-text").replace("{n}", (window.wegweiserNumber || String)(c.seats));
    else seats.remove();
    if (!c.childcare) li.querySelector(".cf-childcare").remove();
    if (!c.women) li.querySelector(".cf-women").remove();
    if (c.seats !== 0) li.querySelector(".cf-full").remove();
    var tags = li.querySelector(".tags");
    if (!tags.querySelector(".tag")) tags.remove();
    return li;
  }

  function update() {
    var q = choice(), found = filter(data, q);
    counts(q);
    var frag = document.createDocumentFragment();
    found.forEach(function (c) { frag.appendChild(render(c)); });
    list.replaceChildren(frag);
    list.hidden = found.length === 0;
    if (split && !q.district) status.textContent = form.getAttribute("data-choose");
    else status.textContent = found.length ? form.getAttribute("data-count").replace("{n}", (window.wegweiserNumber || String)(found.length)) : form.getAttribute("data-none");
    status.hidden = false;
    history.replaceState(null, "", toURL(q));
  }

  function get(name) {
    if (!files[name]) {
      files[name] = fetch(name).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      });
      files[name].catch(function () { delete files[name]; }); // tried again on the next choice
    }
    return files[name];
  }
  // load returns the data the choice q needs: everything, or the chosen
  // district's courses and its neighbours' (none before a choice).
  function load(q) {
    if (!split) return get("finder.json");
    if (!q.district) return Promise.resolve({ near: {}, courses: [] });
    return get(split + q.district + ".json").then(function (d) {
      var near = d.near[q.district] || [];
      return Promise.all(near.map(function (n) { return get(split + n + ".json"); })).then(function (parts) {
        var courses = d.courses.slice();
        parts.forEach(function (p) { courses = courses.concat(p.courses); });
        courses.sort(function (a, b) { return a.n - b.n; }); // the site's order
        var m = {};
        m[q.district] = near;
        return { near: m, courses: courses };
      });
    });
  }
  var asked = 0;
  function refresh(first) {
    var n = ++asked;
    load(choice()).then(function (d) {
      if (n !== asked) return; // a later choice is on its way
      data = d;
      form.hidden = false;
      update();
    }).catch(function () {
      if (n !== asked) return;
      status.textContent = form.getAttribute("data-error");
      status.hidden = false;
      if (first) form.hidden = true;
    });
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("change", function () { if (data) refresh(false); });
  form.addEventListener("reset", function () { setTimeout(function () { if (data) refresh(false); }, 0); });
  fromURL();
  refresh(true);
})();
