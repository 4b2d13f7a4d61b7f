package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/seal"
	"github.com/wegweiser-de/wegweiser/internal/sqlite"
	"github.com/wegweiser-de/wegweiser/themes"
)

func runReferrals(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "token":
			return runTokenAdd(args[1:], stdout, stderr)
		case "keygen":
			return runKeygen(args[1:], stdout, stderr)
		case "bench":
			return runBench(ctx, args[1:], stdout, stderr)
		}
	}
	fs, _ := newFlags("referrals", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`address` to listen on")
	data := fs.String("data", ".", "site `directory` whose data/ the routing uses")
	dbPath := fs.String("db", "referrals.db", "SQLite database `file` (created if missing)")
	config := fs.String("config", "referrals.yaml", "configuration `file` with the tokens")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage:\n  wegweiser referrals [flags]                      serve the referral API\n  wegweiser referrals token add --role R --name N [--provider P] [--config F]\n  wegweiser referrals keygen --out FILE\n  wegweiser referrals bench [--clients N] [--duration D]   load benchmark on loopback\n\nFlags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	svc, closeDB, err := newReferralService(ctx, *data, *dbPath, *config, log)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals: %v\n", err)
		return exitProblems
	}
	defer closeDB()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals: %v\n", err)
		return exitProblems
	}
	log.Info("listening", "addr", ln.Addr().String(), "db", *dbPath, "offices", len(svc.Dir.Providers))
	fmt.Fprintf(stdout, "wegweiser referrals: http://%s/api/v1/ (OpenAPI at /api/v1/openapi.yaml)\n", ln.Addr())
	if err := referral.Serve(ctx, ln, svc); err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals: %v\n", err)
		return exitProblems
	}
	return exitOK
}

// newReferralService loads the directory, the configuration, the key and
// the database.
func newReferralService(ctx context.Context, data, dbPath, config string, log *slog.Logger) (*referral.Service, func(), error) {
	cfg, err := referral.LoadConfig(config)
	if err != nil {
		return nil, nil, err
	}
	key, err := seal.LoadKey(referral.KeyEnv, cfg.KeyPath())
	if err != nil {
		return nil, nil, err
	}
	sealer, err := seal.New(key)
	if err != nil {
		return nil, nil, err
	}
	fsys, err := load.OpenDir(data)
	if err != nil {
		return nil, nil, err
	}
	dir, problems := load.Load(fsys, load.Options{})
	if dir == nil {
		return nil, nil, fmt.Errorf("the directory in %s has errors (run wegweiser check): %w", data, problems)
	}
	strs, err := i18n.Load(dir.Site.Languages, dir.Site.DefaultLanguage, themes.Default(), fsys)
	if err != nil {
		return nil, nil, err
	}
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return nil, nil, err
	}
	svc := &referral.Service{Dir: dir, Store: db, Sealer: sealer, Strings: strs, Config: cfg, Now: time.Now, Log: log}
	return svc, func() { db.Close() }, nil
}

func runTokenAdd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "Usage: wegweiser referrals token add --role agency|provider|coordination --name NAME [--provider ID] [--config FILE]")
		return exitUsage
	}
	fs, _ := newFlags("referrals token add", stderr)
	role := fs.String("role", "", "`role` of the token: agency, provider or coordination")
	name := fs.String("name", "", "who holds the token, e.g. jobcenter-mitte")
	provider := fs.String("provider", "", "provider `id` for a provider token")
	config := fs.String("config", "referrals.yaml", "configuration `file` (created if missing)")
	if code, ok := parseFlags(fs, args[1:], 0); !ok {
		return code
	}
	secret, err := referral.AddToken(*config, *name, *role, *provider)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "Token %q (%s) added to %s. It is shown only now; %s keeps only its hash.\n", *name, *role, *config, filepath.Base(*config))
	fmt.Fprintln(stdout, secret)
	return exitOK
}

func runKeygen(args []string, stdout, stderr io.Writer) int {
	fs, _ := newFlags("referrals keygen", stderr)
	out := fs.String("out", "", "write the key to this `file` (mode 0600); it must not exist")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stdout, seal.NewKey())
		return exitOK
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals keygen: %v\n", err)
		return exitProblems
	}
	defer f.Close()
	if _, err := fmt.Fprintln(f, seal.NewKey()); err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals keygen: %v\n", err)
		return exitProblems
	}
	return exitOK
}
