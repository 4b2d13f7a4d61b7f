package load

import (
	"fmt"
	"net/mail"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/model"
)

// Types the decoder reads with their own rules rather than by kind.
var (
	textType    = reflect.TypeFor[model.Text]()
	dateType    = reflect.TypeFor[model.Date]()
	clockType   = reflect.TypeFor[model.Clock]()
	weekdayType = reflect.TypeFor[model.Weekday]()
	emailType   = reflect.TypeFor[model.Email]()
	urlType     = reflect.TypeFor[model.URL]()
	phoneType   = reflect.TypeFor[model.Phone]()
	postalType  = reflect.TypeFor[model.PostalCode]()
)

// decoder turns the node tree of one file into model values. It records the
// position of every value it sets (keyed by the value's address, so later
// checks can point at it) and collects problems instead of stopping at the
// first one.
type decoder struct {
	file    string
	lineOff int // added to node lines: front matter starts below its "---"
	fields  *fieldCache
	langs   map[string]bool // language codes a Text may use; nil: not checked
	defLang string          // language of plain-string texts
	spans   bool            // note the lines of each translation (see recordSpan)

	pos map[any]diag.Pos // position of every decoded value, by address (made by document, at the size of the file)
	// written are the fields the file writes, well or badly, or misspells:
	// defaults are filled in only for those it leaves out.
	written  map[any]bool
	problems diag.List
	budget   int // nodes the decoder may still visit; guards against alias bombs
	// listsChecked are the list nodes checked for duplicates.
	listsChecked map[*yaml.Node]bool
}

func newDecoder(file string, fc *fieldCache, langs map[string]bool, defLang string) *decoder {
	return &decoder{file: file, fields: fc, langs: langs, defLang: defLang, written: map[any]bool{}}
}

func (d *decoder) at(n *yaml.Node) diag.Pos {
	return diag.Pos{File: d.file, Line: n.Line + d.lineOff, Col: n.Column}
}

// maxProblems is the number of problems reported for one file; past it the
// decoder stops, as the rest would only repeat the same mistake.
const maxProblems = 200

func (d *decoder) report(sev diag.Severity, n *yaml.Node, rule, hint, format string, args ...any) {
	if len(d.problems) == maxProblems {
		d.problems = append(d.problems, diag.Problem{Pos: d.at(n), Severity: diag.Error, Rule: "too-many-problems",
			Message: fmt.Sprintf("more than %d problems in this file; the rest are not reported", maxProblems), Hint: "fix these first"})
		d.budget = -2
	}
	if len(d.problems) > maxProblems {
		return
	}
	d.problems = append(d.problems, diag.Problem{Pos: d.at(n), Severity: sev, Rule: rule, Message: fmt.Sprintf(format, args...), Hint: hint})
}

func (d *decoder) errorf(n *yaml.Node, rule, hint, format string, args ...any) {
	d.report(diag.Error, n, rule, hint, format, args...)
}

// document decodes the single document root into target (a pointer).
func (d *decoder) document(root *yaml.Node, target any) {
	nodes := countNodes(root)
	d.budget = 10*nodes + 10000
	// About every other node is a value whose position is noted (the
	// others are keys): the map made at that size, not grown entry by
	// entry (a national load has millions).
	d.pos = make(map[any]diag.Pos, nodes/2)
	n := root
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	v := reflect.ValueOf(target).Elem()
	d.value(n, v, field{})
	if d.budget < 0 {
		v.SetZero() // partly decoded: later checks would only add noise
		d.pos = map[any]diag.Pos{}
	}
}

// countNodes counts the nodes of a tree without following aliases.
func countNodes(n *yaml.Node) int {
	c := 1
	for _, k := range n.Content {
		c += countNodes(k)
	}
	return c
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// kindName says what a node is, in an editor's words.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a group of fields"
	}
	return fmt.Sprintf("the value %q", n.Value)
}

