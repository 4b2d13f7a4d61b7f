package referral

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/routing"
	"github.com/wegweiser-de/wegweiser/internal/seal"
)

// Actor is the authenticated caller: a system's token or a signed-in
// person.
type Actor struct {
	Name     string // the token's or the person's name (the audit trail's actor)
	Role     string
	Agency   string // for RoleAgency: the referring agency
	Provider string // for RoleProvider
	Person   bool   // a signed-in person, not a token
}

// Directory is the data the service routes with: the directory and its
// interface strings (for slips and reasons). It is replaced as a whole
// when data/ changes (SetDirectory).
type Directory struct {
	Dir     *model.Directory
	Strings *i18n.Bundle
}

// Service carries out the referral process. Its methods check who may do
// what; the API, the web interface and the command line only translate.
type Service struct {
	Store  Store
	Sealer *seal.Sealer
	Config *Config
	Now    func() time.Time
	Log    *slog.Logger
	// PasswordCost is the cost of new password hashes; the zero value is
	// DefaultPasswordCost.
	PasswordCost PasswordCost

	dir atomic.Pointer[Directory]
}

// NewService returns a service over store routing with dir.
func NewService(dir Directory, store Store, sealer *seal.Sealer, cfg *Config, log *slog.Logger) *Service {
	s := &Service{Store: store, Sealer: sealer, Config: cfg, Now: time.Now, Log: log}
	s.dir.Store(&dir)
	return s
}

// Directory returns the directory the service routes with now. A request
// takes it once and uses it throughout.
func (s *Service) Directory() *Directory { return s.dir.Load() }

// SetDirectory replaces the directory; requests under way finish with the
// one they took.
func (s *Service) SetDirectory(d Directory) { s.dir.Store(&d) }

// Errors the edges map to status codes.
var (
	ErrForbidden = errors.New("forbidden")
	ErrNoRoom    = errors.New("no office offers this program")
)

func newID() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// audit writes an entry of the audit trail. Reading personal data fails
// when its audit entry cannot be written (fail closed), so callers that
// show personal data check the error.
func (s *Service) audit(ctx context.Context, a Actor, action, ref string) error {
	err := s.Store.Audit(ctx, Audit{At: s.Now(), Actor: a.Name, Role: a.Role, Action: action, Referral: ref})
	if err != nil {
		s.Log.Error("audit", "err", err, "action", action, "referral", ref)
	}
	return err
}

// assignment turns the routing result into the assignment to its best
// office, leaving out the offices in skip.
func assignment(res *routing.Result, skip []string, at time.Time) *Assignment {
	for i, r := range res.Offices {
		if slices.Contains(skip, r.OfficeID) {
			continue
		}
		reasons := append(slices.Clone(res.Reasons), res.Explain(i)...)
		if r.Full && !slices.ContainsFunc(reasons, func(x routing.Reason) bool { return x.Code == "all-full" }) {
			reasons = append(reasons, routing.Reason{Code: "all-full", Text: "every eligible office has reached its capacity this month: the least loaded office was chosen"})
		}
		return &Assignment{Office: r.OfficeID, Provider: r.Provider, Status: StatusAssigned, At: at, Reasons: reasons, AllFull: r.Full}
	}
	return &Assignment{Status: StatusUnassigned, At: at, Reasons: append(slices.Clone(res.Reasons),
		routing.Reason{Code: "none-left", Text: "every eligible office has declined: the coordination office decides"})}
}

// routingOptions are the options of every routing decision at now.
func (s *Service) routingOptions(now time.Time) routing.Options {
	return routing.Options{YouthMaxAge: s.Config.YouthMaxAge, Today: model.DateOf(now)}
}

// top are opts for a routing of which only the first n offices are used
// (in their order, and the reasons of the one assignment picks): the
// writer of the store routes every referral, one after the other.
func top(opts routing.Options, n int) routing.Options {
	opts.Unexplained = true
	opts.Top = n
	return opts
}

