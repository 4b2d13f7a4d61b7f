// Package api is the JSON API of the referral endpoint, for systems: the
// referring agencies' software, providers' case management, the
// coordination office's tools. It is described in openapi.yaml (served at
// /api/v1/openapi.yaml). Every /api/v1 call needs a bearer token, whose
// role decides what it may do; /healthz and /readyz are open.
//
// The handlers only translate between HTTP and referral.Service: they
// decode and check the request's form (JSON only, one value, no unknown
// or duplicate keys, bounded size and time), call the service, and map its
// errors to status codes. Logs name the route, the status and the token,
// never the person.
package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/routing"
)

//go:embed openapi.yaml
var openAPI []byte

// OpenAPI returns the API description served at /api/v1/openapi.yaml.
func OpenAPI() []byte { return openAPI }

// Handler is the JSON API.
type Handler struct {
	svc      *referral.Service
	tokens   map[string]referral.Token // by hash
	mux      *http.ServeMux
	mu       sync.Mutex
	limiters map[string]*rate.Limiter // by token name
}

// New returns the API for svc.
func New(svc *referral.Service) *Handler {
	h := &Handler{svc: svc, tokens: map[string]referral.Token{}, mux: http.NewServeMux(), limiters: map[string]*rate.Limiter{}}
	for _, t := range svc.Config.Tokens {
		h.tokens[t.Hash] = t
	}
	h.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	h.mux.HandleFunc("GET /readyz", h.ready)
	h.mux.Handle("GET /api/v1/openapi.yaml", h.auth(nil, func(w http.ResponseWriter, r *http.Request, _ referral.Actor) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(openAPI)
	}))
	all := []string{referral.RoleAgency, referral.RoleCoordination, referral.RoleProvider}
	h.mux.Handle("POST /api/v1/referrals", h.auth([]string{referral.RoleAgency, referral.RoleCoordination}, h.create))
	h.mux.Handle("GET /api/v1/referrals/{id}", h.auth(nil, h.get))
	h.mux.Handle("GET /api/v1/referrals/{id}/slip", h.auth(all, h.slip))
	h.mux.Handle("GET /api/v1/referrals/{id}/audit", h.auth([]string{referral.RoleCoordination}, h.auditLog))
	h.mux.Handle("POST /api/v1/referrals/{id}/status", h.auth([]string{referral.RoleProvider}, h.status))
	h.mux.Handle("POST /api/v1/referrals/{id}/reassign", h.auth([]string{referral.RoleCoordination}, h.reassign))
	h.mux.Handle("POST /api/v1/referrals/{id}/erase", h.auth([]string{referral.RoleAgency, referral.RoleCoordination}, h.erase))
	h.mux.Handle("GET /api/v1/inbox", h.auth([]string{referral.RoleProvider}, h.inbox))
	h.mux.Handle("GET /api/v1/stats", h.auth([]string{referral.RoleCoordination}, h.stats))
	return h
}

// statusWriter records the status code for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	actor  string
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// ServeHTTP adds the headers every response carries, CORS for configured
// origins only, a limit on the body, and a log line without personal data:
// method, route pattern, status, duration and the token's name.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	hd.Set("Referrer-Policy", "no-referrer")
	if origin := r.Header.Get("Origin"); origin != "" && slices.Contains(h.svc.Config.CORSOrigins, origin) {
		hd.Set("Access-Control-Allow-Origin", origin)
		hd.Add("Vary", "Origin")
		if r.Method == http.MethodOptions {
			hd.Set("Access-Control-Allow-Methods", "GET, POST")
			hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key")
			hd.Set("Access-Control-Max-Age", "600")
			sw.WriteHeader(http.StatusNoContent)
			h.logRequest(r, sw, start)
			return
		}
	}
	defer func() {
		if v := recover(); v != nil {
			h.svc.Log.Error("panic", "route", r.Pattern, "panic", fmt.Sprint(v))
			writeError(sw, http.StatusInternalServerError, "internal", "internal error", nil)
		}
		h.logRequest(r, sw, start)
	}()
	r.Body = http.MaxBytesReader(sw, r.Body, h.svc.Config.MaxBodyBytes)
	h.mux.ServeHTTP(sw, r)
}

