package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/seal"
)

// runBench measures the referral endpoint: a server on loopback with a
// fresh database (WAL, synchronous=FULL), concurrent clients creating
// referrals for a fixed time. Every 201 is a durable write.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, _ := newFlags("referrals bench", stderr)
	data := fs.String("data", ".", "site `directory` whose data/ the routing uses")
	clients := fs.Int("clients", 8, "concurrent `clients`")
	duration := fs.Duration("duration", 10*time.Second, "how long to send")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	dir, err := os.MkdirTemp("", "wegweiser-bench-")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitProblems
	}
	defer os.RemoveAll(dir)
	cfg := filepath.Join(dir, "referrals.yaml")
	os.WriteFile(filepath.Join(dir, "referral.key"), []byte(seal.NewKey()), 0o600)
	os.WriteFile(cfg, []byte("key_file: referral.key\nrate_limit: {per_second: 1000000, burst: 1000000}\ntokens: []\n"), 0o600)
	token, err := referral.AddToken(cfg, "bench", referral.RoleAgency, "")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitProblems
	}
	svc, closeDB, err := newReferralService(ctx, *data, filepath.Join(dir, "referrals.db"), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals bench: %v\n", err)
		return exitProblems
	}
	defer closeDB()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitProblems
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- referral.Serve(sctx, ln, svc) }()
	url := "http://" + ln.Addr().String() + "/api/v1/referrals"

	var districts []string
	for _, d := range svc.Dir.Districts {
		districts = append(districts, d.ID)
	}
	langs := []string{"ar", "uk", "tr", "ru", "fa", "prs", "en", "de"}
	var mu sync.Mutex
	var lat []time.Duration
	var failed int
	tr := &http.Transport{MaxIdleConnsPerHost: *clients}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	end := time.Now().Add(*duration)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range *clients {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			for i := 0; time.Now().Before(end); i++ {
				b, _ := json.Marshal(map[string]any{
					"source":  "jobcenter",
					"person":  map[string]any{"age": 18 + (i*7+c)%50, "district": districts[(i+c)%len(districts)], "languages": []string{langs[(i+c)%len(langs)]}},
					"needs":   map[string]any{"integration_course": i%3 == 0},
					"consent": map[string]any{"given": true, "date": time.Now().Format(time.DateOnly)},
					"contact": map[string]any{"name": fmt.Sprintf("Bench %d-%d", c, i), "phone": "0176 0000000"},
				})
				req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Idempotency-Key", fmt.Sprintf("b%d-%d", c, i))
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					bad++
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					bad++
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			failed += bad
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	stop()
	<-done
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))].Round(10 * time.Microsecond)
	}
	fmt.Fprintf(stdout, "referrals bench: %d clients, %s, WAL + synchronous=FULL\n", *clients, elapsed.Round(time.Millisecond))
	fmt.Fprintf(stdout, "  durable referrals: %d (%.0f/s), failed: %d\n", len(lat), float64(len(lat))/elapsed.Seconds(), failed)
	fmt.Fprintf(stdout, "  latency: p50 %s  p90 %s  p99 %s  max %s\n", pct(0.50), pct(0.90), pct(0.99), pct(1))
	if failed > 0 {
		return exitProblems
	}
	return exitOK
}
