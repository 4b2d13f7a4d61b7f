// Package sqlstore is the referral.Store on a SQL database, written once
// for the two databases the endpoint runs on: SQLite (package sqlite, the
// embedded default) and PostgreSQL (package postgres, for several
// instances serving one region). Those packages open the database, apply
// their migrations and hand this package a Dialect; the queries, the
// transactions and the rules of the store are here.
//
// Writes that read or change an office's load, or number a referral, run
// in one transaction that first takes the store's write lock
// (Dialect.Lock): SQLite's single writer (BEGIN IMMEDIATE), PostgreSQL's
// transaction-scoped advisory lock, which every process sharing the
// database waits for, so two instances never assign more referrals to an
// office than its capacity allows. Creates are committed in groups, each
// in a savepoint of its own (see Store.Create).
//
// Times are stored as text of fixed width (UTC, nanoseconds), so they sort
// as text in both databases; lists (languages, reasons) and the needs as
// JSON text; sealed values as bytes.
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/routing"
)

// TimeFormat has a fixed width, so stored times sort as text.
const TimeFormat = "2006-01-02T15:04:05.000000000Z"

func ts(t time.Time) string { return t.UTC().Format(TimeFormat) }

func parseTS(s string) time.Time {
	t, _ := time.Parse(TimeFormat, s) // written by ts: well-formed
	return t
}

// Dialect is what differs between the databases.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// Numbered placeholders ($1, $2) instead of "?".
	Numbered bool
	// Lock, run first in a write transaction that reads or changes load or
	// numbers, serialises such transactions ("" if the database does so
	// itself).
	Lock string
	// Unique reports whether err is a violated unique constraint.
	Unique func(err error) bool
	// Prepare: a group of creates prepares its statements once (SQLite,
	// whose driver parses each statement anew; pgx caches them itself).
	Prepare bool
	// Checkpoint, run on the read pool after every checkpointEvery groups
	// of creates, copies the write-ahead log into the database without
	// blocking the writer ("" for none): SQLite's PASSIVE checkpoint, which
	// the write connection would otherwise run itself, inside a commit.
	Checkpoint string
	// AfterRetain runs after personal data was deleted ("" for none), e.g.
	// to move overwritten pages out of SQLite's write-ahead log.
	AfterRetain string
}

// Store is a referral.Store on a SQL database.
type Store struct {
	db, r *sql.DB // writes; reads (may be the same)
	d     Dialect

	mu       sync.Mutex
	queue    []*create // creates waiting for the next group (see Create)
	draining bool      // a goroutine is committing groups
	// groups counts the groups committed (by the committing goroutine);
	// checkpointing is set while a checkpoint runs.
	groups        int
	checkpointing atomic.Bool
	// prepared holds the statements of creates, prepared on the write pool:
	// read by the goroutine committing groups, which alone adds to it
	// (holding mu, as Close does to close them).
	prepared map[string]*sql.Stmt
}

var _ referral.Store = (*Store)(nil)

// New returns the store on db (writes) and r (reads, may be db).
func New(db, r *sql.DB, d Dialect) *Store {
	return &Store{db: db, r: r, d: d, prepared: map[string]*sql.Stmt{}}
}

// Close closes the database pools.
func (s *Store) Close() error {
	s.mu.Lock()
	for _, st := range s.prepared {
		st.Close()
	}
	s.mu.Unlock()
	if s.r != s.db {
		return errors.Join(s.r.Close(), s.db.Close())
	}
	return s.db.Close()
}

// DB returns the write pool (for tests and benchmarks).
func (s *Store) DB() *sql.DB { return s.db }

