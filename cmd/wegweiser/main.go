// Command wegweiser builds and checks a Wegweiser directory site.
//
// Usage:
//
//	wegweiser <command> [flags]
//
// Commands:
//
//	build    build the site into public/
//	check    validate data/ and the front matter of content/
//	due      list the entries due for a check with their provider; keep one issue per provider
//	fmt      rewrite data files in normal form (--check: only report)
//	new      write a commented template: provider, office, course-file
//	referrals serve the referral API (Zuleitungen); manage its tokens and key
//	schema   write the JSON Schemas of the data files
//	search   search the directory from the command line
//	serve    serve the site, rebuilding and reloading on every change
//	version  print the version
//
// Every command works on the site in the current directory, or in the
// directory given by --source. Exit status: 0 success (warnings allowed),
// 1 problems in the site, 2 wrong usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/history"
	"github.com/wegweiser-de/wegweiser/internal/load"
)

// version is set at link time (-ldflags "-X main.version=…").
var version = "dev"

// Exit codes.
const (
	exitOK       = 0
	exitProblems = 1
	exitUsage    = 2
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"build", "build the site into public/", runBuild},
		{"check", "validate data/ and the front matter of content/", runCheck},
		{"due", "list the entries due for a check with their provider (--issues: one issue each on GitHub or GitLab)", runDue},
		{"fmt", "rewrite data files in normal form; --check reports files that are not", runFmt},
		{"new", "write a commented template: new provider|office|course-file", runNew},
		{"referrals", "serve the referral API (Zuleitungen); manage its tokens and key", runReferrals},
		{"schema", "write the JSON Schemas of the data files", runSchema},
		{"search", "search the directory from the command line (JSON, as /api/search)", runSearch},
		{"serve", "serve the site, rebuilding and reloading on every change", runServe},
		{"version", "print the version", func(_ context.Context, _ []string, stdout, _ io.Writer) int {
			fmt.Fprintln(stdout, "wegweiser", version)
			return exitOK
		}},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches args to a subcommand and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "wegweiser: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: wegweiser <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'wegweiser <command> -h' for the flags of a command.")
}

// newFlags returns a flag set for a subcommand that prints its errors to
// stderr and knows --source.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("wegweiser "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	source := fs.String("source", ".", "site `directory` holding data/, content/, i18n/ and themes/")
	return fs, source
}

// siteFlags are the flags every command that reads a site shares.
type siteFlags struct {
	name   string
	source *string
	today  *string
	// fsys is the site in source, set by check: it cannot reach outside
	// source (load.OpenDir).
	fsys fs.FS
}

// newSiteFlags returns a flag set with --source and --today.
func newSiteFlags(name string, stderr io.Writer) (*flag.FlagSet, *siteFlags) {
	fs, source := newFlags(name, stderr)
	today := fs.String("today", "", "judge dates as if today were `YYYY-MM-DD` (default: the real date)")
	return fs, &siteFlags{name: name, source: source, today: today}
}

// check validates --source and --today after parsing and returns the day
// to judge dates by (zero: the real date); ok is false after a usage error
// has been reported.
func (f *siteFlags) check(stderr io.Writer) (now time.Time, ok bool) {
	if *f.today != "" {
		t, err := time.Parse(time.DateOnly, *f.today)
		if err != nil {
			fmt.Fprintf(stderr, "wegweiser %s: --today %q is not a date YYYY-MM-DD\n", f.name, *f.today)
			return time.Time{}, false
		}
		now = t
	}
	if st, err := os.Stat(*f.source); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "wegweiser %s: --source %q is not a directory\n", f.name, *f.source)
		return time.Time{}, false
	}
	fsys, err := load.OpenDir(*f.source)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser %s: --source: %v\n", f.name, err)
		return time.Time{}, false
	}
	f.fsys = fsys
	return now, true
}

// historyFlag adds --no-history to a command that reads the site's Git
// history, and returns the function that opens it after parsing: nil when
// turned off, or when the source is not in a Git work tree (the build's
// summary then says where the feeds' changes came from).
func historyFlag(fs *flag.FlagSet, site *siteFlags) func(ctx context.Context) *history.Repo {
	off := fs.Bool("no-history", false, "do not read the Git history (translations older than their German text; the \"what changed\" feeds)")
	return func(ctx context.Context) *history.Repo {
		if *off {
			return nil
		}
		repo, err := history.Open(ctx, *site.source)
		if err != nil {
			return nil
		}
		return repo
	}
}

// parseFlags parses args, allowing at most maxArgs arguments before,
// between or after the flags, and maps flag errors to an exit code; ok is false when the command
// should return code.
func parseFlags(fs *flag.FlagSet, args []string, maxArgs int) (code int, ok bool) {
	// Flags may follow arguments too (`user disable anna --db …`): parse
	// up to the next argument, set it aside, go on; then the arguments
	// set aside become fs.Args().
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK, false
			}
			return exitUsage, false
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	fs.Parse(append([]string{"--"}, pos...))
	if fs.NArg() > maxArgs {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(maxArgs))
		return exitUsage, false
	}
	return 0, true
}
