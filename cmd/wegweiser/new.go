package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/scaffold"
)

const newUsage = `Usage:
  wegweiser new provider <id>                  write data/providers/<id>.yaml
  wegweiser new office <provider-id> <id>      add an office to data/providers/<provider-id>.yaml
  wegweiser new course-file <id>               write data/courses/<id>.yaml

The files are commented templates. Replace every value that starts with TODO
(the example after it shows how the value is written), then run
'wegweiser check'. Flags:`

// runNew writes the templates of package scaffold.
func runNew(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs, source := newFlags("new", stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), newUsage)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, 3); !ok {
		return code
	}
	args = fs.Args()
	want := map[string]int{"provider": 2, "office": 3, "course-file": 2}
	if len(args) == 0 || want[args[0]] != len(args) {
		fs.Usage()
		return exitUsage
	}
	for _, id := range args[1:] {
		if err := scaffold.CheckID(id); err != nil {
			fmt.Fprintf(stderr, "wegweiser new: %v\n", err)
			return exitUsage
		}
	}
	// The examples in the template come from the site; a site with
	// errors still gives what loaded.
	var dir *model.Directory
	if fsys, err := load.OpenDir(*source); err == nil {
		dir, _ = load.Load(fsys, load.Options{})
	}
	v := scaffold.NewValues(dir, args[1], time.Now())

	var file string
	var out []byte
	var err error
	switch args[0] {
	case "provider":
		file = filepath.Join(*source, "data", "providers", args[1]+".yaml")
		out, err = scaffold.Provider(v)
	case "course-file":
		file = filepath.Join(*source, "data", "courses", args[1]+".yaml")
		out, err = scaffold.CourseFile(v)
	case "office":
		file = filepath.Join(*source, "data", "providers", args[1]+".yaml")
		v.OfficeID = args[2]
		var src []byte
		if src, err = os.ReadFile(file); err == nil {
			out, err = scaffold.AddOffice(src, v)
		}
	}
	if err == nil {
		if args[0] == "office" {
			err = writeFileAtomic(file, out)
		} else {
			err = writeNew(file, out)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser new: %v\n", err)
		return exitProblems
	}
	fmt.Fprintf(stdout, "%s written: replace each value that starts with TODO, then run 'wegweiser check'\n", file)
	return exitOK
}

// writeNew creates file with data; it never replaces an existing file.
func writeNew(file string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists already; edit it, or choose another id", file)
	} else if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