// value decodes n into v; f carries the rules of the field v belongs to
// (for list elements, the rules of the list).
func (d *decoder) value(n *yaml.Node, v reflect.Value, f field) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if d.budget--; d.budget < 0 {
		if d.budget == -1 {
			d.errorf(n, "too-complex", "write the values out instead of repeating anchors (&name / *name) inside each other",
				"this file expands to far more values than it holds")
		}
		return
	}
	if d.placeholder(n) {
		return
	}
	var key any
	if v.CanAddr() {
		key = v.Addr().Interface()
		d.pos[key] = d.at(n)
	}
	before := len(d.problems)
	defer func() {
		if key != nil && len(d.problems) > before && isScalarType(v.Type()) {
			delete(d.pos, key) // a value that did not decode is not checked further
		}
	}()
	t := v.Type()
	switch t {
	case textType:
		d.text(n, v, f)
		return
	case dateType:
		if s, ok := d.scalar(n, f, "a date like 2026-10-01"); ok {
			if dt, err := model.ParseDate(s); err != nil {
				d.errorf(n, "bad-date", "write dates as YYYY-MM-DD, e.g. 2026-10-01", "%s", err)
			} else {
				v.Set(reflect.ValueOf(dt))
			}
		}
		return
	case clockType:
		if s, ok := d.scalar(n, f, `a time like "09:00"`); ok {
			if c, err := model.ParseClock(s); err != nil {
				d.errorf(n, "bad-time", `write times as HH:MM on the 24-hour clock, e.g. "14:30"`, "%s", err)
			} else {
				v.SetInt(int64(c))
			}
		}
		return
	case weekdayType:
		if s, ok := d.scalar(n, f, "a day code like mo"); ok {
			if wd, err := model.ParseWeekday(strings.ToLower(s)); err != nil {
				hint := "days are written mo tu we th fr sa su"
				if code, ok := germanDays[strings.ToLower(s)]; ok {
					hint = fmt.Sprintf("did you mean `%s`? Days are written in English short form: mo tu we th fr sa su", code)
				} else if s := suggest(s, model.WeekdayCodes()); s != "" {
					hint = fmt.Sprintf("did you mean `%s`? Days are written mo tu we th fr sa su", s)
				}
				d.errorf(n, "bad-value", hint, "%q is not a day", s)
			} else {
				v.SetInt(int64(wd))
			}
		}
		return
	case emailType, urlType, phoneType, postalType:
		if s, ok := d.scalar(n, f, "a single value"); ok {
			if rule, msg, hint := checkFormat(t, s); rule != "" && s != "" {
				d.errorf(n, rule, hint, "%s", msg)
				return // an invalid value does not enter the model
			}
			v.SetString(s)
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		d.object(n, v)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			hint := "write it as a list: one `- item` per line, or [a, b] on one line"
			switch {
			case n.Kind == yaml.ScalarNode:
				hint = fmt.Sprintf("write it as a list, e.g. [%s]", n.Value)
			case n.Kind == yaml.MappingNode && t.Elem().Kind() == reflect.Struct && len(n.Content) > 0:
				hint = fmt.Sprintf("each entry of the list starts with `- `: write `- %s: …` on this line", n.Content[0].Value)
			}
			d.errorf(n, "wrong-type", hint, "expected a list here, found %s", kindName(n))
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		v.Set(s)
		for i, item := range n.Content {
			if isNull(item) {
				d.errorf(item, "empty-value", "remove the empty `-` line or give it a value", "empty list item")
				continue
			}
			d.value(item, s.Index(i), f)
		}
		d.duplicates(n, s, f)
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		d.value(n, p.Elem(), f)
		v.Set(p)
	case reflect.String:
		if s, ok := d.scalar(n, f, "a single value"); ok {
			if f.enum != nil && !contains(f.enum, s) {
				hint := "allowed: " + strings.Join(f.enum, ", ")
				if sg := suggest(s, f.enum); sg != "" {
					hint = fmt.Sprintf("did you mean `%s`? Allowed: %s", sg, strings.Join(f.enum, ", "))
				}
				d.errorf(n, "bad-value", hint, "`%s` is not a valid value for `%s`", s, f.name)
				return
			}
			v.SetString(s)
		}
	case reflect.Int:
		if s, ok := d.scalar(n, f, "a whole number"); ok {
			i, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
			if err != nil {
				d.errorf(n, "wrong-type", "write digits only, e.g. 20", "`%s` should be a whole number, found %q", f.name, s)
				return
			}
			v.SetInt(int64(i))
		}
	case reflect.Float64:
		if s, ok := d.scalar(n, f, "a number"); ok {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				d.errorf(n, "wrong-type", "write a decimal number with a point, e.g. 48.1445", "`%s` should be a number, found %q", f.name, s)
				return
			}
			v.SetFloat(x)
		}
	case reflect.Bool:
		if s, ok := d.scalar(n, f, "true or false"); ok {
			b, err := strconv.ParseBool(s)
			if err != nil || (s != "true" && s != "false" && n.Tag != "!!bool") {
				d.errorf(n, "wrong-type", "write true or false", "`%s` should be true or false, found %q", f.name, s)
				return
			}
			v.SetBool(b)
		}
	default:
		panic(fmt.Sprintf("load: no decoder for %s", t)) // a model type the loader does not know: a programming error
	}
}

