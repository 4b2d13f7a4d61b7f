package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/pgtest"
	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/seal"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// onPostgres runs the endpoint on a database of its own on the test
// PostgreSQL server instead of a SQLite file.
func onPostgres(t *testing.T) func(*env) {
	url := pgtest.URL(t)
	return func(e *env) { e.pg = url }
}

// eachStore runs test on SQLite and on PostgreSQL.
func eachStore(t *testing.T, test func(t *testing.T, opts ...func(*env))) {
	t.Run("sqlite", func(t *testing.T) { test(t) })
	t.Run("postgres", func(t *testing.T) { test(t, onPostgres(t)) })
}

// holding returns where the database holds data: each SQLite file (the
// database, its log) or PostgreSQL table whose bytes contain it — in
// PostgreSQL's text form, also as hex, the form of bytea.
func (e *env) holding(data []byte) []string {
	e.t.Helper()
	var out []string
	if e.pg == "" {
		files, _ := filepath.Glob(e.db + "*")
		if len(files) == 0 {
			e.t.Fatal("no database files")
		}
		for _, f := range files {
			if b, _ := os.ReadFile(f); bytes.Contains(b, data) {
				out = append(out, filepath.Base(f))
			}
		}
		return out
	}
	rows, err := e.store.DB().Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)
	if err != nil {
		e.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var t string
		rows.Scan(&t)
		tables = append(tables, t)
	}
	rows.Close()
	if len(tables) < 5 {
		e.t.Fatalf("tables: %v", tables)
	}
	hexed := []byte(hex.EncodeToString(data))
	for _, t := range tables {
		rows, err := e.store.DB().Query(fmt.Sprintf(`SELECT t::text FROM %q t`, t))
		if err != nil {
			e.t.Fatal(err)
		}
		for rows.Next() {
			var row []byte
			rows.Scan(&row)
			if bytes.Contains(row, data) || bytes.Contains(bytes.ToLower(row), hexed) {
				out = append(out, "table "+t)
				break
			}
		}
		rows.Close()
	}
	return out
}

// TestIdempotencyRecordKeyed: the idempotency record keeps a keyed hash of
// the request, so the database holds no value that anyone could compute
// from guessed contact data (the first release kept the plain SHA-256 of
// the body).
func TestIdempotencyRecordKeyed(t *testing.T) { eachStore(t, testIdempotencyRecordKeyed) }

func testIdempotencyRecordKeyed(t *testing.T, opts ...func(*env)) {
	e := start(t, "", opts...)
	body := referralBody(nil)
	if r := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", body, "Idempotency-Key", "k1"); r.status != 201 {
		t.Fatal(r.status)
	}
	// What an attacker could compute without the key: hashes of the body
	// as sent, re-encoded, and of the contact alone.
	var req referral.CreateRequest
	b, _ := json.Marshal(body)
	json.Unmarshal(b, &req)
	canonical, _ := json.Marshal(&req)
	contact, _ := json.Marshal(req.Contact)
	var guesses []string
	for _, x := range [][]byte{b, canonical, contact, []byte("Zarathustra Unverwechselbar"), []byte("0176 1234567")} {
		sum := sha256.Sum256(x)
		guesses = append(guesses, hex.EncodeToString(sum[:]), string(sum[:]))
	}
	for _, g := range guesses {
		for _, where := range e.holding([]byte(g)) {
			t.Errorf("%s holds an unkeyed hash of the request", where)
		}
	}
	if e.count("idempotency") != 1 {
		t.Errorf("no idempotency record")
	}
}

// TestNotesSealedAndErase: a decline's note is sealed (not in the database
// files), readable for the coordination office, and goes with the contact
// data when the agency erases it (the person withdrew consent).
func TestNotesSealedAndErase(t *testing.T) { eachStore(t, testNotesSealedAndErase) }

