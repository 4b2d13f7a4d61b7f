// Package postgres stores referrals in PostgreSQL, for several instances
// of `wegweiser referrals` serving one region from one database
// (`--db postgres://…`). It uses the pgx driver through database/sql; the
// queries are package sqlstore's, the same the SQLite store runs, and the
// store contract is tested on both (package referral/storetest).
//
// Transactions that read or change an office's load or number a referral
// first take a transaction-scoped advisory lock, which every connection
// of every process waits for: two instances never assign more referrals
// to an office than its capacity allows. Commits are durable with
// PostgreSQL's defaults (synchronous_commit on, fsync on). Migrations in
// migration/*.sql are embedded and applied in order, each in its own
// transaction, under the same lock, and recorded.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/wegweiser-de/wegweiser/internal/sqlstore"
)

//go:embed migration/*.sql
var migrations embed.FS

// lockKey is the advisory lock of the referral store: any constant that
// other applications on the same database do not use.
const lockKey = 7_270_318_431

// Dialect is PostgreSQL's.
var Dialect = sqlstore.Dialect{
	Name:     "postgres",
	Numbered: true,
	Lock:     fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", lockKey),
	Unique: func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23505"
	},
}

// IsURL reports whether a --db value names a PostgreSQL database.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at url (postgres://user:password@host/db)
// and applies the migrations.
func Open(ctx context.Context, url string) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db.SetMaxOpenConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := sqlstore.Migrate(ctx, db, Dialect, migrations, "migration"); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return sqlstore.New(db, db, Dialect), nil
}
