package referral

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/routing"
	"github.com/wegweiser-de/wegweiser/internal/seal"
)

// Actor is the authenticated caller.
type Actor struct {
	Name     string
	Role     string
	Provider string // for RoleProvider
}

// Service carries out the referral process. Its methods check who may do
// what; the HTTP layer only translates.
type Service struct {
	Dir     *model.Directory
	Store   Store
	Sealer  *seal.Sealer
	Strings *i18n.Bundle // for slips
	Config  *Config
	Now     func() time.Time
	Log     *slog.Logger
}

// Errors the HTTP layer maps to status codes.
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

func (s *Service) audit(ctx context.Context, a Actor, action, ref string) {
	if err := s.Store.Audit(ctx, Audit{At: s.Now(), Actor: a.Name, Role: a.Role, Action: action, Referral: ref}); err != nil {
		s.Log.Error("audit", "err", err, "action", action, "referral", ref)
	}
}

// assignment turns the routing result into the assignment to its best
// office, leaving out the offices in skip.
func assignment(res *routing.Result, skip []string, at time.Time) *Assignment {
	for _, r := range res.Offices {
		if slices.Contains(skip, r.OfficeID) {
			continue
		}
		reasons := append(slices.Clone(res.Reasons), r.Reasons...)
		allFull := r.Full
		if allFull {
			reasons = append(reasons, routing.Reason{Code: "all-full", Text: "every eligible office has reached its capacity this month: the least loaded office was chosen"})
		}
		return &Assignment{Office: r.OfficeID, Provider: r.Provider, Status: StatusAssigned, At: at, Reasons: reasons, AllFull: allFull}
	}
	return &Assignment{Status: StatusUnassigned, At: at, Reasons: append(slices.Clone(res.Reasons),
		routing.Reason{Code: "none-left", Text: "every eligible office has declined: the coordination office decides"})}
}

