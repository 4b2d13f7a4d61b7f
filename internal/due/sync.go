package due

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Label marks the issues Sync keeps; the marker in an issue's body names
// its provider, so renaming the title by hand does not lose it.
const Label = "wegweiser-due"

func marker(provider string) string { return "<!-- " + Label + ":" + provider + " -->" }

var markerRE = regexp.MustCompile(`<!-- ` + Label + `:([a-z0-9-]+) -->`)

// Issue is an open issue on the Git host.
type Issue struct {
	Number int
	Title  string
	Body   string
}

// Tracker is the issue tracker of a Git host (github.go, gitlab.go).
type Tracker interface {
	// Open returns the open issues labelled Label.
	Open(ctx context.Context) ([]Issue, error)
	Create(ctx context.Context, title, body string) (Issue, error)
	Update(ctx context.Context, number int, body string) error
	// Close comments on the issue and closes it.
	Close(ctx context.Context, number int, comment string) error
	// Link returns the address of a line of a file in the repository.
	Link(file string, line int) string
}

// Action is what Sync did for one provider.
type Action struct {
	Provider string `json:"provider"`
	Issue    int    `json:"issue"`
	Did      string `json:"did"` // "opened", "updated", "unchanged", "closed"
}

// Sync opens an issue for each provider with entries due, updates the
// open one when the list changed, and closes the issues of providers with
// nothing due any more. owners returns the code owners of a file (from
// CODEOWNERS), who are mentioned so that the host notifies them.
func Sync(ctx context.Context, t Tracker, list []Provider, owners func(file string) []string) ([]Action, error) {
	open, err := t.Open(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the open issues: %w", err)
	}
	byProvider := map[string]Issue{}
	for _, is := range open {
		if m := markerRE.FindStringSubmatch(is.Body); m != nil {
			if _, dup := byProvider[m[1]]; !dup {
				byProvider[m[1]] = is
			}
		}
	}
	var actions []Action
	due := map[string]bool{}
	for _, g := range list {
		due[g.ID] = true
		body := Body(g, t.Link, owners(g.File))
		is, ok := byProvider[g.ID]
		switch {
		case !ok:
			created, err := t.Create(ctx, Title(g), body)
			if err != nil {
				return actions, fmt.Errorf("open the issue of %s: %w", g.ID, err)
			}
			actions = append(actions, Action{g.ID, created.Number, "opened"})
		case strings.TrimSpace(is.Body) != strings.TrimSpace(body):
			if err := t.Update(ctx, is.Number, body); err != nil {
				return actions, fmt.Errorf("update issue %d of %s: %w", is.Number, g.ID, err)
			}
			actions = append(actions, Action{g.ID, is.Number, "updated"})
		default:
			actions = append(actions, Action{g.ID, is.Number, "unchanged"})
		}
	}
	var done []string
	for id := range byProvider {
		if !due[id] {
			done = append(done, id)
		}
	}
	slices.Sort(done)
	for _, id := range done {
		is := byProvider[id]
		if err := t.Close(ctx, is.Number, "Alle Einträge sind geprüft (`last_verified` ist aktuell). Danke!\n\nEvery entry has been verified. Thank you!"); err != nil {
			return actions, fmt.Errorf("close issue %d of %s: %w", is.Number, id, err)
		}
		actions = append(actions, Action{id, is.Number, "closed"})
	}
	return actions, nil
}

// Title is the title of a provider's issue.
func Title(g Provider) string {
	return fmt.Sprintf("Prüfung fällig: %s (%d %s)", g.ID, len(g.Entries), plural(len(g.Entries), "Eintrag", "Einträge"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Body is the text of a provider's issue: what is due, each entry linked
// to its line, and what to do, in German and English.
func Body(g Provider, link func(file string, line int) string, owners []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", marker(g.ID))
	fmt.Fprintf(&b, "Diese Einträge in [`%s`](%s) wurden zu lange nicht mit dem Träger geprüft. ", g.File, link(g.File, 0))
	b.WriteString("Bitte die Angaben (Adresse, Zeiten, Telefon, Beratende, Kurse) mit dem Träger abgleichen, korrigieren und `last_verified` auf den Tag der Prüfung setzen. ")
	b.WriteString("Sind alle Einträge geprüft, schließt sich dieses Issue beim nächsten Lauf selbst.\n\n")
	b.WriteString("These entries have not been checked with the provider for too long: please confirm or correct them and set `last_verified` to the day of the check; the issue closes itself on the next run.\n\n")
	for _, e := range g.Entries {
		when := "nie geprüft / never verified"
		if e.Checked != "" {
			when = fmt.Sprintf("zuletzt geprüft / last verified %s (%d Tage / days)", e.Checked, e.Days)
		}
		flag := ""
		if e.Expired {
			flag = " **über ein Jahr / over a year**"
		}
		fmt.Fprintf(&b, "- [ ] [%s:%d](%s) %s — %s%s\n", path.Base(e.File), e.Line, link(e.File, e.Line), e.Entry, when, flag)
	}
	if len(owners) > 0 {
		fmt.Fprintf(&b, "\nZuständig laut CODEOWNERS / owners: %s\n", strings.Join(owners, " "))
	}
	return b.String()
}
