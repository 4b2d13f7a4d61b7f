// Wegweiser's web editor: Decap CMS with a YAML format per collection that
// changes only what the editor changed.
//
// Decap's own YAML format writes a file anew from the form: comments go,
// keys are reordered. Here fromFile keeps the file's text with the entry
// (under SOURCE), and toFile applies the form's values to that text's
// document with the yaml library: every node whose value did not change is
// written exactly as it was read (comments, blank lines, quoting, flow
// style), new nodes follow the style of their siblings.

const SOURCE = '__wegweiser_source';
const OPTIONS = { lineWidth: 0, indent: 2, indentSeq: true, flowCollectionPadding: false };

const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const YAML = await import(meta('wegweiser-yaml-module'));
const defaultLang = meta('wegweiser-default-language');

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// empty reports whether a form value means "no value".
function empty(v) {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.values(v).every(empty);
  return false;
}

// prune drops empty values from a value about to become a new node.
function prune(v) {
  if (Array.isArray(v)) return v.filter((x) => !empty(x)).map(prune);
  if (isObject(v)) {
    const out = {};
    for (const [k, x] of Object.entries(v)) if (!empty(x)) out[k] = prune(x);
    return out;
  }
  return v;
}

const keyOf = (pair) => String(YAML.isScalar(pair.key) ? pair.key.value : pair.key);

function fieldsByName(spec) {
  const m = new Map();
  for (const f of spec?.fields ?? []) m.set(f.name, f);
  return m;
}

// itemSpec is the spec of one item of a list field.
const itemSpec = (spec) => (spec?.fields ? { fields: spec.fields } : spec?.field ?? null);

// expand turns the plain-string texts of a file into the per-language
// objects the form edits.
function expand(value, spec) {
  if (spec?.wegweiser_text && typeof value === 'string') return { [defaultLang]: value };
  if (Array.isArray(value)) return value.map((v) => expand(v, itemSpec(spec)));
  if (isObject(value)) {
    const fields = fieldsByName(spec);
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = expand(v, fields.get(k));
    return out;
  }
  return value;
}

function create(doc, value, sibling) {
  const node = doc.createNode(prune(value));
  if (sibling && sibling.flow && (YAML.isMap(node) || YAML.isSeq(node))) node.flow = true;
  return node;
}

const same = (a, b) => a === b || (a != null && b != null && String(a) === String(b));

// update applies value to node (read from the file) and returns the node
// to keep in its place.
function update(doc, node, value, spec) {
  if (spec?.wegweiser_text && YAML.isScalar(node) && isObject(value)) {
    const others = Object.entries(value).filter(([k, v]) => k !== defaultLang && !empty(v));
    if (others.length === 0) {
      // Still a text in the default language only: keep the plain string.
      if (!same(node.value, value[defaultLang] ?? '')) node.value = value[defaultLang] ?? '';
      return node;
    }
  }
  if (Array.isArray(value)) {
    if (!YAML.isSeq(node)) return create(doc, value);
    const item = itemSpec(spec);
    const last = node.items[node.items.length - 1];
    // Item i of the form is item i of the file; empty items are dropped
    // after pairing, so the items after them stay paired with their nodes.
    node.items = value
      .map((v, i) => (empty(v) ? null : i < node.items.length ? update(doc, node.items[i], v, item) : create(doc, v, last)))
      .filter((n) => n !== null);
    return node;
  }
  if (isObject(value)) {
    if (!YAML.isMap(node)) return create(doc, value);
    const fields = fieldsByName(spec);
    const present = new Set();
    node.items = node.items.filter((pair) => {
      const k = keyOf(pair);
      present.add(k);
      const v = value[k];
      const wasEmpty = pair.value == null || (YAML.isScalar(pair.value) && empty(pair.value.value)) ||
        ((YAML.isSeq(pair.value) || YAML.isMap(pair.value)) && pair.value.items.length === 0);
      if (!(k in value) || (empty(v) && !wasEmpty)) return false; // the editor removed it
      if (!(empty(v) && wasEmpty)) pair.value = update(doc, pair.value, v, fields.get(k));
      return true;
    });
    for (const [k, v] of Object.entries(value)) {
      const f = fields.get(k);
      if (present.has(k) || empty(v) || (f && 'default' in f && v === f.default)) continue;
      node.items.push(doc.createPair(k, prune(v)));
    }
    return node;
  }
  if (YAML.isScalar(node)) {
    if (!same(node.value, value)) node.value = value;
    return node;
  }
  return create(doc, value);
}

function format(spec) {
  return {
    fromFile(content) {
      const doc = YAML.parseDocument(content);
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
      let data = doc.toJS() ?? {};
      if (Array.isArray(data)) data = { entries: data };
      data = expand(data, spec);
      data[SOURCE] = content;
      return data;
    },
    toFile(data) {
      const value = { ...data };
      const source = value[SOURCE];
      delete value[SOURCE];
      const doc = source ? YAML.parseDocument(source) : new YAML.Document({});
      const root = YAML.isSeq(doc.contents) ? value.entries : value;
      const rootSpec = YAML.isSeq(doc.contents) ? spec.fields.find((f) => f.name === 'entries') : spec;
      doc.contents = update(doc, doc.contents, root, rootSpec);
      return doc.toString(OPTIONS);
    },
  };
}

const config = YAML.parse(await (await fetch(new URL('config.yml', import.meta.url))).text());
for (const c of config.collections) {
  if (!String(c.format).startsWith('wegweiser-')) continue;
  const fields = c.fields ?? c.files[0].fields;
  window.CMS.registerCustomFormat(c.format, 'yaml', format({ fields }));
}
window.CMS.init();
