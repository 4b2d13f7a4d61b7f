// Takes full-page screenshots of pages of a running site, as a person on a
// phone or a desktop sees them: for looking at what a change did, and for
// the screenshots in docs/.
//
// Usage: node shots.mjs <base-url> <out-dir> <widths> <path>...
//   widths: comma-separated, e.g. 360,1280; each page is shot at each width
//   with an 800 px high viewport (the first screen), full page.
// Files are named after the path and width: de/districts/laim/ at 360 →
// de-districts-laim-360.png. Environment: CHROMIUM (default /usr/bin/chromium);
// SHOT_HEIGHT, if set, shoots the first SHOT_HEIGHT px of each page instead
// of the full page (for docs/screenshots/, where 10,000 px pages would not
// help a reader); SHOT_WAIT, if set, waits that many milliseconds after
// the load (for what a script shows, such as search results).
import { mkdirSync } from "node:fs";
import { launch } from "./chromium.mjs";

const [base, out, widths, ...paths] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const browser = await launch();
try {
  for (const w of widths.split(",").map(Number)) {
    const height = Number(process.env.SHOT_HEIGHT) || 800;
    const context = await browser.newContext({ viewport: { width: w, height } });
    const page = await context.newPage();
    for (const p of paths) {
      await page.goto(base + p, { waitUntil: "load" });
      if (process.env.SHOT_WAIT) await page.waitForTimeout(Number(process.env.SHOT_WAIT));
      const name = (p.replace(/^\/|\/$/g, "").replace(/[/?=&#]+/g, "-") || "root") + "-" + w + ".png";
      await page.screenshot({ path: `${out}/${name}`, fullPage: !process.env.SHOT_HEIGHT });
    }
    await context.close();
  }
} finally {
  await browser.close();
}
