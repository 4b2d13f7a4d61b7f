// Package due lists the entries whose check with their provider is due
// (last_verified missing, or older than the site's stale_days), one group
// per provider file, as text, JSON or CSV; and keeps one issue per provider
// on the Git host in step with that list (sync.go).
package due

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/diag"
)

// Rules are the loader's rules of an entry that is due: stale (older than
// stale_days, or never verified) and expired (older than a year).
var Rules = []string{"stale", "expired"}

// Entry is one entry that is due.
type Entry struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Entry   string `json:"entry"`                   // "provider caritas-muenchen", "course mvhs-general-2026-001"
	Checked string `json:"last_verified,omitempty"` // YYYY-MM-DD; empty: never verified
	Days    int    `json:"days,omitempty"`          // age of Checked in days
	Expired bool   `json:"expired,omitempty"`       // older than a year
	Message string `json:"message"`
}

// Provider is the entries of one provider file that are due.
type Provider struct {
	ID      string  `json:"provider"` // the file's base name: a provider or course provider id
	File    string  `json:"file"`
	Entries []Entry `json:"entries"`
}

// List groups the due problems of a check by file, in file order, and
// the entries of each file by line.
func List(problems diag.List) []Provider {
	byFile := map[string]*Provider{}
	var out []*Provider
	for _, p := range problems {
		if !slices.Contains(Rules, p.Rule) || p.Entry == "" {
			continue
		}
		g := byFile[p.File]
		if g == nil {
			g = &Provider{ID: strings.TrimSuffix(path.Base(p.File), path.Ext(p.File)), File: p.File}
			byFile[p.File] = g
			out = append(out, g)
		}
		g.Entries = append(g.Entries, Entry{File: p.File, Line: p.Line, Column: p.Col, Entry: p.Entry, Checked: p.Checked,
			Days: p.Days, Expired: p.Rule == "expired", Message: p.Message})
	}
	slices.SortFunc(out, func(a, b *Provider) int { return cmp.Compare(a.File, b.File) })
	list := make([]Provider, len(out))
	for i, g := range out {
		slices.SortStableFunc(g.Entries, func(a, b Entry) int { return cmp.Compare(a.Line, b.Line) })
		list[i] = *g
	}
	return list
}

// Formats are the formats Write accepts.
var Formats = []string{"text", "json", "csv"}

// Write writes the list: text for people, JSON for programs, CSV (RFC
// 4180, one row per entry) for the coordination office's spreadsheet.
func Write(w io.Writer, format string, list []Provider) error {
	switch format {
	case "text":
		if len(list) == 0 {
			_, err := fmt.Fprintln(w, "Nothing is due.")
			return err
		}
		for _, g := range list {
			fmt.Fprintf(w, "%s (%s): %d due\n", g.ID, g.File, len(g.Entries))
			for _, e := range g.Entries {
				fmt.Fprintf(w, "  %s:%d:%d: %s: %s\n", e.File, e.Line, e.Column, e.Entry, e.Message)
			}
		}
		return nil
	case "json":
		if list == nil {
			list = []Provider{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	case "csv":
		cw := csv.NewWriter(w)
		cw.UseCRLF = true
		cw.Write([]string{"provider", "file", "line", "entry", "last_verified", "days", "expired", "message"})
		for _, g := range list {
			for _, e := range g.Entries {
				days := ""
				if e.Checked != "" {
					days = strconv.Itoa(e.Days)
				}
				cw.Write([]string{g.ID, e.File, strconv.Itoa(e.Line), e.Entry, e.Checked, days, strconv.FormatBool(e.Expired), e.Message})
			}
		}
		cw.Flush()
		return cw.Error()
	}
	return fmt.Errorf("unknown format %q (use %s)", format, strings.Join(Formats, ", "))
}
