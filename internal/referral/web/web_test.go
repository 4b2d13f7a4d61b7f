package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/referral/web"
	"github.com/wegweiser-de/wegweiser/internal/seal"
	"github.com/wegweiser-de/wegweiser/internal/sqlite"
	"github.com/wegweiser-de/wegweiser/themes"
)

// site is a running web interface over HTTPS on loopback with a real
// SQLite file, and its people.
type site struct {
	t     *testing.T
	svc   *referral.Service
	srv   *httptest.Server
	pw    map[string]string // account → password
	log   *strings.Builder
	logMu *sync.Mutex
}

var now = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func newSite(t *testing.T) *site {
	t.Helper()
	dir := t.TempDir()
	key := seal.NewKey()
	os.WriteFile(filepath.Join(dir, "referral.key"), []byte(key), 0o600)
	os.WriteFile(filepath.Join(dir, "referrals.yaml"), []byte("key_file: referral.key\n"), 0o600)
	cfg, err := referral.LoadConfig(filepath.Join(dir, "referrals.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := cfg.Sealer()
	if err != nil {
		t.Fatal(err)
	}
	d, problems := load.Load(os.DirFS("../../.."), load.Options{Now: now})
	if d == nil {
		t.Fatal(problems)
	}
	strs, err := i18n.Load(d.Site.Languages, "de", themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "referrals.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	s := &site{t: t, pw: map[string]string{}, log: &strings.Builder{}, logMu: &sync.Mutex{}}
	s.svc = referral.NewService(referral.Directory{Dir: d, Strings: strs}, store, sealer, cfg, slog.New(slog.NewTextHandler(lockedWriter{s}, nil)))
	// Passwords at a low argon2id cost: these tests sign in many times
	// (TestPasswordCost checks the default).
	s.svc.PasswordCost = referral.PasswordCost{Memory: 8 << 10, Time: 1, Threads: 1}
	s.svc.Now = func() time.Time { return now }
	for _, u := range []referral.AddUserRequest{
		{Name: "anna", Role: referral.RoleAgency, Agency: "jobcenter-mitte"},
		{Name: "omar", Role: referral.RoleAgency, Agency: "abh-muenchen", Lang: "ar"},
		{Name: "carla", Role: referral.RoleCoordination},
	} {
		pw, err := s.svc.AddUser(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		s.pw[u.Name] = pw
	}
	s.srv = httptest.NewUnstartedServer(web.New(s.svc, web.SignInLimit(time.Millisecond, 1000)))
	s.srv.StartTLS()
	t.Cleanup(s.srv.Close)
	return s
}

type lockedWriter struct{ s *site }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.s.logMu.Lock()
	defer w.s.logMu.Unlock()
	return w.s.log.Write(p)
}

// person is a browser of one person: a cookie jar, no redirects followed.
type person struct {
	s      *site
	c      *http.Client
	accept string // Accept-Language
}

func (s *site) person() *person {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: s.srv.Client().Transport, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &person{s: s, c: c}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (p *person) get(path string) page {
	p.s.t.Helper()
	req, _ := http.NewRequest("GET", p.s.srv.URL+path, nil)
	if p.accept != "" {
		req.Header.Set("Accept-Language", p.accept)
	}
	return p.do(req)
}

func (p *person) post(path string, form url.Values) page {
	p.s.t.Helper()
	req, _ := http.NewRequest("POST", p.s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return p.do(req)
}

func (p *person) do(req *http.Request) page {
	resp, err := p.c.Do(req)
	if err != nil {
		p.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(b)}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token of a page's first form.
func (pg page) csrf(t *testing.T) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(pg.body)
	if m == nil {
		t.Fatalf("no CSRF token in (%d):\n%s", pg.status, pg.body)
	}
	return m[1]
}

// account returns the password of an account, adding it if needed: the
// provider staff "staff-<provider>" (with an optional "@<lang>"), or an
// account described by req.
func (s *site) account(name string, req referral.AddUserRequest) string {
	s.t.Helper()
	if pw, ok := s.pw[name]; ok {
		return pw
	}
	if provider, ok := strings.CutPrefix(name, "staff-"); ok && req.Name == "" {
		provider, lang, _ := strings.Cut(provider, "@")
		req = referral.AddUserRequest{Role: referral.RoleProvider, Provider: provider, Lang: lang}
	}
	req.Name = strings.ReplaceAll(name, "@", ".")
	pw, err := s.svc.AddUser(context.Background(), req)
	if err != nil {
		s.t.Fatal(err)
	}
	s.pw[name] = pw
	return pw
}

// signIn signs a person in.
func (s *site) signIn(name string) *person {
	s.t.Helper()
	s.account(name, referral.AddUserRequest{})
	p := s.person()
	form := p.get("/login")
	r := p.post("/login", url.Values{"csrf": {form.csrf(s.t)}, "name": {strings.ReplaceAll(name, "@", ".")}, "password": {s.pw[name]}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
		s.t.Fatalf("sign-in of %s: %d %s", name, r.status, r.body)
	}
	return p
}

// referral fills the referral form and sends it (action preview or
// submit); edit changes the values first.
func referralForm(csrf, action string, edit func(url.Values)) url.Values {
	v := url.Values{"csrf": {csrf}, "action": {action}, "form_id": {"test-form-1"}, "source": {"jobcenter"}, "age": {"34"},
		"district": {"maxvorstadt"}, "lang1": {"Arabisch (العربية)"}, "lang2": {"de"}, "integration_course": {"1"},
		"consent": {"given"}, "consent_date": {"2026-11-20"}, "consent_form": {"Einwilligung 2026"},
		"name": {"Zarathustra Unverwechselbar"}, "phone": {"0176 1234567"}, "slip_lang": {"ar"}}
	if edit != nil {
		edit(v)
	}
	return v
}

func TestSignIn(t *testing.T) {
	s := newSite(t)
	p := s.person()
	if r := p.get("/refer"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Errorf("not signed in: %d %s", r.status, r.header.Get("Location"))
	}
	form := p.get("/login")
	if form.status != 200 || !strings.Contains(form.body, `<html lang="de" dir="ltr">`) {
		t.Fatalf("login page: %d", form.status)
	}
	setCookie := strings.Join(form.header.Values("Set-Cookie"), "\n")
	if !strings.Contains(setCookie, "__Host-ww-login=") || !strings.Contains(setCookie, "Secure") || !strings.Contains(setCookie, "HttpOnly") || !strings.Contains(setCookie, "SameSite=Strict") {
		t.Errorf("login cookie: %s", setCookie)
	}
	if csp := form.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	tok := form.csrf(t)
	// Without the sign-in form's token: refused.
	if r := p.post("/login", url.Values{"csrf": {"forged"}, "name": {"anna"}, "password": {s.pw["anna"]}}); r.status != 403 {
		t.Errorf("forged token: %d", r.status)
	}
	// Wrong passwords lock the account; the answer does not tell.
	for i := range referral.MaxFailures {
		if r := p.post("/login", url.Values{"csrf": {tok}, "name": {"anna"}, "password": {"wrong"}}); r.status != 401 {
			t.Fatalf("wrong password %d: %d", i, r.status)
		}
		tok = p.get("/login").csrf(t)
	}
	if r := p.post("/login", url.Values{"csrf": {tok}, "name": {"nobody"}, "password": {"wrong"}}); r.status != 401 || !strings.Contains(r.body, "oder der Zugang ist für eine Weile gesperrt") {
		t.Errorf("an unknown name: %d", r.status)
	}
	p2 := s.person()
	tok = p2.get("/login").csrf(t)
	locked := p2.post("/login", url.Values{"csrf": {tok}, "name": {"anna"}, "password": {s.pw["anna"]}})
	if locked.status == http.StatusSeeOther {
		t.Errorf("signed in to a locked account")
	}
	if u, _ := s.svc.Store.User(context.Background(), "anna"); u.Failures < referral.MaxFailures || !u.LockedUntil.After(now) {
		t.Errorf("account not locked: %+v", u)
	}
	// Sign-in and out.
	q := s.signIn("carla")
	home := q.get("/referrals")
	if home.status != 200 || !strings.Contains(home.body, "carla") {
		t.Fatalf("desk: %d", home.status)
	}
	if r := q.post("/logout", url.Values{"csrf": {"forged"}}); r.status != 403 {
		t.Errorf("sign-out without the token: %d", r.status)
	}
	q.post("/logout", url.Values{"csrf": {home.csrf(t)}})
	if r := q.get("/referrals"); r.status != http.StatusSeeOther {
		t.Errorf("still signed in after signing out: %d", r.status)
	}
	// A disabled account loses its sessions.
	r := s.signIn("omar")
	if err := s.svc.Store.SetDisabled(context.Background(), "omar", true); err != nil {
		t.Fatal(err)
	}
	if pg := r.get("/referrals"); pg.status != http.StatusSeeOther {
		t.Errorf("a disabled account's session still works: %d", pg.status)
	}
}

// TestSignInLimitPerAddress: a client address gets a burst of attempts,
// then 429, whatever names it tries.
func TestSignInLimitPerAddress(t *testing.T) {
	s := newSite(t)
	h := web.New(s.svc, web.SignInLimit(time.Hour, 3))
	srv := httptest.NewUnstartedServer(h)
	srv.StartTLS()
	defer srv.Close()
	s.srv = srv
	var codes []int
	for i := range 5 {
		p := s.person()
		tok := p.get("/login").csrf(t)
		codes = append(codes, p.post("/login", url.Values{"csrf": {tok}, "name": {fmt.Sprintf("guess%d", i)}, "password": {"x"}}).status)
	}
	if fmt.Sprint(codes) != "[401 401 401 429 429]" {
		t.Errorf("codes %v", codes)
	}
}

// TestReferralProcess walks the whole process through the web interface:
// the agency refers with consent, the assigned provider sees the contact
// data and declines, the referral goes to the next office, whose staff
// accept it, and the coordination office sees it on its pages.
func TestReferralProcess(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	anna := s.signIn("anna")
	form := anna.get("/refer")
	if form.status != 200 || !strings.Contains(form.body, `list="language-names"`) || !strings.Contains(form.body, "Arabisch (العربية)") {
		t.Fatalf("referral form: %d", form.status)
	}
	tok := form.csrf(t)
	if r := anna.post("/refer", referralForm("forged", "submit", nil)); r.status != 403 {
		t.Errorf("a form without the session's token: %d", r.status)
	}
	preview := anna.post("/refer", referralForm(tok, "preview", nil))
	if preview.status != 200 || !strings.Contains(preview.body, `id="proposal-title"`) || !strings.Contains(preview.body, "ist zuständig für Maxvorstadt") {
		t.Fatalf("proposal: %d\n%s", preview.status, preview.body)
	}
	// A language typed as its code comes back named, as the list says it.
	if !strings.Contains(preview.body, `name="lang2" list="language-names" value="Deutsch"`) {
		t.Errorf("the form does not name the language typed as \"de\"")
	}
	if n := count(t, s, ""); n != 0 {
		t.Errorf("the proposal stored %d referrals", n)
	}
	sent := anna.post("/refer", referralForm(tok, "submit", nil))
	if sent.status != http.StatusSeeOther || !strings.HasPrefix(sent.header.Get("Location"), "/referrals/") {
		t.Fatalf("submit: %d %s", sent.status, sent.body)
	}
	// Sending the same form again is the same referral.
	if again := anna.post("/refer", referralForm(tok, "submit", nil)); again.header.Get("Location") != sent.header.Get("Location") {
		t.Errorf("the form sent twice made two referrals")
	}
	id := strings.TrimSuffix(strings.TrimPrefix(sent.header.Get("Location"), "/referrals/"), "?created=1")
	detail := anna.get("/referrals/" + id + "?created=1")
	if detail.status != 200 || !strings.Contains(detail.body, "/referrals/"+id+"/slip?lang=ar") || strings.Contains(detail.body, "Zarathustra") {
		t.Errorf("agency's detail: %d", detail.status)
	}
	slip := anna.get("/referrals/" + id + "/slip?lang=ar")
	if slip.status != 200 || !strings.Contains(slip.body, `dir="rtl"`) || strings.Contains(slip.body, "Zarathustra") || slip.header.Get("Content-Security-Policy") != referral.SlipCSP {
		t.Errorf("slip: %d", slip.status)
	}
	// The slip in every interface language of the site: its own words, its
	// direction, no key left untranslated.
	dir := s.svc.Directory()
	for _, l := range dir.Dir.Site.Languages {
		slip := anna.get("/referrals/" + id + "/slip?lang=" + l)
		want := fmt.Sprintf(`<html lang="%s" dir="%s">`, l, dir.Dir.Language(l).Dir)
		if slip.status != 200 || !strings.Contains(slip.body, want) || !dir.Strings.Has(l, "slip_intro") || !strings.Contains(slip.body, html.EscapeString(dir.Strings.T(l, "slip_intro"))) || strings.Contains(slip.body, "slip_") {
			t.Errorf("slip in %s: %d, want %s and its own words", l, slip.status, want)
		}
	}
	ref, err := s.svc.Store.Get(ctx, id)
	if err != nil || ref.Sealed == nil || ref.ConsentDate != "2026-11-20" || !slices.Equal(ref.Languages, []string{"ar", "de"}) || ref.Agency != "jobcenter-mitte" || ref.CreatedBy != "anna" {
		t.Fatalf("stored: %+v %v", ref, err)
	}
	// Another agency does not see it.
	omar := s.signIn("omar")
	if r := omar.get("/referrals/" + id); r.status != 404 {
		t.Errorf("another agency sees the referral: %d", r.status)
	}
	// The assigned provider: contact data, decline with a reason.
	first := ref.Current()
	staff := s.signIn("staff-" + first.Provider)
	inbox := staff.get("/referrals")
	if !strings.Contains(inbox.body, ref.Number) {
		t.Errorf("the referral is not in the provider's inbox")
	}
	pd := staff.get("/referrals/" + id)
	if !strings.Contains(pd.body, "Zarathustra Unverwechselbar") || !strings.Contains(pd.body, `value="declined"`) {
		t.Fatalf("provider's detail lacks contact or answers:\n%s", pd.body)
	}
	if r := staff.post("/referrals/"+id+"/status", url.Values{"csrf": {pd.csrf(t)}, "status": {"declined"}}); r.status != 422 {
		t.Errorf("a decline without a reason: %d", r.status)
	}
	r := staff.post("/referrals/"+id+"/status", url.Values{"csrf": {pd.csrf(t)}, "status": {"declined"}, "reason": {"capacity"}, "note": {"Team im Urlaub"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("decline: %d %s", r.status, r.body)
	}
	ref, _ = s.svc.Store.Get(ctx, id)
	second := ref.Current()
	if second.Office == first.Office || second.Status != referral.StatusAssigned {
		t.Fatalf("not rerouted: %+v", ref.Assignments)
	}
	if second.Provider != first.Provider {
		if r := staff.get("/referrals/" + id); r.status != 404 {
			t.Errorf("the declining provider still sees the referral: %d", r.status)
		}
	}
	carla := s.signIn("carla")
	if desk := carla.get("/referrals"); !strings.Contains(desk.body, ref.Number) {
		t.Errorf("the desk does not list a declined referral waiting for the next office")
	}
	next := s.signIn("staff-" + second.Provider)
	nd := next.get("/referrals/" + id)
	if r := next.post("/referrals/"+id+"/status", url.Values{"csrf": {nd.csrf(t)}, "status": {"accepted"}}); r.status != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	if ref, _ = s.svc.Store.Get(ctx, id); ref.Status() != referral.StatusAccepted {
		t.Errorf("status %s", ref.Status())
	}
	// The coordination office: the desk lists it (declined once), the
	// note is readable there, capacity and statistics show.
	if desk := carla.get("/referrals"); strings.Contains(desk.body, ref.Number) {
		t.Errorf("the desk still lists the referral the next office took")
	}
	cd := carla.get("/referrals/" + id)
	if !strings.Contains(cd.body, "Team im Urlaub") || !strings.Contains(cd.body, "Keine Kapazität") || !strings.Contains(cd.body, `action="/referrals/`+id+`/reassign"`) {
		t.Errorf("coordination's detail:\n%s", cd.body)
	}
	if c := carla.get("/capacity"); c.status != 200 || !strings.Contains(c.body, "<meter") {
		t.Errorf("capacity: %d", c.status)
	}
	st := carla.get("/stats?from=2026-01&to=2026-12")
	// A handful of referrals: every count is below five, so each shows as
	// hidden, in the table and next to the bars. (The browser walk seeds
	// enough referrals to draw bars.)
	if st.status != 200 || !strings.Contains(st.body, `<table class="stat"`) || !strings.Contains(st.body, "<td>verborgen</td>") || strings.Contains(st.body, "<svg") {
		t.Errorf("statistics: %d\n%s", st.status, st.body)
	}
	if r := carla.get("/stats?from=9999-01&to=9999-12"); r.status != 422 || !strings.Contains(r.body, "Geben Sie einen Monat zwischen 2000-01 und 2100-12 an") || !strings.Contains(r.body, `value="9999-01"`) {
		t.Errorf("statistics of the year 9999: %d", r.status)
	}
	// Roles stay in their lanes.
	if r := anna.get("/stats"); r.status != 403 {
		t.Errorf("an agency reads statistics: %d", r.status)
	}
	if r := next.get("/refer"); r.status != 403 {
		t.Errorf("a provider refers: %d", r.status)
	}
	// The audit trail names the people, never the person referred.
	log, _ := s.svc.Store.AuditLog(ctx, id)
	var who []string
	for _, a := range log {
		who = append(who, a.Actor+":"+a.Action)
	}
	joined := strings.Join(who, " ")
	for _, want := range []string{"anna:create", "staff-" + first.Provider + ":read-contact", "staff-" + first.Provider + ":status:declined", "carla:read-note:1"} {
		if !strings.Contains(joined, want) {
			t.Errorf("audit trail lacks %s: %s", want, joined)
		}
	}
	if strings.Contains(s.log.String(), "Zarathustra") {
		t.Errorf("personal data in the log")
	}
}

// TestWithoutConsent: without consent the form offers an anonymous
// referral (stored without any personal data) or only the address (nothing
// stored); contact data without consent is refused.
func TestWithoutConsent(t *testing.T) {
	s := newSite(t)
	anna := s.signIn("anna")
	tok := anna.get("/refer").csrf(t)
	r := anna.post("/refer", referralForm(tok, "submit", func(v url.Values) { v.Set("consent", "anonymous") }))
	if r.status != 422 || !strings.Contains(r.body, "error-summary") {
		t.Errorf("an anonymous referral with a name: %d", r.status)
	}
	noContact := func(v url.Values) {
		v.Set("consent", "anonymous")
		for _, f := range []string{"name", "phone", "consent_date", "consent_form"} {
			v.Del(f)
		}
	}
	r = anna.post("/refer", referralForm(tok, "submit", noContact))
	if r.status != http.StatusSeeOther {
		t.Fatalf("anonymous: %d %s", r.status, r.body)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(r.header.Get("Location"), "/referrals/"), "?created=1")
	ref, _ := s.svc.Store.Get(context.Background(), id)
	if !ref.Anonymous() || ref.Sealed != nil || ref.ConsentDate != "" {
		t.Errorf("anonymous referral stored with personal data: %+v", ref)
	}
	// Only the address: a proposal with a slip to print, nothing stored.
	before := count(t, s, "")
	r = anna.post("/refer", referralForm(tok, "submit", func(v url.Values) { noContact(v); v.Set("consent", "address"); v.Set("form_id", "other") }))
	if r.status != 200 || !strings.Contains(r.body, "/slip?office=") {
		t.Fatalf("address only: %d %s", r.status, r.body)
	}
	if count(t, s, "") != before {
		t.Errorf("address only stored a referral")
	}
	link := regexp.MustCompile(`href="(/slip\?office=[^"]+)"`).FindStringSubmatch(r.body)
	slip := anna.get(strings.ReplaceAll(link[1], "&amp;", "&"))
	if slip.status != 200 || !strings.Contains(slip.body, `lang="ar" dir="rtl"`) || strings.Contains(slip.body, `class="number"`) {
		t.Errorf("address slip: %d\n%s", slip.status, slip.body)
	}
	// Without a consent choice: an error, nothing stored.
	r = anna.post("/refer", referralForm(tok, "submit", func(v url.Values) { v.Del("consent"); v.Set("form_id", "third") }))
	if r.status != 422 || count(t, s, "") != before {
		t.Errorf("no consent choice: %d", r.status)
	}
}

// TestLanguages: every page renders in each interface language, with the
// page's language and direction, and the Arabic interface says it needs
// review by a native speaker.
func TestLanguages(t *testing.T) {
	s := newSite(t)
	anna := s.signIn("anna")
	tok := anna.get("/refer").csrf(t)
	r := anna.post("/refer", referralForm(tok, "submit", nil))
	id := strings.TrimSuffix(strings.TrimPrefix(r.header.Get("Location"), "/referrals/"), "?created=1")
	carla := s.signIn("carla")
	for _, lang := range web.Languages {
		for _, p := range []*person{anna, carla} {
			acc := p.get("/account")
			if r := p.post("/account", url.Values{"csrf": {acc.csrf(t)}, "lang": {lang}}); r.status != 200 {
				t.Fatalf("set language %s: %d", lang, r.status)
			}
		}
		dir := "ltr"
		if lang == "ar" {
			dir = "rtl"
		}
		pages := map[string]page{"refer": anna.get("/refer"), "mine": anna.get("/referrals"), "detail": anna.get("/referrals/" + id),
			"desk": carla.get("/referrals"), "capacity": carla.get("/capacity"), "stats": carla.get("/stats"), "account": carla.get("/account")}
		for name, pg := range pages {
			if pg.status != 200 || !strings.Contains(pg.body, fmt.Sprintf(`<html lang="%s" dir="%s">`, lang, dir)) {
				t.Errorf("%s in %s: %d", name, lang, pg.status)
			}
			if (lang == "ar") != strings.Contains(pg.body, `class="review"`) {
				t.Errorf("%s in %s: the review note is wrong", name, lang)
			}
		}
		// Lists are joined as the language writes them.
		want := map[string]string{"de": "Arabisch, Deutsch", "en": "Arabic, German", "ar": "العربية، الألمانية"}[lang]
		if !strings.Contains(pages["detail"].body, want) {
			t.Errorf("the detail in %s does not list the languages as %q", lang, want)
		}
	}
}

// count returns the number of referrals an agency sees ("" for all).
func count(t *testing.T, s *site, agency string) int {
	t.Helper()
	_, n, err := s.svc.Store.List(context.Background(), referral.Query{Agency: agency, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
