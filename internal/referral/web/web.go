// Package web is the web interface of the referral endpoint, for people:
// agency staff refer a person (with the consent step, the routing
// proposal and the slip), providers work through their inbox (accept,
// decline with a reason), the coordination office reassigns what nobody
// took and reads capacity and statistics.
//
// Pages are rendered on the server with html/template and work without
// JavaScript; the one small script (assets/web.js) only filters long
// lists. Every page has a strict Content-Security-Policy (no inline script
// or style, nothing from another host).
//
// People sign in with their own account (referral.Service.SignIn:
// argon2id passwords, locking after repeated failures); the session
// cookie is __Host-, Secure, HttpOnly and SameSite=Strict; every form
// carries the session's CSRF token, and the sign-in form a token of its
// own (double submit). Sign-ins are also limited per client address.
//
// The interface speaks the languages of its strings (i18n/*.yaml: German,
// English, and Arabic marked as needing review by a native speaker); each
// person's language is chosen at sign-in or on the account page. Slips are
// printed in any language of the site.
package web

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/time/rate"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/themes"
)

//go:embed templates/*.html i18n/*.yaml assets/*
var files embed.FS

// Languages are the languages of the interface, German first.
var Languages = []string{"de", "en", "ar"}

// Cookie names. The __Host- prefix makes browsers refuse them unless they
// are Secure, for the whole host and set by it.
const (
	sessionCookie = "__Host-ww-session"
	loginCookie   = "__Host-ww-login"
)

// Handler is the web interface.
type Handler struct {
	svc       *referral.Service
	strs      *i18n.Bundle
	templates map[string]*template.Template
	assets    map[string][]byte // published name → content
	assetName map[string]string // file → published name (with its hash)
	mux       *http.ServeMux

	mu          sync.Mutex
	perIP       map[string]*rate.Limiter // sign-in attempts per client address
	signInEvery time.Duration
	signInBurst int
	review      map[string]bool // languages whose strings need review
}

// Option changes a default of the web interface.
type Option func(*Handler)

// SignInLimit sets how many sign-in attempts a client address may make:
// one per every, in bursts of burst (default: one per 6 s, bursts of 5).
func SignInLimit(every time.Duration, burst int) Option {
	return func(h *Handler) { h.signInEvery, h.signInBurst = every, burst }
}

// New returns the web interface of svc.
func New(svc *referral.Service, opts ...Option) *Handler {
	h := &Handler{svc: svc, templates: map[string]*template.Template{}, assets: map[string][]byte{}, assetName: map[string]string{},
		mux: http.NewServeMux(), perIP: map[string]*rate.Limiter{}, review: map[string]bool{}, signInEvery: 6 * time.Second, signInBurst: 5}
	for _, o := range opts {
		o(h)
	}
	strsFS, _ := fs.Sub(files, ".")
	strs, err := i18n.Load(Languages, "de", strsFS)
	if err != nil {
		panic(err) // embedded: a broken file is a programming error, caught by the tests
	}
	h.strs = strs
	for _, l := range Languages {
		h.review[l] = strs.T(l, "translation_status") != "reviewed"
	}
	entries, _ := fs.ReadDir(files, "assets")
	add := func(base string, b []byte) {
		sum := sha256.Sum256(b)
		ext := path.Ext(base)
		name := "/assets/" + strings.TrimSuffix(base, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		h.assets[name], h.assetName[base] = b, name
	}
	for _, e := range entries {
		b, _ := fs.ReadFile(files, "assets/"+e.Name())
		add(e.Name(), b)
	}
	// The site's icon, so browsers find one (and log no 404 for it).
	if b, err := fs.ReadFile(themes.Default(), "assets/icon.svg"); err == nil {
		add("icon.svg", b)
	}
	base := template.Must(template.New("base").Funcs(funcs).ParseFS(files, "templates/base.html"))
	pages, _ := fs.Glob(files, "templates/*.html")
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "base" {
			continue
		}
		h.templates[name] = template.Must(template.Must(base.Clone()).ParseFS(files, p))
	}
	h.routes()
	return h
}

// ServeHTTP sets the headers of every page and serves it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	h.mux.ServeHTTP(w, r)
}

// page is what a page's template sees.
type page struct {
	h      *Handler
	Lang   string
	Dir    string
	Actor  referral.Actor
	User   *referral.User
	CSRF   string
	Title  string
	Nav    string // the current navigation item
	Errors []fieldError
	Notice string
	Data   any
	Path   string
	Review bool // the interface strings of Lang need review by a native speaker
	SignIn bool // the page is the sign-in page
}

// fieldError is a problem with a form field, shown in the error summary
// and beside the field.
type fieldError struct {
	Field, Message string
}

// T returns the interface string key in the page's language.
func (p *page) T(key string, pairs ...string) string { return p.h.strs.T(p.Lang, key, pairs...) }

