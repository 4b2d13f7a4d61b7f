// Package serve implements `wegweiser serve`: it lays the site out in
// memory (build.Preview: pages rendered when first asked for, the other
// files made in the background), serves it over HTTP with the site's
// security headers, watches the source directories and rebuilds what
// changed on every change. Pages reload themselves
// after a good rebuild (Server-Sent Events); after a failed one the last
// good site stays up and every page shows the problems, with file and
// line, until they are fixed.
package serve

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/build"
	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/search"
	"github.com/wegweiser-de/wegweiser/internal/watch"
)

//go:embed reload.js
var reloadJS []byte

// prefix is the path below which the server's own endpoints live.
const prefix = "/_wegweiser/"

// Config configures a Server.
type Config struct {
	Source string    // the site directory
	Now    time.Time // build date; zero: the real date at each build
	Log    *slog.Logger
	// Spill is where the builds write the files made in the background
	// (build.PreviewOptions.Spill); "": they stay in memory. Run uses a
	// temporary directory.
	Spill string
}

// Server holds the last good build in memory and serves it.
type Server struct {
	cfg Config

	openSource sync.Once
	src        fs.FS // the site, which cannot reach outside cfg.Source (load.OpenDir)
	srcErr     error

	mu       sync.RWMutex
	preview  *build.Preview // the last good build
	problems diag.List      // of the last build attempt
	version  int            // counts good builds
	subs     map[chan struct{}]bool
}

// New returns a server for the site in cfg.Source. Call Rebuild before
// serving.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Server{cfg: cfg, subs: map[chan struct{}]bool{}}
}

// Rebuild builds the site: it loads again what changed and lays out the
// pages, which are rendered when first asked for; the other files follow
// in the background (see build.Preview). On success the new site replaces
// the old one; on data errors the old one stays and the problems are
// shown. Either way connected pages are told.
func (s *Server) Rebuild(ctx context.Context) error {
	start := time.Now()
	s.mu.RLock()
	prev := s.preview
	s.mu.RUnlock()
	s.openSource.Do(func() { s.src, s.srcErr = load.OpenDir(s.cfg.Source) })
	if s.srcErr != nil {
		return s.srcErr
	}
	pv, err := build.Prepare(ctx, build.Config{Source: s.src, Now: s.cfg.Now},
		build.PreviewOptions{Reload: strings.TrimPrefix(prefix, "/") + "reload.js", Workers: max(1, runtime.GOMAXPROCS(0)-1), Spill: s.cfg.Spill}, prev)
	s.mu.Lock()
	var problems diag.List
	switch {
	case errors.As(err, &problems):
		s.problems = problems
	case err != nil:
		s.problems = diag.List{{Pos: diag.Pos{File: s.cfg.Source, Line: 1, Col: 1}, Severity: diag.Error, Rule: "build", Message: err.Error()}}
	default:
		if prev != nil {
			prev.Close()
		}
		s.preview, s.problems = pv, pv.Problems()
		s.version++
	}
	for ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default: // a notice is already pending
		}
	}
	s.mu.Unlock()
	if err != nil {
		s.cfg.Log.Warn("build failed; serving the last good build", "errors", s.problems.Errors(), "first", s.problems.Error())
		return err
	}
	loaded := "all"
	if pv.Patched() != nil {
		loaded = strings.Join(pv.Patched(), " ")
	}
	s.cfg.Log.Info("built", "pages", pv.Pages(), "kept", pv.Kept, "theme_kept", pv.ThemeKept(), "loaded", loaded,
		"took", time.Since(start).Round(time.Millisecond), "phases", phases(pv.Phases))
	go func() {
		ph, err := pv.Wait(ctx)
		if err == nil {
			// A collection now, while nothing waits: the garbage of the
			// background files (hundreds of MB at national scale) is gone
			// before the next change, whose rebuild then runs without a
			// collection beside it (national, scripts/bench-serve:
			// rebuild 316–416 → 164–263 ms; see docs/scale.md).
			runtime.GC()
			s.cfg.Log.Info("built the rest (exports, open data, search)", "took", time.Since(start).Round(time.Millisecond), "phases", phases(ph))
		} else if !errors.Is(err, context.Canceled) {
			s.cfg.Log.Warn("building the rest failed", "err", err)
		}
	}()
	return nil
}

// stop stops the background work of the last build and waits for it.
func (s *Server) stop() {
	s.mu.RLock()
	pv := s.preview
	s.mu.RUnlock()
	if pv != nil {
		pv.Close()
		pv.Wait(context.Background())
	}
}

// phases formats the wall times of build phases for the log.
func phases(ps []build.Phase) string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s %dms", p.Name, p.Duration.Milliseconds()))
	}
	return strings.Join(out, ", ")
}

type state struct {
	Version  int       `json:"version"`
	Problems diag.List `json:"problems"`
}

func (s *Server) state() state {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := s.problems
	if p == nil {
		p = diag.List{}
	}
	return state{s.version, p}
}

