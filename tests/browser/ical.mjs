// Strict check of iCalendar files (RFC 5545) with Mozilla's ical.js:
//
//   node ical.mjs FILE...
//
// ical.js parses each file (a malformed line, parameter or value throws).
// On top of what it accepts, this script is strict where ical.js is
// lenient: every property of RFC 5545 must carry a value of its own type
// (a VALUE parameter may only choose one of its allowed types, so
// TZOFFSETFROM;VALUE=TEXT is refused: it is a UTC-OFFSET, §3.3.14); lines
// end in CRLF and are at most 75 octets (§3.1); the required properties of
// VCALENDAR, VEVENT, VTIMEZONE and its STANDARD/DAYLIGHT parts are there
// (§3.6); UTC offsets are ±HHMM[SS]; and the time zones work: an event's
// start converts to UTC with the offset of its time zone.
//
// Prints one line per problem and exits 1 if there is any.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const design = ICAL.design.icalendar.property;
const required = {
  vcalendar: ["prodid", "version"],
  vevent: ["uid", "dtstamp", "dtstart"],
  vtimezone: ["tzid"],
  standard: ["dtstart", "tzoffsetfrom", "tzoffsetto"],
  daylight: ["dtstart", "tzoffsetfrom", "tzoffsetto"],
};
let problems = 0;
const fail = (file, msg) => {
  problems++;
  console.log(`${file}: ${msg}`);
};

for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  const lines = text.split("\r\n");
  if (lines.pop() !== "") fail(file, "does not end with CRLF");
  lines.forEach((l, i) => {
    if (l.includes("\n") || l.includes("\r")) fail(file, `line ${i + 1}: a bare LF or CR (lines end in CRLF)`);
    if (Buffer.byteLength(l) > 75) fail(file, `line ${i + 1}: ${Buffer.byteLength(l)} octets, more than 75 (fold it)`);
  });
  let root;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch (e) {
    fail(file, `ical.js: ${e.message}`);
    continue;
  }
  const zones = {};
  const visit = (c) => {
    for (const name of required[c.name] || []) {
      if (!c.hasProperty(name)) fail(file, `${c.name.toUpperCase()} has no ${name.toUpperCase()}`);
    }
    for (const p of c.getAllProperties()) {
      const d = design[p.name];
      if (!d) continue; // X- and IANA properties: TEXT by default, any type allowed
      const allowed = d.allowedTypes || [d.defaultType];
      if (!allowed.includes(p.type)) {
        fail(file, `${p.name.toUpperCase()} is ${p.type.toUpperCase()}, but RFC 5545 wants ${allowed.join(" or ").toUpperCase()}`);
      }
      if (p.type === "utc-offset" && !/^[+-]\d{4}(\d{2})?$/.test(p.getFirstValue().toICALString())) {
        fail(file, `${p.name.toUpperCase()} ${p.getFirstValue().toICALString()} is not ±HHMM`);
      }
    }
    if (c.name === "vtimezone") zones[c.getFirstPropertyValue("tzid")] = new ICAL.Timezone(c);
    c.getAllSubcomponents().forEach(visit);
  };
  visit(root);
  for (const ev of root.getAllSubcomponents("vevent")) {
    const start = ev.getFirstProperty("dtstart");
    const tzid = start && start.getParameter("tzid");
    if (!tzid) continue;
    if (!zones[tzid]) {
      fail(file, `DTSTART names time zone ${tzid}, which the file does not define`);
      continue;
    }
    const t = start.getFirstValue();
    t.zone = zones[tzid];
    const offset = zones[tzid].utcOffset(t);
    // Europe/Berlin: +1 h in winter, +2 h in summer.
    const summer = t.month >= 4 && t.month <= 9;
    if (tzid === "Europe/Berlin" && offset !== (summer ? 7200 : 3600)) {
      fail(file, `${tzid} on ${t.toString()} has the offset ${offset} s`);
    }
  }
}
process.exit(problems > 0 ? 1 : 0);
