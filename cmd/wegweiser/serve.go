package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/serve"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, source := newFlags("serve", stderr)
	addr := fs.String("addr", "127.0.0.1:1313", "`address` to listen on")
	today := fs.String("today", "", "build as if today were `YYYY-MM-DD` (default: the real date)")
	if code, ok := parseFlags(fs, args, 0); !ok {
		return code
	}
	cfg := serve.Config{Source: *source, Log: slog.New(slog.NewTextHandler(stderr, nil))}
	if *today != "" {
		t, err := time.Parse(time.DateOnly, *today)
		if err != nil {
			fmt.Fprintf(stderr, "wegweiser serve: --today %q is not a date YYYY-MM-DD\n", *today)
			return exitUsage
		}
		cfg.Now = t
	}
	if st, err := os.Stat(*source); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "wegweiser serve: --source %q is not a directory\n", *source)
		return exitUsage
	}
	err := serve.Run(ctx, cfg, *addr, func(a net.Addr) {
		fmt.Fprintf(stdout, "wegweiser serve: http://%s/ (watching data/, content/, themes/, i18n/; Ctrl-C to stop)\n", a)
	})
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser serve: %v\n", err)
		return exitProblems
	}
	return exitOK
}
