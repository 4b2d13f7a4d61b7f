package referral

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// Password hashing: argon2id (RFC 9106), memory-hard, with the parameters
// of its second recommended option (64 MiB, 3 passes, 4 lanes), written in
// the PHC string form so the parameters can change without losing the old
// hashes.
const (
	argonTime    = 3
	argonMemory  = 64 << 10 // KiB
	argonThreads = 4
	argonKeyLen  = 32
	// MinPassword is the shortest password accepted.
	MinPassword = 12
)

// PasswordCost is the work argon2id does for a new password hash: memory
// in KiB, passes and lanes. Hashes carry their parameters, so a hash made
// with one cost is checked with it after the cost changed.
type PasswordCost struct {
	Memory, Time uint32
	Threads      uint8
}

// DefaultPasswordCost is RFC 9106's second recommended option: 64 MiB,
// 3 passes, 4 lanes. Tests that sign in many times may set a lower cost
// on their Service (Service.PasswordCost); nothing else should.
func DefaultPasswordCost() PasswordCost {
	return PasswordCost{Memory: argonMemory, Time: argonTime, Threads: argonThreads}
}

// HashPassword returns the argon2id hash of a password in PHC form, at the
// default cost.
func HashPassword(password string) string { return DefaultPasswordCost().Hash(password) }

// Hash returns the argon2id hash of a password in PHC form, at cost c.
func (c PasswordCost) Hash(password string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	key := argon2.IDKey([]byte(password), salt, c.Time, c.Memory, c.Threads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.Memory, c.Time, c.Threads, enc.EncodeToString(salt), enc.EncodeToString(key))
}

// hash hashes a new password at the service's cost.
func (s *Service) hash(password string) string {
	if s.PasswordCost == (PasswordCost{}) {
		return HashPassword(password)
	}
	return s.PasswordCost.Hash(password)
}

