package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/build"
	"github.com/wegweiser-de/wegweiser/internal/diag"
	"github.com/wegweiser-de/wegweiser/internal/search"
)

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, site := newSiteFlags("search", stderr)
	lang := fs.String("lang", "de", "`language` of the search")
	size := fs.Int("n", 10, "number of results")
	var filters []string
	fs.Func("filter", "narrow by `facet=value` (kind, district, language, program, type); repeatable", func(v string) error {
		if k, _, ok := strings.Cut(v, "="); !ok || !slices.Contains(search.Facets, k) {
			return fmt.Errorf("want facet=value with facet one of %s", strings.Join(search.Facets, ", "))
		}
		filters = append(filters, v)
		return nil
	})
	if code, ok := parseFlags(fs, args, 1); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, `Usage: wegweiser search [--lang de] [--filter kind=office] "query"`)
		return exitUsage
	}
	now, ok := site.check(stderr)
	if !ok {
		return exitUsage
	}
	f := map[string]string{}
	for _, kv := range filters {
		k, v, _ := strings.Cut(kv, "=")
		f[k] = v
	}
	st, _, err := build.Search(ctx, build.Config{Source: site.fsys, Now: now}, *lang)
	var problems diag.List
	if errors.As(err, &problems) {
		fmt.Fprintf(stderr, "wegweiser search: %v\n", err)
		return exitProblems
	}
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser search: %v\n", err)
		return exitUsage
	}
	out, err := st.Search(fs.Arg(0), f, *size)
	if err != nil {
		fmt.Fprintf(stderr, "wegweiser search: %v\n", err)
		return exitProblems
	}
	for i := range out.Results {
		out.Results[i].URL = "/" + out.Results[i].URL
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	enc.Encode(out)
	return exitOK
}
