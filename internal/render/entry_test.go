package render

import (
	"net/url"
	"strings"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// TestReportMistake checks where "report a mistake" goes, in the reader's
// language: the provider's editor, the coordination office, or a new
// issue on the Git host when site.yaml has report.issue_url; the report
// names the entry and its file.
func TestReportMistake(t *testing.T) {
	s, r := exampleSite(t, "https://example.org/")
	d := s.Dir
	page := func(kind, id, lang string) *View {
		for _, p := range s.Pages() {
			if p.Kind == kind && p.Lang == lang && strings.HasSuffix(p.Path(), "/"+id+"/index.html") {
				return r.view(s, p)
			}
		}
		t.Fatalf("no %s page %s in %s", kind, id, lang)
		return nil
	}
	caritas := d.Office("caritas-mbe-maxvorstadt")
	awo := d.Office("awo-mbe-ludwigsvorstadt")
	if caritas == nil || awo == nil || d.Provider("caritas-muenchen").EditorEmail == "" || d.Provider("awo-muenchen").EditorEmail != "" {
		t.Fatal("the example has changed: Caritas should have an editor_email, AWO none")
	}
	decode := func(u string) string {
		s, err := url.QueryUnescape(strings.ReplaceAll(u, "+", "%2B"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		v          *View
		x          any
		to, inLang string
	}{
		{page(site.KindOffice, caritas.ID, "ar"), caritas, "mailto:redaktion-migration@caritas.example.org?", "خطأ في الدليل: Caritas Migrationsdienst Maxvorstadt"},
		{page(site.KindOffice, awo.ID, "de"), awo, "mailto:koordination@wegweiser.example.org?", "Fehler im Wegweiser: AWO Migrationsberatung Ludwigsvorstadt"},
	} {
		c := tc.v.Check(tc.x)
		got := decode(string(c.Report))
		if !strings.HasPrefix(got, tc.to) || !strings.Contains(got, tc.inLang) || !strings.Contains(got, "data/providers/") || !strings.Contains(got, tc.v.Canonical()) {
			t.Errorf("report link %s", got)
		}
		if strings.Contains(string(c.Report), "+") {
			t.Errorf("mailto with + for spaces: %s", c.Report)
		}
	}
	d.Site.Report = &model.Report{IssueURL: "https://git.example.org/o/n/issues/new?title={title}&body={body}"}
	defer func() { d.Site.Report = nil }()
	c := page(site.KindOffice, awo.ID, "uk").Check(awo)
	got, _ := url.QueryUnescape(string(c.Report)) // a query: "+" is a space
	if !strings.HasPrefix(got, "https://git.example.org/o/n/issues/new?title=Помилка в довіднику: AWO") || !strings.Contains(got, "awo-muenchen.yaml (office awo-mbe-ludwigsvorstadt)") {
		t.Errorf("issue link %s", got)
	}
}

// TestNextHolidays lists the Bavarian public holidays of the four weeks
// after the build date, in the page's language.
func TestNextHolidays(t *testing.T) {
	s, r := exampleSite(t, "")
	var p *site.Page
	for _, pg := range s.Pages() {
		if pg.Kind == site.KindOffice && pg.Lang == "de" {
			p = pg
			break
		}
	}
	s.Today = model.Date{Year: 2026, Month: 12, Day: 10}
	if got, want := r.view(s, p).NextHolidays(), "25.\u00a0Dezember\u00a02026, 26.\u00a0Dezember\u00a02026, 1.\u00a0Januar\u00a02027, 6.\u00a0Januar\u00a02027"; got != want {
		t.Errorf("NextHolidays on 10 December: %q, want %q", got, want)
	}
	s.Today = model.Date{Year: 2026, Month: 11, Day: 21}
	if got := r.view(s, p).NextHolidays(); got != "" {
		t.Errorf("NextHolidays on 21 November: %q, want none", got)
	}
}
