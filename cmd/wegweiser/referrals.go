package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/i18n"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/postgres"
	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/referral/api"
	"github.com/wegweiser-de/wegweiser/internal/referral/web"
	"github.com/wegweiser-de/wegweiser/internal/seal"
	"github.com/wegweiser-de/wegweiser/internal/sqlite"
	"github.com/wegweiser-de/wegweiser/internal/watch"
	"github.com/wegweiser-de/wegweiser/themes"
)

const referralsUsage = `Usage:
  wegweiser referrals [flags]                        serve the API and the web interface
  wegweiser referrals token add --role R --name N [--provider P]    a token for a system
  wegweiser referrals user add --name N --role R [--agency A | --provider P] [--lang L]
  wegweiser referrals user disable|enable|password NAME
  wegweiser referrals user list
  wegweiser referrals keygen [--out FILE]            a new key for contact data
  wegweiser referrals reseal                         seal all personal data again with the current key
  wegweiser referrals backup --out FILE              a consistent copy of the SQLite database, while it runs
  wegweiser referrals bench [--clients N] [--duration D] [--db FILE|URL]   load benchmark on loopback

--db is a SQLite file (created if missing) or postgres://user:password@host/database.
Each subcommand has -h.`

func runReferrals(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "token":
			return runTokenAdd(ctx, args[1:], stdout, stderr)
		case "user":
			return runUser(ctx, args[1:], stdout, stderr)
		case "keygen":
			return runKeygen(args[1:], stdout, stderr)
		case "reseal":
			return runReseal(ctx, args[1:], stdout, stderr)
		case "bench":
			return runBench(ctx, args[1:], stdout, stderr)
		case "backup":
			return runBackup(ctx, args[1:], stdout, stderr)
		}
	}
	fs, f := referralFlags("referrals", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`address` to listen on")
	fs.Usage = func() {
		fmt.Fprintln(stderr, referralsUsage+"\n\nFlags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	svc, err := f.service(ctx, log)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals: %v\n", err)
		return exitProblems
	}
	defer svc.Store.Close()
	for _, w := range referral.WideModes(append(svc.Config.KeyFiles(), *f.config, *f.db, *f.db+"-wal", *f.db+"-shm")...) {
		log.Warn("file mode", "warning", w)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals: %v\n", err)
		return exitProblems
	}
	// The directory is loaded again on SIGHUP and when data/ changes; with
	// errors the last good one stays.
	reload := func(why string) {
		d, err := loadDirectory(*f.data)
		if err != nil {
			log.Error("directory not reloaded: the last good one stays", "why", why, "err", err)
			return
		}
		svc.SetDirectory(d)
		log.Info("directory reloaded", "why", why, "providers", len(d.Dir.Providers))
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				reload("SIGHUP")
			}
		}
	}()
	go watch.Dirs(ctx, []string{filepath.Join(*f.data, "data")}, 500*time.Millisecond, log, func() { reload("data/ changed") })

	log.Info("listening", "addr", ln.Addr().String(), "store", storeName(*f.db), "providers", len(svc.Directory().Dir.Providers))
	fmt.Fprintf(stdout, "wegweiser referrals: http://%s/ (web interface), http://%s/api/v1/ (API; OpenAPI at /api/v1/openapi.yaml)\n", ln.Addr(), ln.Addr())
	if err := referral.Serve(ctx, ln, svc, handler(svc)); err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals: %v\n", err)
		return exitProblems
	}
	return exitOK
}

// handler is what the endpoint serves: the JSON API below /api/ and the
// health checks, the web interface for people everywhere else.
func handler(svc *referral.Service) http.Handler {
	mux := http.NewServeMux()
	a := api.New(svc)
	for _, p := range []string{"/api/", "/healthz", "/readyz"} {
		mux.Handle(p, a)
	}
	mux.Handle("/", web.New(svc))
	return mux
}

// referralsFlags are the flags of the commands that open the endpoint's
// data.
type referralsFlags struct {
	data, db, config *string
}

