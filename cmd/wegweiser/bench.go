package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/seal"
)

// runBench measures the referral endpoint: a server on loopback with a
// fresh store (a SQLite file in WAL mode with synchronous=FULL, or the
// PostgreSQL database --db names, which it must be allowed to write to),
// concurrent clients creating referrals for a fixed time; every 201 is a
// durable write. Next to it, the physical anchor: the same clients doing
// plain durable single-row inserts into the same database for the same
// time.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, f := referralFlags("referrals bench", stderr)
	clients := fs.Int("clients", 8, "concurrent `clients`")
	duration := fs.Duration("duration", 10*time.Second, "how long to send")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the referral phase (server and clients) to `file` (for go tool pprof)")
	*f.db = ""
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	dir, err := os.MkdirTemp("", "wegweiser-bench-")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitProblems
	}
	defer os.RemoveAll(dir)
	if *f.db == "" {
		*f.db = filepath.Join(dir, "referrals.db")
	}
	*f.config = filepath.Join(dir, "referrals.yaml")
	os.WriteFile(filepath.Join(dir, "referral.key"), []byte(seal.NewKey()), 0o600)
	os.WriteFile(*f.config, []byte("key_file: referral.key\nrate_limit: {per_second: 1000000, burst: 1000000}\ntokens: []\n"), 0o600)
	token, err := referral.AddToken(*f.config, "bench", referral.RoleAgency, "", nil)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitProblems
	}
	svc, err := f.service(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals bench: %v\n", err)
		return exitProblems
	}
	defer svc.Store.Close()
	stopProfile, err := startCPUProfile(*cpuprofile) // stopped when the referrals are sent
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals bench: %v\n", err)
		return exitUsage
	}
	defer stopProfile()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitProblems
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- referral.Serve(sctx, ln, svc, handler(svc)) }()
	url := "http://" + ln.Addr().String() + "/api/v1/referrals"

	var districts []string
	for _, d := range svc.Directory().Dir.Districts {
		districts = append(districts, d.ID)
	}
	langs := []string{"ar", "uk", "tr", "ru", "fa", "prs", "en", "de"}
	tr := &http.Transport{MaxIdleConnsPerHost: *clients}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	run := filepath.Base(dir) // idempotency keys of this run only: the PostgreSQL database may hold earlier runs
	creates := runLoad(*clients, *duration, func(c, i int) string {
		b, _ := json.Marshal(map[string]any{
			"source":  "jobcenter",
			"person":  map[string]any{"age": 18 + (i*7+c)%50, "district": districts[(i+c)%len(districts)], "languages": []string{langs[(i+c)%len(langs)]}},
			"needs":   map[string]any{"integration_course": i%3 == 0},
			"consent": map[string]any{"given": true, "date": time.Now().Format(time.DateOnly)},
			"contact": map[string]any{"name": fmt.Sprintf("Bench %d-%d", c, i), "phone": "0176 0000000"},
		})
		req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", fmt.Sprintf("%s-%d-%d", run, c, i))
		resp, err := client.Do(req)
		if err != nil {
			return "request failed"
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return resp.Status
		}
		return ""
	})
	stop()
	<-done
	stopProfile()

	// The anchor: durable single-row inserts, one transaction each.
	type dber interface{ DB() *sql.DB }
	var inserts result
	if s, ok := svc.Store.(dber); ok {
		db := s.DB()
		db.ExecContext(ctx, `CREATE TABLE bench_insert (id TEXT PRIMARY KEY, payload TEXT NOT NULL)`)
		q := `INSERT INTO bench_insert (id, payload) VALUES (?, ?)`
		if storeName(*f.db) == "postgres" {
			q = `INSERT INTO bench_insert (id, payload) VALUES ($1, $2)`
		}
		payload := string(bytes.Repeat([]byte("x"), 400))
		inserts = runLoad(*clients, *duration, func(c, i int) string {
			if _, err := db.ExecContext(ctx, q, fmt.Sprintf("%d-%d", c, i), payload); err != nil {
				return "insert failed"
			}
			return ""
		})
		db.ExecContext(ctx, `DROP TABLE bench_insert`)
	}
	fmt.Fprintf(stdout, "referrals bench: %s, %d clients, %s each\n", storeName(*f.db), *clients, duration.Round(time.Millisecond))
	fmt.Fprintf(stdout, "  durable referrals: %s\n", creates)
	fmt.Fprintf(stdout, "  plain durable inserts, same database: %s\n", inserts)
	if creates.failed > 0 {
		return exitProblems
	}
	return exitOK
}

// result is what a load run measured.
type result struct {
	n, failed int
	why       map[string]int // failures by answer
	elapsed   time.Duration
	lat       []time.Duration
}

func (r result) String() string {
	why := ""
	if r.failed > 0 {
		var parts []string
		for k, n := range r.why {
			parts = append(parts, fmt.Sprintf("%s: %d", k, n))
		}
		slices.Sort(parts)
		why = " (" + strings.Join(parts, ", ") + ")"
	}
	if r.n == 0 {
		return fmt.Sprintf("none (%d failed%s)", r.failed, why)
	}
	pct := func(p float64) time.Duration {
		return r.lat[min(len(r.lat)-1, int(float64(len(r.lat))*p))].Round(10 * time.Microsecond)
	}
	return fmt.Sprintf("%d (%.0f/s), failed %d%s; latency p50 %s, p99 %s, max %s",
		r.n, float64(r.n)/r.elapsed.Seconds(), r.failed, why, pct(0.5), pct(0.99), pct(1))
}

// runLoad runs do from clients goroutines for duration, each call numbered i
// by client c, and measures the successful calls (do returns "") and
// counts the failures by what do returns.
func runLoad(clients int, duration time.Duration, do func(c, i int) string) result {
	var mu sync.Mutex
	res := result{why: map[string]int{}}
	start := time.Now()
	end := start.Add(duration)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			var mine []time.Duration
			bad := map[string]int{}
			for i := 0; time.Now().Before(end); i++ {
				t0 := time.Now()
				if why := do(c, i); why != "" {
					bad[why]++
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			res.lat = append(res.lat, mine...)
			for k, n := range bad {
				res.why[k] += n
				res.failed += n
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed, res.n = time.Since(start), len(res.lat)
	slices.Sort(res.lat)
	return res
}