func (h *Handler) logRequest(r *http.Request, sw *statusWriter, start time.Time) {
	route := r.Pattern
	if route == "" {
		route = "unmatched"
	}
	h.svc.Log.Info("request", "method", r.Method, "route", route, "status", sw.status,
		"ms", time.Since(start).Milliseconds(), "actor", sw.actor)
}

type actorHandler func(w http.ResponseWriter, r *http.Request, a referral.Actor)

// auth checks the bearer token, its role and its rate limit.
func (h *Handler) auth(roles []string, next actorHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		t, known := h.tokens[referral.HashToken(strings.TrimSpace(secret))]
		if !ok || !known {
			w.Header().Set("WWW-Authenticate", `Bearer realm="wegweiser referrals"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "a valid token is required: Authorization: Bearer <token>", nil)
			return
		}
		if sw, ok := w.(*statusWriter); ok {
			sw.actor = t.Name
		}
		if !h.limiter(t.Name).Allow() {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, "rate-limited", "too many requests for this token; slow down", nil)
			return
		}
		if roles != nil && !slices.Contains(roles, t.Role) {
			writeError(w, http.StatusForbidden, "forbidden", fmt.Sprintf("the %s role may not do this", t.Role), nil)
			return
		}
		agency := ""
		if t.Role == referral.RoleAgency {
			agency = t.Name
		}
		next(w, r, referral.Actor{Name: t.Name, Role: t.Role, Agency: agency, Provider: t.Provider})
	})
}

func (h *Handler) limiter(name string) *rate.Limiter {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.limiters[name]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(h.svc.Config.RateLimit.PerSecond), h.svc.Config.RateLimit.Burst)
		h.limiters[name] = l
	}
	return l
}

func (h *Handler) ready(w http.ResponseWriter, r *http.Request) {
	if err := h.svc.Store.Ping(r.Context()); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// apiError is the body of every error response.
type apiError struct {
	Error struct {
		Code    string                  `json:"code"`
		Message string                  `json:"message"`
		Fields  []referral.FieldProblem `json:"fields,omitempty"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, msg string, fields []referral.FieldProblem) {
	var e apiError
	e.Error.Code, e.Error.Message, e.Error.Fields = code, msg, fields
	writeJSON(w, status, e)
}

// errSlowBody is a body that did not arrive in time.
var errSlowBody = errors.New("the body did not arrive in time")

// errMediaType is a body that is not JSON.
var errMediaType = errors.New("the body must be JSON: Content-Type: application/json")

// fail maps an error of the service to its HTTP status.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var inv *referral.InvalidError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, "too-large", fmt.Sprintf("the body is larger than %d bytes", tooBig.Limit), nil)
	case errors.Is(err, errSlowBody):
		w.Header().Set("Connection", "close")
		writeError(w, http.StatusRequestTimeout, "timeout", err.Error(), nil)
	case errors.Is(err, errMediaType):
		writeError(w, http.StatusUnsupportedMediaType, "unsupported-media-type", err.Error(), nil)
	case errors.As(err, &inv) && inv.Syntax:
		writeError(w, http.StatusBadRequest, "invalid-json", inv.Message, inv.Fields)
	case errors.As(err, &inv):
		code := "invalid"
		if slices.ContainsFunc(inv.Fields, func(f referral.FieldProblem) bool { return f.Field == "consent.given" }) {
			code = "no-consent"
		}
		writeError(w, http.StatusUnprocessableEntity, code, inv.Message, inv.Fields)
	case errors.Is(err, referral.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", "your role may not do this", nil)
	case errors.Is(err, referral.ErrNotFound):
		writeError(w, http.StatusNotFound, "not-found", "no such referral for this token", nil)
	case errors.Is(err, referral.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", err.Error(), nil)
	case errors.Is(err, referral.ErrNoRoom):
		writeError(w, http.StatusUnprocessableEntity, "no-office", "no office of the directory offers this program", nil)
	default:
		h.svc.Log.Error("request failed", "route", r.Pattern, "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error", nil)
	}
}

// readJSON decodes the JSON body of r into v: it must say it is JSON, and
// arrive within the server's read timeout.
func readJSON(r *http.Request, v any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return errMediaType
	}
	var body bytes.Buffer
	if _, err := body.ReadFrom(r.Body); err != nil {
		var ne net.Error
		if errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
			return errSlowBody
		}
		return err
	}
	return referral.Decode(&body, v)
}

