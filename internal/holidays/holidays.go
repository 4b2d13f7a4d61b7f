// Package holidays computes Germany's public holidays, national and per
// Land, from their rules (Easter by the Gregorian computus), not from a
// hand-kept list. Sources: the Länder's Feiertagsgesetze as of 2026.
package holidays

import (
	"slices"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// Holiday is one public holiday.
type Holiday struct {
	Date model.Date
	Name string // German name
}

// States are the Länder by their ISO 3166-2 code (without "DE-").
var states = map[string]string{
	"BW": "Baden-Württemberg", "BY": "Bayern", "BE": "Berlin", "BB": "Brandenburg", "HB": "Bremen",
	"HH": "Hamburg", "HE": "Hessen", "MV": "Mecklenburg-Vorpommern", "NI": "Niedersachsen",
	"NW": "Nordrhein-Westfalen", "RP": "Rheinland-Pfalz", "SL": "Saarland", "SN": "Sachsen",
	"ST": "Sachsen-Anhalt", "SH": "Schleswig-Holstein", "TH": "Thüringen",
}

// State returns the code of a Land given by code ("BY", "DE-BY") or by
// name ("Bayern"), and whether it is one.
func State(s string) (string, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "DE-")
	if _, ok := states[strings.ToUpper(s)]; ok {
		return strings.ToUpper(s), true
	}
	for code, name := range states {
		if strings.EqualFold(name, s) {
			return code, true
		}
	}
	return "", false
}

// Easter returns Easter Sunday of year (Gregorian calendar; the anonymous
// Gregorian algorithm, "Meeus/Jones/Butcher").
func Easter(year int) model.Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return model.Date{Year: year, Month: time.Month(month), Day: day}
}

func add(d model.Date, days int) model.Date { return model.DateOf(d.Time().AddDate(0, 0, days)) }

// In returns the public holidays of year in the Land state (a code, see
// State; "" or unknown: the national ones only), in date order.
func In(state string, year int) []Holiday {
	easter := Easter(year)
	date := func(m time.Month, d int) model.Date { return model.Date{Year: year, Month: m, Day: d} }
	in := func(codes ...string) bool { return slices.Contains(codes, state) }
	hs := []Holiday{
		{date(time.January, 1), "Neujahr"},
		{add(easter, -2), "Karfreitag"},
		{add(easter, 1), "Ostermontag"},
		{date(time.May, 1), "Tag der Arbeit"},
		{add(easter, 39), "Christi Himmelfahrt"},
		{add(easter, 50), "Pfingstmontag"},
		{date(time.October, 3), "Tag der Deutschen Einheit"},
		{date(time.December, 25), "1. Weihnachtstag"},
		{date(time.December, 26), "2. Weihnachtstag"},
	}
	if in("BW", "BY", "ST") {
		hs = append(hs, Holiday{date(time.January, 6), "Heilige Drei Könige"})
	}
	if in("BE") || in("MV") && year >= 2023 {
		hs = append(hs, Holiday{date(time.March, 8), "Internationaler Frauentag"})
	}
	if in("BW", "BY", "HE", "NW", "RP", "SL") {
		hs = append(hs, Holiday{add(easter, 60), "Fronleichnam"})
	}
	// Mariä Himmelfahrt: Saarland; in Bavaria in the municipalities with
	// a Catholic majority, among them München, Nürnberg excepted.
	if in("SL", "BY") {
		hs = append(hs, Holiday{date(time.August, 15), "Mariä Himmelfahrt"})
	}
	if in("TH") && year >= 2019 {
		hs = append(hs, Holiday{date(time.September, 20), "Weltkindertag"})
	}
	if in("BB", "MV", "SN", "ST", "TH") || in("HB", "HH", "NI", "SH") && year >= 2018 {
		hs = append(hs, Holiday{date(time.October, 31), "Reformationstag"})
	}
	if in("BW", "BY", "NW", "RP", "SL") {
		hs = append(hs, Holiday{date(time.November, 1), "Allerheiligen"})
	}
	if in("SN") {
		// The Wednesday before 23 November.
		d := date(time.November, 22)
		for d.Time().Weekday() != time.Wednesday {
			d = add(d, -1)
		}
		hs = append(hs, Holiday{d, "Buß- und Bettag"})
	}
	slices.SortFunc(hs, func(a, b Holiday) int { return a.Date.Time().Compare(b.Date.Time()) })
	return hs
}

// Between returns the public holidays from from to to (both included) in
// the Land state.
func Between(state string, from, to model.Date) []Holiday {
	var out []Holiday
	for y := from.Year; y <= to.Year; y++ {
		for _, h := range In(state, y) {
			if !h.Date.Before(from) && !to.Before(h.Date) {
				out = append(out, h)
			}
		}
	}
	return out
}
