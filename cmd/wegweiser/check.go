package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/load"
)

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, site := newSiteFlags("check", stderr)
	format := fs.String("format", diag.FormatText, "report `format`: text, json, github (GitHub Actions annotations) or gitlab (GitLab code-quality JSON)")
	stale := fs.Int("stale-days", 0, "warn when last_verified is older than `N` days (default: site.yaml's checks.stale_days, else 92)")
	noWarn := fs.Bool("no-warnings", false, "report errors only")
	openHistory := historyFlag(fs, site)
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	if !slices.Contains(diag.Formats, *format) {
		fmt.Fprintf(stderr, "wegweiser check: unknown format %q (use %s)\n", *format, strings.Join(diag.Formats, ", "))
		return exitUsage
	}
	now, ok := site.check(stderr)
	if !ok {
		return exitUsage
	}
	opts := load.Options{StaleDays: *stale, Now: now}
	if repo := openHistory(ctx); repo != nil {
		if opts.Now.IsZero() {
			opts.Now = time.Now()
		}
		opts.Lines = repo.Lines(ctx, opts.Now)
	}
	problems := loadSite(site.fsys, *site.source, opts)
	if *noWarn {
		var errs diag.List
		for _, p := range problems {
			if p.Severity == diag.Error {
				errs = append(errs, p)
			}
		}
		problems = errs
	}
	if err := diag.Write(stdout, *format, problems); err != nil {
		fmt.Fprintf(stderr, "wegweiser check: %v\n", err)
		return exitProblems
	}
	fmt.Fprintf(stderr, "wegweiser check: %d errors, %d warnings\n", problems.Errors(), problems.Warnings())
	if problems.Errors() > 0 {
		return exitProblems
	}
	return exitOK
}

// loadSite loads the site fsys, which is the directory source, and returns
// its problems with file names as seen from the current directory.
func loadSite(fsys fs.FS, source string, opts load.Options) diag.List {
	_, problems := load.Load(fsys, opts)
	prefix(problems, source)
	return problems
}