// referralJSON is a referral as the API shows it; Contact only in a
// provider's inbox.
type referralJSON struct {
	ID          string            `json:"id"`
	Number      string            `json:"number"`
	CreatedAt   time.Time         `json:"created_at"`
	Source      string            `json:"source"`
	Program     string            `json:"program"`
	AgeGroup    string            `json:"age_group"`
	District    string            `json:"district,omitempty"`
	Languages   []string          `json:"languages"`
	Needs       referral.Needs    `json:"needs"`
	Anonymous   bool              `json:"anonymous"`
	Status      string            `json:"status"`
	Office      *officeJSON       `json:"office"`
	AllFull     bool              `json:"all_full"`
	Reasons     []routing.Reason  `json:"reasons"`
	Assignments []assignmentJSON  `json:"assignments"`
	SlipURL     string            `json:"slip_url"`
	ConsentDate string            `json:"consent_date,omitempty"`
	Contact     *referral.Contact `json:"contact,omitempty"`
}

type officeJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Provider string `json:"provider"`
	Address  string `json:"address"`
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
}

type assignmentJSON struct {
	Seq       int       `json:"seq"`
	Office    string    `json:"office,omitempty"`
	Provider  string    `json:"provider,omitempty"`
	Status    string    `json:"status"`
	At        time.Time `json:"at"`
	ChangedAt time.Time `json:"changed_at"`
	Reason    string    `json:"reason,omitempty"`
	HasNote   bool      `json:"has_note,omitempty"`
}