// q rewrites "?" placeholders for the dialect.
func (s *Store) q(query string) string {
	if !s.d.Numbered {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Migrate applies the migrations *.sql of dir in fsys, in name order, each
// in its own transaction under the store's write lock (so instances that
// start at once take turns), and records them.
func Migrate(ctx context.Context, db *sql.DB, d Dialect, fsys fs.FS, dir string) error {
	s := &Store{db: db, r: db, d: d}
	err := s.tx(ctx, true, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`)
		return err
	})
	if err != nil {
		return err
	}
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return err
	}
	slices.Sort(names)
	for _, name := range names {
		base := path.Base(name)
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		err = s.tx(ctx, true, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM migrations WHERE name = ?`), base).Scan(&n); err != nil || n > 0 {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(src)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO migrations (name, applied_at) VALUES (?, ?)`), base, ts(time.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

// tx runs fn in a write transaction and commits it; with lock it first
// takes the store's write lock.
func (s *Store) tx(ctx context.Context, lock bool, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if lock && s.d.Lock != "" {
		if _, err := tx.ExecContext(ctx, s.d.Lock); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Ping implements referral.Store.
func (s *Store) Ping(ctx context.Context) error { return s.r.PingContext(ctx) }

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // strings, structs of strings: cannot fail
	}
	return string(b)
}

// Create implements referral.Store.
//
// Creates are committed in groups: while one group's transaction runs, the
// creates that arrive queue, and the next transaction takes all of them (up
// to maxBatch) under one write lock and one commit — one flush to the disk
// for the group instead of one each, which is what bounds durable writes.
// Each create runs in a savepoint of its own, so one that fails (no office
// for the person, an Idempotency-Key used for another body) is rolled back
// alone; each caller gets its answer only after the commit returned. The
// creates of a group run in the order they arrived, each seeing the load the
// ones before it took, as if each had had its own transaction.
func (s *Store) Create(ctx context.Context, r *referral.Referral, idem *referral.Idempotency, a *referral.Audit, route referral.Router) (*referral.Referral, bool, error) {
	c := &create{ctx: ctx, r: r, idem: idem, audit: a, route: route, done: make(chan struct{})}
	s.mu.Lock()
	s.queue = append(s.queue, c)
	if !s.draining {
		s.draining = true
		go s.drain()
	}
	s.mu.Unlock()
	<-c.done // not ctx.Done(): a create that has started is answered after its commit
	if c.err != nil {
		return nil, false, c.err
	}
	if c.replayed != "" {
		stored, err := s.Get(ctx, c.replayed)
		return stored, true, err
	}
	return readBack(r, c.first), false, nil
}

// maxBatch is the most creates one transaction takes. batchTimeout bounds a
// group's transaction (a create's own context ends with its request, and it
// must not end the others').
const (
	maxBatch     = 128
	batchTimeout = 30 * time.Second
)

// create is one call of Create waiting for its group.
type create struct {
	ctx      context.Context
	r        *referral.Referral
	idem     *referral.Idempotency
	audit    *referral.Audit
	route    referral.Router
	replayed string               // the referral an idempotency key already named
	first    *referral.Assignment // else the assignment stored with it
	err      error
	done     chan struct{} // closed when the group's commit returned
}

// drain commits the queued creates, group by group, until none is left.
func (s *Store) drain() {
	for {
		s.mu.Lock()
		n := min(len(s.queue), maxBatch)
		if n == 0 {
			s.draining = false
			s.mu.Unlock()
			return
		}
		batch := s.queue[:n:n]
		s.queue = s.queue[n:]
		if len(s.queue) == 0 {
			s.queue = nil
		}
		s.mu.Unlock()
		s.commit(batch)
		if s.groups++; s.d.Checkpoint != "" && s.groups%checkpointEvery == 0 && s.checkpointing.CompareAndSwap(false, true) {
			go s.checkpoint(context.WithoutCancel(batch[0].ctx))
		}
	}
}

// checkpointEvery is how many groups of creates run between checkpoints:
// at about 15 pages a group, SQLite's default of 1,000 pages.
const checkpointEvery = 64

// checkpoint runs the dialect's checkpoint on the read pool. If it fails,
// the write connection's automatic checkpoint remains.
func (s *Store) checkpoint(ctx context.Context) {
	defer s.checkpointing.Store(false)
	ctx, cancel := context.WithTimeout(ctx, batchTimeout)
	defer cancel()
	rows, err := s.r.QueryContext(ctx, s.d.Checkpoint)
	if err == nil {
		rows.Close()
	}
}

// commit runs a group of creates in one transaction and answers each.
func (s *Store) commit(batch []*create) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(batch[0].ctx), batchTimeout)
	defer cancel()
	var tx *stmtTx
	err := s.tx(ctx, true, func(sqltx *sql.Tx) error {
		tx = &stmtTx{Tx: sqltx, prepare: s.d.Prepare, cache: s.prepared}
		g := &group{loads: map[string]routing.Load{}}
		for _, c := range batch {
			if c.err = c.ctx.Err(); c.err != nil {
				continue // its sender gave up before it started
			}
			if _, err := tx.ExecContext(ctx, `SAVEPOINT referral`); err != nil {
				return err
			}
			if c.err = s.createOne(ctx, tx, g, c); c.err != nil {
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT referral`); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT referral`); err != nil {
				return err
			}
		}
		return nil
	})
	for _, c := range batch {
		if err != nil && c.err == nil {
			c.err = err // not committed
		}
		close(c.done)
	}
	if tx != nil {
		for _, q := range tx.missing {
			if st, err := s.db.PrepareContext(ctx, q); err == nil {
				s.mu.Lock() // against Close
				s.prepared[q] = st
				s.mu.Unlock()
			}
		}
	}
}

// group is what the creates of one transaction read once and then keep up
// to date themselves: each month's load and the last referral number.
type group struct {
	loads map[string]routing.Load // by month
	seq   int                     // 0 before the group's first referral
}

// createOne writes one referral of a group inside its savepoint; only when
// it succeeds does it change g.
func (s *Store) createOne(ctx context.Context, tx dbtx, g *group, c *create) (err error) {
	defer func() {
		if p := recover(); p != nil { // a panic in route must not stop the group's goroutine
			err = fmt.Errorf("creating referral: %v", p)
		}
	}()
	r, idem := c.r, c.idem
	if idem != nil {
		var mac, id string
		err := tx.QueryRowContext(ctx, s.q(`SELECT body_mac, referral_id FROM idempotency WHERE agency = ? AND idem_key = ?`), idem.Agency, idem.Key).Scan(&mac, &id)
		switch {
		case err == nil && mac == idem.BodyMAC:
			c.replayed = id
			return nil
		case err == nil:
			return fmt.Errorf("%w: the Idempotency-Key was used for another referral", referral.ErrConflict)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
	}
	month := r.CreatedAt.UTC().Format("2006-01")
	load, ok := g.loads[month]
	if !ok {
		if load, err = s.loadOf(ctx, tx, month); err != nil {
			return err
		}
		g.loads[month] = load
	}
	first, err := c.route(load)
	if err != nil {
		return err
	}
	seq := g.seq + 1
	if g.seq == 0 {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM referrals`).Scan(&seq); err != nil {
			return err
		}
	}
	r.Number = fmt.Sprintf("%d-%06d", r.CreatedAt.UTC().Year(), seq)
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO referrals (id, seq, number, created_at, agency, created_by, source, program, age_group, district, languages, needs, slip_lang, consent_date, contact)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		r.ID, seq, r.Number, ts(r.CreatedAt), r.Agency, r.CreatedBy, r.Source, r.Program, r.AgeGroup, r.District,
		jsonText(r.Languages), jsonText(r.Needs), r.SlipLang, r.ConsentDate, r.Sealed)
	if err != nil {
		return err
	}
	first.Seq, first.Month = 1, month
	if err := s.insertAssignment(ctx, tx, r.ID, first); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, c.audit); err != nil {
		return err
	}
	if idem != nil {
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO idempotency (agency, idem_key, body_mac, referral_id, created_at) VALUES (?, ?, ?, ?, ?)`),
			idem.Agency, idem.Key, idem.BodyMAC, r.ID, ts(r.CreatedAt))
		if err != nil {
			return err
		}
	}
	g.seq = seq
	if first.Office != "" {
		load[first.Office]++ // as insertAssignment counted it in office_load
	}
	c.first = first
	return nil
}

// readBack returns the referral r with its first assignment a as Get reads
// them from the rows createOne wrote, without reading them: times as
// stored (UTC, nanoseconds), lists and needs through their JSON text.
func readBack(r *referral.Referral, a *referral.Assignment) *referral.Referral {
	out := *r
	out.CreatedAt = parseTS(ts(r.CreatedAt))
	out.Languages, out.Needs = nil, referral.Needs{}
	as := *a
	as.At = parseTS(ts(a.At))
	as.ChangedAt, as.Reasons = as.At, nil
	err := errors.Join(
		json.Unmarshal([]byte(jsonText(r.Languages)), &out.Languages),
		json.Unmarshal([]byte(jsonText(r.Needs)), &out.Needs),
		json.Unmarshal([]byte(jsonText(a.Reasons)), &as.Reasons))
	if err != nil {
		panic(err) // written by jsonText from the same types
	}
	out.Assignments = []referral.Assignment{as}
	return &out
}

// dbtx is what the statements of a write transaction run on: a *sql.Tx or
// a stmtTx.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stmtTx is a transaction that runs its statements prepared (when
// prepare is set): a group of creates runs the same few statements many
// times, and parsing them was a tenth of a create's CPU on SQLite (pgx
// caches prepared statements itself). The statements are prepared once on
// the write pool (cache) and bound to each transaction.
type stmtTx struct {
	*sql.Tx
	prepare bool
	cache   map[string]*sql.Stmt // the pool's statements (Store.prepared)
	missing []string             // queries the cache did not have
	stmts   map[string]*sql.Stmt // bound to this transaction, closed with it
}

func (t *stmtTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if pool, ok := t.cache[query]; ok {
		st = t.Tx.StmtContext(ctx, pool) // on SQLite's one write connection: the pool's statement itself
	} else {
		// The pool's only connection is this transaction's: prepare here,
		// and on the pool once the transaction is over.
		var err error
		if st, err = t.Tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		t.missing = append(t.missing, query)
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[query] = st
	return st, nil
}

// ExecContext runs query as a prepared statement.
func (t *stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if !t.prepare {
		return t.Tx.ExecContext(ctx, query, args...)
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryContext runs query as a prepared statement.
func (t *stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if !t.prepare {
		return t.Tx.QueryContext(ctx, query, args...)
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs query as a prepared statement.
func (t *stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if t.prepare {
		if st, err := t.stmt(ctx, query); err == nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return t.Tx.QueryRowContext(ctx, query, args...) // unprepared, or to report the error
}

func (s *Store) insertAssignment(ctx context.Context, tx dbtx, referralID string, a *referral.Assignment) error {
	at := ts(a.At)
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO assignments (referral_id, seq, office, provider, status, month, at, changed_at, reasons, all_full, reason, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		referralID, a.Seq, a.Office, a.Provider, a.Status, a.Month, at, at, jsonText(a.Reasons), boolInt(a.AllFull), a.Reason, a.Note)
	if err != nil || a.Office == "" {
		return err
	}
	return s.addLoad(ctx, tx, a.Month, a.Office, 1)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// addLoad changes an office's count for a month.
func (s *Store) addLoad(ctx context.Context, tx dbtx, month, office string, delta int) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO office_load (month, office, n) VALUES (?, ?, ?)
		ON CONFLICT (month, office) DO UPDATE SET n = office_load.n + excluded.n`), month, office, delta)
	return err
}

