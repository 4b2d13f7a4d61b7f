package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/postgres"
	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/referral/api"
	"github.com/wegweiser-de/wegweiser/internal/seal"
	"github.com/wegweiser-de/wegweiser/internal/site"
	"github.com/wegweiser-de/wegweiser/internal/sqlite"
	"github.com/wegweiser-de/wegweiser/internal/sqlstore"
	"github.com/wegweiser-de/wegweiser/internal/stats"
	"github.com/wegweiser-de/wegweiser/themes"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// env is a running endpoint: a real SQLite file and real HTTP on loopback.
type env struct {
	t      *testing.T
	dir    *model.Directory
	wrap   func(referral.Store) referral.Store // wraps the store (to make it fail)
	url    string
	db     string // database file (SQLite)
	pg     string // or the PostgreSQL database's URL (onPostgres)
	store  *sqlstore.Store
	svc    *referral.Service
	clock  *clock
	tokens map[string]string // name → secret
	log    *syncBuffer       // the server's log
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// tokens the tests use: name → role, provider.
var testTokens = []struct{ name, role, provider string }{
	{"jobcenter-mitte", referral.RoleAgency, ""},
	{"abh-muenchen", referral.RoleAgency, ""},
	{"caritas", referral.RoleProvider, "caritas-muenchen"},
	{"awo", referral.RoleProvider, "awo-muenchen"},
	{"diakonie", referral.RoleProvider, "diakonie-muenchen"},
	{"brk", referral.RoleProvider, "brk-muenchen"},
	{"paritaet", referral.RoleProvider, "paritaet-muenchen"},
	{"ikg", referral.RoleProvider, "ikg-muenchen"},
	{"koordination", referral.RoleCoordination, ""},
}

func start(t *testing.T, configExtra string, opts ...func(*env)) *env {
	t.Helper()
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "referrals.yaml")
	os.WriteFile(cfgFile, []byte("key_file: referral.key\n"+configExtra+"tokens: []\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "referral.key"), []byte(seal.NewKey()), 0o600)
	e := &env{t: t, db: filepath.Join(dir, "referrals.db"), tokens: map[string]string{}, log: &syncBuffer{},
		clock: &clock{t: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}}
	for _, o := range opts {
		o(e)
	}
	for _, tk := range testTokens {
		secret, err := referral.AddToken(cfgFile, tk.name, tk.role, tk.provider, func(id string) bool { return id != "" })
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[tk.name] = secret
	}
	cfg, err := referral.LoadConfig(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := cfg.Sealer()
	if err != nil {
		t.Fatal(err)
	}
	d, problems := load.Load(os.DirFS("../../.."), load.Options{Now: e.clock.Now()})
	if d == nil {
		t.Fatal(problems)
	}
	strs, err := i18n.Load(d.Site.Languages, "de", themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var db *sqlstore.Store
	if e.pg != "" {
		db, err = postgres.Open(ctx, e.pg)
	} else {
		db, err = sqlite.Open(ctx, e.db)
	}
	if err != nil {
		t.Fatal(err)
	}
	e.store = db
	var store referral.Store = db
	if e.wrap != nil {
		store = e.wrap(store)
	}
	e.svc = referral.NewService(referral.Directory{Dir: d, Strings: strs}, store, sealer, cfg, slog.New(slog.NewJSONHandler(e.log, nil)))
	// Passwords at a low argon2id cost: these tests sign in many times
	// (TestPasswordCost checks the default).
	e.svc.PasswordCost = referral.PasswordCost{Memory: 8 << 10, Time: 1, Threads: 1}
	e.svc.Now = e.clock.Now
	e.dir = d
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.url = "http://" + ln.Addr().String()
	done := make(chan error, 1)
	go func() { done <- referral.Serve(ctx, ln, e.svc, api.New(e.svc)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		db.Close()
	})
	return e
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("not JSON (%d): %s", r.status, r.body)
	}
	return m
}

func (e *env) do(method, path, token string, body any, header ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, e.url+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[token])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, b}
}

// count returns the number of rows in a table of the database file.
func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.store.DB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// referralBody is a valid referral; edit changes it.
func referralBody(edit func(m map[string]any)) map[string]any {
	m := map[string]any{
		"source":  "jobcenter",
		"person":  map[string]any{"age": 34, "district": "maxvorstadt", "languages": []string{"ar", "de"}},
		"needs":   map[string]any{"integration_course": true},
		"consent": map[string]any{"given": true, "date": "2026-11-20", "form": "Einwilligung 2026"},
		"contact": map[string]any{"name": "Zarathustra Unverwechselbar", "phone": "0176 1234567", "email": "z.u@example.org"},
	}
	if edit != nil {
		edit(m)
	}
	return m
}

func TestCreateGetAndSlip(t *testing.T) {
	e := start(t, "")
	r := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(nil))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	m := r.json(t)
	id := m["id"].(string)
	office := m["office"].(map[string]any)
	if m["program"] != "mbe" || m["status"] != "assigned" || m["age_group"] != "adult" || r.header.Get("Location") != "/api/v1/referrals/"+id {
		t.Errorf("referral: %v", m)
	}
	o := e.dir.Office(office["id"].(string))
	if o == nil || !strings.Contains(strings.Join(o.Serves, " "), "maxvorstadt") {
		t.Errorf("assigned to %v, which does not serve maxvorstadt", office["id"])
	}
	if len(m["reasons"].([]any)) < 3 {
		t.Errorf("reasons: %v", m["reasons"])
	}
	if _, ok := m["contact"]; ok {
		t.Errorf("contact data in the agency's answer")
	}
	if !strings.HasPrefix(m["number"].(string), "2026-") {
		t.Errorf("number %v", m["number"])
	}
	// The slip, in the person's language (Arabic, right to left), without personal data.
	s := e.do("GET", "/api/v1/referrals/"+id+"/slip", "jobcenter-mitte", nil)
	slip := string(s.body)
	if s.status != 200 || !strings.Contains(slip, `<html lang="ar" dir="rtl">`) || !strings.Contains(slip, m["number"].(string)) ||
		!strings.Contains(slip, o.Address.Street) || !strings.Contains(slip, "openstreetmap.org") || !strings.Contains(slip, "يرجى إحضار") {
		t.Errorf("slip (%d):\n%s", s.status, slip)
	}
	if strings.Contains(slip, "Zarathustra") || strings.Contains(slip, "0176") {
		t.Errorf("the slip shows personal data")
	}
	if csp := s.header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'sha256-") || strings.Contains(csp, "unsafe") {
		t.Errorf("slip CSP %q", csp)
	}
	if s := e.do("GET", "/api/v1/referrals/"+id+"/slip?lang=uk", "jobcenter-mitte", nil); !strings.Contains(string(s.body), `<html lang="uk" dir="ltr">`) {
		t.Errorf("slip in Ukrainian: %d", s.status)
	}
	if s := e.do("GET", "/api/v1/referrals/"+id+"/slip?lang=xx", "jobcenter-mitte", nil); s.status != 422 {
		t.Errorf("slip in an unknown language: %d", s.status)
	}
	if g := e.do("GET", "/api/v1/referrals/"+id, "koordination", nil); g.status != 200 || g.json(t)["id"] != id {
		t.Errorf("coordination get: %d", g.status)
	}
}