// Create routes and stores a new referral. With an idempotency key a retry
// returns the first result (replayed = true).
func (s *Service) Create(ctx context.Context, a Actor, req *CreateRequest, idemKey string) (*Referral, bool, error) {
	if a.Role != RoleAgency && a.Role != RoleCoordination {
		return nil, false, ErrForbidden
	}
	now := s.Now()
	need, problems := req.validate(s.Dir, now, s.Config.YouthMaxAge)
	if len(problems) > 0 {
		msg := "the referral is not valid"
		if !req.Consent.Given {
			msg = msgNoConsent
		}
		return nil, false, &InvalidError{Message: msg, Fields: problems}
	}
	opts := routing.Options{YouthMaxAge: s.Config.YouthMaxAge, Today: model.DateOf(now)}
	res, err := routing.Route(s.Dir, need, nil, opts) // validates; the store routes again with the load
	if err != nil {
		return nil, false, routeError(err)
	}
	r := &Referral{
		ID: newID(), CreatedAt: now, Agency: a.Name, Source: req.Source, Program: res.Program,
		AgeGroup: map[string]string{model.ProgramJMD: "young", model.ProgramMBE: "adult"}[res.Program],
		District: need.District, Languages: need.Languages, Needs: req.Needs.list(),
		SlipLang: s.slipLanguage(req), ConsentDate: req.Consent.Date,
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
		sum := sha256.Sum256(req.canonical())
		idem = &Idempotency{Agency: a.Name, Key: idemKey, BodyHash: hex.EncodeToString(sum[:])}
	}
	entry := &Audit{At: now, Actor: a.Name, Role: a.Role, Action: "create", Referral: r.ID}
	stored, replayed, err := s.Store.Create(ctx, r, idem, entry, func(load routing.Load) (*Assignment, error) {
		res, err := routing.Route(s.Dir, need, load, opts)
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
func (s *Service) slipLanguage(req *CreateRequest) string {
	if req.SlipLanguage != "" {
		return req.SlipLanguage
	}
	for _, l := range req.Person.Languages {
		if slices.Contains(s.Dir.Site.Languages, l) {
			return l
		}
	}
	return s.Dir.Site.DefaultLanguage
}

// canSee reports whether a may see referral r (not its contact data).
func canSee(a Actor, r *Referral) bool {
	switch a.Role {
	case RoleCoordination:
		return true
	case RoleAgency:
		return r.Agency == a.Name
	case RoleProvider:
		cur := r.Current()
		return cur != nil && cur.Provider == a.Provider
	}
	return false
}

// Get returns a referral the caller may see. Others' referrals are
// reported as not found, so their existence is not revealed.
func (s *Service) Get(ctx context.Context, a Actor, id, action string) (*Referral, error) {
	r, err := s.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canSee(a, r) {
		return nil, ErrNotFound
	}
	s.audit(ctx, a, action, id)
	return r, nil
}

// Contact opens the sealed contact data of a referral, or returns nil.
func (s *Service) Contact(r *Referral) (*Contact, error) {
	if r.Sealed == nil {
		return nil, nil
	}
	b, err := s.Sealer.Open(r.Sealed, []byte(r.ID))
	if err != nil {
		return nil, err
	}
	var c Contact
	return &c, json.Unmarshal(b, &c)
}

// Inbox returns the referrals assigned to the caller's provider, with
// contact data, and records each read in the audit trail.
func (s *Service) Inbox(ctx context.Context, a Actor) ([]*Referral, error) {
	if a.Role != RoleProvider {
		return nil, ErrForbidden
	}
	refs, err := s.Store.Inbox(ctx, a.Provider)
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		s.audit(ctx, a, "read-inbox", r.ID)
	}
	return refs, nil
}

// SetStatus changes the status of a referral assigned to the caller's
// provider. A decline routes the referral to the next office.
func (s *Service) SetStatus(ctx context.Context, a Actor, id string, req *StatusRequest) (*Referral, error) {
	if a.Role != RoleProvider {
		return nil, ErrForbidden
	}
	if len(req.Note) > 500 {
		return nil, &InvalidError{Message: "the status change is not valid", Fields: []FieldProblem{{"note", "at most 500 characters"}}}
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
	need := routing.Need{AgeGroup: r.AgeGroup, District: r.District, Languages: r.Languages}
	for _, n := range r.Needs {
		switch n {
		case "integration-course":
			need.IntegrationCourse = true
		case "literacy":
			need.Literacy = true
		case "childcare":
			need.Childcare = true
		case "women-only":
			need.WomenOnly = true
		default:
			if t, ok := strings.CutPrefix(n, "topic:"); ok && s.Dir.Topic(t) != nil {
				need.Topic = t
			}
		}
	}
	entry := &Audit{At: now, Actor: a.Name, Role: a.Role, Action: "status:" + req.Status, Referral: id}
	updated, err := s.Store.SetStatus(ctx, id, cur.Seq, req.Status, req.Note, now, entry, func(load routing.Load, declined []string) (*Assignment, error) {
		res, err := routing.Route(s.Dir, need, load, routing.Options{YouthMaxAge: s.Config.YouthMaxAge, Today: model.DateOf(now)})
		if err != nil {
			return nil, err
		}
		next := assignment(res, declined, now)
		next.Reasons = append([]routing.Reason{{Code: "declined", Text: fmt.Sprintf("declined by %s", cur.Office)}}, next.Reasons...)
		return next, nil
	})
	if err != nil {
		return nil, err
	}
	return updated, nil
}

// Retain deletes the contact data older than the retention period.
func (s *Service) Retain(ctx context.Context) (int, error) {
	n, err := s.Store.Retain(ctx, s.Now().AddDate(0, 0, -s.Config.RetentionDays))
	if err == nil && n > 0 {
		s.audit(ctx, Actor{Name: "retention", Role: "system"}, fmt.Sprintf("retention:%d", n), "")
	}
	return n, err
}
