package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/load"
)

func runSchema(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs, _ := newFlags("schema", stderr)
	out := fs.String("out", "", "write every schema into `directory` instead of printing one")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: wegweiser schema [--out DIR] [KIND]\n\nPrints the JSON Schema of one kind of data file, or writes all into DIR.\nKinds:")
		for _, s := range load.SchemaFiles() {
			fmt.Fprintf(stderr, "  %-10s %s\n", s.Kind, s.Files)
		}
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, 1); !ok {
		return code
	}
	if *out != "" {
		if fs.NArg() > 0 {
			fmt.Fprintln(stderr, "wegweiser schema: give either --out or a kind")
			return exitUsage
		}
		if err := os.MkdirAll(*out, 0o755); err != nil {
			fmt.Fprintf(stderr, "wegweiser schema: %v\n", err)
			return exitProblems
		}
		for _, s := range load.SchemaFiles() {
			if err := os.WriteFile(filepath.Join(*out, s.Name), s.Schema(), 0o644); err != nil {
				fmt.Fprintf(stderr, "wegweiser schema: %v\n", err)
				return exitProblems
			}
		}
		return exitOK
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	var kinds []string
	for _, s := range load.SchemaFiles() {
		if s.Kind == fs.Arg(0) {
			stdout.Write(s.Schema())
			return exitOK
		}
		kinds = append(kinds, s.Kind)
	}
	fmt.Fprintf(stderr, "wegweiser schema: unknown kind %q (one of %s)\n", fs.Arg(0), strings.Join(kinds, ", "))
	return exitUsage
}