// TestRejections sends every kind of bad request and checks that nothing
// was stored.
func TestRejections(t *testing.T) {
	e := start(t, "max_body_bytes: 4096\n")
	big := referralBody(func(m map[string]any) { m["contact"].(map[string]any)["note"] = strings.Repeat("x", 5000) })
	tests := []struct {
		name   string
		token  string
		body   any
		header []string
		status int
		code   string
		field  string
	}{
		{"no token", "", referralBody(nil), nil, 401, "unauthorized", ""},
		{"wrong token", "nobody", referralBody(nil), nil, 401, "unauthorized", ""},
		{"wrong role", "caritas", referralBody(nil), nil, 403, "forbidden", ""},
		{"no consent", "jobcenter-mitte", referralBody(func(m map[string]any) { m["consent"] = map[string]any{"given": false, "date": "2026-11-20"} }), nil, 422, "no-consent", "consent.given"},
		{"consent without date", "jobcenter-mitte", referralBody(func(m map[string]any) { m["consent"] = map[string]any{"given": true} }), nil, 422, "invalid", "consent.date"},
		{"consent in the future", "jobcenter-mitte", referralBody(func(m map[string]any) { m["consent"].(map[string]any)["date"] = "2027-01-01" }), nil, 422, "invalid", "consent.date"},
		{"bad source", "jobcenter-mitte", referralBody(func(m map[string]any) { m["source"] = "jobcentre" }), nil, 422, "invalid", "source"},
		{"no age", "jobcenter-mitte", referralBody(func(m map[string]any) { delete(m["person"].(map[string]any), "age") }), nil, 422, "invalid", "person.age"},
		{"too young", "jobcenter-mitte", referralBody(func(m map[string]any) { m["person"].(map[string]any)["age"] = 9 }), nil, 422, "invalid", "person.age"},
		{"unknown district", "jobcenter-mitte", referralBody(func(m map[string]any) { m["person"].(map[string]any)["district"] = "maxvorstad" }), nil, 422, "invalid", "person.district"},
		{"unknown language", "jobcenter-mitte", referralBody(func(m map[string]any) { m["person"].(map[string]any)["languages"] = []string{"ar", "xx"} }), nil, 422, "invalid", "person.languages[1]"},
		{"bad e-mail", "jobcenter-mitte", referralBody(func(m map[string]any) { m["contact"].(map[string]any)["email"] = "z.u at example" }), nil, 422, "invalid", "contact.email"},
		{"unknown field", "jobcenter-mitte", referralBody(func(m map[string]any) { m["name"] = "Zarathustra" }), nil, 400, "invalid-json", "name"},
		{"wrong type", "jobcenter-mitte", referralBody(func(m map[string]any) { m["person"].(map[string]any)["age"] = "34" }), nil, 400, "invalid-json", "person.age"},
		{"not JSON", "jobcenter-mitte", "{source: jobcenter", nil, 400, "invalid-json", ""},
		{"two values", "jobcenter-mitte", `{"source":"jobcenter"} {}`, nil, 400, "invalid-json", ""},
		{"empty body", "jobcenter-mitte", "", nil, 400, "invalid-json", ""},
		{"oversized body", "jobcenter-mitte", big, nil, 413, "too-large", ""},
		{"bad idempotency key", "jobcenter-mitte", referralBody(nil), []string{"Idempotency-Key", "a b"}, 400, "invalid-json", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/referrals", tt.token, tt.body, tt.header...)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			m := r.json(t)["error"].(map[string]any)
			if m["code"] != tt.code || m["message"] == "" {
				t.Errorf("error %v, want code %s", m, tt.code)
			}
			if tt.field != "" {
				fields, _ := m["fields"].([]any)
				if len(fields) == 0 || fields[0].(map[string]any)["field"] != tt.field {
					t.Errorf("fields %v, want %s first", fields, tt.field)
				}
			}
		})
	}
	if n := e.count("referrals"); n != 0 {
		t.Errorf("%d referrals stored by rejected requests", n)
	}
	if n := e.count("idempotency"); n != 0 {
		t.Errorf("%d idempotency keys stored by rejected requests", n)
	}
}

