package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/seal"
)

// TestCrashDurability runs the referral server as a real process, sends
// referrals from several clients while killing the server with SIGKILL and
// restarting it, and then checks the database: every referral that was
// acknowledged with 201 is there, and none twice (clients retry with the
// same Idempotency-Key, as the API asks).
func TestCrashDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a server; skipped with -short")
	}
	dir := t.TempDir()
	bin := binary(t)
	cfg := filepath.Join(dir, "referrals.yaml")
	os.WriteFile(filepath.Join(dir, "referral.key"), []byte(seal.NewKey()), 0o600)
	os.WriteFile(cfg, []byte("key_file: referral.key\nrate_limit: {per_second: 100000, burst: 100000}\ntokens: []\n"), 0o600)
	token, err := referral.AddToken(cfg, "jobcenter", referral.RoleAgency, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "referrals.db")
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()

	var mu sync.Mutex
	var proc *exec.Cmd
	startServer := func() {
		cmd := exec.Command(bin, "referrals", "--addr", addr, "--data", repo, "--db", db, "--config", cfg)
		cmd.Stderr = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		proc = cmd
		mu.Unlock()
		go cmd.Wait()
	}
	startServer()

	body := func(i int) []byte {
		b, _ := json.Marshal(map[string]any{
			"source": "jobcenter", "person": map[string]any{"age": 30 + i%40, "district": "maxvorstadt"},
			"consent": map[string]any{"given": true, "date": time.Now().Format(time.DateOnly)},
			"contact": map[string]any{"name": fmt.Sprintf("Person %d", i)},
		})
		return b
	}
	client := &http.Client{Timeout: 5 * time.Second}
	acked := map[string]string{} // idempotency key → referral id
	var ackMu sync.Mutex
	const clients, perClient = 4, 50
	var wg sync.WaitGroup
	stop := make(chan struct{}) // closed after the last kill and restart
	sent, retries := 0, 0
	for c := range clients {
		wg.Go(func() {
			for i := 0; ; i++ {
				if i >= perClient {
					select {
					case <-stop:
						ackMu.Lock()
						sent += i
						ackMu.Unlock()
						return
					default:
					}
				}
				key := fmt.Sprintf("c%d-%d", c, i)
				for attempt := 0; ; attempt++ {
					req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/referrals", bytes.NewReader(body(c*perClient+i)))
					req.Header.Set("Authorization", "Bearer "+token)
					req.Header.Set("Idempotency-Key", key)
					req.Header.Set("Content-Type", "application/json")
					resp, err := client.Do(req)
					if err == nil {
						var m struct{ ID string }
						json.NewDecoder(resp.Body).Decode(&m)
						resp.Body.Close()
						if resp.StatusCode == 201 {
							ackMu.Lock()
							if prev, ok := acked[key]; ok && prev != m.ID {
								t.Errorf("key %s acknowledged as %s and %s", key, prev, m.ID)
							}
							acked[key] = m.ID
							ackMu.Unlock()
							break
						}
						t.Errorf("key %s: status %d", key, resp.StatusCode)
						break
					}
					if attempt > 400 {
						t.Errorf("key %s: gave up: %v", key, err)
						return
					}
					ackMu.Lock()
					retries++
					ackMu.Unlock()
					time.Sleep(25 * time.Millisecond) // the server is down: retry the same key
				}
			}
		})
	}
	// Kill and restart the server three times while the clients send.
	const kills = 3
	for range kills {
		time.Sleep(300 * time.Millisecond)
		mu.Lock()
		proc.Process.Signal(syscall.SIGKILL)
		mu.Unlock()
		time.Sleep(100 * time.Millisecond)
		startServer()
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	mu.Lock()
	proc.Process.Signal(syscall.SIGKILL)
	mu.Unlock()
	time.Sleep(100 * time.Millisecond)

	if len(acked) != sent {
		t.Fatalf("%d of %d referrals acknowledged", len(acked), sent)
	}
	sdb, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	var rows, distinct int
	sdb.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT id) FROM referrals`).Scan(&rows, &distinct)
	if rows != len(acked) || distinct != rows {
		t.Errorf("database holds %d referrals (%d distinct) for %d acknowledged", rows, distinct, len(acked))
	}
	for key, id := range acked {
		var n int
		sdb.QueryRow(`SELECT COUNT(*) FROM referrals r JOIN idempotency i ON i.referral_id = r.id WHERE i.idem_key = ? AND r.id = ?`, key, id).Scan(&n)
		if n != 1 {
			t.Errorf("acknowledged referral %s (key %s) is not in the database once: %d", id, key, n)
		}
	}
	t.Logf("%d referrals acknowledged across %d kills (%d retries after failed requests); database holds %d, none twice", len(acked), kills, retries, rows)
	if retries == 0 {
		t.Errorf("no request failed: the kills did not hit traffic")
	}
	if len(acked) < clients*perClient {
		t.Errorf("only %d referrals sent: the kills did not happen under load", len(acked))
	}
}
