package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"

	"github.com/wegweiser-de/wegweiser/internal/serve"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, site := newSiteFlags("serve", stderr)
	addr := fs.String("addr", "127.0.0.1:1313", "`address` to listen on")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	now, ok := site.check(stderr)
	if !ok {
		return exitUsage
	}
	// A soft memory limit: at national scale serve holds about 800 MB
	// between rebuilds (the directory, the page graph, the search
	// analyses), and without a limit the collector lets the heap grow to
	// twice that, three times while a rebuild makes the background files.
	// GOMEMLIMIT, where set, wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	cfg := serve.Config{Source: *site.source, Now: now, Log: slog.New(slog.NewTextHandler(stderr, nil))}
	err := serve.Run(ctx, cfg, *addr, func(a net.Addr) {
		fmt.Fprintf(stdout, "wegweiser serve: http://%s/ (watching data/, content/, themes/, i18n/; Ctrl-C to stop)\n", a)
	})
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser serve: %v\n", err)
		return exitProblems
	}
	return exitOK
}
