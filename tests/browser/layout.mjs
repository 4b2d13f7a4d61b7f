// The layout of a page as people see it on a phone and a desktop, measured
// in the page by pages.mjs's check at each width: nothing wider than the
// screen, the header's height (at an 800 px high window), and phone
// numbers, e-mail addresses and times (.tel, .mail, .time, tel: and mailto:
// links) never split over two lines, and no text squeezed into a column a
// few letters wide. Returns
//   {scrollWidth, width, header, overflow: [what sticks out], splits: [what is split],
//    squeezed: [what is squeezed]}
// The function is passed to page.evaluate, so it uses nothing from outside.
export const measure = () => {
  const vw = document.documentElement.clientWidth;
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (el.classList.length) s += "." + Array.from(el.classList).join(".");
    const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return text ? s + " “" + text + "”" : s;
  };
  const overflow = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue; // not displayed
    if (r.right <= 0 || r.left >= vw) continue; // moved off screen on purpose (skip link, hidden table heads)
    if (r.right > vw + 0.5 || r.left < -0.5) {
      // Report the outermost element only: its children stick out with it.
      if (!overflow.some((o) => o.el.contains(el))) overflow.push({ el, text: name(el) + " " + Math.round(r.left) + "–" + Math.round(r.right) });
    }
  }
  const splits = [];
  for (const el of document.querySelectorAll(".tel, .mail, .time, a[href^='tel:'], a[href^='mailto:']")) {
    if (el.closest("[hidden]") || getComputedStyle(el).display === "none") continue;
    // An inline element on two lines has two rects on different lines.
    const tops = new Set(Array.from(el.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    if (tops.size > 1 && !el.querySelector(".tel, .time")) splits.push(name(el));
  }
  // Text squeezed into a column a few letters wide (a grid or table that
  // leaves its values no room): an element with text of its own, shown,
  // narrower than about four letters and more than three lines high.
  const squeezed = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("select, [hidden]")) continue;
    const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.data.trim()).join(" ");
    if (own.length < 8) continue;
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    // Narrower than about four letters and wrapped onto more than three lines.
    if (r.width > 0 && r.width < 48 && r.height > 3.5 * parseFloat(style.fontSize) && style.position !== "absolute") {
      squeezed.push(name(el) + " " + Math.round(r.width) + "×" + Math.round(r.height) + " px");
    }
  }
  const header = document.querySelector("header.site");
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width: vw,
    header: header ? Math.round(header.getBoundingClientRect().height) : 0,
    overflow: overflow.map((o) => o.text),
    splits,
    squeezed,
  };
};