// Preview returns the routing of a request with this month's load, as it
// would be stored, without storing anything (the web form's proposal).
func (s *Service) Preview(ctx context.Context, a Actor, req *CreateRequest) (*routing.Result, error) {
	if a.Role != RoleAgency && a.Role != RoleCoordination {
		return nil, ErrForbidden
	}
	d := s.Directory()
	now := s.Now()
	need, problems := req.validate(d.Dir, now, s.Config.YouthMaxAge)
	if len(problems) > 0 {
		return nil, req.invalid(problems)
	}
	load, err := s.Store.Load(ctx, now.UTC().Format("2006-01"))
	if err != nil {
		return nil, err
	}
	res, err := routing.Route(d.Dir, need, load, s.routingOptions(now))
	if err != nil {
		return nil, routeError(err)
	}
	return res, nil
}

// Create routes and stores a new referral. With an idempotency key a retry
// returns the first result (replayed = true).
func (s *Service) Create(ctx context.Context, a Actor, req *CreateRequest, idemKey string) (*Referral, bool, error) {
	if a.Role != RoleAgency && a.Role != RoleCoordination {
		return nil, false, ErrForbidden
	}
	d := s.Directory()
	now := s.Now()
	need, problems := req.validate(d.Dir, now, s.Config.YouthMaxAge)
	if len(problems) > 0 {
		return nil, false, req.invalid(problems)
	}
	opts := s.routingOptions(now)
	res, err := routing.Route(d.Dir, need, nil, top(opts, 1)) // validates; the store routes again with the load
	if err != nil {
		return nil, false, routeError(err)
	}
	agency := a.Agency
	if agency == "" {
		agency = a.Name
	}
	r := &Referral{
		ID: newID(), CreatedAt: now, Agency: agency, CreatedBy: a.Name, Source: req.Source, Program: res.Program,
		AgeGroup: map[string]string{model.ProgramJMD: "young", model.ProgramMBE: "adult"}[res.Program],
		District: need.District, Languages: need.Languages, Needs: req.Needs,
		SlipLang: s.slipLanguage(d, req), ConsentDate: req.Consent.Date,
	}
	if req.Anonymous {
		r.ConsentDate = ""
	}
	if r.District == "" && len(res.Districts) == 1 {
		r.District = res.Districts[0]
	}
	if !req.Contact.empty() {
		b, _ := json.Marshal(req.Contact)
		r.Sealed = s.Sealer.Seal(b, []byte(r.ID))
	}
	var idem *Idempotency
	if idemKey != "" {
		idem = &Idempotency{Agency: agency, Key: idemKey, BodyMAC: s.Sealer.MAC(req.canonical())}
	}
	entry := &Audit{At: now, Actor: a.Name, Role: a.Role, Action: "create", Referral: r.ID}
	stored, replayed, err := s.Store.Create(ctx, r, idem, entry, func(load routing.Load) (*Assignment, error) {
		res, err := routing.Route(d.Dir, need, load, top(opts, 1)) // assignment takes the first
		if err != nil {
			return nil, err
		}
		return assignment(res, nil, now), nil
	})
	if err != nil {
		return nil, false, routeError(err)
	}
	return stored, replayed, nil
}

func routeError(err error) error {
	var fe *routing.FieldError
	if errors.As(err, &fe) {
		return &InvalidError{Message: "the referral cannot be routed", Fields: []FieldProblem{{"person." + fe.Field, fe.Message}}}
	}
	if errors.Is(err, routing.ErrNoOffice) {
		return fmt.Errorf("%w: %v", ErrNoRoom, err)
	}
	return err
}

// slipLanguage is the requested slip language, else the first of the
// person's languages the site speaks, else the default language.
func (s *Service) slipLanguage(d *Directory, req *CreateRequest) string {
	if req.SlipLanguage != "" {
		return req.SlipLanguage
	}
	for _, l := range req.Person.Languages {
		if slices.Contains(d.Dir.Site.Languages, l) {
			return l
		}
	}
	return d.Dir.Site.DefaultLanguage
}

// canSee reports whether a may see referral r (not its contact data).
func canSee(a Actor, r *Referral) bool {
	switch a.Role {
	case RoleCoordination:
		return true
	case RoleAgency:
		return r.Agency == a.Agency || (a.Agency == "" && r.Agency == a.Name)
	case RoleProvider:
		cur := r.Current()
		return cur != nil && cur.Provider == a.Provider
	}
	return false
}