// SignedIn reports whether someone is signed in.
func (p *page) SignedIn() bool { return p.Actor.Name != "" }

// Asset returns the published path of an asset.
func (p *page) Asset(name string) string { return p.h.assetName[name] }

// ErrorFor returns the message of the problem with field, or "".
func (p *page) ErrorFor(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Languages returns the interface languages with their own names.
func (p *page) Languages() []langChoice {
	var out []langChoice
	for _, l := range Languages {
		out = append(out, langChoice{l, p.h.strs.T(l, "language_name"), l == p.Lang})
	}
	return out
}

type langChoice struct {
	Code, Name string
	Current    bool
}

var funcs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"sub": func(a, b int) int { return a - b },
	// dict passes a page and rows to a partial template.
	"dict": func(p *page, rows any) map[string]any { return map[string]any{"page": p, "rows": rows} },
	// sub100 is where a right-to-left bar of w percent starts.
	"sub100": func(w float64) float64 { return 100 - w },
}

// render writes template name with p; a failure is logged and answered
// with 500 (the page is rendered into a buffer first).
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	if p.Lang == "" {
		p.Lang = h.lang(r, p.User)
	}
	p.h, p.Dir, p.Path = h, "ltr", r.URL.Path
	if p.Lang == "ar" {
		p.Dir = "rtl"
	}
	p.Review = h.review[p.Lang]
	var b bytes.Buffer
	if err := h.templates[name].ExecuteTemplate(&b, "base", p); err != nil {
		h.svc.Log.Error("render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// lang is the language of the interface: the person's own, else the one
// asked for with ?lang=, else the browser's first that the interface
// speaks, else German.
func (h *Handler) lang(r *http.Request, u *referral.User) string {
	if u != nil && slices.Contains(Languages, u.Lang) {
		return u.Lang
	}
	if l := r.URL.Query().Get("lang"); slices.Contains(Languages, l) {
		return l
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	for _, t := range tags {
		base, _ := t.Base()
		if slices.Contains(Languages, base.String()) {
			return base.String()
		}
	}
	return Languages[0]
}

// session is the signed-in person of a request.
type session struct {
	actor referral.Actor
	se    *referral.Session
	user  *referral.User
}

func (h *Handler) session(r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, referral.ErrNotFound
	}
	a, se, u, err := h.svc.SessionActor(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	return &session{actor: a, se: se, user: u}, nil
}

// signedIn wraps a handler for signed-in people with one of roles (nil:
// any). A POST must carry the session's CSRF token.
func (h *Handler) signedIn(roles []string, next func(w http.ResponseWriter, r *http.Request, s *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := h.session(r)
		if err != nil {
			if !errors.Is(err, referral.ErrNotFound) {
				h.svc.Log.Error("session", "err", err)
			}
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if roles != nil && !slices.Contains(roles, s.actor.Role) {
			h.render(w, r, http.StatusForbidden, "message", &page{Actor: s.actor, User: s.user, CSRF: s.se.CSRF, Title: "forbidden_title", Notice: "forbidden_text"})
			return
		}
		if r.Method == http.MethodPost && !referral.CheckCSRF(s.se, r.PostFormValue("csrf")) {
			h.render(w, r, http.StatusForbidden, "message", &page{Actor: s.actor, User: s.user, CSRF: s.se.CSRF, Title: "csrf_title", Notice: "csrf_text"})
			return
		}
		next(w, r, s)
	}
}

// newPage returns a page for the signed-in person of s.
func (s *session) page(title, nav string) *page {
	return &page{Actor: s.actor, User: s.user, CSRF: s.se.CSRF, Title: title, Nav: nav}
}

func (h *Handler) routes() {
	h.mux.HandleFunc("GET /assets/", h.asset)
	h.mux.HandleFunc("GET /login", h.loginForm)
	h.mux.HandleFunc("POST /login", h.login)
	h.mux.HandleFunc("POST /logout", h.signedIn(nil, h.logout))
	h.mux.HandleFunc("GET /{$}", h.signedIn(nil, h.home))
	h.mux.HandleFunc("GET /account", h.signedIn(nil, h.account))
	h.mux.HandleFunc("POST /account", h.signedIn(nil, h.saveAccount))

	agency := []string{referral.RoleAgency, referral.RoleCoordination}
	h.mux.HandleFunc("GET /refer", h.signedIn(agency, h.referForm))
	h.mux.HandleFunc("POST /refer", h.signedIn(agency, h.refer))
	h.mux.HandleFunc("GET /slip", h.signedIn(agency, h.addressSlip))
	h.mux.HandleFunc("GET /referrals", h.signedIn(nil, h.list))
	h.mux.HandleFunc("GET /referrals/{id}", h.signedIn(nil, h.detail))
	h.mux.HandleFunc("GET /referrals/{id}/slip", h.signedIn(nil, h.slip))
	h.mux.HandleFunc("POST /referrals/{id}/status", h.signedIn([]string{referral.RoleProvider}, h.status))
	h.mux.HandleFunc("POST /referrals/{id}/reassign", h.signedIn([]string{referral.RoleCoordination}, h.reassign))
	h.mux.HandleFunc("POST /referrals/{id}/erase", h.signedIn(agency, h.erase))
	h.mux.HandleFunc("GET /capacity", h.signedIn([]string{referral.RoleCoordination, referral.RoleProvider}, h.capacity))
	h.mux.HandleFunc("GET /stats", h.signedIn([]string{referral.RoleCoordination}, h.stats))
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.render(w, r, http.StatusNotFound, "message", &page{Title: "not_found_title", Notice: "not_found_text"})
	})
}

func (h *Handler) asset(w http.ResponseWriter, r *http.Request) {
	b, ok := h.assets[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(r.URL.Path) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}

// home sends each person to the page of their role.
func (h *Handler) home(w http.ResponseWriter, r *http.Request, s *session) {
	to := map[string]string{referral.RoleAgency: "/refer", referral.RoleProvider: "/referrals", referral.RoleCoordination: "/referrals"}[s.actor.Role]
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// randomToken returns 32 random bytes, base64url-encoded.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(maxAge.Seconds())})
}

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, err := h.session(r); err == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	h.showLogin(w, r, http.StatusOK, "")
}

func (h *Handler) showLogin(w http.ResponseWriter, r *http.Request, status int, problem string) {
	tok := randomToken()
	setCookie(w, loginCookie, tok, time.Hour)
	p := &page{Title: "login_title", CSRF: tok, SignIn: true, Data: map[string]string{"Name": r.PostFormValue("name")}}
	if problem != "" {
		p.Errors = []fieldError{{"name", problem}}
	}
	h.render(w, r, status, "login", p)
}

// allowSignIn limits sign-in attempts per client address (SignInLimit).
func (h *Handler) allowSignIn(ip string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.perIP[ip]
	if l == nil {
		if len(h.perIP) > 10000 {
			clear(h.perIP)
		}
		l = rate.NewLimiter(rate.Every(h.signInEvery), h.signInBurst)
		h.perIP[ip] = l
	}
	return l.Allow()
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" || c.Value != r.PostFormValue("csrf") {
		h.render(w, r, http.StatusForbidden, "message", &page{Title: "csrf_title", Notice: "csrf_text"})
		return
	}
	p := &page{}
	p.h, p.Lang = h, h.lang(r, nil)
	if !h.allowSignIn(h.svc.Config.ClientAddr(r)) {
		w.Header().Set("Retry-After", "60")
		h.showLogin(w, r, http.StatusTooManyRequests, p.T("login_throttled"))
		return
	}
	secret, _, _, err := h.svc.SignIn(r.Context(), r.PostFormValue("name"), r.PostFormValue("password"))
	if err != nil {
		if !errors.Is(err, referral.ErrSignIn) {
			h.svc.Log.Error("sign-in", "err", err)
		}
		h.showLogin(w, r, http.StatusUnauthorized, p.T("login_failed"))
		return
	}
	setCookie(w, loginCookie, "", -time.Second)
	setCookie(w, sessionCookie, secret, referral.SessionTTL)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request, s *session) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		h.svc.SignOut(r.Context(), c.Value)
	}
	setCookie(w, sessionCookie, "", -time.Second)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (h *Handler) account(w http.ResponseWriter, r *http.Request, s *session) {
	h.render(w, r, http.StatusOK, "account", s.page("account_title", "account"))
}