// audit appends an audit entry inside a transaction.
func (s *Store) audit(ctx context.Context, tx dbtx, a *referral.Audit) error {
	if a == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO audit (at, actor, role, action, referral) VALUES (?, ?, ?, ?, ?)`),
		ts(a.At), a.Actor, a.Role, a.Action, a.Referral)
	return err
}

// loadOf counts the referrals assigned to each office in a month, leaving
// out declined ones.
func (s *Store) loadOf(ctx context.Context, q querier, month string) (routing.Load, error) {
	rows, err := q.QueryContext(ctx, s.q(`SELECT office, n FROM office_load WHERE month = ?`), month)
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

// Load implements referral.Store.
func (s *Store) Load(ctx context.Context, month string) (routing.Load, error) {
	return s.loadOf(ctx, s.r, month)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Get implements referral.Store.
func (s *Store) Get(ctx context.Context, id string) (*referral.Referral, error) {
	return s.get(ctx, s.r, id)
}

func (s *Store) get(ctx context.Context, q querier, id string) (*referral.Referral, error) {
	var r referral.Referral
	var created, langs, needs string
	err := q.QueryRowContext(ctx, s.q(`SELECT id, number, created_at, agency, created_by, source, program, age_group, district, languages, needs, slip_lang, consent_date, contact
		FROM referrals WHERE id = ?`), id).Scan(&r.ID, &r.Number, &created, &r.Agency, &r.CreatedBy, &r.Source, &r.Program, &r.AgeGroup, &r.District, &langs, &needs, &r.SlipLang, &r.ConsentDate, &r.Sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, referral.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("referral %s: %w", id, err)
	}
	r.CreatedAt = parseTS(created)
	if err := errors.Join(json.Unmarshal([]byte(langs), &r.Languages), json.Unmarshal([]byte(needs), &r.Needs)); err != nil {
		return nil, fmt.Errorf("referral %s: %w", id, err)
	}
	rows, err := q.QueryContext(ctx, s.q(`SELECT seq, office, provider, status, month, at, changed_at, reasons, all_full, reason, note FROM assignments WHERE referral_id = ? ORDER BY seq`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a referral.Assignment
		var at, changed, reasons string
		var allFull int
		if err := rows.Scan(&a.Seq, &a.Office, &a.Provider, &a.Status, &a.Month, &at, &changed, &reasons, &allFull, &a.Reason, &a.Note); err != nil {
			return nil, fmt.Errorf("referral %s: %w", id, err)
		}
		a.At, a.ChangedAt, a.AllFull = parseTS(at), parseTS(changed), allFull != 0
		if err := json.Unmarshal([]byte(reasons), &a.Reasons); err != nil {
			return nil, fmt.Errorf("referral %s: reasons: %w", id, err)
		}
		r.Assignments = append(r.Assignments, a)
	}
	return &r, rows.Err()
}

// List implements referral.Store.
func (s *Store) List(ctx context.Context, q referral.Query) ([]*referral.Referral, int, error) {
	// The current assignment of each referral.
	where := []string{"a.seq = (SELECT MAX(seq) FROM assignments b WHERE b.referral_id = a.referral_id)"}
	var args []any
	if q.Provider != "" {
		where = append(where, "a.provider = ?")
		args = append(args, q.Provider)
	}
	if q.Agency != "" {
		where = append(where, "r.agency = ?")
		args = append(args, q.Agency)
	}
	var or []string
	if len(q.Statuses) > 0 {
		or = append(or, "a.status IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(q.Statuses)), ", ")+")")
		for _, st := range q.Statuses {
			args = append(args, st)
		}
	}
	if q.EverDeclined {
		or = append(or, "(a.status = 'assigned' AND EXISTS (SELECT 1 FROM assignments d WHERE d.referral_id = r.id AND d.status = 'declined'))")
	}
	if len(or) > 0 {
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	from := ` FROM referrals r JOIN assignments a ON a.referral_id = r.id WHERE ` + strings.Join(where, " AND ")
	var total int
	if err := s.r.QueryRowContext(ctx, s.q(`SELECT COUNT(*)`+from), args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT r.id`+from+` ORDER BY r.created_at DESC, r.id LIMIT ? OFFSET ?`), append(args, limit, max(0, q.Offset))...)
	if err != nil {
		return nil, 0, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	out := make([]*referral.Referral, 0, len(ids))
	for _, id := range ids {
		r, err := s.Get(ctx, id)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, nil
}

// Change implements referral.Store.
func (s *Store) Change(ctx context.Context, id string, seq int, c referral.Change, at time.Time, a *referral.Audit, reroute referral.Rerouter) (*referral.Referral, error) {
	err := s.tx(ctx, true, func(tx *sql.Tx) error {
		r, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		cur := r.Current()
		if cur == nil || cur.Seq != seq {
			return fmt.Errorf("%w: the referral was changed meanwhile", referral.ErrConflict)
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE assignments SET status = ?, reason = ?, note = ?, changed_at = ? WHERE referral_id = ? AND seq = ?`),
			c.Status, c.Reason, c.Note, ts(at), id, seq)
		if err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a); err != nil {
			return err
		}
		if c.Status != referral.StatusDeclined && c.Status != referral.StatusReassigned {
			return nil
		}
		if cur.Office != "" {
			if err := s.addLoad(ctx, tx, cur.Month, cur.Office, -1); err != nil {
				return err
			}
		}
		var before []string
		for _, a := range r.Assignments {
			if a.Office != "" {
				before = append(before, a.Office)
			}
		}
		month := at.UTC().Format("2006-01")
		load, err := s.loadOf(ctx, tx, month)
		if err != nil {
			return err
		}
		next, err := reroute(load, before)
		if err != nil {
			return err
		}
		next.Seq, next.Month = seq+1, month
		return s.insertAssignment(ctx, tx, id, next)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Erase implements referral.Store.
func (s *Store) Erase(ctx context.Context, id string, at time.Time, a *referral.Audit) error {
	return s.tx(ctx, false, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE referrals SET contact = NULL, contact_deleted_at = ? WHERE id = ?`), ts(at), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return referral.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE assignments SET note = NULL WHERE referral_id = ?`), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a)
	})
}

// Stats implements referral.Store.
func (s *Store) Stats(ctx context.Context, from, to time.Time) ([]referral.StatRow, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT substr(r.created_at, 1, 7), r.source, r.agency, r.program, a.provider, r.district, r.languages, a.status
		FROM referrals r JOIN assignments a ON a.referral_id = r.id
		AND a.seq = (SELECT MAX(seq) FROM assignments b WHERE b.referral_id = r.id)
		WHERE r.created_at >= ? AND r.created_at < ?`), ts(from), ts(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []referral.StatRow
	for rows.Next() {
		var st referral.StatRow
		var langs string
		if err := rows.Scan(&st.Month, &st.Source, &st.Agency, &st.Program, &st.Provider, &st.District, &langs, &st.Outcome); err != nil {
			return nil, err
		}
		var l []string
		if err := json.Unmarshal([]byte(langs), &l); err != nil {
			return nil, fmt.Errorf("stats: languages: %w", err)
		}
		if len(l) > 0 {
			st.Language = l[0]
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// Audit implements referral.Store.
func (s *Store) Audit(ctx context.Context, a referral.Audit) error {
	return s.tx(ctx, false, func(tx *sql.Tx) error { return s.audit(ctx, tx, &a) })
}

// AuditLog implements referral.Store.
func (s *Store) AuditLog(ctx context.Context, ref string) ([]referral.Audit, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT at, actor, role, action, referral FROM audit WHERE referral = ? ORDER BY id`), ref)
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
		a.At = parseTS(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Retain implements referral.Store.
func (s *Store) Retain(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.tx(ctx, false, func(tx *sql.Tx) error {
		cut := ts(before)
		res, err := tx.ExecContext(ctx, s.q(`UPDATE referrals SET contact = NULL, contact_deleted_at = ?
			WHERE created_at < ? AND (contact IS NOT NULL OR EXISTS (SELECT 1 FROM assignments a WHERE a.referral_id = referrals.id AND a.note IS NOT NULL))`),
			ts(time.Now()), cut)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE assignments SET note = NULL WHERE note IS NOT NULL AND referral_id IN (SELECT id FROM referrals WHERE created_at < ?)`), cut); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`DELETE FROM idempotency WHERE created_at < ?`), cut)
		return err
	})
	if err != nil {
		return 0, err
	}
	if s.d.AfterRetain != "" {
		_, err = s.db.ExecContext(ctx, s.d.AfterRetain)
	}
	return int(n), err
}