// duplicates reports list items decoded to the same value as an earlier
// one, such as `languages: [de, de]`.
// Each list node is checked once (an alias repeats it) and each value
// reported once.
func (d *decoder) duplicates(n *yaml.Node, s reflect.Value, f field) {
	if !isScalarType(s.Type().Elem()) || !s.Type().Elem().Comparable() || d.listsChecked[n] {
		return
	}
	if d.listsChecked == nil {
		d.listsChecked = map[*yaml.Node]bool{}
	}
	d.listsChecked[n] = true
	seen := make(map[any]int, s.Len())
	for i := range s.Len() {
		e := s.Index(i)
		if _, decoded := d.pos[e.Addr().Interface()]; !decoded {
			continue
		}
		x := e.Interface()
		if seen[x] == 1 {
			item := n.Content[i]
			if item.Kind == yaml.AliasNode && item.Alias != nil {
				item = item.Alias
			}
			what := "the list"
			if f.name != "" {
				what = "`" + f.name + "`"
			}
			d.errorf(n.Content[i], "duplicate-entry", "remove the second one", "`%s` is listed twice in %s", item.Value, what)
		}
		seen[x]++
	}
}

// germanDays maps German day abbreviations that differ from the data's
// codes to those codes.
var germanDays = map[string]string{"di": "tu", "mi": "we", "do": "th", "so": "su", "montag": "mo", "dienstag": "tu",
	"mittwoch": "we", "donnerstag": "th", "freitag": "fr", "samstag": "sa", "sonntag": "su"}

// isScalarType reports whether values of t are written as one YAML scalar.
func isScalarType(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Struct, reflect.Slice, reflect.Map, reflect.Pointer:
		return t == dateType
	}
	return true
}

// scalar returns the text of a scalar node, or reports that one was expected.
// The text is in Unicode normal form C, so that names that differ only in
// how an accent is encoded are the same name.
func (d *decoder) scalar(n *yaml.Node, f field, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		what := "this value"
		if f.name != "" {
			what = "`" + f.name + "`"
		}
		d.errorf(n, "wrong-type", "write a single value after the colon", "%s should be %s, found %s", what, want, kindName(n))
		return "", false
	}
	s := norm.NFC.String(n.Value)
	d.checkText(n, s, f) // a value it refuses is kept: the error stops the build, and its absence would only add errors
	return s, true
}

// checkText reports a value that holds characters no text should hold, or
// that is too long for its field: MaxLong characters for descriptions and
// notes, 2,000 for web addresses, MaxLine (and one line) for the rest.
func (d *decoder) checkText(n *yaml.Node, s string, f field) {
	if what := badValueChar(s); what != "" {
		d.errorf(n, "bad-character", "remove it; escapes such as \\e or \\u202E put invisible characters into a text", "the value holds %s", what)
		return
	}
	name := "this value"
	if f.name != "" {
		name = "`" + f.name + "`"
	}
	limit := model.MaxLine
	switch {
	case f.long:
		limit = model.MaxLong
	case f.url:
		limit = 2000
	}
	if c := utf8.RuneCountInString(s); c > limit {
		hint := "shorten it"
		if !f.long {
			hint = "shorten it; longer texts belong in a description"
		}
		d.errorf(n, "too-long", hint, "%s is %d characters long; the limit is %d", name, c, limit)
		return
	}
	if !f.long && strings.ContainsAny(s, "\n\r") {
		d.errorf(n, "line-break", "write it on one line, without | or > after the colon", "%s holds a line break", name)
	}
}