func TestIdempotency(t *testing.T) {
	e := start(t, "")
	first := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(nil), "Idempotency-Key", "jc-42")
	again := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(nil), "Idempotency-Key", "jc-42")
	if first.status != 201 || again.status != 201 || again.header.Get("Idempotent-Replayed") != "true" || first.json(t)["id"] != again.json(t)["id"] {
		t.Errorf("retry: %d %d replayed=%q", first.status, again.status, again.header.Get("Idempotent-Replayed"))
	}
	other := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(func(m map[string]any) { m["source"] = "other" }), "Idempotency-Key", "jc-42")
	if other.status != 409 || other.json(t)["error"].(map[string]any)["code"] != "conflict" {
		t.Errorf("same key, other body: %d %s", other.status, other.body)
	}
	// Keys are per agency.
	if r := e.do("POST", "/api/v1/referrals", "abh-muenchen", referralBody(nil), "Idempotency-Key", "jc-42"); r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("another agency's key: %d", r.status)
	}
	if n := e.count("referrals"); n != 2 {
		t.Errorf("%d referrals stored, want 2", n)
	}
}

// providerToken returns the test token of a provider id.
func providerToken(provider string) string {
	for _, tk := range testTokens {
		if tk.provider == provider {
			return tk.name
		}
	}
	return ""
}

