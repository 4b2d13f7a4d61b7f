package load

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/model"
)

// SumsFile records, for a site without Git history, the source text each
// translation was made from, so that a translation older than its source
// is found without the history (wegweiser fmt keeps it; nobody writes it
// by hand). With the Git history the loader uses that instead.
//
// Each line is "<language> <hash of the translation> <hash of its source
// text>" (SHA-256, 16 hex digits), sorted. A record is keyed by the
// translation's text, not by where it stands, so reordering entries or
// moving a text loses nothing.
const SumsFile = "data/translations.sum"

// Sums maps a translation to the hash of the source text it was recorded
// with.
type Sums map[SumKey]string

// SumKey is a translation: its language and the hash of its text.
type SumKey struct{ Lang, Text string }

func hashText(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// ParseSums reads a sums file.
func ParseSums(b []byte) (Sums, error) {
	s := Sums{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("%s:%d: want \"language translation-hash source-hash\"", SumsFile, n)
		}
		s[SumKey{f[0], f[1]}] = f[2]
	}
	return s, sc.Err()
}

// Bytes returns the file's text.
func (s Sums) Bytes() []byte {
	keys := make([]SumKey, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b SumKey) int { return cmp.Or(cmp.Compare(a.Lang, b.Lang), cmp.Compare(a.Text, b.Text)) })
	var b bytes.Buffer
	b.WriteString("# The source text each translation was made from, for sites without Git history.\n# Kept by `wegweiser fmt`; do not edit. See docs/editors.en.md.\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "%s %s %s\n", k.Lang, k.Text, s[k])
	}
	return b.Bytes()
}

// eachTranslation calls visit for every translation of a text meant to be
// translated in d: its language, text and source text.
func eachTranslation(d *model.Directory, visit func(lang, text, source string)) {
	def := d.Site.DefaultLanguage
	l := newLoader(nil, Options{}, nil)
	l.walk(reflect.ValueOf(d).Elem(), func(f field, v reflect.Value) {
		if v.Type() != textType || !f.translate {
			return
		}
		t := v.Interface().(model.Text)
		if t[def] == "" {
			return
		}
		for lang, s := range t {
			if lang != def && s != "" {
				visit(lang, s, t[def])
			}
		}
	})
}

// UpdateSums returns the sums of d's translations: a translation already
// recorded keeps its record (so one whose source changed stays outdated
// until it is edited); a new or edited one is recorded with its current
// source; records of translations no longer in d go.
func UpdateSums(d *model.Directory, old Sums) Sums {
	next := Sums{}
	eachTranslation(d, func(lang, text, source string) {
		k := SumKey{lang, hashText(text)}
		if h, ok := old[k]; ok {
			next[k] = h
		} else if _, ok := next[k]; !ok {
			next[k] = hashText(source)
		}
	})
	return next
}

// checkSums is checkOutdated without Git history: a translation whose
// record names another source text than the current one is outdated.
func (l *loader) checkSums(ptr any, f field, t model.Text) {
	def := l.dir.Site.DefaultLanguage
	src := hashText(t[def])
	for _, lang := range slices.Sorted(maps.Keys(t)) {
		if lang == def {
			continue
		}
		rec, ok := l.trSums[SumKey{lang, hashText(t[lang])}]
		if !ok || rec == src {
			continue
		}
		if _, ok := l.pos[translation{ptr, lang}]; !ok {
			continue
		}
		l.warnAt(translation{ptr, lang}, "outdated-translation",
			"check the translation against the new text and correct it; if it is still right, run `wegweiser fmt --translations-checked` to record that",
			"`%s`: the %s text changed after this %s translation was made (%s): it may be out of date", f.name, def, lang, SumsFile)
		if l.dir.Outdated == nil {
			l.dir.Outdated = map[string]model.Date{}
		}
		l.dir.Outdated[lang+"\x00"+t[lang]] = model.Date{}
	}
}

// readSums reads SumsFile when the load has no Git history to compare
// translations with.
func (l *loader) readSums() {
	if l.opts.Lines != nil {
		return
	}
	b, problems, notExist := readSource(l.fsys, SumsFile)
	if notExist {
		return // none: nothing is compared
	}
	if len(problems) > 0 {
		l.problems = append(l.problems, problems...)
		return
	}
	s, err := ParseSums(b)
	if err != nil {
		l.problem(diag.Warning, diag.Pos{File: SumsFile, Line: 1, Col: 1}, "bad-value", "run `wegweiser fmt` to write it again", "%v", err)
		return
	}
	l.trSums = s
}

// comparesTranslations reports whether this load compares translations
// with their source (Git history, or a SumsFile): only then does the
// decoder note the lines of each translation.
func (l *loader) comparesTranslations() bool {
	if l.compare == nil {
		_, err := fs.Stat(l.fsys, SumsFile)
		c := l.opts.Lines != nil || err == nil
		l.compare = &c
	}
	return *l.compare
}