// Placeholder starts the values that `wegweiser new` writes into its
// templates: the word, then an example of what belongs there.
const Placeholder = "TODO"

// placeholder reports (as an error) a template value nobody filled in.
func (d *decoder) placeholder(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode || !strings.HasPrefix(n.Value, Placeholder) {
		return false
	}
	example := strings.TrimSpace(strings.TrimPrefix(n.Value, Placeholder))
	hint := "replace it with the real value, or delete the line if the field is optional"
	if example != "" {
		hint = fmt.Sprintf("replace it with the real value (written like %q), or delete the line if the field is optional", example)
	}
	d.errorf(n, "placeholder", hint, "this value is still the template's placeholder %q", n.Value)
	return true
}

// object decodes a mapping node into the struct v.
func (d *decoder) object(n *yaml.Node, v reflect.Value) {
	what := typeWords(v.Type())
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "wrong-type", "write one `name: value` line per field, indented below", "expected the fields of %s here, found %s", what, kindName(n))
		return
	}
	fs := d.fields.fields(v.Type())
	seen := make(map[string]*yaml.Node, len(fs))
	typoFor := map[string]bool{} // fields an unknown field was taken as a typo of
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "wrong-type", "field names are single words such as `name`", "a field name cannot be %s", kindName(k))
			continue
		}
		name := k.Value
		if k.Tag == "!!merge" {
			d.errorf(k, "unsupported", "write the fields out in full", "merge keys (<<) are not supported")
			continue
		}
		if first, dup := seen[name]; dup {
			hint := "remove one of them"
			if first == n.Content[0] {
				hint = "if a new entry starts here, begin the line with `- ` like the entry above; otherwise remove one of them"
			}
			d.errorf(k, "duplicate-field", hint, "field `%s` appears twice in %s (first on line %d)", name, what, first.Line+d.lineOff)
			continue
		}
		seen[name] = k
		f, ok := lookup(fs, name)
		if ok && !isNull(val) {
			d.written[v.Field(f.index).Addr().Interface()] = true
		}
		if !ok {
			hint := "allowed here: " + strings.Join(fieldNames(fs), ", ")
			if _, err := strconv.Atoi(name); err == nil && i > 0 {
				hint = fmt.Sprintf("write decimal numbers with a point, not a comma: %s.%s", n.Content[i-1].Value, name)
			} else if s := suggest(name, fieldNames(fs)); s != "" {
				hint = fmt.Sprintf("did you mean `%s`?", s)
				typoFor[s] = true
				if f, ok := lookup(fs, s); ok {
					d.written[v.Field(f.index).Addr().Interface()] = true
				}
			}
			d.errorf(k, "unknown-field", hint, "unknown field `%s` in %s", name, what)
			continue
		}
		fv := v.Field(f.index)
		if isNull(val) {
			if f.required {
				d.errorf(val, "empty-value", fmt.Sprintf("write a value after `%s:`", name), "`%s` is empty", name)
			}
			continue
		}
		before := len(d.problems)
		d.value(val, fv, f)
		if f.required && isEmpty(fv) && len(d.problems) == before && d.budget >= 0 {
			d.errorf(val, "empty-value", fmt.Sprintf("write a value after `%s:`", name), "`%s` is empty", name)
		}
	}
	for _, f := range fs {
		if d.budget < 0 {
			break
		}
		if f.required && seen[f.name] == nil && !typoFor[f.name] {
			d.errorf(n, "missing-field", fmt.Sprintf("add a line `%s: …`", f.name), "%s is missing the required field `%s`", what, f.name)
		}
	}
}

