// Package i18n holds the interface strings of the site per language and
// formats dates, weekdays and times for each language.
//
// Strings come from the theme's i18n/<lang>.yaml, overridden key by key by
// the site's i18n/<lang>.yaml. A key missing in a language falls back to the
// site's default language. Placeholders are written {name} and filled from
// name/value pairs.
package i18n

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// Bundle is the set of interface strings of all languages. It is read-only
// after Load.
type Bundle struct {
	strings  map[string]map[string]string // lang → key → text
	fallback string
}

// Load reads i18n/<lang>.yaml from each of the file systems in turn, later
// ones overriding earlier ones key by key (the theme first, then the site),
// for the given languages. fallback is the language used for missing keys.
func Load(langs []string, fallback string, layers ...fs.FS) (*Bundle, error) {
	b := &Bundle{strings: map[string]map[string]string{}, fallback: fallback}
	var errs []error
	for _, lang := range langs {
		m := map[string]string{}
		for _, layer := range layers {
			src, err := fs.ReadFile(layer, path.Join("i18n", lang+".yaml"))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			var kv map[string]string
			if err := yaml.Unmarshal(src, &kv); err != nil {
				errs = append(errs, fmt.Errorf("i18n/%s.yaml: %w", lang, err))
				continue
			}
			for k, v := range kv {
				m[k] = v
			}
		}
		b.strings[lang] = m
	}
	return b, errors.Join(errs...)
}

// Keys returns the keys defined for lang, sorted.
func (b *Bundle) Keys(lang string) []string {
	keys := make([]string, 0, len(b.strings[lang]))
	for k := range b.strings[lang] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Has reports whether lang defines key itself (without fallback).
func (b *Bundle) Has(lang, key string) bool {
	_, ok := b.strings[lang][key]
	return ok
}

// T returns the string key in lang with its placeholders filled from
// name/value pairs: T("de", "closed_range", "from", a, "to", b). A key
// missing in lang comes from the fallback language; a key missing there too
// comes back as the key itself, so the mistake is visible on the page.
func (b *Bundle) T(lang, key string, pairs ...string) string {
	s, ok := b.strings[lang][key]
	if !ok {
		if s, ok = b.strings[b.fallback][key]; !ok {
			return key
		}
	}
	if len(pairs) == 0 {
		return s
	}
	return fill(s, pairs)
}

// fill replaces each {name} in s with the value after name in pairs
// (name, value, name, value, …); other braces stay. It runs on every
// string with placeholders of every page, so it scans once and builds
// nothing else.
func fill(s string, pairs []string) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		name, found := s[i+1:i+j], false
		b.WriteString(s[:i])
		for k := 0; k+1 < len(pairs); k += 2 {
			if pairs[k] == name {
				b.WriteString(pairs[k+1])
				found = true
				break
			}
		}
		if !found {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// Number writes n with its digits in groups of three, separated as lang
// writes them (its string number_group: "21.000" in German, "21,000" in
// English, "21 000" with a narrow space in French); a number of up to
// four digits too ("1.234"), as these languages do. Without number_group
// (a site's own strings) the digits stay together. search.js and the
// other scripts group as the page's body says (data-group; site.js,
// wegweiserNumber), which TestNumberMatchesJavaScript holds equal to this.
func (b *Bundle) Number(lang string, n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	sep := b.NumberGroup(lang)
	if len(s) <= 3 || sep == "" {
		return sign + s
	}
	var out strings.Builder
	out.WriteString(sign)
	head := len(s) % 3
	if head == 0 {
		head = 3
	}
	out.WriteString(s[:head])
	for i := head; i < len(s); i += 3 {
		out.WriteString(sep)
		out.WriteString(s[i : i+3])
	}
	return out.String()
}

// NumberGroup returns what lang puts between groups of three digits (its
// string number_group, else the fallback language's, else nothing).
func (b *Bundle) NumberGroup(lang string) string {
	if sep, ok := b.strings[lang]["number_group"]; ok {
		return sep
	}
	return b.strings[b.fallback]["number_group"]
}

// Date formats d for lang, e.g. "21. November 2026" or "21 ноября 2026".
func (b *Bundle) Date(lang string, d model.Date) string {
	return b.T(lang, "date_format", "day", strconv.Itoa(d.Day), "month", b.T(lang, "month_"+strconv.Itoa(int(d.Month))), "year", strconv.Itoa(d.Year))
}

// Month formats a month standing alone, e.g. "Dezember 2026".
func (b *Bundle) Month(lang string, year int, month time.Month) string {
	return b.T(lang, "monthname_"+strconv.Itoa(int(month))) + " " + strconv.Itoa(year)
}

// Weekday returns the name of d in lang.
func (b *Bundle) Weekday(lang string, d model.Weekday) string {
	return b.T(lang, "day_"+model.WeekdayCode(d))
}

// TimeRange formats a span of the day, e.g. "09:00–12:00".
func (b *Bundle) TimeRange(lang string, from, to model.Clock) string {
	return b.T(lang, "time_range", "from", from.String(), "to", to.String())
}
