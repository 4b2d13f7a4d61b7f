// Package sqlite stores referrals in an embedded SQLite database (the pure
// Go driver modernc.org/sqlite, so the binary needs no C library).
//
// The database runs in WAL mode with synchronous=FULL: a write has reached
// the disk when it returns, so a referral acknowledged to its sender
// survives a crash of the process or the machine. Writes take the write
// lock at the start of their transaction (BEGIN IMMEDIATE), so reading an
// office's load and assigning to it cannot interleave with another
// referral. secure_delete overwrites deleted contact data in the file.
// Migrations in migration/*.sql are embedded and applied in order, each in
// its own transaction, and recorded.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"

	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/routing"
)

//go:embed migration/*.sql
var migrations embed.FS

// timeFormat has a fixed width, so stored times sort as text.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

// DB is a referral.Store on a SQLite file. Writes go through one
// connection, so writers queue in Go instead of sleeping in SQLite's busy
// handler; reads use a pool of their own (WAL lets them run beside a
// write).
type DB struct {
	db *sql.DB // writes
	r  *sql.DB // reads
}

var _ referral.Store = (*DB)(nil)

// Open opens (creating if needed) the database file at path and applies
// the migrations.
func Open(ctx context.Context, file string) (*DB, error) {
	dsn := "file:" + file + "?_txlock=immediate" +
		"&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_pragma=foreign_keys(1)&_pragma=secure_delete(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	db.SetMaxOpenConns(1)
	d := &DB{db: db}
	if err := d.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	d.r, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		db.Close()
		return nil, err
	}
	d.r.SetMaxOpenConns(4)
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error { return errors.Join(d.r.Close(), d.db.Close()) }

func (d *DB) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migration/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	for _, name := range names {
		base := path.Base(name)
		var n int
		if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = ?`, base).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		src, err := fs.ReadFile(migrations, name)
		if err != nil {
			return err
		}
		err = d.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(src)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, base, time.Now().UTC().Format(timeFormat))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

// tx runs fn in a write transaction and commits it.
func (d *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Ping implements referral.Store.
func (d *DB) Ping(ctx context.Context) error { return d.r.PingContext(ctx) }

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // strings and reasons only
	}
	return string(b)
}

// Create implements referral.Store.
func (d *DB) Create(ctx context.Context, r *referral.Referral, idem *referral.Idempotency, a *referral.Audit, route referral.Router) (*referral.Referral, bool, error) {
	var replayedID string
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if idem != nil {
			var hash, id string
			err := tx.QueryRowContext(ctx, `SELECT body_hash, referral_id FROM idempotency WHERE agency = ? AND key = ?`, idem.Agency, idem.Key).Scan(&hash, &id)
			switch {
			case err == nil && hash == idem.BodyHash:
				replayedID = id
				return nil
			case err == nil:
				return fmt.Errorf("%w: the Idempotency-Key was used for another referral", referral.ErrConflict)
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		month := r.CreatedAt.UTC().Format("2006-01")
		load, err := loadOf(ctx, tx, month)
		if err != nil {
			return err
		}
		first, err := route(load)
		if err != nil {
			return err
		}
		var seq int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM referrals`).Scan(&seq); err != nil {
			return err
		}
		r.Number = fmt.Sprintf("%d-%06d", r.CreatedAt.UTC().Year(), seq)
		_, err = tx.ExecContext(ctx, `INSERT INTO referrals (id, seq, number, created_at, agency, source, program, age_group, district, languages, needs, slip_lang, consent_date, contact)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, seq, r.Number, r.CreatedAt.UTC().Format(timeFormat), r.Agency, r.Source, r.Program, r.AgeGroup, r.District,
			jsonText(r.Languages), jsonText(r.Needs), r.SlipLang, r.ConsentDate, r.Sealed)
		if err != nil {
			return err
		}
		first.Seq, first.Month = 1, month
		if err := insertAssignment(ctx, tx, r.ID, first); err != nil {
			return err
		}
		if err := audit(ctx, tx, a); err != nil {
			return err
		}
		if idem != nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO idempotency (agency, key, body_hash, referral_id, created_at) VALUES (?, ?, ?, ?, ?)`,
				idem.Agency, idem.Key, idem.BodyHash, r.ID, r.CreatedAt.UTC().Format(timeFormat))
		}
		return err
	})
	if err != nil {
		return nil, false, err
	}
	id := r.ID
	if replayedID != "" {
		id = replayedID
	}
	stored, err := d.Get(ctx, id)
	return stored, replayedID != "", err
}

