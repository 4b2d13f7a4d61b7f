package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"sync"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/build"
	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/publish"
	graph "github.com/wegweiser-de/wegweiser/internal/site"
)

// memoryLimit is the build's soft memory limit (see runtime/debug). It
// counts the Go heap and runtime; the process's RSS adds the program and
// the files mapped while the open data is written, 30–70 MB more at
// national scale. At 1.5 GiB a national first build peaked at 1.53–1.57
// GiB of RSS, at 1,472 MiB at 1.502–1.506 GiB, at 1,440 MiB at
// 1.43–1.49 GiB (four builds), in the same time as at 1.5 GiB (two pairs
// alternating, within the machine's noise); at 1,424 and 1,408 MiB the
// collector cost 6–16 % more (docs/scale.md, "The peak under 1.5 GiB").
const memoryLimit = 1440 << 20

// serveMemoryLimit is serve's: higher than the build's, so that a
// collection rarely starts during a rebuild (at 1.5 GiB, the rebuilds
// that met one took 210–310 ms instead of 95–140 ms at national scale;
// at 1.75 GiB the memory after each rebuild's background files stays at
// 1.0–1.2 GiB, the peak 1.73 GiB; docs/scale.md).
const serveMemoryLimit = 1792 << 20

// gcPercent is the build's garbage collection target (see runtime/debug).
const gcPercent = 150

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, site := newSiteFlags("build", stderr)
	out := fs.String("out", "", "output `directory` (default: public/ in the source directory)")
	timings := fs.Bool("timings", false, "print the wall time of each phase of the build")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the build to `file` (for go tool pprof)")
	traceFile := fs.String("trace", "", "write an execution trace of the build to `file` (for go tool trace: what each core does when)")
	edition := fs.String("edition", "public", "`edition` to build: public, or internal (for an intranet: adds what is marked for staff only)")
	stats := fs.String("stats", "", "publish the anonymous referral statistics of this export `file` (GET /api/v1/stats) as a page")
	pagesOnly := fs.Bool("pages-only", false, "render only the Markdown pages of content/ (for the comparison with Hugo in scripts/bench-build)")
	baseURL := fs.String("base-url", "", "absolute `URL` the site is served from, e.g. https://example.org/wegweiser/ (default: base_url of site.yaml; empty: relative links)")
	renderAll := fs.Bool("render-all", false, "make every file anew, keeping none of the previous output's pages, search indexes and open data (which a build otherwise keeps where nothing they read changed), and load every data file (not only those changed since the load kept in .NAME.state)")
	spare := fs.Bool("spare", true, "keep the output the build replaces next to the new one, as its hidden sibling .NAME.spare, for the next build to fill instead of an empty folder (faster when little changed: a kept page is already there); false removes it")
	openHistory := historyFlag(fs, site)
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	now, ok := site.check(stderr)
	if !ok {
		return exitUsage
	}
	source := site.source
	if *edition != "public" && *edition != "internal" {
		fmt.Fprintf(stderr, "wegweiser build: --edition must be public or internal, not %q\n", *edition)
		return exitUsage
	}
	cfg := build.Config{BaseURL: *baseURL, Now: now, Source: site.fsys, Edition: *edition, History: openHistory(ctx), RenderAll: *renderAll}
	run := build.Build
	if *pagesOnly {
		run = build.BuildPages
	}
	if *out == "" {
		*out = filepath.Join(*source, "public")
	}
	// What the build loaded is kept for the next one in the hidden
	// sibling .NAME.state, beside the spare and never published (it holds
	// every value of the data files): the next build decodes only the
	// files whose content changed.
	cfg.State = filepath.Join(filepath.Dir(filepath.Clean(*out)), "."+filepath.Base(filepath.Clean(*out))+".state")
	if *stats != "" {
		f, err := os.Open(*stats)
		if err != nil {
			fmt.Fprintf(stderr, "wegweiser build: %v\n", err)
			return exitUsage
		}
		cfg.Statistics, err = graph.ParseStatistics(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "wegweiser build: %s: %v\n", *stats, err)
			return exitProblems
		}
	}
	stopProfile, err := startCPUProfile(*cpuprofile)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser build: %v\n", err)
		return exitUsage
	}
	defer stopProfile()
	stopTrace, err := startTrace(*traceFile)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser build: %v\n", err)
		return exitUsage
	}
	defer stopTrace()
	// A soft memory limit keeps a national build under 2 GiB: the
	// collector works harder near it instead of letting the heap double.
	// Below it, the collector runs when the heap has grown by gcPercent
	// (not the default 100): while pages render, the live heap is about
	// 300 MB at national scale and nearly all else is garbage of one page,
	// so the default would mark those 300 MB again every 300 MB allocated.
	// Not much more either: a larger heap is fresh memory the kernel has
	// to hand out and clear (system time), which cost more than the
	// marking saved. Measured on 2 cores, 2026-12-03, 20,000 Markdown
	// pages (--pages-only) at 100 / 150 / 200: 3.8–4.0 / 4.0 / 4.2–4.5 s;
	// state scale (--render-all, 2 runs) 28.3–28.7 / 26.7–27.9 /
	// 26.3–29.4 s; earlier, national 194.5 s at 200, 199.4 s at 400.
	// GOMEMLIMIT and GOGC, where set, win.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	var res *build.Result
	began := time.Now()
	mode := publish.RemoveOld
	if *spare {
		mode = publish.KeepSpare
	}
	err = publish.Publish(ctx, *out, mode, func(d *publish.Dir) error {
		// The previous build (what changed since, and pages to keep: d
		// links them from there).
		cfg.Previous = d.Previous()
		var err error
		res, err = run(ctx, cfg, d)
		if res != nil {
			res.Files, res.Bytes = d.Stats()
		}
		return err
	})
	// Nothing the output is made from changed: nothing was written.
	var utd *build.UpToDateError
	if errors.As(err, &utd) {
		total := 0
		for _, n := range utd.Stamp.Pages {
			total += n
		}
		warnings := fmt.Sprintf("%d warnings", utd.Stamp.Warnings)
		if utd.Stamp.Warnings == 1 {
			warnings = "1 warning"
		}
		fmt.Fprintf(stdout, "wegweiser build: %s is up to date: nothing it is made from changed since the build of %s (%d pages, %s: wegweiser check lists them; --render-all builds anyway)\n",
			*out, utd.Stamp.Built.Local().Format("2006-01-02 15:04"), total, warnings)
		if *timings {
			fmt.Fprintf(stdout, "phases: fingerprint %.2fs\n", time.Since(began).Seconds())
		}
		return exitOK
	}
	var problems diag.List
	if res != nil {
		problems = res.Problems
	}
	if errors.As(err, &problems) {
		prefix(problems, *source)
		diag.Write(stderr, diag.FormatText, problems)
		fmt.Fprintf(stderr, "wegweiser build: %d errors, %d warnings: nothing written, %s is unchanged\n", problems.Errors(), problems.Warnings(), *out)
		return exitProblems
	}
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser build: %v (%s is unchanged)\n", err, *out)
		return exitProblems
	}
	prefix(problems, *source)
	shown, more := briefWarnings(problems, 3)
	diag.Write(stderr, diag.FormatText, shown)
	for _, m := range more {
		fmt.Fprintln(stderr, m)
	}
	// The time printed is the whole build's, the new output in place and
	// the old one removed (publish): at national scale that last step
	// alone is 4–6 s, which the build's own clock does not see.
	built := res.Duration
	res.Duration = time.Since(began)
	fmt.Fprintf(stdout, "wegweiser build: %s → %s\n", res.Summary(), *out)
	if res.ChangesFrom != "" {
		fmt.Fprintf(stdout, "changes in the feeds: from %s\n", res.ChangesFrom)
	}
	if *timings {
		var parts []string
		for _, p := range res.Phases {
			parts = append(parts, fmt.Sprintf("%s %.2fs", p.Name, p.Duration.Seconds()))
		}
		parts = append(parts, fmt.Sprintf("publish %.2fs", (res.Duration-built).Seconds()))
		fmt.Fprintf(stdout, "phases: %s\n", strings.Join(parts, ", "))
	}
	return exitOK
}