func testNotesSealedAndErase(t *testing.T, opts ...func(*env)) {
	e := start(t, "", opts...)
	m := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(nil)).json(t)
	id := m["id"].(string)
	tok := providerToken(m["office"].(map[string]any)["provider"].(string))
	note := "Frau Unverwechselbar rief am Montag an"
	if r := e.do("POST", "/api/v1/referrals/"+id+"/status", tok, map[string]any{"status": "declined", "reason": "unreachable", "note": note}); r.status != 200 {
		t.Fatalf("decline: %d %s", r.status, r.body)
	}
	for _, where := range e.holding([]byte("rief am Montag")) {
		t.Errorf("%s holds the note in clear", where)
	}
	ref, _ := e.svc.Store.Get(context.Background(), id)
	coord := referral.Actor{Name: "koordination", Role: referral.RoleCoordination}
	if got, err := e.svc.Note(context.Background(), coord, ref, 1); err != nil || got != note {
		t.Errorf("the coordination office reads %q, %v", got, err)
	}
	if _, err := e.svc.Note(context.Background(), referral.Actor{Name: "jobcenter-mitte", Role: referral.RoleAgency, Agency: "jobcenter-mitte"}, ref, 1); !errors.Is(err, referral.ErrForbidden) {
		t.Errorf("the agency reads the note: %v", err)
	}
	// Erase: another agency cannot, the creating one can.
	if r := e.do("POST", "/api/v1/referrals/"+id+"/erase", "abh-muenchen", nil); r.status != 404 {
		t.Errorf("another agency erases: %d", r.status)
	}
	if r := e.do("POST", "/api/v1/referrals/"+id+"/erase", tok, nil); r.status != 403 {
		t.Errorf("a provider erases: %d", r.status)
	}
	if r := e.do("POST", "/api/v1/referrals/"+id+"/erase", "jobcenter-mitte", nil); r.status != 200 {
		t.Fatalf("erase: %d %s", r.status, r.body)
	}
	ref, _ = e.svc.Store.Get(context.Background(), id)
	if ref.Sealed != nil || ref.Assignments[0].Note != nil {
		t.Errorf("personal data after erasure: %+v", ref)
	}
	log, _ := e.svc.Store.AuditLog(context.Background(), id)
	if log[len(log)-1].Action != "erase" {
		t.Errorf("erasure not in the audit trail: %+v", log)
	}
	// The referral is still counted, anonymously.
	if e.count("referrals") != 1 {
		t.Errorf("the referral went with its personal data")
	}
}

// TestReassign: the coordination office gives a referral to any office of
// its program by hand; the first office's load is freed.
func TestReassign(t *testing.T) {
	e := start(t, "")
	m := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(nil)).json(t)
	id, first := m["id"].(string), m["office"].(map[string]any)["id"].(string)
	res, _ := e.svc.Preview(context.Background(), referral.Actor{Name: "k", Role: referral.RoleCoordination}, &referral.CreateRequest{Source: "jobcenter", Anonymous: true,
		Person: referral.Person{AgeGroup: "adult", District: "maxvorstadt"}})
	other := res.Offices[len(res.Offices)-1].OfficeID
	if r := e.do("POST", "/api/v1/referrals/"+id+"/reassign", "jobcenter-mitte", map[string]any{"office": other, "reason": "request"}); r.status != 403 {
		t.Errorf("an agency reassigns: %d", r.status)
	}
	for _, bad := range []map[string]any{{"office": other}, {"office": "nope", "reason": "request"}, {"office": first, "reason": "request"}} {
		if r := e.do("POST", "/api/v1/referrals/"+id+"/reassign", "koordination", bad); r.status != 422 {
			t.Errorf("reassign %v: %d", bad, r.status)
		}
	}
	r := e.do("POST", "/api/v1/referrals/"+id+"/reassign", "koordination", map[string]any{"office": other, "reason": "request", "note": "Wunsch der Person"})
	if r.status != 200 || r.json(t)["office"].(map[string]any)["id"] != other {
		t.Fatalf("reassign: %d %s", r.status, r.body)
	}
	load, _ := e.svc.Store.Load(context.Background(), "2026-11")
	if load[first] != 0 || load[other] != 1 {
		t.Errorf("load after the reassignment: %v", load)
	}
}

// TestKeyRotation: after a new key is added in front of the old one, the
// old contact data still opens; reseal seals it again with the new key,
// after which a service with the new key alone opens everything.
func TestKeyRotation(t *testing.T) {
	e := start(t, "")
	m := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(nil)).json(t)
	id := m["id"].(string)
	ctx := context.Background()
	oldKey, err := seal.LoadKey("WEGWEISER_TEST_UNSET", e.svc.Config.KeyPath())
	if err != nil {
		t.Fatal(err)
	}
	newKey := bytes.Repeat([]byte{7}, seal.KeySize)
	rotated, _ := seal.New(newKey, oldKey)
	e.svc.Sealer = rotated
	ref, _ := e.svc.Store.Get(ctx, id)
	if !rotated.Stale(ref.Sealed) {
		t.Fatalf("the old value is not stale")
	}
	n, err := e.svc.Reseal(ctx)
	if err != nil || n != 1 {
		t.Fatalf("reseal: %d %v", n, err)
	}
	onlyNew, _ := seal.New(newKey)
	ref, _ = e.svc.Store.Get(ctx, id)
	if b, err := onlyNew.Open(ref.Sealed, []byte(id)); err != nil || !strings.Contains(string(b), "Zarathustra") {
		t.Errorf("after reseal the new key alone cannot open: %v", err)
	}
	if n, _ := e.svc.Reseal(ctx); n != 0 {
		t.Errorf("a second reseal changed %d values", n)
	}
}

