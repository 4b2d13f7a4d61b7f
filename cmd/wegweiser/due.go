package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/due"
	"github.com/wegweiser-de/wegweiser/internal/load"
)

// runDue lists the entries whose check with their provider is due, the
// list the coordination office works through each quarter; with --issues
// it keeps one issue per provider on the Git host in step with it (the
// scheduled workflows in .github/workflows/due.yml and .gitlab-ci.yml).
func runDue(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, site := newSiteFlags("due", stderr)
	format := fs.String("format", "text", "output `format`: text, json or csv")
	stale := fs.Int("stale-days", 0, "due when last_verified is older than `N` days (default: site.yaml's checks.stale_days, else 92)")
	issues := fs.String("issues", "", "open, update and close one issue per provider on `host` github or gitlab (in CI: see docs/checks.md)")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	if !slices.Contains(due.Formats, *format) {
		fmt.Fprintf(stderr, "wegweiser due: unknown format %q (use %s)\n", *format, strings.Join(due.Formats, ", "))
		return exitUsage
	}
	var tracker due.Tracker
	switch *issues {
	case "":
	case "github", "gitlab":
		var err error
		if *issues == "github" {
			tracker, err = due.GitHubFromEnv(os.Getenv)
		} else {
			tracker, err = due.GitLabFromEnv(os.Getenv)
		}
		if err != nil {
			fmt.Fprintf(stderr, "wegweiser due: --issues %s: %v\n", *issues, err)
			return exitUsage
		}
	default:
		fmt.Fprintf(stderr, "wegweiser due: --issues %q: use github or gitlab\n", *issues)
		return exitUsage
	}
	now, ok := site.check(stderr)
	if !ok {
		return exitUsage
	}
	_, problems := load.Load(site.fsys, load.Options{StaleDays: *stale, Now: now})
	if problems.Errors() > 0 {
		prefix(problems, *site.source)
		fmt.Fprintf(stderr, "wegweiser due: the data has %d errors; run wegweiser check\n", problems.Errors())
		return exitProblems
	}
	list := due.List(problems)
	if tracker == nil {
		if err := due.Write(stdout, *format, list); err != nil {
			fmt.Fprintf(stderr, "wegweiser due: %v\n", err)
			return exitProblems
		}
		return exitOK
	}
	actions, err := due.Sync(ctx, tracker, list, codeOwners(site.fsys).Owners)
	for _, a := range actions {
		fmt.Fprintf(stderr, "wegweiser due: %s: issue %d %s\n", a.Provider, a.Issue, a.Did)
	}
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser due: %v\n", err)
		return exitProblems
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(actions)
	}
	return exitOK
}

// codeOwners reads the site's CODEOWNERS from where GitHub and GitLab look
// for it; none: nobody is mentioned.
func codeOwners(fsys fs.FS) due.CodeOwners {
	for _, name := range []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"} {
		if b, err := fs.ReadFile(fsys, name); err == nil {
			return due.ParseCodeOwners(b)
		}
	}
	return nil
}
