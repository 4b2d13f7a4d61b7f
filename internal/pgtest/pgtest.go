// Package pgtest gives tests a real PostgreSQL server: a throw-away cluster
// in a temporary directory, made with Debian's postgresql package (initdb,
// pg_ctl), listening on a Unix socket in that directory only, started
// once per test binary and stopped when it ends. Each test gets a database
// of its own.
//
// $WEGWEISER_TEST_POSTGRES, a postgres:// URL of a server the tests may
// create databases on, is used instead when it is set. Without either, a
// test that needs PostgreSQL is skipped with a message, and fails under
// CI=true (.ci/run installs the package).
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// server is the cluster of this test binary.
var server struct {
	once sync.Once
	base string // URL of the postgres database, with user and socket
	dir  string
	ctl  string  // pg_ctl, to stop it
	as   account // who runs the server (postgres, when the tests run as root)
	err  error
	n    atomic.Int64
}

// bin returns the directory of Debian's PostgreSQL binaries (the newest).
func bin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) < version(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	return "", fmt.Errorf("no PostgreSQL server binaries (apt-get install postgresql)")
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// start makes and starts the cluster. PostgreSQL refuses to run as root:
// then the server runs as the user postgres, which Debian's package makes.
func start() {
	if u := os.Getenv("WEGWEISER_TEST_POSTGRES"); u != "" {
		server.base = u
		return
	}
	b, err := bin()
	if err != nil {
		server.err = err
		return
	}
	dir, err := os.MkdirTemp("", "wegweiser-pg-")
	if err != nil {
		server.err = err
		return
	}
	server.dir = dir
	owner := "postgres"
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			server.err = fmt.Errorf("running as root needs the user postgres (apt-get install postgresql): %w", err)
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		server.as = accountOf(uid, gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			server.err = err
			return
		}
	} else if u, err := user.Current(); err == nil {
		owner = u.Username
	}
	data := filepath.Join(dir, "data")
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(b, name), args...)
		server.as.apply(cmd)
		cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v\n%s", name, err, out)
		}
		return nil
	}
	if err := run("initdb", "--pgdata", data, "--auth", "trust", "--username", owner, "--encoding", "UTF8", "--no-sync"); err != nil {
		server.err = err
		return
	}
	// Only a socket in the directory: nothing listens on the network. fsync
	// stays on: the tests measure durable writes.
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories=%s -c max_connections=200", dir)
	server.ctl = filepath.Join(b, "pg_ctl")
	if err := run("pg_ctl", "--pgdata", data, "--log", filepath.Join(dir, "log"), "--options", opts, "--wait", "start"); err != nil {
		server.err = err
		return
	}
	server.base = (&url.URL{Scheme: "postgres", User: url.User(owner), Path: "/postgres", RawQuery: "host=" + url.QueryEscape(dir)}).String()
}

// Stop stops the cluster of this test binary and removes it; call it from
// TestMain after m.Run.
func Stop() {
	if server.ctl == "" {
		return
	}
	cmd := exec.Command(server.ctl, "--pgdata", filepath.Join(server.dir, "data"), "--mode", "immediate", "stop")
	server.as.apply(cmd)
	cmd.Run()
	os.RemoveAll(server.dir)
}

// URL returns the URL of a new, empty database for t, or skips t (fails
// it under CI) when there is no PostgreSQL.
func URL(t testing.TB) string {
	t.Helper()
	server.once.Do(start)
	if server.err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("this test needs PostgreSQL (under CI a missing tool is a failure; .ci/run installs it): %v", server.err)
		}
		t.Skipf("skipping: %v", server.err)
	}
	base, err := url.Parse(server.base)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("wegweiser_test_%d_%d", os.Getpid(), server.n.Add(1))
	db, err := sql.Open("pgx", base.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base.String())
		if err == nil {
			db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			db.Close()
		}
	})
	base.Path = "/" + name
	return base.String()
}

// Main runs the tests of a package that uses URL and stops the cluster
// afterwards: func TestMain(m *testing.M) { pgtest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}