// Reseal implements referral.Store.
func (s *Store) Reseal(ctx context.Context, seal func(referral string, sealed []byte) ([]byte, error)) (int, error) {
	changed := 0
	err := s.tx(ctx, true, func(tx *sql.Tx) error {
		type value struct {
			id     string
			seq    int // 0: the contact data
			sealed []byte
		}
		var values []value
		for _, q := range []string{
			`SELECT id, 0, contact FROM referrals WHERE contact IS NOT NULL`,
			`SELECT referral_id, seq, note FROM assignments WHERE note IS NOT NULL`,
		} {
			rows, err := tx.QueryContext(ctx, q)
			if err != nil {
				return err
			}
			for rows.Next() {
				var v value
				if err := rows.Scan(&v.id, &v.seq, &v.sealed); err != nil {
					rows.Close()
					return err
				}
				values = append(values, v)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		for _, v := range values {
			out, err := seal(v.id, v.sealed)
			if err != nil {
				return fmt.Errorf("referral %s: %w", v.id, err)
			}
			if string(out) == string(v.sealed) {
				continue
			}
			if v.seq == 0 {
				_, err = tx.ExecContext(ctx, s.q(`UPDATE referrals SET contact = ? WHERE id = ?`), out, v.id)
			} else {
				_, err = tx.ExecContext(ctx, s.q(`UPDATE assignments SET note = ? WHERE referral_id = ? AND seq = ?`), out, v.id, v.seq)
			}
			if err != nil {
				return err
			}
			changed++
		}
		return nil
	})
	return changed, err
}

// AddUser implements referral.Store.
func (s *Store) AddUser(ctx context.Context, u referral.User) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO users (name, role, agency, provider, password_hash, disabled, lang, failures, locked_until, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 0, '', ?)`), u.Name, u.Role, u.Agency, u.Provider, u.PasswordHash, boolInt(u.Disabled), u.Lang, ts(u.CreatedAt))
	if err != nil && s.d.Unique(err) {
		return fmt.Errorf("%w: an account named %q exists", referral.ErrConflict, u.Name)
	}
	return err
}

const userColumns = `name, role, agency, provider, password_hash, disabled, lang, failures, locked_until, created_at`

func scanUser(row interface{ Scan(...any) error }) (*referral.User, error) {
	var u referral.User
	var disabled int
	var locked, created string
	if err := row.Scan(&u.Name, &u.Role, &u.Agency, &u.Provider, &u.PasswordHash, &disabled, &u.Lang, &u.Failures, &locked, &created); err != nil {
		return nil, err
	}
	u.Disabled, u.CreatedAt = disabled != 0, parseTS(created)
	if locked != "" {
		u.LockedUntil = parseTS(locked)
	}
	return &u, nil
}

// User implements referral.Store.
func (s *Store) User(ctx context.Context, name string) (*referral.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, s.q(`SELECT `+userColumns+` FROM users WHERE name = ?`), name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, referral.ErrNotFound
	}
	return u, err
}

// Users implements referral.Store.
func (s *Store) Users(ctx context.Context) ([]referral.User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []referral.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// SetDisabled implements referral.Store.
func (s *Store) SetDisabled(ctx context.Context, name string, disabled bool) error {
	return s.tx(ctx, false, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET disabled = ? WHERE name = ?`), boolInt(disabled), name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return referral.ErrNotFound
		}
		if disabled {
			_, err = tx.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE user_name = ?`), name)
		}
		return err
	})
}

// SetPassword implements referral.Store.
func (s *Store) SetPassword(ctx context.Context, name, hash string) error {
	return s.tx(ctx, false, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET password_hash = ?, failures = 0, locked_until = '' WHERE name = ?`), hash, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return referral.ErrNotFound
		}
		_, err = tx.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE user_name = ?`), name)
		return err
	})
}

// SetLanguage implements referral.Store.
func (s *Store) SetLanguage(ctx context.Context, name, lang string) error {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE users SET lang = ? WHERE name = ?`), lang, name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return referral.ErrNotFound
	}
	return nil
}

