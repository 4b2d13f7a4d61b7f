// Package sqlite stores referrals in an embedded SQLite database (the pure
// Go driver modernc.org/sqlite, so the binary needs no C library): the
// default store of `wegweiser referrals --db FILE`. The queries are package
// sqlstore's; this package opens the file and applies its migrations.
//
// The database runs in WAL mode with synchronous=FULL: a write has reached
// the disk when it returns, so a referral acknowledged to its sender
// survives a crash of the process or the machine. Writes take the write
// lock at the start of their transaction (BEGIN IMMEDIATE) and go through
// one connection, so writers queue in Go instead of sleeping in SQLite's
// busy handler; reads use a pool of their own (WAL lets them run beside a
// write). Savepoint journals stay in memory (temp_store=MEMORY), and the
// write-ahead log is copied into the database by checkpoints on the read
// pool between groups of creates (sqlstore's Dialect.Checkpoint), the
// writer's automatic checkpoint being only a backstop at 8,000 pages.
// secure_delete overwrites deleted contact data in the file. The
// database file, its write-ahead log and shared memory file are created
// readable by the owner only. Migrations in migration/*.sql are embedded
// and applied in order, each in its own transaction, and recorded.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"os"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/wegweiser-de/wegweiser/internal/sqlstore"
)

//go:embed migration/*.sql
var migrations embed.FS

// Dialect is SQLite's: it serialises writers itself.
var Dialect = sqlstore.Dialect{
	Name:        "sqlite",
	Prepare:     true,
	Checkpoint:  `PRAGMA wal_checkpoint(PASSIVE)`,
	Unique:      func(err error) bool { return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") },
	AfterRetain: `PRAGMA wal_checkpoint(TRUNCATE)`, // move the overwritten pages out of the WAL into the file
}

// Open opens (creating if needed) the database file at path and applies
// the migrations.
func Open(ctx context.Context, file string) (*sqlstore.Store, error) {
	// The database and its companions are created 0600 (SQLite takes the
	// file's mode for the WAL and shared memory files).
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	f.Close()
	dsn := "file:" + file + "?_txlock=immediate" +
		"&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_pragma=foreign_keys(1)&_pragma=secure_delete(1)&_pragma=temp_store(MEMORY)&_pragma=wal_autocheckpoint(8000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	db.SetMaxOpenConns(1)
	if err := sqlstore.Migrate(ctx, db, Dialect, migrations, "migration"); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	r, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	r.SetMaxOpenConns(4)
	return sqlstore.New(db, r, Dialect), nil
}

// Backup writes a consistent copy of the open database to out, which must
// not exist yet: it is created readable by its owner only and filled with
// VACUUM INTO, which reads one snapshot while the endpoint keeps writing.
// Sealed contact data stays sealed in the copy; keep the key elsewhere.
func Backup(ctx context.Context, s *sqlstore.Store, out string) error {
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	if _, err := s.DB().ExecContext(ctx, `VACUUM INTO ?`, out); err != nil {
		return errors.Join(fmt.Errorf("backup to %s: %w", out, err), os.Remove(out))
	}
	return nil
}