func insertAssignment(ctx context.Context, tx *sql.Tx, referralID string, a *referral.Assignment) error {
	at := a.At.UTC().Format(timeFormat)
	_, err := tx.ExecContext(ctx, `INSERT INTO assignments (referral_id, seq, office, provider, status, month, at, changed_at, reasons, all_full, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		referralID, a.Seq, a.Office, a.Provider, a.Status, a.Month, at, at, jsonText(a.Reasons), a.AllFull, a.Note)
	if err != nil || a.Office == "" {
		return err
	}
	return addLoad(ctx, tx, a.Month, a.Office, 1)
}

// addLoad changes an office's count for a month.
func addLoad(ctx context.Context, tx *sql.Tx, month, office string, delta int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO office_load (month, office, n) VALUES (?, ?, ?)
		ON CONFLICT (month, office) DO UPDATE SET n = n + excluded.n`, month, office, delta)
	return err
}

// audit appends an audit entry inside a transaction.
func audit(ctx context.Context, tx *sql.Tx, a *referral.Audit) error {
	if a == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, actor, role, action, referral) VALUES (?, ?, ?, ?, ?)`,
		a.At.UTC().Format(timeFormat), a.Actor, a.Role, a.Action, a.Referral)
	return err
}

// loadOf counts the referrals assigned to each office in a month, leaving
// out declined ones.
func loadOf(ctx context.Context, tx *sql.Tx, month string) (routing.Load, error) {
	rows, err := tx.QueryContext(ctx, `SELECT office, n FROM office_load WHERE month = ?`, month)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	load := routing.Load{}
	for rows.Next() {
		var office string
		var n int
		if err := rows.Scan(&office, &n); err != nil {
			return nil, err
		}
		load[office] = n
	}
	return load, rows.Err()
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Get implements referral.Store.
func (d *DB) Get(ctx context.Context, id string) (*referral.Referral, error) {
	return get(ctx, d.db, id)
}

func get(ctx context.Context, q querier, id string) (*referral.Referral, error) {
	var r referral.Referral
	var created, langs, needs string
	err := q.QueryRowContext(ctx, `SELECT id, number, created_at, agency, source, program, age_group, district, languages, needs, slip_lang, consent_date, contact
		FROM referrals WHERE id = ?`, id).Scan(&r.ID, &r.Number, &created, &r.Agency, &r.Source, &r.Program, &r.AgeGroup, &r.District, &langs, &needs, &r.SlipLang, &r.ConsentDate, &r.Sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, referral.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r.CreatedAt, _ = time.Parse(timeFormat, created)
	json.Unmarshal([]byte(langs), &r.Languages)
	json.Unmarshal([]byte(needs), &r.Needs)
	rows, err := q.QueryContext(ctx, `SELECT seq, office, provider, status, month, at, changed_at, reasons, all_full, note FROM assignments WHERE referral_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a referral.Assignment
		var at, changed, reasons string
		if err := rows.Scan(&a.Seq, &a.Office, &a.Provider, &a.Status, &a.Month, &at, &changed, &reasons, &a.AllFull, &a.Note); err != nil {
			return nil, err
		}
		a.At, _ = time.Parse(timeFormat, at)
		a.ChangedAt, _ = time.Parse(timeFormat, changed)
		json.Unmarshal([]byte(reasons), &a.Reasons)
		r.Assignments = append(r.Assignments, a)
	}
	return &r, rows.Err()
}