// checkPassword reports whether password matches a hash of HashPassword,
// in constant time.
func checkPassword(hash, password string) bool {
	var version int
	var m uint32
	var t uint32
	var p uint8
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked when an account does not exist, so that a sign-in
// takes as long whether the name is known or not. Made on first use: a
// process that signs nobody in (a site build) does not pay for it.
var dummyHash = sync.OnceValue(func() string { return HashPassword("not a password of anyone") })

// NewPassword returns a random password of 20 characters for a new
// account, shown once.
func NewPassword() string {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

var (
	userNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)
	langRe     = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})*$`)
)

// AddUserRequest describes a new account.
type AddUserRequest struct {
	Name, Role, Agency, Provider, Lang string
	Password                           string // "": a random one is made and returned
}

// AddUser creates a person's account and returns its password (the one
// given, or a new random one, shown once). The role's affiliation must be
// given: the agency for agency staff, a provider of the directory for a
// provider's staff.
func (s *Service) AddUser(ctx context.Context, req AddUserRequest) (string, error) {
	switch {
	case !userNameRe.MatchString(req.Name):
		return "", fmt.Errorf("user add: the name %q must be 2–64 lower-case letters, digits, dots, dashes or underscores", req.Name)
	case !slices.Contains(Roles, req.Role):
		return "", fmt.Errorf("user add: --role must be agency, provider or coordination, not %q", req.Role)
	case req.Role == RoleAgency && req.Agency == "":
		return "", errors.New("user add: agency staff need --agency (the referring agency, e.g. jobcenter-mitte)")
	case req.Role != RoleAgency && req.Agency != "":
		return "", errors.New("user add: --agency is for agency staff only")
	case (req.Role == RoleProvider) != (req.Provider != ""):
		return "", errors.New("user add: --provider is required for, and only for, role provider")
	case req.Provider != "" && s.Directory().Dir.Provider(req.Provider) == nil:
		return "", fmt.Errorf("user add: provider %q is not in the directory", req.Provider)
	case req.Lang != "" && !slices.Contains(s.Directory().Dir.Site.Languages, req.Lang):
		return "", fmt.Errorf("user add: --lang %q is not a language of the site", req.Lang)
	case req.Password != "" && len([]rune(req.Password)) < MinPassword:
		return "", fmt.Errorf("user add: a password has at least %d characters", MinPassword)
	}
	pw := req.Password
	if pw == "" {
		pw = NewPassword()
	}
	err := s.Store.AddUser(ctx, User{Name: req.Name, Role: req.Role, Agency: req.Agency, Provider: req.Provider, Lang: req.Lang,
		PasswordHash: s.hash(pw), CreatedAt: s.Now()})
	if err != nil {
		return "", err
	}
	s.audit(ctx, Actor{Name: "admin", Role: "system"}, "user-add:"+req.Name, "")
	return pw, nil
}

// Sign-in throttling: after MaxFailures failed sign-ins in a row an
// account is locked for a while, longer with every further failure (up to
// a day); a good sign-in clears the count.
const MaxFailures = 5

// lockFor is how long an account stays locked after failures in a row.
func lockFor(failures int) time.Duration {
	if failures < MaxFailures {
		return 0
	}
	d := time.Minute << min(failures-MaxFailures, 10)
	return min(d, 24*time.Hour)
}

// Session lengths: a session ends after SessionTTL.
const SessionTTL = 10 * time.Hour

// ErrSignIn is the one answer to a failed sign-in: it does not say
// whether the name exists, the password was wrong, the account is
// disabled or locked.
var ErrSignIn = errors.New("the name or the password is not right, or the account is locked for a while")

// SignIn checks a person's name and password and starts a session. It
// returns the session's secret (for the cookie) and the session.
func (s *Service) SignIn(ctx context.Context, name, password string) (secret string, se *Session, u *User, err error) {
	now := s.Now()
	u, err = s.Store.User(ctx, name)
	if errors.Is(err, ErrNotFound) {
		checkPassword(dummyHash(), password) // the same time as for a known name
		return "", nil, nil, ErrSignIn
	}
	if err != nil {
		return "", nil, nil, err
	}
	if now.Before(u.LockedUntil) {
		s.audit(ctx, Actor{Name: name, Role: u.Role, Person: true}, "sign-in-locked", "")
		return "", nil, nil, ErrSignIn
	}
	ok := checkPassword(u.PasswordHash, password) && !u.Disabled
	if u, err = s.Store.SignedIn(ctx, name, ok, now, lockFor); err != nil {
		return "", nil, nil, err
	}
	if !ok {
		s.audit(ctx, Actor{Name: name, Role: u.Role, Person: true}, "sign-in-failed", "")
		return "", nil, nil, ErrSignIn
	}
	raw := make([]byte, 32)
	csrf := make([]byte, 32)
	rand.Read(raw)
	rand.Read(csrf)
	secret = base64.RawURLEncoding.EncodeToString(raw)
	se = &Session{Hash: hashSecret(secret), User: name, CSRF: base64.RawURLEncoding.EncodeToString(csrf), CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := s.Store.AddSession(ctx, *se); err != nil {
		return "", nil, nil, err
	}
	s.audit(ctx, Actor{Name: name, Role: u.Role, Person: true}, "sign-in", "")
	return secret, se, u, nil
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// SessionActor returns the person and the session of a cookie's secret,
// or ErrNotFound when it is unknown, expired or its account disabled.
func (s *Service) SessionActor(ctx context.Context, secret string) (Actor, *Session, *User, error) {
	if secret == "" {
		return Actor{}, nil, nil, ErrNotFound
	}
	se, err := s.Store.Session(ctx, hashSecret(secret), s.Now())
	if err != nil {
		return Actor{}, nil, nil, err
	}
	u, err := s.Store.User(ctx, se.User)
	if err != nil {
		return Actor{}, nil, nil, err
	}
	if u.Disabled {
		return Actor{}, nil, nil, ErrNotFound
	}
	return Actor{Name: u.Name, Role: u.Role, Agency: u.Agency, Provider: u.Provider, Person: true}, se, u, nil
}

// SignOut ends the session of a cookie's secret.
func (s *Service) SignOut(ctx context.Context, secret string) error {
	return s.Store.EndSession(ctx, hashSecret(secret))
}

// CheckCSRF reports whether a form's token is the session's, in constant
// time.
func CheckCSRF(se *Session, token string) bool {
	return se != nil && token != "" && subtle.ConstantTimeCompare([]byte(se.CSRF), []byte(token)) == 1
}

// SetLanguage sets the interface language of the signed-in person.
func (s *Service) SetLanguage(ctx context.Context, a Actor, lang string) error {
	if !a.Person {
		return ErrForbidden
	}
	if !langRe.MatchString(lang) {
		return &InvalidError{Message: "not a language", Fields: []FieldProblem{{"lang", "not a language code"}}}
	}
	return s.Store.SetLanguage(ctx, a.Name, lang)
}

// ChangePassword replaces the signed-in person's password, after checking
// the current one; it ends all of the person's sessions.
func (s *Service) ChangePassword(ctx context.Context, a Actor, current, next string) error {
	if !a.Person {
		return ErrForbidden
	}
	u, err := s.Store.User(ctx, a.Name)
	if err != nil {
		return err
	}
	if !checkPassword(u.PasswordHash, current) {
		s.audit(ctx, a, "password-change-failed", "")
		return ErrSignIn
	}
	if len([]rune(next)) < MinPassword {
		return &InvalidError{Message: "password too short", Fields: []FieldProblem{{"new_password", fmt.Sprintf("at least %d characters", MinPassword)}}}
	}
	if err := s.Store.SetPassword(ctx, a.Name, s.hash(next)); err != nil {
		return err
	}
	s.audit(ctx, a, "password-change", "")
	return nil
}
