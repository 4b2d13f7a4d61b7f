// Package referral is the referral process (Zuleitungen): referring
// agencies (Jobcenter, Agentur für Arbeit, foreigners' office, …) send a
// referral, with the person's consent when it carries their contact data;
// the routing core assigns it to an office with room; providers accept or
// decline the referrals assigned to them; the coordination office
// reassigns what nobody took and sees anonymous statistics.
//
// The package holds the domain types, the Store contract and the Service,
// which carries out the rules of the process and decides who may do what.
// The JSON API (package referral/api), the web interface for people
// (package referral/web) and the command line only translate to and from
// it; the stores (packages sqlite and postgres) keep its data.
//
// Ground rules kept here: personal data only with recorded consent (an
// anonymous referral carries none); contact data and free-text notes are
// sealed before they reach the store, opened only for the provider a
// referral is assigned to, and deleted after the retention period or on
// request; statistics carry no personal data and suppress small counts
// (package stats); logs and the audit trail name who did what to which
// referral, never the person.
package referral

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/routing"
)

// Roles of the people and systems that use the endpoint.
const (
	RoleAgency       = "agency"       // a referring agency: creates referrals, prints slips, sees its own
	RoleProvider     = "provider"     // an MBE/JMD provider: its inbox, accept or decline
	RoleCoordination = "coordination" // the coordination office: reassigns, capacity, statistics, audit
)

// Roles lists the roles.
var Roles = []string{RoleAgency, RoleProvider, RoleCoordination}

// Statuses of an assignment (and of a referral: that of its current
// assignment).
const (
	StatusAssigned   = "assigned"
	StatusAccepted   = "accepted"
	StatusDeclined   = "declined" // the provider declined: routed to the next office
	StatusContacted  = "contacted"
	StatusClosed     = "closed"
	StatusUnassigned = "unassigned" // every eligible office declined: the coordination office decides
	StatusReassigned = "reassigned" // the coordination office gave it to another office
)

// next lists the statuses a provider may set from each status.
var next = map[string][]string{
	StatusAssigned:  {StatusAccepted, StatusDeclined, StatusContacted, StatusClosed},
	StatusAccepted:  {StatusContacted, StatusClosed},
	StatusContacted: {StatusClosed},
}

// Next returns the statuses a provider may set after status.
func Next(status string) []string { return next[status] }

// Sources are the referring agencies' kinds.
var Sources = []string{"jobcenter", "agentur-fuer-arbeit", "auslaenderbehoerde", "sozialbuergerhaus", "sprachkursberatung", "clearing", "other"}

// DeclineReasons are the reasons a provider may give for declining; a
// free-text note may add to them (sealed, deleted by retention).
var DeclineReasons = []string{"capacity", "language", "distance", "program", "needs", "unreachable", "other"}

// ReassignReasons are the reasons the coordination office gives for
// reassigning a referral by hand.
var ReassignReasons = []string{"capacity", "language", "distance", "needs", "request", "other"}

