package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/pgtest"
	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/seal"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// built is the wegweiser binary the process tests run, built once.
var built struct {
	once sync.Once
	path string
	err  error
	dir  string
}

// binary returns the path of the wegweiser binary, built once per test run.
func binary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "wegweiser-bin-")
		if built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "wegweiser")
		if out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// endpoint is a `wegweiser referrals` process.
type endpoint struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
	mu   *sync.Mutex
}

// startEndpoint starts `wegweiser referrals` on a free port with the
// site in data, the database db and the configuration cfg.
func startEndpoint(t *testing.T, data, db, cfg string) *endpoint {
	t.Helper()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	e := &endpoint{url: "http://" + addr, logs: &bytes.Buffer{}, mu: &sync.Mutex{}}
	e.cmd = exec.Command(binary(t), "referrals", "--addr", addr, "--data", data, "--db", db, "--config", cfg)
	e.cmd.Stdout = io.Discard
	e.cmd.Stderr = lockedBuffer{e}
	if err := e.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.cmd.Process.Signal(syscall.SIGTERM)
		e.cmd.Wait()
	})
	for range 200 {
		if r, err := http.Get(e.url + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return e
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the endpoint did not start:\n%s", e.log())
	return nil
}

type lockedBuffer struct{ e *endpoint }

func (w lockedBuffer) Write(p []byte) (int, error) {
	w.e.mu.Lock()
	defer w.e.mu.Unlock()
	return w.e.logs.Write(p)
}

func (e *endpoint) log() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.logs.String()
}

// create sends a referral and returns the status and the answer.
func (e *endpoint) create(t *testing.T, token string, body map[string]any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", e.url+"/api/v1/referrals", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// endpointConfig writes a key and a configuration with one agency token
// into dir and returns the configuration's path and the token.
func endpointConfig(t *testing.T, dir string) (string, string) {
	t.Helper()
	cfg := filepath.Join(dir, "referrals.yaml")
	os.WriteFile(filepath.Join(dir, "referral.key"), []byte(seal.NewKey()), 0o600)
	os.WriteFile(cfg, []byte("key_file: referral.key\nrate_limit: {per_second: 100000, burst: 100000}\ntokens: []\n"), 0o600)
	token, err := referral.AddToken(cfg, "jobcenter", referral.RoleAgency, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, token
}

func anonymous(district string, age int) map[string]any {
	return map[string]any{"source": "jobcenter", "anonymous": true, "person": map[string]any{"age": age, "district": district, "languages": []string{"ar"}}}
}

// TestTwoProcessesOnePostgres runs two endpoint processes on one
// PostgreSQL database and sends them referrals at once, fewer than the
// offices can take together: no office gets more than its capacity.
func TestTwoProcessesOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two servers; skipped with -short")
	}
	url := pgtest.URL(t)
	dir := copySite(t)
	cfg, token := endpointConfig(t, dir)
	a := startEndpoint(t, dir, url, cfg)
	b := startEndpoint(t, dir, url, cfg)
	// JMD offices of the example: their capacities, and how many to send.
	capacity := map[string]int{}
	total := 0
	for _, p := range exampleProviders(t) {
		for _, o := range p.offices {
			if o.jmd && o.capacity > 0 {
				capacity[o.id] = o.capacity
				total += o.capacity
			}
		}
	}
	n := total - 5
	var wg sync.WaitGroup
	var mu sync.Mutex
	load := map[string]int{}
	for i := range n {
		e := a
		if i%2 == 1 {
			e = b
		}
		wg.Go(func() {
			status, m := e.create(t, token, anonymous("maxvorstadt", 19))
			if status != 201 {
				t.Errorf("create: %d %v", status, m)
				return
			}
			office, _ := m["office"].(map[string]any)
			mu.Lock()
			load[fmt.Sprint(office["id"])]++
			mu.Unlock()
		})
		if i%16 == 15 {
			wg.Wait() // 16 at a time, alternating between the two processes
		}
	}
	wg.Wait()
	sum := 0
	for office, got := range load {
		sum += got
		if got > capacity[office] {
			t.Errorf("office %s got %d referrals; its capacity is %d", office, got, capacity[office])
		}
	}
	if sum != n {
		t.Errorf("%d of %d referrals assigned", sum, n)
	}
	t.Logf("%d referrals through two processes onto %d JMD offices with %d places: none over capacity", n, len(load), total)
}