func TestRolesSeeOnlyTheirOwn(t *testing.T) {
	e := start(t, "")
	m := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(nil)).json(t)
	id := m["id"].(string)
	mine := providerToken(m["office"].(map[string]any)["provider"].(string))
	other := "caritas"
	if mine == other {
		other = "awo"
	}
	tests := []struct {
		path, token string
		status      int
	}{
		{"/api/v1/referrals/" + id, "jobcenter-mitte", 200},
		{"/api/v1/referrals/" + id, "abh-muenchen", 404},
		{"/api/v1/referrals/" + id, mine, 200},
		{"/api/v1/referrals/" + id, other, 404},
		{"/api/v1/referrals/" + id, "koordination", 200},
		{"/api/v1/referrals/" + id + "/slip", "abh-muenchen", 404},
		{"/api/v1/referrals/" + id + "/slip", other, 404},
		{"/api/v1/referrals/" + id + "/audit", "koordination", 200},
		{"/api/v1/referrals/" + id + "/audit", "jobcenter-mitte", 403},
		{"/api/v1/referrals/nope", "koordination", 404},
		{"/api/v1/inbox", mine, 200},
		{"/api/v1/inbox", "jobcenter-mitte", 403},
		{"/api/v1/stats", "koordination", 200},
		{"/api/v1/stats", "jobcenter-mitte", 403},
		{"/api/v1/stats", mine, 403},
		{"/api/v1/openapi.yaml", "", 401},
	}
	for _, tt := range tests {
		if r := e.do("GET", tt.path, tt.token, nil); r.status != tt.status {
			t.Errorf("GET %s as %s: %d, want %d", tt.path, tt.token, r.status, tt.status)
		}
	}
	inbox := e.do("GET", "/api/v1/inbox", mine, nil).json(t)["referrals"].([]any)
	if len(inbox) != 1 || inbox[0].(map[string]any)["contact"].(map[string]any)["name"] != "Zarathustra Unverwechselbar" {
		t.Errorf("inbox of the assigned provider: %v", inbox)
	}
	if n := len(e.do("GET", "/api/v1/inbox", other, nil).json(t)["referrals"].([]any)); n != 0 {
		t.Errorf("another provider's inbox holds %d referrals", n)
	}
	if r := e.do("POST", "/api/v1/referrals/"+id+"/status", other, map[string]any{"status": "accepted"}); r.status != 404 {
		t.Errorf("another provider changes the status: %d", r.status)
	}
}

func TestStatusAndReroute(t *testing.T) {
	e := start(t, "")
	m := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(nil)).json(t)
	id := m["id"].(string)
	seen := map[string]bool{}
	for i := 0; ; i++ {
		cur := e.do("GET", "/api/v1/referrals/"+id, "koordination", nil).json(t)
		if cur["status"] == "unassigned" {
			break
		}
		office := cur["office"].(map[string]any)
		if seen[office["id"].(string)] {
			t.Fatalf("routed again to %s, which declined", office["id"])
		}
		seen[office["id"].(string)] = true
		tok := providerToken(office["provider"].(string))
		if tok == "" {
			t.Fatalf("no test token for %s", office["provider"])
		}
		r := e.do("POST", "/api/v1/referrals/"+id+"/status", tok, map[string]any{"status": "declined", "reason": "capacity", "note": "keine Kapazität"})
		if r.status != 200 {
			t.Fatalf("decline: %d %s", r.status, r.body)
		}
		after := r.json(t)
		as := after["assignments"].([]any)
		if len(as) != i+2 || as[i].(map[string]any)["status"] != "declined" {
			t.Fatalf("after decline %d: %v", i+1, as)
		}
		if n := len(e.do("GET", "/api/v1/inbox", tok, nil).json(t)["referrals"].([]any)); n != 0 && after["status"] != "unassigned" && after["office"].(map[string]any)["provider"] != office["provider"] {
			t.Errorf("the declining provider still has it in its inbox")
		}
		if i > 30 {
			t.Fatal("no end to re-routing")
		}
	}
	mbe := map[string]bool{}
	for _, p := range e.dir.Providers {
		for _, of := range p.Offers {
			if of.Program == "mbe" {
				for _, o := range of.Offices {
					mbe[o] = true
				}
			}
		}
	}
	if len(seen) != len(mbe) {
		t.Errorf("unassigned after %d declines, but %d offices offer MBE", len(seen), len(mbe))
	}

	// Transitions of a fresh referral.
	m = e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(nil)).json(t)
	id = m["id"].(string)
	tok := providerToken(m["office"].(map[string]any)["provider"].(string))
	steps := []struct {
		status string
		code   int
	}{{"accepted", 200}, {"declined", 422}, {"contacted", 200}, {"accepted", 422}, {"closed", 200}, {"contacted", 422}, {"bogus", 422}}
	for _, s := range steps {
		if r := e.do("POST", "/api/v1/referrals/"+id+"/status", tok, map[string]any{"status": s.status}); r.status != s.code {
			t.Errorf("→ %s: %d, want %d (%s)", s.status, r.status, s.code, r.body)
		}
	}
	if r := e.do("POST", "/api/v1/referrals/"+id+"/status", tok, `{"status":"closed","extra":1}`); r.status != 400 {
		t.Errorf("unknown field in a status change: %d", r.status)
	}
	// Every step is in the audit trail, without personal data.
	audit := e.do("GET", "/api/v1/referrals/"+id+"/audit", "koordination", nil)
	var actions []string
	for _, a := range audit.json(t)["entries"].([]any) {
		actions = append(actions, a.(map[string]any)["action"].(string))
	}
	want := "create status:accepted status:contacted status:closed"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("audit trail %q, want %q", got, want)
	}
	if strings.Contains(string(audit.body), "Zarathustra") {
		t.Errorf("personal data in the audit trail")
	}
}

