// Used by scripts/bench-serve: changes the first e-mail address of a data
// file to a tag, as an editor saving the file would (a new file renamed
// over the old one, like sed -i), then asks for a page every 10 ms until
// it shows the tag, and prints the seconds from the change to that page.
//
// One process with one kept-alive connection: the shell loop it replaces
// started curl, grep and sleep for every try (three processes every
// 10 ms), which took a good part of a core from the server it measured.
//
//   node scripts/edit-and-wait.mjs <file> <tag> <url>
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const [file, tag, url] = process.argv.slice(2);
const before = readFileSync(file, "utf8");
const after = before.replace(/email: [a-z]*/, "email: " + tag);
if (after === before) {
  console.error(`edit-and-wait: no e-mail address in ${file}`);
  process.exit(2);
}
await fetch(url).then((r) => r.text()); // the connection open before the clock starts
const temp = join(dirname(file), "." + basename(file) + ".edit"); // a dot file: the watcher skips it
const t0 = performance.now();
writeFileSync(temp, after);
renameSync(temp, file);
for (let i = 0; i < 3000; i++) {
  const body = await fetch(url).then((r) => r.text(), () => "");
  if (body.includes(tag)) {
    console.log(((performance.now() - t0) / 1000).toFixed(3));
    process.exit(0);
  }
  await new Promise((r) => setTimeout(r, 10));
}
console.error(`edit-and-wait: ${url} did not show ${tag} in 30 s`);
process.exit(1);
