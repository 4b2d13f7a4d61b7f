// Package referral is the referral endpoint (Zuleitungen): referring
// agencies (Jobcenter, Agentur für Arbeit, foreigners' office, …) send a
// referral with the person's consent; the routing core assigns it to an
// office with room; providers see and answer the referrals assigned to
// them; the coordination office sees anonymous statistics.
//
// The package holds the domain types, the rules of the process and the
// HTTP API (see api/openapi.yaml). Storage is behind the Store interface,
// implemented by package sqlite.
//
// Ground rules kept here: no referral without recorded consent (422, and
// nothing stored); contact data is sealed before it reaches the store and
// opened only for the provider it is assigned to; statistics carry no
// personal data and show counts under 5 as "<5"; logs and the audit trail
// name who did what to which referral, never the person.
package referral

import (
	"context"
	"errors"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/routing"
)

// Roles of the tokens that call the API.
const (
	RoleAgency       = "agency"       // a referring agency: creates referrals, prints slips
	RoleProvider     = "provider"     // an MBE/JMD provider: its inbox, status changes
	RoleCoordination = "coordination" // the coordination office: statistics, audit, every referral
)

// Statuses of an assignment (and of a referral: that of its current
// assignment).
const (
	StatusAssigned   = "assigned"
	StatusAccepted   = "accepted"
	StatusDeclined   = "declined" // the provider declined: routed to the next office
	StatusContacted  = "contacted"
	StatusClosed     = "closed"
	StatusUnassigned = "unassigned" // every eligible office declined: the coordination office decides
)

// next lists the statuses a provider may set from each status.
var next = map[string][]string{
	StatusAssigned:  {StatusAccepted, StatusDeclined, StatusContacted, StatusClosed},
	StatusAccepted:  {StatusContacted, StatusClosed},
	StatusContacted: {StatusClosed},
}

// Sources are the referring agencies' kinds.
var Sources = []string{"jobcenter", "agentur-fuer-arbeit", "auslaenderbehoerde", "sozialbuergerhaus", "sprachkursberatung", "clearing", "other"}

// Contact is the person's contact data: sealed at rest, shown only to the
// provider the referral is assigned to, deleted after the retention period.
type Contact struct {
	Name    string `json:"name,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Email   string `json:"email,omitempty"`
	Address string `json:"address,omitempty"`
	Note    string `json:"note,omitempty"`
}

// Referral is one referral and its routing.
type Referral struct {
	ID          string    // random, in URLs
	Number      string    // for people: "2026-000042"
	CreatedAt   time.Time //
	Agency      string    // name of the referring agency's token
	Source      string    // one of Sources
	Program     string    // mbe or jmd
	AgeGroup    string    // young or adult (never the exact age)
	District    string    // "" if not given
	Languages   []string  //
	Needs       []string  // integration-course, literacy, childcare, women-only, topic:<id>
	SlipLang    string    // language of the slip
	ConsentDate string    // YYYY-MM-DD, when the person consented
	Sealed      []byte    // sealed Contact, nil if none or deleted
	Assignments []Assignment
}

// Current returns the current assignment.
func (r *Referral) Current() *Assignment {
	if len(r.Assignments) == 0 {
		return nil
	}
	return &r.Assignments[len(r.Assignments)-1]
}

// Status returns the referral's status: that of its current assignment.
func (r *Referral) Status() string {
	if a := r.Current(); a != nil {
		return a.Status
	}
	return StatusUnassigned
}

// Assignment is one office a referral was routed to.
type Assignment struct {
	Seq       int
	Office    string // "" for StatusUnassigned
	Provider  string
	Status    string
	Month     string // YYYY-MM the assignment counts towards in the office's load
	At        time.Time
	ChangedAt time.Time
	Reasons   []routing.Reason
	AllFull   bool
	Note      string // a provider's reason for declining; no personal data
}

// Audit is one entry of the audit trail: who did what to which referral.
type Audit struct {
	At       time.Time
	Actor    string // token name
	Role     string
	Action   string // create, read-slip, read-inbox, read, status:<status>, retention
	Referral string // referral id, or ""
}

// StatRow is one anonymous referral for statistics.
type StatRow struct {
	Month, Source, Provider, District, Language, Outcome string
}

// Idempotency identifies a retried request.
type Idempotency struct {
	Agency, Key string
	BodyHash    string
}

// Errors of a Store and of the service, mapped to HTTP status codes only at
// the edge.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Router decides the first assignment of a referral given the current load.
type Router func(load routing.Load) (*Assignment, error)

// Rerouter decides the next assignment after a decline, given the load and
// the offices that have already declined.
type Rerouter func(load routing.Load, declined []string) (*Assignment, error)

// Store keeps referrals. Implementations make every write durable before
// returning.
type Store interface {
	// Create stores r with the assignment route returns, reading the load of
	// r's month and writing in one transaction, so concurrent referrals do
	// not overfill an office; the audit entry a (its Referral filled in) is
	// written in the same transaction. With an idempotency key already used
	// for the same body it returns the stored referral and replayed = true
	// and writes nothing; for a different body ErrConflict.
	Create(ctx context.Context, r *Referral, idem *Idempotency, a *Audit, route Router) (stored *Referral, replayed bool, err error)
	// Get returns a referral with its assignments, or ErrNotFound.
	Get(ctx context.Context, id string) (*Referral, error)
	// Inbox returns the referrals currently assigned to a provider, newest first.
	Inbox(ctx context.Context, provider string) ([]*Referral, error)
	// SetStatus changes the status of the current assignment of referral id,
	// which must still be the one at seq (else ErrConflict), and writes the
	// audit entry a. On a decline it calls reroute and appends the next
	// assignment, all in one transaction.
	SetStatus(ctx context.Context, id string, seq int, status, note string, at time.Time, a *Audit, reroute Rerouter) (*Referral, error)
	// Stats returns the anonymous rows of referrals created in [from, to).
	Stats(ctx context.Context, from, to time.Time) ([]StatRow, error)
	// Audit appends to the audit trail; AuditLog reads it for a referral.
	Audit(ctx context.Context, a Audit) error
	AuditLog(ctx context.Context, referral string) ([]Audit, error)
	// Retain deletes the contact data of referrals created before t and
	// returns how many it deleted.
	Retain(ctx context.Context, before time.Time) (int, error)
	// Ping checks that the store answers.
	Ping(ctx context.Context) error
}