// TestEncryptionAtRest looks for the contact data in the database: the
// SQLite files, every PostgreSQL table.
func TestEncryptionAtRest(t *testing.T) {
	eachStore(t, func(t *testing.T, opts ...func(*env)) {
		e := start(t, "", opts...)
		for range 3 {
			if r := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(nil)); r.status != 201 {
				t.Fatal(r.status)
			}
		}
		for _, secret := range []string{"Zarathustra", "Unverwechselbar", "0176 1234567", "z.u@example.org"} {
			for _, where := range e.holding([]byte(secret)) {
				t.Errorf("%s contains %q in clear", where, secret)
			}
		}
	})
}

func TestRetention(t *testing.T) {
	e := start(t, "retention_days: 30\n")
	m := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(nil)).json(t)
	tok := providerToken(m["office"].(map[string]any)["provider"].(string))
	e.clock.Add(20 * 24 * time.Hour)
	if n, err := e.svc.Retain(context.Background()); err != nil || n != 0 {
		t.Fatalf("retention after 20 days: %d, %v", n, err)
	}
	e.clock.Add(11 * 24 * time.Hour)
	if n, err := e.svc.Retain(context.Background()); err != nil || n != 1 {
		t.Fatalf("retention after 31 days: %d, %v", n, err)
	}
	inbox := e.do("GET", "/api/v1/inbox", tok, nil).json(t)["referrals"].([]any)
	if len(inbox) != 1 || inbox[0].(map[string]any)["contact"] != nil {
		t.Errorf("contact data after the retention period: %v", inbox)
	}
	r := e.do("GET", "/api/v1/stats?from=2026-11&to=2026-11", "koordination", nil)
	var rep stats.Report
	if err := json.Unmarshal(r.body, &rep); err != nil || !rep.Table("source").Total.Suppressed {
		t.Errorf("the anonymous count is gone (one referral, suppressed): %s %v", r.body, err)
	}
	if n := e.count("referrals"); n != 1 {
		t.Errorf("the referral itself is gone")
	}
}

func TestStatsSuppression(t *testing.T) {
	e := start(t, "")
	sources := map[string]int{"jobcenter": 7, "auslaenderbehoerde": 6, "sozialbuergerhaus": 5, "clearing": 2}
	for src, n := range sources {
		for range n {
			if r := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(func(m map[string]any) { m["source"] = src })); r.status != 201 {
				t.Fatal(r.status)
			}
		}
	}
	r := e.do("GET", "/api/v1/stats?from=2026-01&to=2026-12", "koordination", nil)
	var rep stats.Report
	if err := json.Unmarshal(r.body, &rep); err != nil {
		t.Fatalf("stats: %v\n%s", err, r.body)
	}
	if err := rep.Check(); err != nil {
		t.Errorf("the report leaks: %v", err)
	}
	src := rep.Table("source")
	got := map[string]string{}
	for _, row := range src.Rows {
		got[row.Value] = fmt.Sprint(row.Count.N)
		if row.Count.Suppressed {
			got[row.Value] = "x"
		}
	}
	// clearing (2) is under 5; sozialbuergerhaus (5), the smallest shown,
	// goes with it, so that neither can be worked out from the total 20.
	want := map[string]string{"jobcenter": "7", "auslaenderbehoerde": "6", "sozialbuergerhaus": "x", "clearing": "x"}
	if fmt.Sprint(got) != fmt.Sprint(want) || src.Total.N != 20 || rep.SuppressedBelow != 5 {
		t.Errorf("source table %v total %v, want %v", got, src.Total, want)
	}
	if strings.Contains(string(r.body), "Zarathustra") {
		t.Errorf("personal data in the statistics")
	}
	// The export is what the site build publishes.
	pub, err := site.ParseStatistics(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("the site cannot publish the export: %v", err)
	}
	if pub.Table("source").Total.N != 20 {
		t.Errorf("published: %+v", pub)
	}
	for _, bad := range []string{"from=2026-1", "from=9999-01&to=9999-12", "from=2026-05&to=2026-01", "from=2000-01&to=2026-12", "to=0001-01"} {
		if r := e.do("GET", "/api/v1/stats?"+bad, "koordination", nil); r.status != 422 {
			t.Errorf("stats?%s: %d %s", bad, r.status, r.body)
		}
	}
}