func (h *Handler) view(r *referral.Referral) referralJSON {
	d := h.svc.Directory().Dir
	v := referralJSON{ID: r.ID, Number: r.Number, CreatedAt: r.CreatedAt, Source: r.Source, Program: r.Program, AgeGroup: r.AgeGroup,
		District: r.District, Languages: nonNil(r.Languages), Needs: r.Needs, Anonymous: r.Anonymous(), Status: r.Status(),
		SlipURL: "/api/v1/referrals/" + r.ID + "/slip?lang=" + r.SlipLang, Assignments: []assignmentJSON{}, Reasons: []routing.Reason{}}
	for _, a := range r.Assignments {
		v.Assignments = append(v.Assignments, assignmentJSON{a.Seq, a.Office, a.Provider, a.Status, a.At, a.ChangedAt, a.Reason, a.Note != nil})
	}
	if cur := r.Current(); cur != nil {
		v.Reasons, v.AllFull = cur.Reasons, cur.AllFull
		if o := d.Office(cur.Office); o != nil {
			name, _ := o.Name.Get(d.Site.DefaultLanguage, d.Site.DefaultLanguage)
			v.Office = &officeJSON{ID: o.ID, Name: name, Provider: o.Provider,
				Address: fmt.Sprintf("%s, %s %s", o.Address.Street, o.Address.PostalCode, o.Address.City), Phone: string(o.Phone), Email: string(o.Email)}
		}
	}
	return v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// idempotencyKey returns the request's Idempotency-Key, checked.
func idempotencyKey(r *http.Request) (string, error) {
	k := r.Header.Get("Idempotency-Key")
	if len(k) > 200 || strings.ContainsFunc(k, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		return "", &referral.InvalidError{Syntax: true, Message: "Idempotency-Key must be up to 200 printable ASCII characters"}
	}
	return k, nil
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request, a referral.Actor) {
	key, err := idempotencyKey(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var req referral.CreateRequest
	if err := readJSON(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	ref, replayed, err := h.svc.Create(r.Context(), a, &req, key)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/referrals/"+ref.ID)
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, http.StatusCreated, h.view(ref))
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request, a referral.Actor) {
	ref, err := h.svc.Get(r.Context(), a, r.PathValue("id"), "read")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h.view(ref))
}

func (h *Handler) slip(w http.ResponseWriter, r *http.Request, a referral.Actor) {
	lang := r.URL.Query().Get("lang")
	if langs := h.svc.Directory().Dir.Site.Languages; lang != "" && !slices.Contains(langs, lang) {
		h.fail(w, r, &referral.InvalidError{Message: "unknown slip language", Fields: []referral.FieldProblem{{Field: "lang", Message: "slips are printed in " + strings.Join(langs, ", ")}}})
		return
	}
	ref, err := h.svc.Get(r.Context(), a, r.PathValue("id"), "read-slip")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := h.svc.WriteSlip(&b, ref, "", lang); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", referral.SlipCSP)
	w.Write(b.Bytes())
}

func (h *Handler) auditLog(w http.ResponseWriter, r *http.Request, a referral.Actor) {
	log, err := h.svc.AuditLog(r.Context(), a, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	type entry struct {
		At     time.Time `json:"at"`
		Actor  string    `json:"actor"`
		Role   string    `json:"role"`
		Action string    `json:"action"`
	}
	out := []entry{}
	for _, e := range log {
		out = append(out, entry{e.At, e.Actor, e.Role, e.Action})
	}
	writeJSON(w, http.StatusOK, map[string]any{"referral": r.PathValue("id"), "entries": out})
}

func (h *Handler) inbox(w http.ResponseWriter, r *http.Request, a referral.Actor) {
	page := 0
	if p := r.URL.Query().Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 100000 {
			h.fail(w, r, &referral.InvalidError{Message: "bad page", Fields: []referral.FieldProblem{{Field: "page", Message: "a page number from 1"}}})
			return
		}
		page = n - 1
	}
	refs, total, err := h.svc.List(r.Context(), a, page)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := []referralJSON{}
	for _, ref := range refs {
		v := h.view(ref)
		v.ConsentDate = ref.ConsentDate
		c, err := h.svc.Contact(r.Context(), a, ref)
		if err != nil { // fails closed: no contact data without its audit entry
			h.fail(w, r, fmt.Errorf("referral %s: %w", ref.ID, err))
			return
		}
		v.Contact = c
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"referrals": out, "total": total, "page": page + 1, "page_size": referral.PageSize})
}

func (h *Handler) status(w http.ResponseWriter, r *http.Request, a referral.Actor) {
	var req referral.StatusRequest
	if err := readJSON(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	ref, err := h.svc.SetStatus(r.Context(), a, r.PathValue("id"), &req)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h.view(ref))
}

func (h *Handler) reassign(w http.ResponseWriter, r *http.Request, a referral.Actor) {
	var req referral.ReassignRequest
	if err := readJSON(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	ref, err := h.svc.Reassign(r.Context(), a, r.PathValue("id"), &req)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h.view(ref))
}

func (h *Handler) erase(w http.ResponseWriter, r *http.Request, a referral.Actor) {
	if err := h.svc.Erase(r.Context(), a, r.PathValue("id")); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "erased"})
}

func (h *Handler) stats(w http.ResponseWriter, r *http.Request, a referral.Actor) {
	st, err := h.svc.Stats(r.Context(), a, r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}
