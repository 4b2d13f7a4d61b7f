package main

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/due"
)

// TestDue lists the example's entries due as of a day half a year after
// its checks: every provider and course file is due; a quarter after, none;
// site.yaml's checks.stale_days moves the line.
func TestDue(t *testing.T) {
	list := func(args ...string) []due.Provider {
		t.Helper()
		code, out, stderr := runCLI(append([]string{"due", "--source", repo, "--format", "json"}, args...)...)
		if code != exitOK {
			t.Fatalf("due %v: exit %d\n%s", args, code, stderr)
		}
		var l []due.Provider
		if err := json.Unmarshal([]byte(out), &l); err != nil {
			t.Fatalf("due --format json: %v\n%s", err, out)
		}
		return l
	}
	if l := list("--today", "2026-11-21"); len(l) != 0 {
		t.Errorf("due on 2026-11-21: %+v", l)
	}
	files, err := dataFiles(repo)
	if err != nil {
		t.Fatal(err)
	}
	entryFiles := 0
	for _, f := range files {
		if strings.Contains(f, "/providers/") || strings.Contains(f, "/courses/") {
			entryFiles++
		}
	}
	l := list("--today", "2027-06-01")
	if len(l) != entryFiles {
		t.Errorf("%d providers due on 2027-06-01, want %d (every file)", len(l), entryFiles)
	}
	for _, g := range l {
		for _, e := range g.Entries {
			if e.Line == 0 || e.Checked == "" || e.Days < 92 || !strings.HasPrefix(e.File, "data/") {
				t.Errorf("entry %+v", e)
			}
		}
	}
	// A site that checks twice a year.
	site := copySite(t)
	p := filepath.Join(site, "data", "site.yaml")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, append(b, "checks: {stale_days: 183}\n"...), 0o644)
	code, out, _ := runCLI("due", "--source", site, "--format", "csv", "--today", "2027-03-01")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != exitOK || err != nil || len(rows) != 1 {
		t.Errorf("with stale_days 183, due on 2027-03-01: exit %d, %d rows (%v)", code, len(rows), err)
	}
}

// TestDueIssues runs `due --issues github` as the weekly workflow does,
// against GitHub's API on loopback: one issue per provider file due,
// created with the workflow's token.
func TestDueIssues(t *testing.T) {
	var mu sync.Mutex
	var created []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		switch {
		case r.Method == "GET" && r.URL.Path == "/repos/o/site/issues":
			w.Write([]byte("[]"))
		case r.Method == "POST" && r.URL.Path == "/repos/o/site/issues":
			var in struct{ Title string }
			b, _ := io.ReadAll(r.Body)
			json.Unmarshal(b, &in)
			created = append(created, in.Title)
			w.Write([]byte(`{"number": 1}`))
		default:
			http.Error(w, "unexpected", http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	t.Setenv("GITHUB_API_URL", srv.URL)
	t.Setenv("GITHUB_REPOSITORY", "o/site")
	t.Setenv("GITHUB_TOKEN", "tok")
	code, _, stderr := runCLI("due", "--source", repo, "--issues", "github", "--today", "2027-06-01")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if len(created) < 10 || !strings.HasPrefix(created[0], "Prüfung fällig: ") || strings.Count(stderr, "opened") != len(created) {
		t.Errorf("issues opened: %q\n%s", created, stderr)
	}
	t.Setenv("GITHUB_TOKEN", "")
	if code, _, _ := runCLI("due", "--source", repo, "--issues", "github"); code != exitUsage {
		t.Errorf("without a token: exit %d, want %d", code, exitUsage)
	}
}

// TestTranslationSums follows translations in a site without Git
// history: fmt records the source text of each translation; after the
// German text changes, check warns at each of its translations and the
// pages mark them; a corrected translation is no longer reported, and
// --translations-checked records the rest as checked.
func TestTranslationSums(t *testing.T) {
	site := copySmallSite(t)
	if code, stdout, stderr := runCLI("fmt", "--source", site); code != exitOK {
		t.Fatalf("fmt: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(site, "data", "translations.sum")); err != nil {
		t.Fatalf("fmt wrote no sums outside Git: %v", err)
	}
	awo := filepath.Join(site, "data", "providers", "awo-muenchen.yaml")
	edit := func(old, new string) {
		t.Helper()
		b, _ := os.ReadFile(awo)
		if !strings.Contains(string(b), old) {
			t.Fatalf("no %q", old)
		}
		os.WriteFile(awo, []byte(strings.Replace(string(b), old, new, 1)), 0o644)
	}
	outdated := func() (lines []string) {
		t.Helper()
		_, out, _ := runCLI("check", "--source", site, "--today", "2026-11-21", "--format", "json")
		var ps []struct {
			Rule string
			Line int
		}
		if err := json.Unmarshal([]byte(out), &ps); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		for _, p := range ps {
			if p.Rule == "outdated-translation" {
				lines = append(lines, strconv.Itoa(p.Line))
			}
		}
		return lines
	}
	if l := outdated(); len(l) != 0 {
		t.Fatalf("outdated right after fmt: %v", l)
	}
	edit(`de: "AWO München berät Zugewanderte in München:`, `de: "AWO München berät Zugewanderte in ganz München:`)
	if l := outdated(); strings.Join(l, ",") != "11,12,13,14,15,16,17,18,19,20,21,22,23" {
		t.Errorf("outdated translations at lines %v, want 11–23 (below the German at line 10)", l)
	}
	out := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := runCLI("build", "--source", site, "--out", out, "--today", "2026-11-21"); code != exitOK {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "en", "providers", "awo-muenchen", "index.html")); !strings.Contains(string(b), "The German text has changed; this translation may be out of date.") {
		t.Errorf("the English page does not mark the outdated translation")
	}
	edit(`ar: "تقدم AWO München الاستشارة للمهاجرين في ميونخ:`, `ar: "تقدم AWO München الاستشارة للمهاجرين في كل ميونخ:`)
	runCLI("fmt", "--source", site)
	if l := outdated(); strings.Join(l, ",") != "11,13,14,15,16,17,18,19,20,21,22,23" {
		t.Errorf("after the Arabic was corrected: %v, want all but line 12", l)
	}
	runCLI("fmt", "--source", site, "--translations-checked")
	if l := outdated(); len(l) != 0 {
		t.Errorf("after --translations-checked: %v", l)
	}
}
