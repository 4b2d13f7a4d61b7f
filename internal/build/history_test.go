package build

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/history"
	"github.com/wegweiser-de/wegweiser/internal/history/historytest"
	"github.com/wegweiser-de/wegweiser/internal/load"
)

// exampleRepo is a throw-away Git repository holding a copy of the
// example's data/ and content/.
func exampleRepo(t *testing.T) *historytest.Repo {
	t.Helper()
	r := historytest.New(t)
	for _, top := range []string{"data", "content"} {
		if err := os.CopyFS(filepath.Join(r.Dir, top), os.DirFS(filepath.Join("..", "..", top))); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// lineOf returns the line number of the first line of file holding s.
func lineOf(t *testing.T, dir, file, s string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q", file, s)
	return 0
}

// TestHistory builds a fresh clone of a two-commit repository, with no
// previous output: the second commit changed AWO's German description,
// one office's phone number and hours, and set Caritas's last check 400
// days back. The build warns at each translation of the description that
// is now older than its source (and at no other line), marks them on the
// pages, tells readers of Caritas's pages to call first, and its Atom
// feeds describe the second commit's changes, site-wide and in the
// office's district. A third commit corrects the Arabic translation, and
// its warning goes.
func TestHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := exampleRepo(t)
	first := testToday.AddDate(0, 0, -50)
	second := testToday.AddDate(0, 0, -10)
	// Three of the example's fourteen interface languages (German, English,
	// Arabic): what the history shows does not depend on them, and the
	// builds take a third of the time.
	r.Edit("data/site.yaml", allLanguages, "languages: ["+strings.Join(smallLanguages, ", ")+"]")
	r.Commit(first, "Beispieldaten")
	const awo = "data/providers/awo-muenchen.yaml"
	r.Edit(awo, `de: "AWO München berät Zugewanderte in München:`, `de: "AWO München berät Zugewanderte in ganz München:`)
	r.Edit(awo, `phone: "089 1234510-10"`, `phone: "089 1234510-77"`)
	r.Edit(awo, `      - {days: [th], from: "13:00"`, `      - {days: [th], from: "14:00"`)
	r.Edit("data/providers/caritas-muenchen.yaml", "\nlast_verified: 2026-10-01\n", "\nlast_verified: "+testToday.AddDate(0, 0, -400).Format(time.DateOnly)+"\n")
	r.Commit(second, "AWO: Beschreibung, Telefon und Zeiten")

	clone := t.TempDir()
	r.Git(time.Time{}, "clone", "-q", r.Dir, clone)
	repo, err := history.Open(ctx, clone)
	if err != nil {
		t.Fatal(err)
	}
	var w memWriter
	res, err := Build(ctx, Config{Source: os.DirFS(clone), Now: testToday, History: repo}, &w)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.ChangesFrom, "Git history") {
		t.Errorf("changes from %q", res.ChangesFrom)
	}

	// Warnings at the translations of the changed text, and nowhere else.
	var outdated []int
	for _, p := range res.Problems {
		if p.Rule == "outdated-translation" {
			if p.File != awo {
				t.Errorf("outdated translation outside the changed file: %s", p)
			}
			outdated = append(outdated, p.Line)
		}
	}
	deLine := lineOf(t, clone, awo, "berät Zugewanderte in ganz München")
	if len(outdated) != 13 || outdated[0] != deLine+1 {
		t.Errorf("outdated translations at lines %v, want the 13 below line %d", outdated, deLine)
	}
	en := string(w.files["en/providers/awo-muenchen/index.html"])
	if !strings.Contains(en, "this translation may be out of date") {
		t.Errorf("the English provider page does not mark the outdated description")
	}
	if de := string(w.files["de/providers/awo-muenchen/index.html"]); strings.Contains(de, "vielleicht veraltet") {
		t.Errorf("the German page marks its own text as outdated")
	}
	if strings.Contains(string(w.files["en/providers/caritas-muenchen/index.html"]), "this translation may be out of date") {
		t.Errorf("an unchanged provider's translation is marked")
	}

	// A reader of an entry checked 400 days ago is told to call first.
	for _, page := range []string{"de/providers/caritas-muenchen/index.html", "de/offices/caritas-mbe-maxvorstadt/index.html"} {
		if !strings.Contains(string(w.files[page]), "Bitte rufen Sie an, bevor Sie hingehen") {
			t.Errorf("%s has no note for readers on its old check", page)
		}
	}
	if strings.Contains(string(w.files["de/offices/awo-mbe-ludwigsvorstadt/index.html"]), "bevor Sie hingehen") {
		t.Errorf("a recently checked office has the note")
	}
	if !hasRule(res.Problems, "expired", "data/providers/caritas-muenchen.yaml") {
		t.Errorf("no expired problem for Caritas")
	}

	// The feeds describe the second commit.
	for _, feed := range []string{"de/feed.atom", "de/districts/ludwigsvorstadt-isarvorstadt/feed.atom"} {
		f := string(w.files[feed])
		if !strings.Contains(f, "<title>AWO Migrationsberatung Ludwigsvorstadt</title>") || !strings.Contains(f, "Geändert: Öffnungszeiten, Kontakt.") ||
			!strings.Contains(f, "<updated>"+second.UTC().Format(time.RFC3339)+"</updated>") {
			t.Errorf("%s does not describe the office's change:\n%s", feed, f)
		}
		if !strings.Contains(f, "<title>AWO München – Arbeiterwohlfahrt Kreisverband München-Stadt</title>") {
			t.Errorf("%s does not list the provider's changed description", feed)
		}
	}
	if f := string(w.files["de/districts/pasing-obermenzing/feed.atom"]); strings.Contains(f, "Ludwigsvorstadt") {
		t.Errorf("another district's feed lists the change")
	}

	// The Arabic translation is corrected: its warning goes.
	r2 := historytest.At(t, clone)
	r2.Edit(awo, `ar: "تقدم AWO München الاستشارة للمهاجرين في ميونخ:`, `ar: "تقدم AWO München الاستشارة للمهاجرين في كل ميونخ:`)
	r2.Commit(testToday.AddDate(0, 0, -5), "AWO: arabische Übersetzung")
	_, problems := load.Load(os.DirFS(clone), load.Options{Now: testToday, Lines: repo.Lines(ctx, testToday)})
	arLine := lineOf(t, clone, awo, "في كل ميونخ")
	n := 0
	for _, p := range problems {
		if p.Rule == "outdated-translation" {
			n++
			if p.Line == arLine {
				t.Errorf("the corrected Arabic translation is still reported: %s", p)
			}
		}
	}
	if n != 12 {
		t.Errorf("%d outdated translations after the Arabic was corrected, want 12", n)
	}
}

func hasRule(l diag.List, rule, file string) bool {
	for _, p := range l {
		if p.Rule == rule && p.File == file {
			return true
		}
	}
	return false
}