// Get returns a referral the caller may see, recording action in the audit
// trail. Others' referrals are reported as not found, so their existence
// is not revealed.
func (s *Service) Get(ctx context.Context, a Actor, id, action string) (*Referral, error) {
	r, err := s.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canSee(a, r) {
		return nil, ErrNotFound
	}
	if err := s.audit(ctx, a, action, id); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return r, nil
}

// Contact opens the contact data of a referral for the provider it is
// assigned to, and nobody else; nil if it has none. The read is recorded
// first: when the audit trail cannot be written, nothing is shown.
func (s *Service) Contact(ctx context.Context, a Actor, r *Referral) (*Contact, error) {
	cur := r.Current()
	if a.Role != RoleProvider || cur == nil || cur.Provider != a.Provider {
		return nil, ErrForbidden
	}
	if r.Sealed == nil {
		return nil, nil
	}
	if err := s.audit(ctx, a, "read-contact", r.ID); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	b, err := s.Sealer.Open(r.Sealed, []byte(r.ID))
	if err != nil {
		return nil, err
	}
	var c Contact
	return &c, json.Unmarshal(b, &c)
}

// Note opens the free-text note of assignment seq of r: for the provider
// of that assignment and the coordination office. The read is recorded
// first, as for contact data.
func (s *Service) Note(ctx context.Context, a Actor, r *Referral, seq int) (string, error) {
	i := slices.IndexFunc(r.Assignments, func(x Assignment) bool { return x.Seq == seq })
	if i < 0 || r.Assignments[i].Note == nil {
		return "", nil
	}
	if a.Role != RoleCoordination && (a.Role != RoleProvider || r.Assignments[i].Provider != a.Provider) {
		return "", ErrForbidden
	}
	if err := s.audit(ctx, a, fmt.Sprintf("read-note:%d", seq), r.ID); err != nil {
		return "", fmt.Errorf("audit: %w", err)
	}
	b, err := s.Sealer.Open(r.Assignments[i].Note, []byte(r.ID))
	return string(b), err
}

// PageSize is the number of referrals of a page of a list.
const PageSize = 20