// prefix makes the file names of problems relative to the current
// directory.
func prefix(problems diag.List, source string) {
	if source == "." {
		return
	}
	for i := range problems {
		problems[i].File = filepath.Join(source, problems[i].File)
	}
}

// briefWarnings keeps a successful build's output readable: of each kind
// of warning (rule) it keeps the first n, and says how many more there
// are (wegweiser check lists them all). A failed build shows everything.
func briefWarnings(problems diag.List, n int) (diag.List, []string) {
	count := map[string]int{}
	var shown diag.List
	var order []string
	for _, p := range problems {
		count[p.Rule]++
		switch {
		case count[p.Rule] <= n:
			shown = append(shown, p)
		case count[p.Rule] == n+1:
			order = append(order, p.Rule)
		}
	}
	var more []string
	for _, rule := range order {
		more = append(more, fmt.Sprintf("… and %d more `%s` warnings: wegweiser check lists them all", count[rule]-n, rule))
	}
	return shown, more
}

// startTrace starts an execution trace written to file ("": none) and
// returns the function that stops it (which may be called more than once).
func startTrace(file string) (stop func(), err error) {
	return startRecording(file, trace.Start, trace.Stop)
}

// startCPUProfile starts a CPU profile written to file ("": none) and
// returns the function that stops it (which may be called more than once).
func startCPUProfile(file string) (stop func(), err error) {
	return startRecording(file, pprof.StartCPUProfile, pprof.StopCPUProfile)
}

// startRecording creates file ("": nothing to record), starts recording
// into it with start, and returns the function that stops the recording
// and closes the file, once.
func startRecording(file string, start func(io.Writer) error, stop func()) (func(), error) {
	if file == "" {
		return func() {}, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			stop()
			f.Close()
		})
	}, nil
}
