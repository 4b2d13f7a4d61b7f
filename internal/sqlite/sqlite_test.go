package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/referral/storetest"
)

// TestStoreContract runs the store contract on a real SQLite file.
func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) referral.Store {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "referrals.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestFileModes: the database and its write-ahead log are readable by
// their owner only.
func TestFileModes(t *testing.T) {
	file := filepath.Join(t.TempDir(), "referrals.db")
	s, err := Open(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.AddUser(context.Background(), referral.User{Name: "x", Role: "coordination", PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{file, file + "-wal", file + "-shm"} {
		st, err := os.Stat(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %o", f, st.Mode().Perm())
		}
	}
}

// TestUpgradeFromFirstRelease opens a database of the first release (its
// migrations 001 and 002, a referral with needs as a list and a plain
// decline note): the upgrade keeps the referral, reads its needs, turns the
// note into the reason "other" and drops its text; opening again applies
// nothing twice.
func TestUpgradeFromFirstRelease(t *testing.T) {
	file := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+file)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"001_init.sql", "002_office_load.sql"} {
		src, _ := migrations.ReadFile("migration/" + m)
		if _, err := db.Exec(string(src)); err != nil {
			t.Fatal(err)
		}
	}
	stmts := []string{
		`CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`,
		`INSERT INTO migrations VALUES ('001_init.sql', 'x'), ('002_office_load.sql', 'x')`,
		`INSERT INTO referrals (id, seq, number, created_at, agency, source, program, age_group, district, languages, needs, slip_lang, consent_date, contact)
		 VALUES ('r1', 1, '2026-000001', '2026-11-20T10:00:00.000000000Z', 'jobcenter', 'jobcenter', 'mbe', 'adult', 'maxvorstadt', '["ar"]', '["childcare","topic:work"]', 'ar', '2026-11-20', x'00')`,
		`INSERT INTO assignments VALUES ('r1', 1, 'o1', 'p1', 'declined', '2026-11', '2026-11-20T10:00:00.000000000Z', '2026-11-20T11:00:00.000000000Z', '[]', 0, 'no room, call Anna')`,
		`INSERT INTO assignments VALUES ('r1', 2, 'o2', 'p2', 'assigned', '2026-11', '2026-11-20T11:00:00.000000000Z', '2026-11-20T11:00:00.000000000Z', '[]', 0, '')`,
		`INSERT INTO idempotency VALUES ('jobcenter', 'k', 'sha256-of-the-body', 'r1', '2026-11-20T10:00:00.000000000Z')`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	db.Close()
	for range 2 {
		s, err := Open(context.Background(), file)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Get(context.Background(), "r1")
		if err != nil {
			t.Fatal(err)
		}
		if r.Needs != (referral.Needs{Childcare: true, Topic: "work"}) || r.CreatedBy != "jobcenter" || r.Assignments[0].Reason != "other" || r.Assignments[0].Note != nil {
			t.Errorf("after the upgrade: %+v %+v", r, r.Assignments[0])
		}
		var n int
		s.DB().QueryRow(`SELECT COUNT(*) FROM migrations`).Scan(&n)
		if all, _ := fs.Glob(migrations, "migration/*.sql"); n != len(all) {
			t.Errorf("%d migrations recorded, want %d", n, len(all))
		}
		// 004: the index that repeated the primary key's is gone; the
		// primary key's serves a referral's assignments.
		var plan string
		s.DB().QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'assignments_referral'`).Scan(&n)
		if rows, err := s.DB().Query(`EXPLAIN QUERY PLAN SELECT seq, office FROM assignments WHERE referral_id = 'r1' ORDER BY seq`); err == nil {
			for rows.Next() {
				var id, parent, unused int
				var detail string
				rows.Scan(&id, &parent, &unused, &detail)
				plan += detail + "; "
			}
			rows.Close()
		}
		if n != 0 || !strings.Contains(plan, "sqlite_autoindex_assignments_1") {
			t.Errorf("assignments_referral left: %d; plan %q", n, plan)
		}
		s.DB().QueryRow(`SELECT COUNT(*) FROM idempotency`).Scan(&n)
		if n != 0 {
			t.Errorf("unkeyed idempotency hashes kept")
		}
		var old int
		s.DB().QueryRow(`SELECT COUNT(*) FROM pragma_table_info('assignments') WHERE name = 'old_note'`).Scan(&old)
		if old != 0 {
			t.Errorf("the plain notes' column is still there")
		}
		s.Close()
	}
}

// TestBackup: the copy opens as a store with the same data, is readable by
// its owner only, and an existing file is never overwritten.
func TestBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, filepath.Join(dir, "referrals.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.AddUser(ctx, referral.User{Name: "anna", Role: "agency", Agency: "jobcenter-mitte", PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "backup.db")
	if err := Backup(ctx, s, out); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", st, err)
	}
	b, err := Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if u, err := b.User(ctx, "anna"); err != nil || u.Agency != "jobcenter-mitte" {
		t.Errorf("the backup lacks the account: %+v %v", u, err)
	}
	if err := Backup(ctx, s, out); err == nil {
		t.Errorf("a backup overwrote an existing file")
	}
}
