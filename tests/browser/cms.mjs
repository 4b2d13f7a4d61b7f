// Edits an office's opening hours in the web editor (Decap CMS on its local
// backend, decap-server) as an editor would, and reports whether it saved.
//
// Usage: node cms.mjs <admin-url> <provider-id> <office-id> <new-from-time>
// (changes the start of the office's first hours starting at 09:00)
// Prints {saved, errors, steps} as JSON. Environment: CHROMIUM (default
// /usr/bin/chromium); SHOTS=dir saves a screenshot after each step.
import { launch } from "./chromium.mjs";

const [admin, provider, officeID, from] = process.argv.slice(2);
const browser = await launch();
const result = { saved: false, errors: [], steps: [] };
let n = 0;
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
const step = async (what) => {
  result.steps.push(what);
  if (process.env.SHOTS) await page.screenshot({ path: `${process.env.SHOTS}/${String(++n).padStart(2, "0")}.png` });
};
page.on("console", (m) => { if (m.type() === "error") result.errors.push(m.text()); });
page.on("pageerror", (e) => result.errors.push(String(e)));
page.on("response", (r) => { if (r.status() >= 400) result.errors.push(`${r.status()} ${r.url()}`); });
try {
  await page.goto(admin, { waitUntil: "load" });
  await page.getByRole("button", { name: /login|anmelden/i }).click({ timeout: 20000 });
  await step("logged in");
  await page.goto(`${admin}#/collections/providers/entries/${provider}`);
  // A list item of Decap's list widget: its first button expands it.
  const item = (scope, label) => scope.locator('[class*="listControlItem"]')
    .filter({ has: page.locator('[class*="NestedObjectLabel"]', { hasText: label }) }).first();
  const office = item(page, new RegExp(`^${officeID}$`));
  await office.locator("button").first().click({ timeout: 20000 });
  await step("office open");
  const hours = item(office, /09:00/);
  await hours.locator("button").first().click();
  await step("hours open");
  const input = hours.getByLabel("Von (from)");
  const old = await input.inputValue();
  await input.fill(from);
  await step(`from ${old} → ${from}`);
  const saved = page.waitForResponse((r) => r.request().method() === "POST" &&
    (r.request().postData() || "").includes("persistEntry"), { timeout: 20000 });
  await page.getByRole("button", { name: /veröffentlichen/i }).first().click();
  await step("publish menu");
  await page.getByText(/jetzt veröffentlichen/i).click();
  const response = await saved;
  result.saved = response.ok();
  await step(`saved: ${response.status()}`);
} catch (e) {
  result.errors.push(String(e));
}
await browser.close();
console.log(JSON.stringify(result));