// Contact is the person's contact data: sealed at rest, shown only to the
// provider the referral is assigned to, deleted after the retention period
// or when the person withdraws consent.
type Contact struct {
	Name    string `json:"name,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Email   string `json:"email,omitempty"`
	Address string `json:"address,omitempty"`
	Note    string `json:"note,omitempty"`
}

// Needs are the person's special needs, as the routing weighs them.
type Needs struct {
	IntegrationCourse bool   `json:"integration_course,omitempty"`
	Literacy          bool   `json:"literacy,omitempty"`
	Childcare         bool   `json:"childcare,omitempty"`
	WomenOnly         bool   `json:"women_only,omitempty"`
	Topic             string `json:"topic,omitempty"` // a topic id
}

// Referral is one referral and its routing.
type Referral struct {
	ID          string    // random, in URLs
	Number      string    // for people: "2026-000042"
	CreatedAt   time.Time //
	Agency      string    // the referring agency: a token's name or a person's agency
	CreatedBy   string    // the token or person that created it
	Source      string    // one of Sources
	Program     string    // mbe or jmd
	AgeGroup    string    // young or adult (never the exact age)
	District    string    // "" if not given
	Languages   []string  //
	Needs       Needs     //
	SlipLang    string    // language of the slip
	ConsentDate string    // YYYY-MM-DD when the person consented; "" for an anonymous referral
	Sealed      []byte    // sealed Contact, nil if none, deleted or erased
	Assignments []Assignment
}

// Anonymous reports whether the referral was made without consent, and
// so carries no personal data.
func (r *Referral) Anonymous() bool { return r.ConsentDate == "" }

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

// Declined reports whether an office has declined the referral.
func (r *Referral) Declined() bool {
	for _, a := range r.Assignments {
		if a.Status == StatusDeclined {
			return true
		}
	}
	return false
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
	// Reason is the code a provider declined with (DeclineReasons) or the
	// coordination office reassigned with (ReassignReasons).
	Reason string
	// Note is a free-text note to Reason, sealed like contact data; nil if
	// none or deleted.
	Note []byte
}

// Audit is one entry of the audit trail: who did what to which referral.
type Audit struct {
	At       time.Time
	Actor    string // token or person
	Role     string
	Action   string // create, read, read-slip, read-contact, status:<status>, reassign, erase, retention, login, …
	Referral string // referral id, or ""
}

// StatRow is one anonymous referral for statistics.
type StatRow struct {
	Month, Source, Agency, Program, Provider, District, Language, Outcome string
}

// Idempotency identifies a retried request. BodyMAC is a keyed hash of the
// request (seal.Sealer.MAC): without the server's key it tells nothing of
// the contact data in the body.
type Idempotency struct {
	Agency, Key string
	BodyMAC     string
}

// User is a person who signs in to the web interface.
type User struct {
	Name         string // the login name, e.g. anna.beispiel
	Role         string
	Agency       string // for RoleAgency: the referring agency, e.g. jobcenter-mitte
	Provider     string // for RoleProvider: the provider id
	PasswordHash string // argon2id, in PHC form (HashPassword)
	Disabled     bool
	Lang         string    // preferred interface language, "" for the default
	Failures     int       // failed sign-ins since the last good one
	LockedUntil  time.Time // no sign-in before this time
	CreatedAt    time.Time
}

// Session is a signed-in person: the cookie holds the secret, the store
// only its hash.
type Session struct {
	Hash      string // SHA-256 of the cookie's secret
	User      string
	CSRF      string // the token every form of this session carries
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Query selects referrals for a list: those assigned now to Provider, or
// created by Agency, or (for the coordination office) with the statuses
// Statuses, or (EverDeclined) declined by an office and now waiting for
// the next; newest first, Limit at a time from Offset.
type Query struct {
	Provider     string
	Agency       string
	Statuses     []string
	EverDeclined bool
	Limit        int
	Offset       int
}

// Errors of a Store and of the service, mapped to HTTP status codes only at
// the edge.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Router decides the first assignment of a referral given the current load.
type Router func(load routing.Load) (*Assignment, error)

// Rerouter decides the next assignment after a decline or a reassignment,
// given the load and the offices the referral was assigned to before.
type Rerouter func(load routing.Load, before []string) (*Assignment, error)

// Change is a change of the current assignment of a referral: a provider's
// status (with a reason and a sealed note for a decline) or the
// coordination office's reassignment.
type Change struct {
	Status string
	Reason string
	Note   []byte // sealed
}

// Store keeps referrals and accounts. Implementations make every write
// durable before returning, and keep an office's monthly load consistent
// under concurrent writers (also across processes sharing a database).
// The contract is tested for every implementation by package
// referral/storetest.
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
	// List returns the referrals q selects and how many there are in all.
	List(ctx context.Context, q Query) ([]*Referral, int, error)
	// Change sets the current assignment of referral id, which must still
	// be the one at seq (else ErrConflict), to c, and writes the audit
	// entry a. When c is a decline or a reassignment it frees the load the
	// assignment took, calls reroute and appends the next assignment; all
	// in one transaction.
	Change(ctx context.Context, id string, seq int, c Change, at time.Time, a *Audit, reroute Rerouter) (*Referral, error)
	// Erase deletes the contact data and the notes of referral id (the
	// person withdrew consent) and writes the audit entry a.
	Erase(ctx context.Context, id string, at time.Time, a *Audit) error
	// Load returns the number of referrals counting towards each office's
	// capacity in a month (YYYY-MM).
	Load(ctx context.Context, month string) (routing.Load, error)
	// Stats returns the anonymous rows of referrals created in [from, to).
	Stats(ctx context.Context, from, to time.Time) ([]StatRow, error)
	// Audit appends to the audit trail; AuditLog reads it for a referral.
	Audit(ctx context.Context, a Audit) error
	AuditLog(ctx context.Context, referral string) ([]Audit, error)
	// Retain deletes the contact data and notes of referrals created before
	// t, and the idempotency records made before t, and returns how many
	// referrals lost personal data.
	Retain(ctx context.Context, before time.Time) (int, error)
	// Reseal calls seal for every sealed value (contact data, notes) with
	// the referral id it is bound to, and stores what it returns in its
	// place when that differs; it returns how many it changed.
	Reseal(ctx context.Context, seal func(referral string, sealed []byte) ([]byte, error)) (int, error)

	// AddUser adds a person's account; ErrConflict if the name is taken.
	AddUser(ctx context.Context, u User) error
	// User returns an account, or ErrNotFound.
	User(ctx context.Context, name string) (*User, error)
	// Users lists the accounts, by name.
	Users(ctx context.Context) ([]User, error)
	// SetDisabled disables or enables an account; disabling ends its
	// sessions.
	SetDisabled(ctx context.Context, name string, disabled bool) error
	// SetPassword replaces an account's password hash and ends its
	// sessions.
	SetPassword(ctx context.Context, name, hash string) error
	// SetLanguage sets an account's interface language.
	SetLanguage(ctx context.Context, name, lang string) error
	// SignedIn records a sign-in attempt: on success it clears the
	// failures; otherwise it counts one more and locks the account until
	// lock(failures) after now. It returns the account as it is after.
	SignedIn(ctx context.Context, name string, ok bool, now time.Time, lock func(failures int) time.Duration) (*User, error)
	// AddSession stores a session; Session returns the one with the hash
	// if it has not expired at now (else ErrNotFound); EndSession deletes
	// it.
	AddSession(ctx context.Context, s Session) error
	Session(ctx context.Context, hash string, now time.Time) (*Session, error)
	EndSession(ctx context.Context, hash string) error

	// Ping checks that the store answers; Close releases it.
	Ping(ctx context.Context) error
	Close() error
}

// UnmarshalJSON reads needs as stored, and as the first release stored
// them: a list of strings (integration-course, literacy, childcare,
// women-only, topic:<id>).
func (n *Needs) UnmarshalJSON(b []byte) error {
	var list []string
	if json.Unmarshal(b, &list) == nil {
		*n = Needs{}
		for _, x := range list {
			switch x {
			case "integration-course":
				n.IntegrationCourse = true
			case "literacy":
				n.Literacy = true
			case "childcare":
				n.Childcare = true
			case "women-only":
				n.WomenOnly = true
			default:
				n.Topic = strings.TrimPrefix(x, "topic:")
			}
		}
		return nil
	}
	type plain Needs // without this method
	return json.Unmarshal(b, (*plain)(n))
}