// List returns a page (from 0) of the referrals the caller works with: a
// provider's inbox (assigned, accepted, contacted), an agency's own
// referrals, or the coordination office's desk (unassigned, and those an
// office declined that the next has not taken yet); and how many there
// are in all.
func (s *Service) List(ctx context.Context, a Actor, page int) ([]*Referral, int, error) {
	q := Query{Limit: PageSize, Offset: max(0, page) * PageSize}
	switch a.Role {
	case RoleProvider:
		q.Provider, q.Statuses = a.Provider, []string{StatusAssigned, StatusAccepted, StatusContacted}
	case RoleAgency:
		q.Agency = a.Agency
		if q.Agency == "" {
			q.Agency = a.Name
		}
	case RoleCoordination:
		q.Statuses, q.EverDeclined = []string{StatusUnassigned}, true
	default:
		return nil, 0, ErrForbidden
	}
	refs, total, err := s.Store.List(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	if err := s.audit(ctx, a, "read-list", ""); err != nil {
		return nil, 0, fmt.Errorf("audit: %w", err)
	}
	return refs, total, nil
}

// need is the routing need a stored referral was made with.
func (r *Referral) need() routing.Need {
	return routing.Need{AgeGroup: r.AgeGroup, District: r.District, Languages: r.Languages,
		IntegrationCourse: r.Needs.IntegrationCourse, Literacy: r.Needs.Literacy, Childcare: r.Needs.Childcare,
		WomenOnly: r.Needs.WomenOnly, Topic: r.Needs.Topic}
}

// SetStatus changes the status of a referral assigned to the caller's
// provider. A decline names a reason (DeclineReasons), may add a note,
// which is sealed, and routes the referral to the next office.
func (s *Service) SetStatus(ctx context.Context, a Actor, id string, req *StatusRequest) (*Referral, error) {
	if a.Role != RoleProvider {
		return nil, ErrForbidden
	}
	var fp []FieldProblem
	if len([]rune(req.Note)) > 500 {
		fp = append(fp, FieldProblem{"note", "at most 500 characters"})
	}
	if req.Status == StatusDeclined && !slices.Contains(DeclineReasons, req.Reason) {
		fp = append(fp, FieldProblem{"reason", fmt.Sprintf("a decline needs a reason: one of %v", DeclineReasons)})
	}
	if req.Status != StatusDeclined && req.Reason != "" {
		fp = append(fp, FieldProblem{"reason", "only a decline has a reason"})
	}
	if len(fp) > 0 {
		return nil, &InvalidError{Message: "the status change is not valid", Fields: fp}
	}
	r, err := s.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	cur := r.Current()
	if !canSee(a, r) || cur == nil {
		return nil, ErrNotFound
	}
	if !slices.Contains(next[cur.Status], req.Status) {
		return nil, &InvalidError{Message: "the status change is not allowed", Fields: []FieldProblem{{"status",
			fmt.Sprintf("from %s the status can become %v", cur.Status, next[cur.Status])}}}
	}
	now := s.Now()
	c := Change{Status: req.Status, Reason: req.Reason}
	if req.Note != "" {
		c.Note = s.Sealer.Seal([]byte(req.Note), []byte(id))
	}
	d := s.Directory()
	entry := &Audit{At: now, Actor: a.Name, Role: a.Role, Action: "status:" + req.Status, Referral: id}
	return s.Store.Change(ctx, id, cur.Seq, c, now, entry, func(load routing.Load, before []string) (*Assignment, error) {
		// assignment takes the first office not declined before
		res, err := routing.Route(d.Dir, r.need(), load, top(s.routingOptions(now), len(before)+1))
		if err != nil {
			return nil, err
		}
		next := assignment(res, before, now)
		next.Reasons = append([]routing.Reason{{Code: "declined", Text: fmt.Sprintf("declined by %s", cur.Office), Args: map[string]string{"office": cur.Office}}}, next.Reasons...)
		return next, nil
	})
}

// ReassignRequest is the coordination office's decision to give a
// referral to an office by hand.
type ReassignRequest struct {
	Office string `json:"office"`
	Reason string `json:"reason"` // one of ReassignReasons
	Note   string `json:"note,omitempty"`
}

// Reassign gives a referral to another office (any office of its
// program, even a full one: the coordination office decides), with a
// reason and a sealed note. Only the coordination office may.
func (s *Service) Reassign(ctx context.Context, a Actor, id string, req *ReassignRequest) (*Referral, error) {
	if a.Role != RoleCoordination {
		return nil, ErrForbidden
	}
	r, err := s.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	d := s.Directory()
	var fp []FieldProblem
	if !slices.Contains(ReassignReasons, req.Reason) {
		fp = append(fp, FieldProblem{"reason", fmt.Sprintf("one of %v", ReassignReasons)})
	}
	if len([]rune(req.Note)) > 500 {
		fp = append(fp, FieldProblem{"note", "at most 500 characters"})
	}
	now := s.Now()
	res, err := routing.Route(d.Dir, r.need(), nil, s.routingOptions(now))
	if err != nil {
		return nil, routeError(err)
	}
	i := slices.IndexFunc(res.Offices, func(x routing.Ranked) bool { return x.OfficeID == req.Office })
	if i < 0 {
		fp = append(fp, FieldProblem{"office", fmt.Sprintf("%q does not offer %s", req.Office, r.Program)})
	}
	cur := r.Current()
	if cur != nil && cur.Office == req.Office && cur.Status != StatusDeclined {
		fp = append(fp, FieldProblem{"office", "the referral is assigned to this office already"})
	}
	if len(fp) > 0 {
		return nil, &InvalidError{Message: "the reassignment is not valid", Fields: fp}
	}
	c := Change{Status: StatusReassigned, Reason: req.Reason}
	if req.Note != "" {
		c.Note = s.Sealer.Seal([]byte(req.Note), []byte(id))
	}
	chosen := res.Offices[i]
	entry := &Audit{At: now, Actor: a.Name, Role: a.Role, Action: "reassign:" + req.Office, Referral: id}
	return s.Store.Change(ctx, id, cur.Seq, c, now, entry, func(load routing.Load, _ []string) (*Assignment, error) {
		reasons := []routing.Reason{{Code: "reassigned", Text: "assigned by the coordination office", Args: map[string]string{"reason": req.Reason}}}
		return &Assignment{Office: chosen.OfficeID, Provider: chosen.Provider, Status: StatusAssigned, At: now,
			Reasons: append(reasons, chosen.Reasons...), Reason: req.Reason}, nil
	})
}

// Erase deletes the contact data and notes of a referral, when the person
// withdraws consent: for the agency that made it and the coordination
// office. The referral itself (anonymous) stays for the statistics.
func (s *Service) Erase(ctx context.Context, a Actor, id string) error {
	r, err := s.Store.Get(ctx, id)
	if err != nil {
		return err
	}
	if !canSee(a, r) || (a.Role != RoleAgency && a.Role != RoleCoordination) {
		return ErrNotFound
	}
	now := s.Now()
	return s.Store.Erase(ctx, id, now, &Audit{At: now, Actor: a.Name, Role: a.Role, Action: "erase", Referral: id})
}

// OfficeLoad is an office's capacity and this month's referrals.
type OfficeLoad struct {
	Office   *model.Office
	Programs []string
	Capacity int // 0: takes no routed referrals
	Assigned int
}

// Capacity returns every office with a program, its capacity and its load
// in the current month: all offices for the coordination office, its own
// for a provider.
func (s *Service) Capacity(ctx context.Context, a Actor) ([]OfficeLoad, error) {
	if a.Role != RoleCoordination && a.Role != RoleProvider {
		return nil, ErrForbidden
	}
	load, err := s.Store.Load(ctx, s.Now().UTC().Format("2006-01"))
	if err != nil {
		return nil, err
	}
	d := s.Directory()
	var out []OfficeLoad
	for _, p := range d.Dir.Providers {
		if a.Role == RoleProvider && p.ID != a.Provider {
			continue
		}
		for i := range p.Offices {
			o := &p.Offices[i]
			ol := OfficeLoad{Office: o, Assigned: load[o.ID]}
			for _, of := range p.Offers {
				if of.Program != model.ProgramOther && slices.Contains(of.Offices, o.ID) && !slices.Contains(ol.Programs, of.Program) {
					ol.Programs = append(ol.Programs, of.Program)
				}
			}
			if len(ol.Programs) == 0 {
				continue
			}
			if o.Capacity != nil {
				ol.Capacity = o.Capacity.ReferralsPerMonth
			}
			out = append(out, ol)
		}
	}
	return out, nil
}

// AuditLog returns the audit trail of a referral: for the coordination
// office only.
func (s *Service) AuditLog(ctx context.Context, a Actor, id string) ([]Audit, error) {
	if a.Role != RoleCoordination {
		return nil, ErrForbidden
	}
	if _, err := s.Store.Get(ctx, id); err != nil {
		return nil, err
	}
	return s.Store.AuditLog(ctx, id)
}

// Retain deletes the personal data older than the retention period.
func (s *Service) Retain(ctx context.Context) (int, error) {
	n, err := s.Store.Retain(ctx, s.Now().AddDate(0, 0, -s.Config.RetentionDays))
	if err == nil && n > 0 {
		s.audit(ctx, Actor{Name: "retention", Role: "system"}, fmt.Sprintf("retention:%d", n), "")
	}
	return n, err
}

// Reseal seals every sealed value again with the current key (after a
// key rotation) and returns how many it changed.
func (s *Service) Reseal(ctx context.Context) (int, error) {
	return s.Store.Reseal(ctx, func(id string, sealed []byte) ([]byte, error) {
		if !s.Sealer.Stale(sealed) {
			return sealed, nil
		}
		plain, err := s.Sealer.Open(sealed, []byte(id))
		if err != nil {
			return nil, err
		}
		return s.Sealer.Seal(plain, []byte(id)), nil
	})
}