// TestFileModes: the configuration and key are written 0600, and wider
// modes are reported.
func TestFileModes(t *testing.T) {
	e := start(t, "")
	cfg := filepath.Join(filepath.Dir(e.db), "referrals.yaml")
	for _, f := range []string{cfg, e.svc.Config.KeyPath(), e.db} {
		if st, err := os.Stat(f); err != nil || st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v, %v", f, st.Mode().Perm(), err)
		}
	}
	if w := referral.WideModes(cfg, e.db); len(w) != 0 {
		t.Errorf("warnings for private files: %v", w)
	}
	os.Chmod(cfg, 0o644)
	if w := referral.WideModes(cfg, e.db); len(w) != 1 || !strings.Contains(w[0], "chmod 600") {
		t.Errorf("no warning for a readable configuration: %v", w)
	}
}

// TestProviderOfToken: a provider token names a provider of the directory.
func TestProviderOfToken(t *testing.T) {
	file := filepath.Join(t.TempDir(), "referrals.yaml")
	known := func(id string) bool { return id == "caritas-muenchen" }
	if _, err := referral.AddToken(file, "x", referral.RoleProvider, "caritas-muenchn", known); err == nil || !strings.Contains(err.Error(), "not in the directory") {
		t.Errorf("unknown provider: %v", err)
	}
	if _, err := referral.AddToken(file, "x", referral.RoleProvider, "caritas-muenchen", known); err != nil {
		t.Errorf("known provider: %v", err)
	}
}

// TestRequestForm: bodies that are not JSON, name a key twice or arrive
// too slowly are refused, and nothing is stored.
func TestRequestForm(t *testing.T) {
	e := start(t, "read_timeout: 1s\n")
	b, _ := json.Marshal(referralBody(nil))
	if r := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", b, "Content-Type", "text/plain"); r.status != 415 {
		t.Errorf("text/plain: %d", r.status)
	}
	if r := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", b, "Content-Type", "application/x-www-form-urlencoded"); r.status != 415 {
		t.Errorf("a form: %d", r.status)
	}
	dup := strings.Replace(string(b), `"source":"jobcenter"`, `"source":"jobcenter","source":"other"`, 1)
	if r := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", dup); r.status != 400 || !strings.Contains(string(r.body), "twice") {
		t.Errorf("a duplicate key: %d %s", r.status, r.body)
	}
	nested := strings.Replace(string(b), `"age":34`, `"age":34,"age":50`, 1)
	if r := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", nested); r.status != 400 || !strings.Contains(string(r.body), `"person.age"`) {
		t.Errorf("a duplicate nested key: %d %s", r.status, r.body)
	}
	// A body that trickles in: the headers promise more than arrives in
	// the read timeout.
	c, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /api/v1/referrals HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		e.tokens["jobcenter-mitte"], len(b), b[:10])
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, _ := io.ReadAll(c)
	if !strings.HasPrefix(string(resp), "HTTP/1.1 408") {
		t.Errorf("slow body: %q", resp)
	}
	if n := e.count("referrals"); n != 0 {
		t.Errorf("%d referrals stored by refused requests", n)
	}
}

// TestContactFailsClosed: when the audit entry of a contact read cannot be
// written, the contact data is not shown.
func TestContactFailsClosed(t *testing.T) {
	var failing bool
	e := start(t, "", func(e *env) {
		e.wrap = func(s referral.Store) referral.Store {
			return &switchable{Store: s, fail: &failing}
		}
	})
	m := e.do("POST", "/api/v1/referrals", "jobcenter-mitte", referralBody(nil)).json(t)
	tok := providerToken(m["office"].(map[string]any)["provider"].(string))
	failing = true
	r := e.do("GET", "/api/v1/inbox", tok, nil)
	if r.status != 500 || strings.Contains(string(r.body), "Zarathustra") {
		t.Errorf("inbox without an audit trail: %d %s", r.status, r.body)
	}
	failing = false
	if r := e.do("GET", "/api/v1/inbox", tok, nil); r.status != 200 || !strings.Contains(string(r.body), "Zarathustra") {
		t.Errorf("inbox: %d", r.status)
	}
}

// switchable fails its audit trail while *fail is true.
type switchable struct {
	referral.Store
	fail *bool
}

func (s *switchable) Audit(ctx context.Context, a referral.Audit) error {
	if *s.fail {
		return errors.New("disk full")
	}
	return s.Store.Audit(ctx, a)
}
