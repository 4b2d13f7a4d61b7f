// Package export writes the directory in formats other programs read:
// advisor lists as CSV (one variant for German Excel, one RFC 4180),
// contacts as vCard 4.0, consultation hours as iCalendar (RFC 5545).
//
// Exports see only the directory they are given: the public edition hands
// them model.Directory.Public(), so they cannot leak what is for staff.
package export

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// text returns t in the default language.
func text(d *model.Directory, t model.Text) string {
	s, _ := t.Get(d.Site.DefaultLanguage, d.Site.DefaultLanguage)
	return s
}

// Hours formats consultation hours in German for exports:
// "Mo, Di 09:00–12:00 offen; Do 13:00–16:00 Termin".
func Hours(hs []model.Hours) string {
	days := map[string]string{"mo": "Mo", "tu": "Di", "we": "Mi", "th": "Do", "fr": "Fr", "sa": "Sa", "su": "So"}
	kinds := map[string]string{model.HoursOpen: "offen", model.HoursAppointment: "Termin", model.HoursPhone: "Telefon"}
	var parts []string
	for _, h := range hs {
		var ds []string
		for _, d := range h.Days {
			ds = append(ds, days[model.WeekdayCode(d)])
		}
		parts = append(parts, fmt.Sprintf("%s %s–%s %s", strings.Join(ds, ", "), h.From, h.To, kinds[h.Kind]))
	}
	return strings.Join(parts, "; ")
}

// Advisors returns the advisors of d in a stable order: by district of
// their office, then name.
func Advisors(d *model.Directory) []*model.Advisor {
	var out []*model.Advisor
	for i := range d.Providers {
		for j := range d.Providers[i].Advisors {
			out = append(out, &d.Providers[i].Advisors[j])
		}
	}
	slices.SortStableFunc(out, func(a, b *model.Advisor) int {
		da, db := d.Office(a.Office).District, d.Office(b.Office).District
		if c := strings.Compare(da, db); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// CSV writes the CSV files of the project: RFC 4180 with CRLF, or, for
// Excel, ";" between fields (the caller writes the byte order mark). Every
// cell goes through SafeCell, so no file the project writes can run a
// formula in its reader's spreadsheet.
type CSV struct{ w *csv.Writer }

// NewCSV returns a CSV writer on w; excel separates fields with ";".
func NewCSV(w io.Writer, excel bool) *CSV {
	c := &CSV{csv.NewWriter(w)}
	c.w.UseCRLF = true
	if excel {
		c.w.Comma = ';'
	}
	return c
}

// Write writes one row, each cell made safe by SafeCell.
func (c *CSV) Write(row []string) error {
	safe := make([]string, len(row))
	for i, cell := range row {
		safe[i] = SafeCell(cell)
	}
	return c.w.Write(safe)
}

// Flush writes what is buffered and returns the first error of any write.
func (c *CSV) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// SafeCell neutralises a cell a spreadsheet would take for a formula
// (CSV injection, OWASP): one that begins with =, +, -, @, a tab or a
// carriage return gets an apostrophe in front, so it is shown as the text
// it is ("'+49 89 1234", "'=HYPERLINK(…)").
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvHeader are the columns of the advisor list. The internal edition adds
// the staff-only columns.
var csvHeader = []string{"Name", "Träger", "Beratungsstelle", "Stadtbezirk", "Programm", "Sprachen", "Telefon", "E-Mail", "Adresse", "Sprechzeiten"}

// AdvisorsCSV writes the advisor list. excel selects the variant German
// Excel opens directly (UTF-8 with byte order mark, ";" between fields,
// CRLF); otherwise plain RFC 4180 (",", CRLF, no BOM). With internal the
// staff-only columns are added.
func AdvisorsCSV(d *model.Directory, excel, internal bool) []byte {
	var b bytes.Buffer
	if excel {
		b.WriteString("\uFEFF")
	}
	w := NewCSV(&b, excel)
	header := csvHeader
	if internal {
		header = append(slices.Clone(header), "Öffentlich", "Durchwahl", "E-Mail (intern)", "Notiz (intern)")
	}
	w.Write(header)
	for _, a := range Advisors(d) {
		o := d.Office(a.Office)
		p := d.Provider(a.Provider)
		district := ""
		if dd := d.District(o.District); dd != nil {
			district = text(d, dd.Name)
		}
		row := []string{a.Name, text(d, p.Name), text(d, o.Name), district, strings.ToUpper(strings.Join(a.Programs, ", ")),
			strings.Join(a.Languages, ", "), string(a.Phone), string(a.Email),
			fmt.Sprintf("%s, %s %s", o.Address.Street, o.Address.PostalCode, o.Address.City), Hours(a.Hours)}
		if internal {
			pub := "ja"
			if !a.IsPublic() {
				pub = "nein"
			}
			in := a.Internal
			if in == nil {
				in = &model.Internal{}
			}
			row = append(row, pub, string(in.Phone), string(in.Email), text(d, in.Note))
		}
		w.Write(row)
	}
	w.Flush()
	return b.Bytes()
}