// SignedIn implements referral.Store.
func (s *Store) SignedIn(ctx context.Context, name string, ok bool, now time.Time, lock func(failures int) time.Duration) (*referral.User, error) {
	var u *referral.User
	err := s.tx(ctx, false, func(tx *sql.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRowContext(ctx, s.q(`SELECT `+userColumns+` FROM users WHERE name = ?`), name))
		if errors.Is(err, sql.ErrNoRows) {
			return referral.ErrNotFound
		}
		if err != nil {
			return err
		}
		if ok {
			u.Failures, u.LockedUntil = 0, time.Time{}
			_, err = tx.ExecContext(ctx, s.q(`UPDATE users SET failures = 0, locked_until = '' WHERE name = ?`), name)
			return err
		}
		u.Failures++
		locked := ""
		if d := lock(u.Failures); d > 0 {
			u.LockedUntil = now.Add(d)
			locked = ts(u.LockedUntil)
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE users SET failures = ?, locked_until = ? WHERE name = ?`), u.Failures, locked, name)
		return err
	})
	return u, err
}

// AddSession implements referral.Store.
func (s *Store) AddSession(ctx context.Context, se referral.Session) error {
	return s.tx(ctx, false, func(tx *sql.Tx) error {
		// Expired sessions go whenever one is added.
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE expires_at < ?`), ts(se.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO sessions (hash, user_name, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
			se.Hash, se.User, se.CSRF, ts(se.CreatedAt), ts(se.ExpiresAt))
		return err
	})
}

// Session implements referral.Store.
func (s *Store) Session(ctx context.Context, hash string, now time.Time) (*referral.Session, error) {
	var se referral.Session
	var created, expires string
	err := s.r.QueryRowContext(ctx, s.q(`SELECT hash, user_name, csrf, created_at, expires_at FROM sessions WHERE hash = ? AND expires_at > ?`), hash, ts(now)).
		Scan(&se.Hash, &se.User, &se.CSRF, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, referral.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	se.CreatedAt, se.ExpiresAt = parseTS(created), parseTS(expires)
	return &se, nil
}

// EndSession implements referral.Store.
func (s *Store) EndSession(ctx context.Context, hash string) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE hash = ?`), hash)
	return err
}
