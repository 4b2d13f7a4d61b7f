package web_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/testtools"
)

// walkPage is one page the browser saw.
type walkPage struct {
	Label, Path, Lang, Dir, H1 string
	Overflow                   bool
	Errors                     []string
	Violations                 []struct {
		ID, Impact string
		Nodes      []string
	}
}

// walkAxe are the languages whose walk runs axe on every page: make test
// runs it in German (the pages and their markup are the same in every
// language; the Arabic walk still checks language, direction, errors and
// width), make a11y in both.
var walkAxe = flag.String("walk.axe", "de", `languages whose walk TestBrowserWalk checks with axe-core, comma-separated, or "all"`)

// TestBrowserWalk walks the whole process in headless Chromium
// (tests/browser/referrals.mjs), in German and in Arabic: the agency
// refers with consent, the assigned provider sees the contact data and
// declines, the referral goes to the next office, which accepts, and the
// coordination office sees it on its desk, in capacity and statistics;
// then an anonymous referral, which stores nothing personal. Every page
// passes axe (WCAG 2.1 AA and best practices; in the languages of
// -walk.axe), is in the person's
// language and direction, has no console or CSP errors and fits 360 px.
//
// WEGWEISER_SHOTS=/tmp/shots keeps screenshots of every page at 360 and
// 1280 px, and walks in English too (docs/referrals.md shows a selection
// from docs/screenshots/referrals).
func TestBrowserWalk(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Chromium; skipped with -short")
	}
	chromium := testtools.Chromium(t)
	node, dir := testtools.Node(t, "playwright-core")
	s := newSite(t)
	ctx := context.Background()
	// The accounts, with their languages; the staff of every provider.
	var mu sync.Mutex
	passwords := map[string]map[string]string{}
	var wg sync.WaitGroup
	langs := []string{"de", "ar"}
	if os.Getenv("WEGWEISER_SHOTS") != "" {
		langs = append(langs, "en") // a third language to look at
	}
	for _, lang := range langs {
		passwords[lang] = map[string]string{}
		add := func(req referral.AddUserRequest) {
			wg.Go(func() {
				req.Lang = lang
				pw, err := s.svc.AddUser(ctx, req)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				passwords[lang][req.Name] = pw
				mu.Unlock()
			})
		}
		add(referral.AddUserRequest{Name: "agency." + lang, Role: referral.RoleAgency, Agency: "jobcenter-mitte"})
		add(referral.AddUserRequest{Name: "coordination." + lang, Role: referral.RoleCoordination})
		for _, p := range s.svc.Directory().Dir.Providers {
			add(referral.AddUserRequest{Name: "staff-" + p.ID + "." + lang, Role: referral.RoleProvider, Provider: p.ID})
		}
	}
	wg.Wait()
	seed(t, s, 160)
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			axe := *walkAxe == "all" || slices.Contains(strings.Split(*walkAxe, ","), lang)
			b, _ := json.Marshal(map[string]any{"lang": lang, "axe": axe, "agency": "agency." + lang, "coordination": "coordination." + lang, "passwords": passwords[lang]})
			cmd := exec.Command(node, filepath.Join(dir, "referrals.mjs"), s.srv.URL, string(b))
			cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
			if shots := os.Getenv("WEGWEISER_SHOTS"); shots != "" {
				if !filepath.IsAbs(shots) { // relative to the repository
					shots, _ = filepath.Abs(filepath.Join("../../..", shots))
				}
				cmd.Env = append(cmd.Env, "SHOTS="+shots)
			}
			cmd.Dir = dir
			out, err := cmd.Output()
			if err != nil {
				stderr := ""
				if ee, ok := err.(*exec.ExitError); ok {
					stderr = string(ee.Stderr)
				}
				t.Fatalf("browser: %v\n%s", err, stderr)
			}
			var res struct {
				Pages  []walkPage
				Result struct {
					Location, Anonymous               string
					FirstSawContact, SecondSawContact bool
					Providers                         []string
				}
			}
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatalf("browser output: %v\n%s", err, out)
			}
			dirs := map[string]string{"de": "ltr", "en": "ltr", "ar": "rtl"}
			for _, p := range res.Pages {
				for _, v := range p.Violations {
					t.Errorf("%s: axe %s (%s) at %v", p.Label, v.ID, v.Impact, v.Nodes)
				}
				if len(p.Errors) > 0 {
					t.Errorf("%s: console errors %v", p.Label, p.Errors)
				}
				if p.Overflow {
					t.Errorf("%s: wider than 360 px", p.Label)
				}
				wantLang := lang
				if p.Label == "slip" {
					wantLang = "ar" // the person's language
				}
				if p.Lang != wantLang || p.Dir != dirs[wantLang] {
					t.Errorf("%s: lang %s dir %s", p.Label, p.Lang, p.Dir)
				}
			}
			if len(res.Pages) < 14 {
				t.Errorf("saw only %d pages", len(res.Pages))
			}
			id := strings.TrimPrefix(res.Result.Location, "/referrals/")
			ref, err := s.svc.Store.Get(ctx, id)
			if err != nil || ref.Sealed == nil || ref.CreatedBy != "agency."+lang {
				t.Fatalf("referral %q: %+v %v", id, ref, err)
			}
			if len(ref.Assignments) != 2 || ref.Assignments[0].Status != referral.StatusDeclined || ref.Assignments[0].Reason != "capacity" ||
				ref.Assignments[0].Note == nil || ref.Status() != referral.StatusAccepted {
				t.Errorf("assignments: %+v", ref.Assignments)
			}
			if fmt.Sprint(res.Result.Providers) != fmt.Sprint([]string{ref.Assignments[0].Provider, ref.Assignments[1].Provider}) {
				t.Errorf("providers %v", res.Result.Providers)
			}
			if !res.Result.FirstSawContact || !res.Result.SecondSawContact {
				t.Errorf("the assigned providers do not see the contact data")
			}
			anon, _ := s.svc.Store.Get(ctx, strings.TrimPrefix(res.Result.Anonymous, "/referrals/"))
			if anon == nil || !anon.Anonymous() || anon.Sealed != nil {
				t.Errorf("anonymous referral: %+v", anon)
			}
		})
	}
}