func referralFlags(name string, stderr io.Writer) (*flag.FlagSet, *referralsFlags) {
	fs, _ := newFlags(name, stderr)
	return fs, &referralsFlags{
		data:   fs.String("data", ".", "site `directory` whose data/ the routing uses"),
		db:     fs.String("db", "referrals.db", "SQLite database `file` (created if missing) or postgres://… URL"),
		config: fs.String("config", "referrals.yaml", "configuration `file` with the tokens and the key"),
	}
}

func storeName(db string) string {
	if postgres.IsURL(db) {
		return "postgres"
	}
	return "sqlite " + db
}

// openStore opens the store --db names.
func openStore(ctx context.Context, db string) (referral.Store, error) {
	if postgres.IsURL(db) {
		return postgres.Open(ctx, db)
	}
	return sqlite.Open(ctx, db)
}

// loadDirectory loads the directory in the site data and its interface
// strings.
func loadDirectory(data string) (referral.Directory, error) {
	fsys, err := load.OpenDir(data)
	if err != nil {
		return referral.Directory{}, err
	}
	dir, problems := load.Load(fsys, load.Options{})
	if dir == nil {
		return referral.Directory{}, fmt.Errorf("the directory in %s has %d errors (run wegweiser check): %w", data, problems.Errors(), problems)
	}
	strs, err := i18n.Load(dir.Site.Languages, dir.Site.DefaultLanguage, themes.Default(), fsys)
	if err != nil {
		return referral.Directory{}, err
	}
	return referral.Directory{Dir: dir, Strings: strs}, nil
}

// service loads the configuration, the keys, the directory and the store.
func (f *referralsFlags) service(ctx context.Context, log *slog.Logger) (*referral.Service, error) {
	cfg, err := referral.LoadConfig(*f.config)
	if err != nil {
		return nil, err
	}
	sealer, err := cfg.Sealer()
	if err != nil {
		return nil, err
	}
	d, err := loadDirectory(*f.data)
	if err != nil {
		return nil, err
	}
	store, err := openStore(ctx, *f.db)
	if err != nil {
		return nil, err
	}
	return referral.NewService(d, store, sealer, cfg, log), nil
}

func runTokenAdd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "Usage: wegweiser referrals token add --role agency|provider|coordination --name NAME [--provider ID] [--config FILE] [--data DIR]")
		return exitUsage
	}
	fs, f := referralFlags("referrals token add", stderr)
	role := fs.String("role", "", "`role` of the token: agency, provider or coordination")
	name := fs.String("name", "", "who holds the token, e.g. jobcenter-mitte")
	provider := fs.String("provider", "", "provider `id` for a provider token (checked against the directory in --data)")
	if code, ok := parseFlags(fs, args[1:], 0); !ok {
		return code
	}
	known := func(string) bool { return false }
	if *provider != "" {
		d, err := loadDirectory(*f.data)
		if err != nil {
			fmt.Fprintf(stderr, "wegweiser referrals token add: %v\n", err)
			return exitProblems
		}
		known = func(id string) bool { return d.Dir.Provider(id) != nil }
	}
	secret, err := referral.AddToken(*f.config, *name, *role, *provider, known)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "Token %q (%s) added to %s. It is shown only now; %s keeps only its hash.\n", *name, *role, *f.config, filepath.Base(*f.config))
	fmt.Fprintln(stdout, secret)
	return exitOK
}

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	usage := "Usage: wegweiser referrals user add|disable|enable|password|list [flags] [NAME]"
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	verb := args[0]
	fs, f := referralFlags("referrals user "+verb, stderr)
	var add referral.AddUserRequest
	if verb == "add" {
		fs.StringVar(&add.Name, "name", "", "the person's sign-in `name`, e.g. anna.beispiel")
		fs.StringVar(&add.Role, "role", "", "`role`: agency, provider or coordination")
		fs.StringVar(&add.Agency, "agency", "", "for agency staff: the referring `agency`, e.g. jobcenter-mitte")
		fs.StringVar(&add.Provider, "provider", "", "for a provider's staff: the provider `id`")
		fs.StringVar(&add.Lang, "lang", "", "the interface `language` (default: the site's)")
	}
	maxArgs := map[string]int{"add": 0, "list": 0, "disable": 1, "enable": 1, "password": 1}
	n, known := maxArgs[verb]
	if !known {
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	if code, ok := parseFlags(fs, args[1:], n); !ok {
		return code
	}
	if n == 1 && fs.NArg() != 1 {
		fmt.Fprintf(stderr, "wegweiser referrals user %s: name the account\n", verb)
		return exitUsage
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := f.service(ctx, log)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals user: %v\n", err)
		return exitProblems
	}
	defer svc.Store.Close()
	switch verb {
	case "add":
		pw, err := svc.AddUser(ctx, add)
		if err != nil {
			fmt.Fprintf(stderr, "wegweiser referrals %v\n", err)
			return exitUsage
		}
		fmt.Fprintf(stderr, "Account %q (%s) added. Its password is shown only now; hand it over in person.\n", add.Name, add.Role)
		fmt.Fprintln(stdout, pw)
	case "disable", "enable":
		if err := svc.Store.SetDisabled(ctx, fs.Arg(0), verb == "disable"); err != nil {
			fmt.Fprintf(stderr, "wegweiser referrals user %s: %v\n", verb, err)
			return exitProblems
		}
		fmt.Fprintf(stderr, "Account %q %sd.\n", fs.Arg(0), verb)
	case "password":
		pw := referral.NewPassword()
		if err := svc.Store.SetPassword(ctx, fs.Arg(0), referral.HashPassword(pw)); err != nil {
			fmt.Fprintf(stderr, "wegweiser referrals user password: %v\n", err)
			return exitProblems
		}
		fmt.Fprintf(stderr, "New password for %q (its sessions are ended); shown only now:\n", fs.Arg(0))
		fmt.Fprintln(stdout, pw)
	case "list":
		users, err := svc.Store.Users(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "wegweiser referrals user list: %v\n", err)
			return exitProblems
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tAGENCY/PROVIDER\tSTATE")
		for _, u := range users {
			state := "active"
			if u.Disabled {
				state = "disabled"
			} else if u.LockedUntil.After(time.Now()) {
				state = "locked until " + u.LockedUntil.Local().Format("15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, u.Agency+u.Provider, state)
		}
		tw.Flush()
	}
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
	file, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals keygen: %v\n", err)
		return exitProblems
	}
	defer file.Close()
	if _, err := fmt.Fprintln(file, seal.NewKey()); err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals keygen: %v\n", err)
		return exitProblems
	}
	return exitOK
}

