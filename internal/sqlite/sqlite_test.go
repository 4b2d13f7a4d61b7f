package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/routing"
)

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func open(t *testing.T, file string) *DB {
	t.Helper()
	d, err := Open(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// to assigns every referral to the office given.
func to(office string) referral.Router {
	return func(routing.Load) (*referral.Assignment, error) {
		return &referral.Assignment{Office: office, Provider: "p", Status: referral.StatusAssigned, At: t0}, nil
	}
}

func create(t *testing.T, d *DB, id, office string) {
	t.Helper()
	r := &referral.Referral{ID: id, CreatedAt: t0, Agency: "a", Source: "jobcenter", Program: "mbe", AgeGroup: "adult", SlipLang: "de", ConsentDate: "2026-11-20", Sealed: []byte("sealed")}
	if _, _, err := d.Create(context.Background(), r, nil, nil, to(office)); err != nil {
		t.Fatal(err)
	}
}

func TestMigrationsOnce(t *testing.T) {
	file := filepath.Join(t.TempDir(), "r.db")
	d := open(t, file)
	create(t, d, "r1", "o1")
	d.Close()
	d = open(t, file) // reopening applies nothing twice and keeps the data
	var n int
	d.db.QueryRow(`SELECT COUNT(*) FROM migrations`).Scan(&n)
	if n != 2 {
		t.Errorf("%d migrations recorded, want 2", n)
	}
	if _, err := d.Get(context.Background(), "r1"); err != nil {
		t.Errorf("data lost on reopen: %v", err)
	}
}

// TestLoadMatchesAssignments keeps the maintained office_load equal to a
// count of the assignments through creates and declines.
func TestLoadMatchesAssignments(t *testing.T) {
	d := open(t, filepath.Join(t.TempDir(), "r.db"))
	ctx := context.Background()
	for i := range 12 {
		create(t, d, fmt.Sprintf("r%d", i), fmt.Sprintf("o%d", i%3))
	}
	// Decline half, rerouting to o9.
	for i := 0; i < 12; i += 2 {
		_, err := d.SetStatus(ctx, fmt.Sprintf("r%d", i), 1, referral.StatusDeclined, "", t0, nil, func(load routing.Load, declined []string) (*referral.Assignment, error) {
			return &referral.Assignment{Office: "o9", Provider: "p", Status: referral.StatusAssigned, At: t0}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A stale sequence number is a conflict.
	if _, err := d.SetStatus(ctx, "r0", 1, referral.StatusAccepted, "", t0, nil, nil); !errors.Is(err, referral.ErrConflict) {
		t.Errorf("stale seq: %v", err)
	}
	tx, _ := d.db.BeginTx(ctx, nil)
	got, err := loadOf(ctx, tx, "2026-11")
	tx.Rollback()
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := d.db.Query(`SELECT office, COUNT(*) FROM assignments WHERE month = '2026-11' AND status NOT IN ('declined', 'unassigned') GROUP BY office`)
	want := routing.Load{}
	for rows.Next() {
		var o string
		var n int
		rows.Scan(&o, &n)
		want[o] = n
	}
	rows.Close()
	for _, o := range []string{"o0", "o1", "o2", "o9"} {
		if got[o] != want[o] {
			t.Errorf("load of %s: maintained %d, counted %d", o, got[o], want[o])
		}
	}
	if want["o9"] != 6 {
		t.Errorf("o9 has %d, want 6", want["o9"])
	}
}

func TestRetainAndIdempotency(t *testing.T) {
	d := open(t, filepath.Join(t.TempDir(), "r.db"))
	ctx := context.Background()
	idem := &referral.Idempotency{Agency: "a", Key: "k", BodyHash: "h1"}
	r := &referral.Referral{ID: "r1", CreatedAt: t0, Agency: "a", Source: "jobcenter", Program: "mbe", AgeGroup: "adult", Sealed: []byte("sealed")}
	if _, replayed, err := d.Create(ctx, r, idem, nil, to("o1")); err != nil || replayed {
		t.Fatalf("create: %v %v", replayed, err)
	}
	r2 := *r
	r2.ID = "r2"
	if got, replayed, err := d.Create(ctx, &r2, idem, nil, to("o1")); err != nil || !replayed || got.ID != "r1" {
		t.Errorf("replay: %v %v %v", got, replayed, err)
	}
	if _, _, err := d.Create(ctx, &r2, &referral.Idempotency{Agency: "a", Key: "k", BodyHash: "h2"}, nil, to("o1")); !errors.Is(err, referral.ErrConflict) {
		t.Errorf("other body: %v", err)
	}
	if n, err := d.Retain(ctx, t0); err != nil || n != 0 {
		t.Errorf("retain before creation: %d %v", n, err)
	}
	if n, err := d.Retain(ctx, t0.Add(time.Second)); err != nil || n != 1 {
		t.Errorf("retain: %d %v", n, err)
	}
	got, _ := d.Get(ctx, "r1")
	if got.Sealed != nil {
		t.Errorf("contact kept after retention")
	}
	if rows, _ := d.Stats(ctx, t0.Add(-time.Hour), t0.Add(time.Hour)); len(rows) != 1 {
		t.Errorf("statistics lost: %d rows", len(rows))
	}
}