// Inbox implements referral.Store.
func (d *DB) Inbox(ctx context.Context, provider string) ([]*referral.Referral, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT a.referral_id FROM assignments a
		WHERE a.provider = ? AND a.status IN ('assigned', 'accepted', 'contacted')
		AND a.seq = (SELECT MAX(seq) FROM assignments b WHERE b.referral_id = a.referral_id)
		ORDER BY a.at DESC`, provider)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*referral.Referral, 0, len(ids))
	for _, id := range ids {
		r, err := d.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// SetStatus implements referral.Store.
func (d *DB) SetStatus(ctx context.Context, id string, seq int, status, note string, at time.Time, a *referral.Audit, reroute referral.Rerouter) (*referral.Referral, error) {
	err := d.tx(ctx, func(tx *sql.Tx) error {
		r, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		cur := r.Current()
		if cur == nil || cur.Seq != seq {
			return fmt.Errorf("%w: the referral was reassigned meanwhile", referral.ErrConflict)
		}
		_, err = tx.ExecContext(ctx, `UPDATE assignments SET status = ?, note = ?, changed_at = ? WHERE referral_id = ? AND seq = ?`,
			status, note, at.UTC().Format(timeFormat), id, seq)
		if err != nil {
			return err
		}
		if err := audit(ctx, tx, a); err != nil {
			return err
		}
		if status != referral.StatusDeclined {
			return nil
		}
		if err := addLoad(ctx, tx, cur.Month, cur.Office, -1); err != nil {
			return err
		}
		var declined []string
		for _, a := range r.Assignments {
			declined = append(declined, a.Office)
		}
		load, err := loadOf(ctx, tx, at.UTC().Format("2006-01"))
		if err != nil {
			return err
		}
		next, err := reroute(load, declined)
		if err != nil {
			return err
		}
		next.Seq, next.Month = seq+1, at.UTC().Format("2006-01")
		return insertAssignment(ctx, tx, id, next)
	})
	if err != nil {
		return nil, err
	}
	return d.Get(ctx, id)
}

// Stats implements referral.Store.
func (d *DB) Stats(ctx context.Context, from, to time.Time) ([]referral.StatRow, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT substr(r.created_at, 1, 7), r.source, a.provider, r.district, r.languages, a.status
		FROM referrals r JOIN assignments a ON a.referral_id = r.id
		AND a.seq = (SELECT MAX(seq) FROM assignments b WHERE b.referral_id = r.id)
		WHERE r.created_at >= ? AND r.created_at < ?`, from.UTC().Format(timeFormat), to.UTC().Format(timeFormat))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []referral.StatRow
	for rows.Next() {
		var s referral.StatRow
		var langs string
		if err := rows.Scan(&s.Month, &s.Source, &s.Provider, &s.District, &langs, &s.Outcome); err != nil {
			return nil, err
		}
		var l []string
		json.Unmarshal([]byte(langs), &l)
		if len(l) > 0 {
			s.Language = l[0]
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Audit implements referral.Store.
func (d *DB) Audit(ctx context.Context, a referral.Audit) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO audit (at, actor, role, action, referral) VALUES (?, ?, ?, ?, ?)`,
		a.At.UTC().Format(timeFormat), a.Actor, a.Role, a.Action, a.Referral)
	return err
}

// AuditLog implements referral.Store.
func (d *DB) AuditLog(ctx context.Context, ref string) ([]referral.Audit, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT at, actor, role, action, referral FROM audit WHERE referral = ? ORDER BY id`, ref)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []referral.Audit
	for rows.Next() {
		var a referral.Audit
		var at string
		if err := rows.Scan(&at, &a.Actor, &a.Role, &a.Action, &a.Referral); err != nil {
			return nil, err
		}
		a.At, _ = time.Parse(timeFormat, at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Retain implements referral.Store.
func (d *DB) Retain(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := d.tx(ctx, func(tx *sql.Tx) error {
		cut := before.UTC().Format(timeFormat)
		res, err := tx.ExecContext(ctx, `UPDATE referrals SET contact = NULL, contact_deleted_at = ? WHERE created_at < ? AND contact IS NOT NULL`,
			time.Now().UTC().Format(timeFormat), cut)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `DELETE FROM idempotency WHERE created_at < ?`, cut)
		return err
	})
	if err != nil {
		return 0, err
	}
	// Move the overwritten pages out of the WAL into the database file.
	_, err = d.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return int(n), err
}
