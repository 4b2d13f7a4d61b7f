// Package storetest is the contract of referral.Store as tests: every
// implementation (SQLite, PostgreSQL) runs Run against a real database,
// so the service behaves the same on each.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/routing"
)

// Open returns a new, empty store for a test; it is closed by the test's
// cleanup.
type Open func(t *testing.T) referral.Store

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// Run runs the contract on the stores open makes.
func Run(t *testing.T, open Open) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s referral.Store)
	}{
		{"CreateGet", testCreateGet},
		{"Idempotency", testIdempotency},
		{"ListAndPages", testList},
		{"ChangeAndLoad", testChange},
		{"EraseRetainReseal", testPersonalData},
		{"Stats", testStats},
		{"Accounts", testAccounts},
		{"Sessions", testSessions},
		{"ConcurrentCapacity", testConcurrentCapacity},
		{"GroupOfCreates", testGroupOfCreates},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			tc.fn(t, s)
		})
	}
}

// to routes every referral to office (or unassigned, for "").
func to(office, provider string) referral.Router {
	return func(routing.Load) (*referral.Assignment, error) {
		a := &referral.Assignment{Office: office, Provider: provider, Status: referral.StatusAssigned, At: t0,
			Reasons: []routing.Reason{{Code: "catchment-serves", Text: "x", Args: map[string]string{"office": office}}}}
		if office == "" {
			a.Status = referral.StatusUnassigned
		}
		return a, nil
	}
}

// newReferral returns a referral made at at by agency.
func newReferral(id, agency string, at time.Time) *referral.Referral {
	return &referral.Referral{ID: id, CreatedAt: at, Agency: agency, CreatedBy: agency + "-anna", Source: "jobcenter", Program: "mbe",
		AgeGroup: "adult", District: "maxvorstadt", Languages: []string{"ar", "de"}, Needs: referral.Needs{Childcare: true, Topic: "work"},
		SlipLang: "ar", ConsentDate: "2026-11-20", Sealed: []byte("sealed contact of " + id)}
}

func create(t *testing.T, s referral.Store, r *referral.Referral, route referral.Router) *referral.Referral {
	t.Helper()
	got, replayed, err := s.Create(context.Background(), r, nil, &referral.Audit{At: r.CreatedAt, Actor: r.CreatedBy, Role: "agency", Action: "create", Referral: r.ID}, route)
	if err != nil || replayed {
		t.Fatalf("create %s: %v (replayed %v)", r.ID, err, replayed)
	}
	return got
}