// saveAccount changes the person's language or password.
func (h *Handler) saveAccount(w http.ResponseWriter, r *http.Request, s *session) {
	p := s.page("account_title", "account")
	p.h, p.Lang = h, h.lang(r, s.user)
	if l := r.PostFormValue("lang"); l != "" {
		if err := h.svc.SetLanguage(r.Context(), s.actor, l); err != nil {
			p.Errors = append(p.Errors, fieldError{"lang", p.T("error_invalid")})
		} else {
			s.user.Lang, p.Lang = l, l
			p.Notice = "account_saved"
		}
	}
	if pw := r.PostFormValue("new_password"); pw != "" {
		err := h.svc.ChangePassword(r.Context(), s.actor, r.PostFormValue("password"), pw)
		switch {
		case errors.Is(err, referral.ErrSignIn):
			p.Errors = append(p.Errors, fieldError{"password", p.T("account_wrong_password")})
		case err != nil:
			p.Errors = append(p.Errors, fieldError{"new_password", p.T("account_short_password", "n", fmt.Sprint(referral.MinPassword))})
		default:
			// The old sessions, this one too, have ended: sign in again.
			setCookie(w, sessionCookie, "", -time.Second)
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
	}
	status := http.StatusOK
	if len(p.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, "account", p)
}
