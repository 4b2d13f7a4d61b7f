package model

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Text is a translatable text: a map from language code to string. A plain
// string in the YAML is stored under the site's default language.
type Text map[string]string

// Get returns the text in lang, or in fallback when lang is missing, and the
// language of the returned string, so that a page can mark a fallback with
// its own lang attribute and a visible note.
func (t Text) Get(lang, fallback string) (s, in string) {
	if s, ok := t[lang]; ok && s != "" {
		return s, lang
	}
	if s, ok := t[fallback]; ok && s != "" {
		return s, fallback
	}
	return "", ""
}

// Missing returns the languages of want that t has no text for, in the order
// of want.
func (t Text) Missing(want []string) []string {
	var out []string
	for _, l := range want {
		if t[l] == "" {
			out = append(out, l)
		}
	}
	return out
}

// Date is a calendar date without time of day or zone (YYYY-MM-DD).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses YYYY-MM-DD and rejects impossible dates such as
// 2026-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if len(s) == 10 && s[4] == '-' && s[7] == '-' {
			return Date{}, fmt.Errorf("%q is not a real date", s)
		}
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date (not set).
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// Compare returns -1, 0 or +1 as d is before, on or after e (both valid
// dates).
func (d Date) Compare(e Date) int {
	return cmp.Or(cmp.Compare(d.Year, e.Year), cmp.Compare(d.Month, e.Month), cmp.Compare(d.Day, e.Day))
}

// DaysUntil returns the number of days from d to e (negative if e is before d).
func (d Date) DaysUntil(e Date) int { return int(e.Time().Sub(d.Time()).Hours() / 24) }

// String formats d as YYYY-MM-DD.
func (d Date) String() string { return d.Time().Format(time.DateOnly) }

// Clock is a time of day in minutes after midnight (HH:MM, 24 h). 24:00 is
// allowed as the end of a day.
type Clock int

// ParseClock parses "HH:MM" (24 h clock).
func ParseClock(s string) (Clock, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, fmt.Errorf("%q is not a time in the form HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("%q is not a time of day between 00:00 and 24:00", s)
	}
	return Clock(hh*60 + mm), nil
}

// String formats c as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// Weekday is a day of the week, written mo tu we th fr sa su in the data.
type Weekday = time.Weekday

// weekdayCodes are the day codes of the data, Monday first; never modified.
var weekdayCodes = [...]string{"mo", "tu", "we", "th", "fr", "sa", "su"}

// WeekdayCodes returns the day codes in week order, Monday first.
func WeekdayCodes() []string { return weekdayCodes[:] }

// ParseWeekday parses a day code (mo … su).
func ParseWeekday(s string) (Weekday, error) {
	for i, c := range weekdayCodes {
		if c == s {
			return Weekday((i + 1) % 7), nil
		}
	}
	return 0, fmt.Errorf("%q is not a day; use one of %s", s, strings.Join(weekdayCodes[:], " "))
}

// WeekdayCode returns the data's code (mo … su) of d.
func WeekdayCode(d Weekday) string { return weekdayCodes[(int(d)+6)%7] }

// Hours kinds.
const (
	HoursOpen        = "open"        // walk-in consultation
	HoursAppointment = "appointment" // by appointment only: never shown as closed
	HoursPhone       = "phone"       // reachable by phone
)

// Hours is one recurring consultation slot.
type Hours struct {
	Days       []Weekday `yaml:"days" wg:"required"`
	From       Clock     `yaml:"from" wg:"required"`
	To         Clock     `yaml:"to" wg:"required"`
	Kind       string    `yaml:"kind" wg:"enum=open|appointment|phone"` // default: open
	Note       Text      `yaml:"note" wg:"translate,long"`
	BookingURL URL       `yaml:"booking_url"`
}

// OnDay reports whether h applies on weekday d.
func (h Hours) OnDay(d Weekday) bool {
	for _, x := range h.Days {
		if x == d {
			return true
		}
	}
	return false
}

// Closure is a period in which an office is closed (holidays, leave).
type Closure struct {
	From Date `yaml:"from" wg:"required"`
	To   Date `yaml:"to"` // default: From (a one-day closure)
	Note Text `yaml:"note" wg:"translate,long"`
}

// Email is an e-mail address, checked for form when loaded.
type Email string

// URL is an absolute http or https URL, checked when loaded.
type URL string

// Phone is a phone number as people write it ("089 1234-567"); E164 gives
// the form for tel: links.
type Phone string

// E164 returns the number in E.164 form (+49891234567) for tel: links,
// assuming Germany for national numbers. It returns "" if p has no digits.
func (p Phone) E164() string {
	var b strings.Builder
	// "+49 (0)89 …": the (0) is dialled only from within Germany.
	s := strings.ReplaceAll(strings.TrimSpace(string(p)), "(0)", "")
	intl := strings.HasPrefix(s, "+") || strings.HasPrefix(s, "00")
	s = strings.TrimPrefix(s, "00")
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	switch {
	case d == "":
		return ""
	case intl:
		return "+" + d
	case strings.HasPrefix(d, "0"):
		return "+49" + d[1:]
	default:
		return "+49" + d
	}
}

// PostalCode is a German postal code: five digits.
type PostalCode string