func testCreateGet(t *testing.T, s referral.Store) {
	ctx := context.Background()
	r := newReferral("r1", "jobcenter-mitte", t0)
	got := create(t, s, r, to("caritas-mitte", "caritas"))
	if got.Number != "2026-000001" || got.Agency != "jobcenter-mitte" || got.CreatedBy != "jobcenter-mitte-anna" || !got.CreatedAt.Equal(t0) ||
		!slices.Equal(got.Languages, []string{"ar", "de"}) || got.Needs != r.Needs || got.ConsentDate != "2026-11-20" || !bytes.Equal(got.Sealed, r.Sealed) {
		t.Errorf("stored %+v", got)
	}
	cur := got.Current()
	if cur == nil || cur.Seq != 1 || cur.Office != "caritas-mitte" || cur.Month != "2026-11" || cur.Status != referral.StatusAssigned ||
		len(cur.Reasons) != 1 || cur.Reasons[0].Args["office"] != "caritas-mitte" {
		t.Errorf("assignment %+v", cur)
	}
	anon := newReferral("r2", "jobcenter-mitte", t0.Add(time.Minute))
	anon.ConsentDate, anon.Sealed = "", nil
	if got := create(t, s, anon, to("", "")); got.Number != "2026-000002" || !got.Anonymous() || got.Sealed != nil || got.Status() != referral.StatusUnassigned {
		t.Errorf("anonymous %+v", got)
	}
	if _, err := s.Get(ctx, "nope"); !errors.Is(err, referral.ErrNotFound) {
		t.Errorf("Get unknown: %v", err)
	}
	log, err := s.AuditLog(ctx, "r1")
	if err != nil || len(log) != 1 || log[0].Action != "create" || log[0].Actor != "jobcenter-mitte-anna" {
		t.Errorf("audit %+v %v", log, err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Error(err)
	}
}

func testIdempotency(t *testing.T, s referral.Store) {
	ctx := context.Background()
	idem := &referral.Idempotency{Agency: "jc", Key: "k1", BodyMAC: "hmac-sha256:aa"}
	first, replayed, err := s.Create(ctx, newReferral("r1", "jc", t0), idem, nil, to("o1", "p1"))
	if err != nil || replayed {
		t.Fatal(err)
	}
	again, replayed, err := s.Create(ctx, newReferral("r2", "jc", t0), idem, nil, to("o1", "p1"))
	if err != nil || !replayed || again.ID != first.ID {
		t.Errorf("retry: %v %v %v", again, replayed, err)
	}
	other := *idem
	other.BodyMAC = "hmac-sha256:bb"
	if _, _, err := s.Create(ctx, newReferral("r3", "jc", t0), &other, nil, to("o1", "p1")); !errors.Is(err, referral.ErrConflict) {
		t.Errorf("another body with the key: %v", err)
	}
	if _, err := s.Get(ctx, "r3"); !errors.Is(err, referral.ErrNotFound) {
		t.Errorf("a rejected referral was stored")
	}
	if load, _ := s.Load(ctx, "2026-11"); load["o1"] != 1 {
		t.Errorf("load after a replay %v", load)
	}
}

func testList(t *testing.T, s referral.Store) {
	ctx := context.Background()
	for i := range 25 {
		agency, office := "jc-a", "o1"
		if i%2 == 1 {
			agency, office = "jc-b", "o2"
		}
		if i%5 == 0 {
			office = ""
		}
		create(t, s, newReferral(fmt.Sprintf("r%02d", i), agency, t0.Add(time.Duration(i)*time.Minute)), to(office, map[string]string{"o1": "p1", "o2": "p2", "": ""}[office]))
	}
	refs, total, err := s.List(ctx, referral.Query{Agency: "jc-a", Limit: 5})
	if err != nil || total != 13 || len(refs) != 5 || refs[0].ID != "r24" {
		t.Fatalf("agency page 1: %d %d %v", total, len(refs), err)
	}
	refs2, _, _ := s.List(ctx, referral.Query{Agency: "jc-a", Limit: 5, Offset: 5})
	if len(refs2) != 5 || refs2[0].ID == refs[0].ID {
		t.Errorf("agency page 2 repeats page 1")
	}
	refs, total, _ = s.List(ctx, referral.Query{Provider: "p2", Statuses: []string{referral.StatusAssigned}})
	if total != 10 || len(refs) != 10 {
		t.Errorf("provider p2: %d", total)
	}
	_, total, _ = s.List(ctx, referral.Query{Statuses: []string{referral.StatusUnassigned}})
	if total != 5 {
		t.Errorf("unassigned: %d", total)
	}
	// Declined and rerouted: on the desk while the next office has not
	// taken it.
	reroute := func(routing.Load, []string) (*referral.Assignment, error) {
		return &referral.Assignment{Office: "o3", Provider: "p3", Status: referral.StatusAssigned, At: t0}, nil
	}
	s.Change(ctx, "r01", 1, referral.Change{Status: referral.StatusDeclined, Reason: "other"}, t0, nil, reroute)
	s.Change(ctx, "r03", 1, referral.Change{Status: referral.StatusDeclined, Reason: "other"}, t0, nil, reroute)
	s.Change(ctx, "r03", 2, referral.Change{Status: referral.StatusAccepted}, t0, nil, nil)
	desk, total, _ := s.List(ctx, referral.Query{Statuses: []string{referral.StatusUnassigned}, EverDeclined: true})
	if total != 6 || !slices.ContainsFunc(desk, func(r *referral.Referral) bool { return r.ID == "r01" }) || slices.ContainsFunc(desk, func(r *referral.Referral) bool { return r.ID == "r03" }) {
		t.Errorf("desk: %d", total)
	}
}

func testChange(t *testing.T, s referral.Store) {
	ctx := context.Background()
	create(t, s, newReferral("r1", "jc", t0), to("o1", "p1"))
	create(t, s, newReferral("r2", "jc", t0), to("o1", "p1"))
	if load, _ := s.Load(ctx, "2026-11"); load["o1"] != 2 {
		t.Fatalf("load %v", load)
	}
	at := t0.Add(time.Hour)
	if _, err := s.Change(ctx, "r1", 2, referral.Change{Status: referral.StatusAccepted}, at, nil, nil); !errors.Is(err, referral.ErrConflict) {
		t.Errorf("change at a stale seq: %v", err)
	}
	got, err := s.Change(ctx, "r1", 1, referral.Change{Status: referral.StatusAccepted}, at, &referral.Audit{At: at, Actor: "caritas-ben", Role: "provider", Action: "status:accepted", Referral: "r1"}, nil)
	if err != nil || got.Status() != referral.StatusAccepted || !got.Current().ChangedAt.Equal(at) {
		t.Fatalf("accept: %v %v", got, err)
	}
	var before []string
	got, err = s.Change(ctx, "r2", 1, referral.Change{Status: referral.StatusDeclined, Reason: "language", Note: []byte("sealed note")}, at, nil,
		func(load routing.Load, b []string) (*referral.Assignment, error) {
			before = b
			if load["o1"] != 1 {
				return nil, fmt.Errorf("the declined assignment still counts: %v", load)
			}
			return &referral.Assignment{Office: "o2", Provider: "p2", Status: referral.StatusAssigned, At: at}, nil
		})
	if err != nil || len(got.Assignments) != 2 || got.Assignments[0].Status != referral.StatusDeclined || got.Assignments[0].Reason != "language" ||
		!bytes.Equal(got.Assignments[0].Note, []byte("sealed note")) || got.Current().Office != "o2" || !got.Declined() {
		t.Fatalf("decline: %+v %v", got, err)
	}
	if !slices.Equal(before, []string{"o1"}) {
		t.Errorf("reroute was told %v", before)
	}
	load, _ := s.Load(ctx, "2026-11")
	if load["o1"] != 1 || load["o2"] != 1 {
		t.Errorf("load after the decline %v", load)
	}
	// A reassignment by the coordination office frees the load too.
	got, err = s.Change(ctx, "r2", 2, referral.Change{Status: referral.StatusReassigned, Reason: "request"}, at, nil,
		func(routing.Load, []string) (*referral.Assignment, error) {
			return &referral.Assignment{Office: "o3", Provider: "p3", Status: referral.StatusAssigned, At: at, Reason: "request"}, nil
		})
	if err != nil || got.Current().Office != "o3" || got.Current().Seq != 3 {
		t.Fatalf("reassign: %v", err)
	}
	load, _ = s.Load(ctx, "2026-11")
	if load["o2"] != 0 || load["o3"] != 1 {
		t.Errorf("load after the reassignment %v", load)
	}
	// A failing reroute leaves everything as it was.
	_, err = s.Change(ctx, "r2", 3, referral.Change{Status: referral.StatusDeclined, Reason: "other"}, at, nil,
		func(routing.Load, []string) (*referral.Assignment, error) { return nil, errors.New("no office") })
	if r, _ := s.Get(ctx, "r2"); err == nil || r.Status() != referral.StatusAssigned || len(r.Assignments) != 3 {
		t.Errorf("a failed reroute changed the referral: %v", err)
	}
}

func testPersonalData(t *testing.T, s referral.Store) {
	ctx := context.Background()
	old := newReferral("old", "jc", t0.AddDate(0, -7, 0))
	create(t, s, old, to("o1", "p1"))
	s.Change(ctx, "old", 1, referral.Change{Status: referral.StatusDeclined, Reason: "other", Note: []byte("old note")}, t0, nil,
		func(routing.Load, []string) (*referral.Assignment, error) {
			return &referral.Assignment{Office: "o2", Provider: "p2", Status: referral.StatusAssigned, At: t0}, nil
		})
	create(t, s, newReferral("new", "jc", t0), to("o1", "p1"))
	s.Change(ctx, "new", 1, referral.Change{Status: referral.StatusDeclined, Reason: "other", Note: []byte("new note")}, t0, nil,
		func(routing.Load, []string) (*referral.Assignment, error) {
			return &referral.Assignment{Office: "o2", Provider: "p2", Status: referral.StatusAssigned, At: t0}, nil
		})
	create(t, s, newReferral("gone", "jc", t0), to("o1", "p1"))

	// Reseal: every sealed value passes through, bound to its referral.
	seen := map[string]int{}
	n, err := s.Reseal(ctx, func(id string, sealed []byte) ([]byte, error) {
		seen[id]++
		return append([]byte("v2:"), sealed...), nil
	})
	if err != nil || n != 5 || seen["old"] != 2 || seen["new"] != 2 || seen["gone"] != 1 {
		t.Fatalf("reseal changed %d: %v %v", n, seen, err)
	}
	if r, _ := s.Get(ctx, "new"); !bytes.HasPrefix(r.Sealed, []byte("v2:")) || !bytes.HasPrefix(r.Assignments[0].Note, []byte("v2:")) {
		t.Errorf("reseal not stored")
	}
	// Erase: the person withdrew consent.
	if err := s.Erase(ctx, "gone", t0, &referral.Audit{At: t0, Actor: "jc-anna", Role: "agency", Action: "erase", Referral: "gone"}); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Get(ctx, "gone"); r.Sealed != nil {
		t.Errorf("erased contact still there")
	}
	if err := s.Erase(ctx, "nope", t0, nil); !errors.Is(err, referral.ErrNotFound) {
		t.Errorf("erase unknown: %v", err)
	}
	// Retention: what is older than the cut loses contact and notes.
	n, err = s.Retain(ctx, t0.AddDate(0, -6, 0))
	if err != nil || n != 1 {
		t.Fatalf("retain: %d %v", n, err)
	}
	if r, _ := s.Get(ctx, "old"); r.Sealed != nil || r.Assignments[0].Note != nil {
		t.Errorf("retention left personal data: %+v", r)
	}
	if r, _ := s.Get(ctx, "new"); r.Sealed == nil || r.Assignments[0].Note == nil {
		t.Errorf("retention took recent data")
	}
}

func testStats(t *testing.T, s referral.Store) {
	ctx := context.Background()
	create(t, s, newReferral("r1", "jc", t0), to("o1", "p1"))
	create(t, s, newReferral("r2", "abh", t0.AddDate(0, -1, 0)), to("o2", "p2"))
	create(t, s, newReferral("r3", "abh", t0.AddDate(0, -3, 0)), to("o2", "p2"))
	rows, err := s.Stats(ctx, t0.AddDate(0, -2, 0), t0.Add(time.Hour))
	if err != nil || len(rows) != 2 {
		t.Fatalf("stats %v %v", rows, err)
	}
	slices.SortFunc(rows, func(a, b referral.StatRow) int { return cmpString(a.Month, b.Month) })
	want := referral.StatRow{Month: "2026-10", Source: "jobcenter", Agency: "abh", Program: "mbe", Provider: "p2", District: "maxvorstadt", Language: "ar", Outcome: "assigned"}
	if rows[0] != want {
		t.Errorf("row %+v, want %+v", rows[0], want)
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func testAccounts(t *testing.T, s referral.Store) {
	ctx := context.Background()
	u := referral.User{Name: "anna", Role: referral.RoleAgency, Agency: "jobcenter-mitte", PasswordHash: "h1", Lang: "de", CreatedAt: t0}
	if err := s.AddUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(ctx, u); !errors.Is(err, referral.ErrConflict) {
		t.Errorf("the same name twice: %v", err)
	}
	s.AddUser(ctx, referral.User{Name: "ben", Role: referral.RoleProvider, Provider: "caritas", PasswordHash: "h2", CreatedAt: t0})
	got, err := s.User(ctx, "anna")
	if err != nil || got.Agency != "jobcenter-mitte" || got.PasswordHash != "h1" || got.Lang != "de" || got.Disabled || !got.CreatedAt.Equal(t0) {
		t.Fatalf("user %+v %v", got, err)
	}
	if _, err := s.User(ctx, "nobody"); !errors.Is(err, referral.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
	if all, _ := s.Users(ctx); len(all) != 2 || all[0].Name != "anna" {
		t.Errorf("users %v", all)
	}
	if err := s.SetLanguage(ctx, "anna", "ar"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, "anna"); got.Lang != "ar" {
		t.Errorf("language not set: %q", got.Lang)
	}
	if err := s.SetLanguage(ctx, "nobody", "ar"); !errors.Is(err, referral.ErrNotFound) {
		t.Errorf("language of an unknown account: %v", err)
	}
	lock := func(n int) time.Duration {
		if n >= 3 {
			return time.Minute
		}
		return 0
	}
	for i := 1; i <= 3; i++ {
		u, err := s.SignedIn(ctx, "anna", false, t0, lock)
		if err != nil || u.Failures != i || (i == 3) != u.LockedUntil.Equal(t0.Add(time.Minute)) {
			t.Fatalf("failure %d: %+v %v", i, u, err)
		}
	}
	if u, _ := s.SignedIn(ctx, "anna", true, t0, lock); u.Failures != 0 || !u.LockedUntil.IsZero() {
		t.Errorf("a good sign-in does not clear: %+v", u)
	}
	s.AddSession(ctx, referral.Session{Hash: "s1", User: "anna", CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
	if err := s.SetPassword(ctx, "anna", "h3"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, "anna"); got.PasswordHash != "h3" {
		t.Errorf("password not set")
	}
	if _, err := s.Session(ctx, "s1", t0); !errors.Is(err, referral.ErrNotFound) {
		t.Errorf("a new password keeps the old sessions: %v", err)
	}
	s.AddSession(ctx, referral.Session{Hash: "s2", User: "anna", CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
	if err := s.SetDisabled(ctx, "anna", true); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, "anna"); !got.Disabled {
		t.Errorf("not disabled")
	}
	if _, err := s.Session(ctx, "s2", t0); !errors.Is(err, referral.ErrNotFound) {
		t.Errorf("disabling keeps the sessions: %v", err)
	}
	if err := s.SetDisabled(ctx, "nobody", true); !errors.Is(err, referral.ErrNotFound) {
		t.Errorf("disable unknown: %v", err)
	}
}

func testSessions(t *testing.T, s referral.Store) {
	ctx := context.Background()
	s.AddUser(ctx, referral.User{Name: "anna", Role: referral.RoleCoordination, PasswordHash: "h", CreatedAt: t0})
	se := referral.Session{Hash: "abc", User: "anna", CSRF: "tok", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	if err := s.AddSession(ctx, se); err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(ctx, "abc", t0.Add(time.Minute))
	if err != nil || got.User != "anna" || got.CSRF != "tok" || !got.ExpiresAt.Equal(se.ExpiresAt) {
		t.Fatalf("session %+v %v", got, err)
	}
	if _, err := s.Session(ctx, "abc", t0.Add(2*time.Hour)); !errors.Is(err, referral.ErrNotFound) {
		t.Errorf("expired session: %v", err)
	}
	s.EndSession(ctx, "abc")
	if _, err := s.Session(ctx, "abc", t0); !errors.Is(err, referral.ErrNotFound) {
		t.Errorf("ended session: %v", err)
	}
}

// testConcurrentCapacity: many goroutines create referrals at once with a
// router that takes the office while it has room; the store's write lock
// means exactly capacity referrals go to it.
func testConcurrentCapacity(t *testing.T, s referral.Store) {
	ctx := context.Background()
	const capacity, n = 7, 40
	route := func(load routing.Load) (*referral.Assignment, error) {
		office, provider := "full-soon", "p1"
		if load[office] >= capacity {
			office, provider = "other", "p2"
		}
		return &referral.Assignment{Office: office, Provider: provider, Status: referral.StatusAssigned, At: t0}, nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, _, err := s.Create(ctx, newReferral(fmt.Sprintf("c%02d", i), "jc", t0), nil, nil, route)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	load, err := s.Load(ctx, "2026-11")
	if err != nil || load["full-soon"] != capacity || load["other"] != n-capacity {
		t.Errorf("load %v %v, want %d and %d", load, err, capacity, n-capacity)
	}
	_, total, _ := s.List(ctx, referral.Query{Limit: 1})
	if total != n {
		t.Errorf("%d referrals stored", total)
	}
}

// testGroupOfCreates sends creates that succeed, replay or fail in
// different ways at once, while the first holds the write lock, so that a
// store that commits creates in groups (package sqlstore) takes them into
// one transaction: each must get its own answer, a failed one must leave
// nothing behind and not disturb the others (on PostgreSQL a failed
// statement aborts the whole transaction unless it is rolled back to its
// savepoint), the numbers must have no gaps and the load must count
// exactly the stored referrals. What Create returns must equal what Get
// reads.
func testGroupOfCreates(t *testing.T, s referral.Store) {
	ctx := context.Background()
	const capacity, n = 9, 60
	cet := time.FixedZone("CET", 3600)
	errNoOffice := errors.New("no office for this person")
	create(t, s, newReferral("taken", "jc", t0), to("elsewhere", "p3"))
	if _, _, err := s.Create(ctx, newReferral("used", "jc", t0), &referral.Idempotency{Agency: "jc", Key: "used", BodyMAC: "A"}, nil, to("elsewhere", "p3")); err != nil {
		t.Fatal(err)
	}
	capped := func(load routing.Load) (*referral.Assignment, error) {
		office, provider := "full-soon", "p1"
		if load[office] >= capacity {
			office, provider = "other", "p2"
		}
		return &referral.Assignment{Office: office, Provider: provider, Status: referral.StatusAssigned, At: t0.In(cet),
			Reasons: []routing.Reason{{Code: "capacity", Text: "x", Args: map[string]string{"office": office}}}}, nil
	}
	type answer struct {
		got      *referral.Referral
		replayed bool
		err      error
	}
	answers := make([]answer, n)
	started := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := newReferral(fmt.Sprintf("g%02d", i), "jc", t0.Add(time.Duration(i)*time.Second).In(cet))
			var idem *referral.Idempotency
			route := capped
			switch i % 6 {
			case 0:
				if i == 0 { // holds the write lock while the others queue
					route = func(load routing.Load) (*referral.Assignment, error) {
						close(started)
						time.Sleep(100 * time.Millisecond)
						return capped(load)
					}
				}
			case 1:
				route = func(routing.Load) (*referral.Assignment, error) { return nil, errNoOffice }
			case 2:
				route = func(routing.Load) (*referral.Assignment, error) { panic("a bug in routing") }
			case 3:
				r.ID = "taken" // the insert fails: after routing, with the lock held
			case 4:
				idem = &referral.Idempotency{Agency: "jc", Key: "used", BodyMAC: "B"}
			case 5:
				idem = &referral.Idempotency{Agency: "jc", Key: "same", BodyMAC: "S"}
			}
			if i != 0 {
				<-started
			}
			var a answer
			a.got, a.replayed, a.err = s.Create(ctx, r, idem, &referral.Audit{At: t0, Actor: "jc", Role: "agency", Action: "create", Referral: r.ID}, route)
			answers[i] = a
		})
	}
	wg.Wait()

	stored, sameID := 0, ""
	for i, a := range answers {
		id := fmt.Sprintf("g%02d", i)
		switch i % 6 {
		case 0:
			if a.err != nil || a.replayed {
				t.Errorf("%s: %v (replayed %v)", id, a.err, a.replayed)
				continue
			}
			stored++
			if back, err := s.Get(ctx, id); err != nil || !reflect.DeepEqual(back, a.got) {
				t.Errorf("%s: Create returned\n%+v\nGet reads\n%+v (%v)", id, a.got, back, err)
			}
		case 1, 2, 3, 4:
			want := map[int]error{1: errNoOffice, 4: referral.ErrConflict}[i%6]
			if a.err == nil || (want != nil && !errors.Is(a.err, want)) {
				t.Errorf("%s: got %v, want an error (%v)", id, a.err, want)
			}
			if i%6 != 3 {
				if _, err := s.Get(ctx, id); !errors.Is(err, referral.ErrNotFound) {
					t.Errorf("%s failed but was stored (%v)", id, err)
				}
			}
			if log, err := s.AuditLog(ctx, id); err != nil || (i%6 != 3 && len(log) != 0) {
				t.Errorf("%s failed but has an audit trail %v (%v)", id, log, err)
			}
		case 5:
			if a.err != nil {
				t.Errorf("%s: %v", id, a.err)
				continue
			}
			if !a.replayed {
				stored++
				if sameID != "" {
					t.Errorf("the key \"same\" stored %s and %s", sameID, a.got.ID)
				}
				sameID = a.got.ID
			}
		}
	}
	for i, a := range answers {
		if i%6 == 5 && a.err == nil && a.got.ID != sameID {
			t.Errorf("g%02d: the key \"same\" answered %s, not %s", i, a.got.ID, sameID)
		}
	}
	if taken, err := s.Get(ctx, "taken"); err != nil || taken.Current().Office != "elsewhere" {
		t.Errorf("the referral whose id was used again: %+v %v", taken, err)
	}
	all, total, err := s.List(ctx, referral.Query{Limit: 1000})
	if err != nil || total != stored+2 {
		t.Fatalf("%d referrals stored, want %d (%v)", total, stored+2, err)
	}
	var numbers []string
	for _, r := range all {
		numbers = append(numbers, r.Number)
	}
	slices.Sort(numbers)
	for k, num := range numbers {
		if want := fmt.Sprintf("2026-%06d", k+1); num != want {
			t.Fatalf("numbers %v: want %s at %d, no gaps", numbers, want, k)
		}
	}
	load, err := s.Load(ctx, "2026-11")
	if err != nil || load["full-soon"] != capacity || load["other"] != stored-capacity || load["elsewhere"] != 2 {
		t.Errorf("load %v (%v), want full-soon %d, other %d, elsewhere 2", load, err, capacity, stored-capacity)
	}
}
