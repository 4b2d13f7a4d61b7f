import { chromium } from "playwright-core";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await (await browser.newContext({ viewport: { width: 320, height: 800 } })).newPage();
await page.goto("http://localhost:8777" + process.argv[2]);
console.log(await page.evaluate(() => { const out=[]; for (const el of document.querySelectorAll("*")) { const r = el.getBoundingClientRect(); if (r.right > 320.5) out.push(el.tagName+"."+el.className+" "+r.left+"-"+r.right+" "+(el.textContent||"").slice(0,30)); } return [document.documentElement.scrollWidth, out]; }));
await browser.close();