// seed stores n anonymous referrals from several agencies over the past
// months, so that the lists, capacity and statistics have something to
// show.
func seed(t *testing.T, s *site, n int) {
	t.Helper()
	ctx := context.Background()
	d := s.svc.Directory().Dir
	sources := []string{"jobcenter", "jobcenter", "auslaenderbehoerde", "sozialbuergerhaus", "agentur-fuer-arbeit", "clearing"}
	langs := []string{"ar", "uk", "fa", "tr", "ru", "prs", "ti", "so"}
	for i := range n {
		at := now.AddDate(0, -(i % 6), -(i % 20))
		s.svc.Now = func() time.Time { return at }
		req := &referral.CreateRequest{Source: sources[i%len(sources)], Anonymous: true,
			Person: referral.Person{Age: 18 + i*7%50, District: d.Districts[i*5%len(d.Districts)].ID, Languages: []string{langs[i*3%len(langs)]}}}
		ref, _, err := s.svc.Create(ctx, referral.Actor{Name: "seed", Role: referral.RoleAgency, Agency: "jobcenter-nord"}, req, "")
		if err != nil {
			t.Fatal(err)
		}
		if i%40 == 0 { // now and then an office declines: the desk has something to show
			cur := ref.Current()
			staff := referral.Actor{Name: "seed-" + cur.Provider, Role: referral.RoleProvider, Provider: cur.Provider}
			if _, err := s.svc.SetStatus(ctx, staff, ref.ID, &referral.StatusRequest{Status: referral.StatusDeclined, Reason: "capacity"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	s.svc.Now = func() time.Time { return now }
}
