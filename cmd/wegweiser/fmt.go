package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/history"
	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/yamlfmt"
)

// runFmt rewrites data files in normal form (package yamlfmt), or with
// --check reports the files that are not.
func runFmt(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, source := newFlags("fmt", stderr)
	check := fs.Bool("check", false, "change nothing; report files not in normal form and exit 1 if there are any")
	format := fs.String("format", diag.FormatText, "report `format` of --check: text, json, github or gitlab")
	checked := fs.Bool("translations-checked", false, "record every translation as made from its current source text (after checking the outdated-translation warnings), in "+load.SumsFile)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: wegweiser fmt [--check] [--source DIR] [file.yaml ...]\n\nWithout files: every YAML file in data/. Flags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, 1<<20); !ok {
		return code
	}
	if !slices.Contains(diag.Formats, *format) {
		fmt.Fprintf(stderr, "wegweiser fmt: unknown format %q (use %s)\n", *format, strings.Join(diag.Formats, ", "))
		return exitUsage
	}
	files := fs.Args()
	if len(files) == 0 {
		var err error
		if files, err = dataFiles(*source); err != nil {
			fmt.Fprintf(stderr, "wegweiser fmt: %v\n", err)
			return exitUsage
		}
	}
	var problems diag.List
	changed := 0
	for _, file := range files {
		p, rewrite := fmtFile(*source, file, *check)
		problems = append(problems, p...)
		if rewrite {
			changed++
			fmt.Fprintln(stdout, file)
		}
	}
	if !*check && len(problems) == 0 {
		if p := updateSums(ctx, *source, *checked); p != nil {
			problems = append(problems, *p)
		}
	}
	if err := diag.Write(stdout, *format, problems); err != nil {
		fmt.Fprintf(stderr, "wegweiser fmt: %v\n", err)
		return exitProblems
	}
	switch {
	case len(problems) > 0:
		fmt.Fprintf(stderr, "wegweiser fmt: %d of %d files need attention\n", len(problems), len(files))
		return exitProblems
	case !*check:
		fmt.Fprintf(stderr, "wegweiser fmt: %d of %d files rewritten\n", changed, len(files))
	}
	return exitOK
}

// dataFiles lists the YAML files under source/data, as paths from the
// current directory.
func dataFiles(source string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(filepath.Join(source, "data"), func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return err
	})
	return files, err
}

// fmtFile formats one file: with check it only reports a file not in
// normal form; otherwise it rewrites it (rewrite is true when it did).
func fmtFile(source, file string, check bool) (problems diag.List, rewrite bool) {
	problem := func(line, col int, rule, msg, hint string) diag.List {
		return diag.List{{Pos: diag.Pos{File: file, Line: line, Col: col}, Rule: rule, Message: msg, Hint: hint}}
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return problem(0, 0, "io", err.Error(), ""), false
	}
	rel := file
	if abs, err := filepath.Abs(file); err == nil {
		if root, err := filepath.Abs(source); err == nil {
			if r, err := filepath.Rel(root, abs); err == nil {
				rel = filepath.ToSlash(r)
			}
		}
	}
	if p := load.Syntax(file, src); len(p) > 0 {
		return p, false
	}
	out, err := yamlfmt.Format(src, yamlfmt.TypeOf(rel))
	if err != nil {
		return problem(1, 1, "not-formatted", err.Error(), "fix the file by hand"), false
	}
	if string(out) == string(src) {
		return nil, false
	}
	if check {
		line := firstDifference(src, out)
		return problem(line, 1, "not-formatted", "the file is not in normal form (indentation, quoting of postal codes, phone numbers and times)",
			"run `wegweiser fmt` on it, or save it once in the web editor"), false
	}
	if err := writeFileAtomic(file, out); err != nil {
		return problem(0, 0, "io", err.Error(), ""), false
	}
	return nil, true
}

// firstDifference returns the first line (1-based) where a and b differ.
func firstDifference(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb))
}

// writeFileAtomic replaces file with data through a temporary file in the
// same directory, keeping its permissions (0644 for a new file): an interrupted run leaves the
// old file or the new one, never half of one.
func writeFileAtomic(file string, data []byte) error {
	perm := os.FileMode(0o644) // a new file
	if st, err := os.Stat(file); err == nil {
		perm = st.Mode().Perm()
	} else if !os.IsNotExist(err) {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".fmt-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// updateSums keeps load.SumsFile, the record of the source text each
// translation was made from, for a site without Git history (a site in a
// Git work tree has its history; the file is kept there only if it exists
// already). checked records every translation as made from its current
// source. A problem is returned when the file cannot be written.
func updateSums(ctx context.Context, source string, checked bool) *diag.Problem {
	file := filepath.Join(source, filepath.FromSlash(load.SumsFile))
	old, err := os.ReadFile(file)
	exists := err == nil
	if !exists {
		if _, err := history.Open(ctx, source); err == nil {
			return nil
		}
	}
	fsys, err := load.OpenDir(source)
	if err != nil {
		return nil
	}
	d, _ := load.Load(fsys, load.Options{})
	if d == nil {
		return nil // the data has errors: wegweiser check reports them
	}
	prev, err := load.ParseSums(old)
	if err != nil || checked {
		prev = nil
	}
	out := load.UpdateSums(d, prev).Bytes()
	if exists && string(out) == string(old) {
		return nil
	}
	if err := writeFileAtomic(file, out); err != nil {
		return &diag.Problem{Pos: diag.Pos{File: file}, Severity: diag.Error, Rule: "io", Message: err.Error()}
	}
	return nil
}