func TestHealthDocsCORSAndRateLimit(t *testing.T) {
	e := start(t, "cors_origins: [https://intranet.example.org]\nrate_limit: {per_second: 1, burst: 3}\n")
	if r := e.do("GET", "/healthz", "", nil); r.status != 200 {
		t.Errorf("healthz %d", r.status)
	}
	if r := e.do("GET", "/readyz", "", nil); r.status != 200 {
		t.Errorf("readyz %d", r.status)
	}
	r := e.do("GET", "/api/v1/openapi.yaml", "koordination", nil)
	var doc struct {
		OpenAPI string         `yaml:"openapi"`
		Paths   map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(r.body, &doc); err != nil || doc.OpenAPI != "3.0.3" {
		t.Fatalf("openapi.yaml: %v %q", err, doc.OpenAPI)
	}
	for _, p := range []string{"/api/v1/referrals", "/api/v1/referrals/{id}", "/api/v1/referrals/{id}/slip", "/api/v1/referrals/{id}/status", "/api/v1/referrals/{id}/audit",
		"/api/v1/referrals/{id}/reassign", "/api/v1/referrals/{id}/erase", "/api/v1/inbox", "/api/v1/stats", "/healthz", "/readyz"} {
		if doc.Paths[p] == nil {
			t.Errorf("openapi.yaml lacks %s", p)
		}
	}
	// CORS: closed except for configured origins.
	if r := e.do("GET", "/api/v1/stats", "abh-muenchen", nil, "Origin", "https://evil.example"); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS open to an unknown origin")
	}
	if r := e.do("OPTIONS", "/api/v1/referrals", "", nil, "Origin", "https://intranet.example.org"); r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "https://intranet.example.org" {
		t.Errorf("preflight from the configured origin: %d %v", r.status, r.header)
	}
	if r := e.do("GET", "/healthz", "", nil); r.header.Get("Cache-Control") != "no-store" || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers: %v", r.header)
	}
	// Rate limit: burst 3, then 429 for this token, not for others.
	codes := []int{}
	for range 5 {
		codes = append(codes, e.do("GET", "/api/v1/inbox", "ikg", nil).status)
	}
	if fmt.Sprint(codes) != "[200 200 200 429 429]" && fmt.Sprint(codes) != "[200 200 200 200 429]" {
		t.Errorf("rate limit: %v", codes)
	}
	if r := e.do("GET", "/api/v1/inbox", "awo", nil); r.status != 200 {
		t.Errorf("another token limited too: %d", r.status)
	}
}

// TestLogsWithoutPersonalData runs a whole referral and searches the log.
func TestLogsWithoutPersonalData(t *testing.T) {
	e := start(t, "")
	m := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(nil)).json(t)
	id := m["id"].(string)
	tok := providerToken(m["office"].(map[string]any)["provider"].(string))
	e.do("GET", "/api/v1/inbox", tok, nil)
	e.do("GET", "/api/v1/referrals/"+id+"/slip", "jobcenter-mitte", nil)
	e.do("POST", "/api/v1/referrals/"+id+"/status", tok, map[string]any{"status": "declined", "reason": "language"})
	e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(func(m map[string]any) { m["consent"] = map[string]any{"given": false} }))
	log := e.log.String()
	if strings.Count(log, `"msg":"request"`) < 5 {
		t.Fatalf("requests not logged:\n%s", log)
	}
	for _, secret := range []string{"Zarathustra", "Unverwechselbar", "0176", "z.u@example.org", "1234567", e.tokens["jobcenter-mitte"]} {
		if strings.Contains(log, secret) {
			t.Errorf("the log contains %q", secret)
		}
	}
	if !strings.Contains(log, `"route":"POST /api/v1/referrals"`) || !strings.Contains(log, `"actor":"jobcenter-mitte"`) {
		t.Errorf("log lines lack route or actor:\n%s", log)
	}
}