// runBackup copies the SQLite database while the endpoint runs
// (PostgreSQL has pg_dump).
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, _ := newFlags("referrals backup", stderr)
	db := fs.String("db", "referrals.db", "the SQLite database `file`")
	out := fs.String("out", "", "the copy's `file` (mode 0600); it must not exist")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	switch {
	case *out == "":
		fmt.Fprintln(stderr, "wegweiser referrals backup: --out FILE is required")
		return exitUsage
	case postgres.IsURL(*db):
		fmt.Fprintln(stderr, "wegweiser referrals backup: for PostgreSQL use pg_dump (docs/referrals.md, \"Backups\")")
		return exitUsage
	}
	if _, err := os.Stat(*db); err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals backup: %v\n", err)
		return exitProblems
	}
	s, err := sqlite.Open(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals backup: %v\n", err)
		return exitProblems
	}
	defer s.Close()
	if err := sqlite.Backup(ctx, s, *out); err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals backup: %v\n", err)
		return exitProblems
	}
	fmt.Fprintf(stdout, "wegweiser referrals backup: %s → %s (contact data stays sealed; the key is not in it)\n", *db, *out)
	return exitOK
}

// runReseal seals every sealed value again with the current key: the last
// step of a key rotation (docs/referrals.md, "Key rotation").
func runReseal(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, f := referralFlags("referrals reseal", stderr)
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	svc, err := f.service(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals reseal: %v\n", err)
		return exitProblems
	}
	defer svc.Store.Close()
	n, err := svc.Reseal(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser referrals reseal: %v (nothing was changed)\n", err)
		return exitProblems
	}
	fmt.Fprintf(stdout, "wegweiser referrals reseal: %d values sealed again with key %s\n", n, svc.Sealer.Current())
	if len(svc.Config.OldKeyFiles) > 0 {
		fmt.Fprintln(stdout, "Every value now opens with the current key: old_key_files can be removed from the configuration.")
	}
	return exitOK
}
