// The finder form: turns a language, a district (or a postal code) and an
// age into the address of the pre-built result page and goes there.
// Without this script the form stays hidden and the same pages are
// reached through links (a language, then a district).
(function () {
  "use strict";
  var form = document.getElementById("finder");
  if (!form) return;
  var links = document.getElementById("finder-links");
  var lang = form.elements.l, district = form.elements.d, plz = form.elements.p, err = document.getElementById("f-error");
  form.hidden = false;
  if (links) links.hidden = true;
  // The page's language is chosen already where the finder has it (it
  // comes first in the list).
  function say(text) {
    err.textContent = text;
    err.hidden = !text;
  }
  // A postal code chooses its district; a district clears the postal code.
  plz.addEventListener("input", function () {
    var code = plz.value.replace(/\D/g, "");
    if (code.length !== 5) return;
    for (var i = 0; i < district.options.length; i++) {
      if ((" " + district.options[i].getAttribute("data-plz") + " ").indexOf(" " + code + " ") >= 0) {
        district.selectedIndex = i;
        say("");
        return;
      }
    }
    say(form.getAttribute("data-no-plz"));
  });
  district.addEventListener("change", function () { plz.value = ""; say(""); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var base = form.getAttribute("data-base"), code = lang.value, d = district.value;
    if (!d) {
      say(form.getAttribute("data-no-district"));
      district.focus();
      return;
    }
    // data-has: "1" where the finder has a page for the district (in the
    // order of the district list, after its empty first choice).
    var has = lang.options[lang.selectedIndex].getAttribute("data-has") || "";
    var age = form.querySelector("input[name=a]:checked");
    if (has.charAt(district.selectedIndex - 1) === "1") {
      location.href = base + "find/" + code + "/" + d + "/" + (age ? "#" + age.value : "");
    } else {
      location.href = base + "districts/" + d + "/";
    }
  });
})();
