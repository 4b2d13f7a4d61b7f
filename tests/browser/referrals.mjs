// Walks the referral endpoint's web interface as people do, in headless
// Chromium, and checks every page it visits with axe-core (WCAG 2.1 A/AA
// and best practices).
//
//   node referrals.mjs <base-url> '<json>'
//
// json: {lang, agency, coordination, passwords: {account: password}}; the
// staff of provider P sign in as "staff-P.<lang>". The walk, in one
// browser, each person in a context of their own with the browser set to
// lang:
//   1. the agency's staff fill in the referral form with consent, look at
//      the proposal, send it, open the slip and their list;
//   2. the staff of the provider it is assigned to open their inbox and the
//      referral (with its contact data) and decline it with a reason;
//   3. the staff of the next provider accept it;
//   4. the coordination office opens its desk, the referral, capacity,
//      statistics and the account page;
//   5. the agency sends an anonymous referral.
// Prints one JSON object: the pages seen (label, path, lang, dir, h1, axe
// violations, console errors and CSP violations, overflow at 360 px) and
// the results (the referral's path, whether each provider saw the contact
// data, the anonymous referral's path).
// Environment: CHROMIUM (default /usr/bin/chromium); SHOTS, a folder to
// save screenshots of each page at 360 and 1280 px into.
import { readFileSync, mkdirSync } from "node:fs";
import { launch } from "./chromium.mjs";

const [base, json] = process.argv.slice(2);
const args = JSON.parse(json);
const axe = readFileSync(new URL("./node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
const shots = process.env.SHOTS;
if (shots) mkdirSync(shots, { recursive: true });

const browser = await launch();
const out = { pages: [], result: {} };

// person opens a browser context of its own and signs in as account.
const person = async (account) => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: args.lang, viewport: { width: 360, height: 800 } });
  // axe-core, served from the site's own origin, so the page's strict CSP
  // (script-src 'self') stays in force while it runs.
  await context.route("**/__axe.js", (route) => route.fulfill({ contentType: "text/javascript", body: axe }));
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  // check records the page as it is now, runs axe on it and takes the
  // screenshots.
  page.check_ = async (label, { noAxe } = {}) => {
    // A page reached by a form (the proposal) may be checked as soon as
    // its heading is parsed: its width is measured once the style sheet
    // has loaded, not before (measured before, it was once wider than
    // 360 px, unstyled).
    await page.waitForLoadState("load");
    const info = await page.evaluate(() => ({
      path: location.pathname + location.search,
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      h1: (document.querySelector("h1") || {}).textContent || "",
      overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
    }));
    info.label = label;
    info.errors = errors.splice(0);
    if (!noAxe && args.axe !== false) {
      await page.addScriptTag({ url: "/__axe.js" });
      const r = await page.evaluate(() => window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
      }));
      info.violations = r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
    }
    if (shots) {
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: width === 360 ? 800 : 900 });
        await page.screenshot({ path: `${shots}/${label}-${args.lang}-${width}.png`, fullPage: true });
      }
      await page.setViewportSize({ width: 360, height: 800 });
    }
    out.pages.push(info);
  };
  await page.goto(base + "/login", { waitUntil: "load" });
  await page.check_("login");
  await page.fill("#name", account);
  await page.fill("#password", args.passwords[account]);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login"), { timeout: 15000 }), page.click("form[action='/login'] button[type=submit]")]);
  return page;
};

const names = { de: ["Arabisch", "Deutsch"], en: ["Arabic", "German"], ar: ["العربية", "الألمانية"] };

const refer = async (page, consent) => {
  await page.goto(base + "/refer", { waitUntil: "load" });
  await page.check_(consent === "given" ? "refer" : "refer-anonymous");
  await page.selectOption("#source", "jobcenter");
  await page.fill("#age", "34");
  await page.selectOption("#district", "maxvorstadt");
  // Staff type language names in their own language, as the list offers them.
  await page.fill("#lang1", names[args.lang][0]);
  await page.fill("#lang2", names[args.lang][1]);
  await page.check("#integration_course");
  if (consent === "given") {
    await page.check("#consent-given");
    await page.fill("#consent_date", "2026-11-20");
    await page.fill("#consent_form", "Einwilligung 2026");
    await page.fill("#name", "Zarathustra Unverwechselbar");
    await page.fill("#phone", "0176 1234567");
  } else {
    await page.check("#consent-anonymous");
  }
  await page.selectOption("#slip_lang", "ar");
  await Promise.all([page.waitForSelector("#proposal-title"), page.click("button[value=preview]")]);
  if (consent === "given") await page.check_("proposal");
  await Promise.all([page.waitForURL(/\/referrals\/[0-9a-f]+\?created=1/), page.click("button[value=submit]")]);
  return new URL(page.url()).pathname;
};

// provider reads the provider a referral's page says it is assigned to.
const provider = (page) => page.getAttribute("[data-provider]", "data-provider");

try {
  // 1. The agency refers with consent.
  const agency = await person(args.agency);
  out.result.location = await refer(agency, "given");
  await agency.check_("created");
  const slip = await agency.getAttribute("a[href*='/slip?lang=']", "href");
  await agency.goto(base + slip, { waitUntil: "load" });
  await agency.check_("slip", { noAxe: true }); // the slip allows no script at all: its CSP is default-src 'none'
  await agency.goto(base + "/referrals", { waitUntil: "load" });
  await agency.check_("mine");
  await agency.goto(base + out.result.location, { waitUntil: "load" });
  const first = await provider(agency);

  // 2. Its provider declines.
  const staff1 = await person(`staff-${first}.${args.lang}`);
  await staff1.goto(base + "/referrals", { waitUntil: "load" });
  await staff1.check_("inbox");
  await staff1.goto(base + out.result.location, { waitUntil: "load" });
  await staff1.check_("provider-detail");
  out.result.firstSawContact = (await staff1.content()).includes("Zarathustra");
  await staff1.selectOption("#reason", "capacity");
  await staff1.fill("#note", "Team im Urlaub");
  await Promise.all([staff1.waitForURL(/\/referrals\?declined=/), staff1.click("form.decline button[type=submit]")]);
  await staff1.check_("declined");

  // 3. The next provider accepts.
  await agency.goto(base + out.result.location, { waitUntil: "load" });
  const second = await provider(agency);
  out.result.providers = [first, second];
  const staff2 = await person(`staff-${second}.${args.lang}`);
  await staff2.goto(base + out.result.location, { waitUntil: "load" });
  out.result.secondSawContact = (await staff2.content()).includes("Zarathustra");
  await Promise.all([staff2.waitForLoadState("load"), staff2.click("form:has(input[value=accepted]) button")]);
  await staff2.check_("accepted");

  // 4. The coordination office.
  const coord = await person(args.coordination);
  await coord.goto(base + "/referrals", { waitUntil: "load" });
  await coord.check_("desk");
  await coord.goto(base + out.result.location, { waitUntil: "load" });
  await coord.check_("coordination-detail");
  await coord.goto(base + "/capacity", { waitUntil: "load" });
  await coord.check_("capacity");
  await coord.goto(base + "/stats?from=2026-01&to=2026-12", { waitUntil: "load" });
  await coord.check_("stats");
  await coord.goto(base + "/account", { waitUntil: "load" });
  await coord.check_("account");

  // 5. An anonymous referral.
  out.result.anonymous = await refer(agency, "anonymous");
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