// TestLiveDirectory: the endpoint loads data/ again on SIGHUP and when a
// file changes; a directory with errors keeps the last good one (and the
// log says why); requests keep being served.
func TestLiveDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a server; skipped with -short")
	}
	dir := copySite(t)
	cfg, token := endpointConfig(t, dir)
	e := startEndpoint(t, dir, filepath.Join(dir, "referrals.db"), cfg)
	routed := func() string {
		status, m := e.create(t, token, anonymous("maxvorstadt", 40))
		if status != 201 {
			t.Fatalf("create: %d %v", status, m)
		}
		return fmt.Sprint(m["office"].(map[string]any)["id"])
	}
	first := routed()
	// Take the first office's capacity away: the next referral goes
	// elsewhere once the directory is reloaded.
	file, src := providerFileOf(t, dir, first)
	if err := os.WriteFile(file, []byte(setCapacity(t, string(src), first, 0)), 0o644); err != nil {
		t.Fatal(err)
	}
	waitLog(t, e, "directory reloaded")
	if got := routed(); got == first {
		t.Errorf("still routed to %s, whose capacity was removed", first)
	}
	// A broken file: the last good directory stays, the log says why.
	os.WriteFile(file, []byte("id: broken\n  name: [\n"), 0o644)
	e.cmd.Process.Signal(syscall.SIGHUP)
	waitLog(t, e, "directory not reloaded")
	if got := routed(); got == first || got == "" {
		t.Errorf("after a broken reload: routed to %q", got)
	}
	if strings.Contains(e.log(), "Zarathustra") {
		t.Errorf("personal data in the log")
	}
	// Repaired and SIGHUP: the original capacity is back.
	os.WriteFile(file, src, 0o644)
	e.cmd.Process.Signal(syscall.SIGHUP)
	waitLog(t, e, `"why":"SIGHUP","providers"`)
}

// waitLog waits until the endpoint's log holds s.
func waitLog(t *testing.T, e *endpoint, s string) {
	t.Helper()
	for range 200 {
		if strings.Contains(e.log(), s) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the log never said %q:\n%s", s, e.log())
}

// exampleOffice is what the process tests need to know of an office.
type exampleOffice struct {
	id       string
	capacity int
	jmd      bool
}

// exampleProviders returns the offices of the example's providers.
func exampleProviders(t *testing.T) []struct{ offices []exampleOffice } {
	t.Helper()
	d, problems := load.Load(os.DirFS(repo), load.Options{Now: time.Now()})
	if d == nil {
		t.Fatal(problems)
	}
	var out []struct{ offices []exampleOffice }
	for _, p := range d.Providers {
		var offices []exampleOffice
		for _, o := range p.Offices {
			eo := exampleOffice{id: o.ID}
			if o.Capacity != nil {
				eo.capacity = o.Capacity.ReferralsPerMonth
			}
			for _, of := range p.Offers {
				if of.Program == "jmd" && slices.Contains(of.Offices, o.ID) {
					eo.jmd = true
				}
			}
			offices = append(offices, eo)
		}
		out = append(out, struct{ offices []exampleOffice }{offices})
	}
	return out
}

// providerFileOf returns the provider file in the site dir that defines
// office, and its content.
func providerFileOf(t *testing.T, dir, office string) (string, []byte) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "data", "providers", "*.yaml"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if bytes.Contains(b, []byte("- id: "+office+"\n")) {
			return f, b
		}
	}
	t.Fatalf("no provider file defines %s", office)
	return "", nil
}

// setCapacity sets the capacity of office in a provider file's text.
func setCapacity(t *testing.T, src, office string, n int) string {
	t.Helper()
	i := strings.Index(src, "- id: "+office+"\n")
	j := strings.Index(src[i:], "capacity: {referrals_per_month: ")
	if i < 0 || j < 0 {
		t.Fatalf("no capacity line for %s", office)
	}
	j += i
	k := strings.IndexByte(src[j:], '}') + j
	return src[:j] + fmt.Sprintf("capacity: {referrals_per_month: %d", n) + src[k:]
}