// ServeHTTP serves the last good build, the reload script, the build state
// (/_wegweiser/state) and its changes as Server-Sent Events
// (/_wegweiser/events).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	pv := s.preview
	s.mu.RUnlock()
	headers := build.Headers() // no build yet: the site's own headers
	if pv != nil {
		headers = pv.Headers(r.URL.Path)
	}
	for _, h := range headers {
		w.Header().Set(h.Name, h.Value)
	}
	switch r.URL.Path {
	case prefix + "reload.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(reloadJS)
		return
	case prefix + "state":
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(s.state())
		return
	case prefix + "events":
		s.events(w, r)
		return
	case "/api/search":
		s.search(w, r, pv)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if strings.HasSuffix(r.URL.Path, "/") && name != "" {
		name += "/"
	}
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if pv == nil {
		s.noBuild(w)
		return
	}
	if !pv.IsPage(name) && pv.IsPage(name+"/index.html") {
		http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
		return
	}
	b, ok, err := pv.File(r.Context(), name)
	status := http.StatusOK
	if err == nil && !ok {
		status, name = http.StatusNotFound, "404.html"
		b, _, err = pv.File(r.Context(), name)
	}
	if err != nil {
		s.cfg.Log.Warn("cannot serve", "path", name, "err", err)
		http.Error(w, fmt.Sprintf("wegweiser serve cannot make %s: %v", name, err), http.StatusInternalServerError)
		return
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	if r.Method == http.MethodGet {
		w.Write(b)
	}
}

var noBuildPage = template.Must(template.New("").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>wegweiser serve: no build yet</title>
<script src="/_wegweiser/reload.js" defer></script></head>
<body><h1>The site has errors and has not been built yet</h1>
<p>Fix them and this page reloads by itself.</p>
<ul>{{range .}}<li><code>{{.}}</code></li>{{end}}</ul></body></html>`))

// noBuild explains why there is nothing to serve yet.
func (s *Server) noBuild(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	noBuildPage.Execute(w, s.state().Problems)
}

// search answers GET /api/search?q=…&lang=…[&kind=…&district=…&language=…&program=…&type=…]
// with {"total": n, "results": [{key, url, title, kind, snippet}], "facets": {…}}:
// the static index's answer (search.Static), the one the site's search
// page gives, read from the preview's files.
func (s *Server) search(w http.ResponseWriter, r *http.Request, pv *build.Preview) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "application/json")
	fail := func(code int, msg string) {
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(map[string]string{"error": msg})
	}
	if pv == nil {
		fail(http.StatusServiceUnavailable, "the site has not been built")
		return
	}
	lang := q.Get("lang")
	if !langCode.MatchString(lang) {
		fail(http.StatusBadRequest, fmt.Sprintf("no search index for language %q", lang))
		return
	}
	st, err := search.OpenStatic(func(name string) ([]byte, error) {
		b, ok, err := pv.File(r.Context(), "search/"+lang+"/"+name)
		if err == nil && !ok {
			err = fmt.Errorf("no search index for language %q", lang)
		}
		return b, err
	})
	if err != nil {
		fail(http.StatusBadRequest, err.Error())
		return
	}
	filters := map[string]string{}
	for _, f := range search.Facets {
		filters[f] = q.Get(f)
	}
	res, err := st.Search(q.Get("q"), filters, 20)
	if err != nil {
		fail(http.StatusInternalServerError, err.Error())
		return
	}
	for i := range res.Results {
		res.Results[i].URL = "/" + res.Results[i].URL
	}
	json.NewEncoder(w).Encode(res)
}

// langCode is the form of a language code in a request.
var langCode = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]+)*$`)

// events streams the build state: once on connection, then after every
// build attempt.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.subs[ch] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.subs, ch)
		s.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	send := func() bool {
		b, _ := json.Marshal(s.state())
		_, err := fmt.Fprintf(w, "event: state\ndata: %s\n\n", b)
		fl.Flush()
		return err == nil
	}
	if !send() {
		return
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ch:
			if !send() {
				return
			}
		}
	}
}

// watched are the directories of the source whose changes trigger a build.
var watched = []string{"data", "content", "themes", "i18n"}

// Watch rebuilds after changes below the watched directories until ctx is
// done. Changes that arrive together are built once.
func (s *Server) Watch(ctx context.Context) error {
	roots := make([]string, len(watched))
	for i, d := range watched {
		roots[i] = filepath.Join(s.cfg.Source, d)
	}
	return watch.Dirs(ctx, roots, 50*time.Millisecond, s.cfg.Log, func() { s.Rebuild(ctx) })
}

// Run builds the site, serves it on addr and rebuilds on changes until ctx
// is done, then shuts down gracefully. ready, if not nil, receives the
// address listened on.
func Run(ctx context.Context, cfg Config, addr string, ready func(net.Addr)) error {
	if cfg.Spill == "" {
		// The exports, open data and search index are read from disk
		// when asked for rather than held in memory (680 MB at national
		// scale, twice while a rebuild makes them again).
		dir, err := os.MkdirTemp("", "wegweiser-serve-")
		if err != nil {
			return err
		}
		cfg.Spill = dir
		defer os.RemoveAll(dir) // after the deferred wait below
		if mem, known := inMemory(dir); known && !mem && cfg.Log != nil {
			// At national scale a change rewrites about 400 MB there; on
			// a disk that made the background files 1–3 s slower and
			// the rebuilds beside them too (docs/scale.md).
			cfg.Log.Info("the files made in the background go to a disk; for a large site, set TMPDIR to a memory file system (tmpfs), e.g. TMPDIR=/dev/shm", "dir", dir)
		}
	}
	s := New(cfg)
	defer s.stop()
	if err := s.Rebuild(ctx); err != nil {
		var problems diag.List
		if !errors.As(err, &problems) {
			return err
		}
		// Serve anyway: the page shows the problems until they are fixed.
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		// Requests end with ctx, so open event streams do not hold up Shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	go func() { errc <- s.Watch(ctx) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