// text decodes a translatable text: a plain string, or a map from language
// code to string. f carries the rules of the text's field.
func (d *decoder) text(n *yaml.Node, v reflect.Value, f field) {
	switch n.Kind {
	case yaml.ScalarNode:
		if s, ok := d.scalar(n, f, "a text"); ok && s != "" {
			v.Set(reflect.ValueOf(model.Text{d.defLang: s}))
		}
	case yaml.MappingNode:
		t := make(model.Text, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || val.Kind != yaml.ScalarNode {
				d.errorf(val, "wrong-type", "write each translation as `code: text`, e.g. en: Migration counselling", "a translation must be a single text")
				continue
			}
			if _, dup := t[k.Value]; dup {
				d.errorf(k, "duplicate-field", "remove one of them", "translation `%s` appears twice", k.Value)
				continue
			}
			if d.langs != nil && !d.langs[k.Value] {
				hint := "use a language code from languages.yaml"
				if s := suggest(k.Value, keys(d.langs)); s != "" {
					hint = fmt.Sprintf("did you mean `%s`?", s)
				}
				d.errorf(k, "unknown-reference", hint, "language `%s` is not in languages.yaml", k.Value)
				continue
			}
			if val.Value != "" && !d.placeholder(val) {
				if s, ok := d.scalar(val, f, "a text"); ok {
					t[k.Value] = s
					if d.spans && v.CanAddr() {
						d.recordSpan(v.Addr().Interface(), k, val, n.Content[i+2:])
					}
				}
			}
		}
		v.Set(reflect.ValueOf(t))
	default:
		d.errorf(n, "wrong-type", "write a text, or one `code: text` line per language", "expected a text, found %s", kindName(n))
	}
}

// translation is the key of a translation's span in the position map:
// the Text's address and the language. Its position is the language key's;
// the span's last line is under translationEnd.
type translation struct {
	text any
	lang string
}

type translationEnd translation

// recordSpan notes the lines a translation takes, from its key to the
// line before the next key (rest holds the mapping's later nodes), or, for
// the last one, to its value's last line.
func (d *decoder) recordSpan(text any, k, val *yaml.Node, rest []*yaml.Node) {
	end := val.Line
	switch {
	case len(rest) > 0 && rest[0].Line > k.Line:
		end = rest[0].Line - 1
	case val.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		end = val.Line + strings.Count(strings.TrimRight(val.Value, "\n"), "\n") + 1
	}
	d.pos[translation{text, k.Value}] = d.at(k)
	d.pos[translationEnd{text, k.Value}] = diag.Pos{File: d.file, Line: end + d.lineOff}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func lookup(fs []field, name string) (field, bool) {
	for _, f := range fs {
		if f.name == name {
			return f, true
		}
	}
	return field{}, false
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String, reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// typeWords names a model type in words: CourseLocation → "course location".
func typeWords(t reflect.Type) string {
	switch t.Name() {
	case "PageMeta":
		return "the front matter"
	case "Hours":
		return "an hours entry"
	}
	var b strings.Builder
	for i, r := range t.Name() {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	s := b.String()
	if strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

var (
	postalRe = regexp.MustCompile(`^[0-9]{5}$`)
	phoneRe  = regexp.MustCompile(`^\+?[0-9][0-9 ()/\-.]{4,}[0-9]$`)
)

// checkFormat checks the form of e-mail addresses, URLs, phone numbers and
// postal codes. It returns the rule, message and hint of the problem, or
// three empty strings.
func checkFormat(t reflect.Type, s string) (rule, msg, hint string) {
	switch t {
	case emailType:
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
			return "bad-email", fmt.Sprintf("%q is not an e-mail address", s), "write only the address, e.g. beratung@example.org"
		}
	case urlType:
		u, err := url.Parse(s)
		switch {
		case err == nil && u.Scheme != "" && u.Scheme != "https" && u.Scheme != "http" && !strings.Contains(u.Scheme, "."):
			return "bad-url", fmt.Sprintf("web addresses must start with https:// or http://, not %s:", u.Scheme), "links to other kinds of address are not allowed on the site"
		case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
			return "bad-url", fmt.Sprintf("%q is not a web address", s), "write the full address, starting with https://"
		}
	case phoneType:
		if !phoneRe.MatchString(s) || model.Phone(s).E164() == "" || len(model.Phone(s).E164()) < 7 || len(model.Phone(s).E164()) > 16 {
			return "bad-phone", fmt.Sprintf("%q is not a phone number", s), `write it as people dial it, e.g. "089 1234-567" or "+49 89 1234567"`
		}
	case postalType:
		if !postalRe.MatchString(s) {
			return "bad-postal-code", fmt.Sprintf("postal code %q is not five digits", s), `write it in quotes, e.g. "80335"`
		}
	}
	return "", "", ""
}
