package render

import (
	"html/template"
	"net/url"
	"path"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// EntryCheck is what the page of an entry (provider, office, offer,
// course) says about its currency, and where a reader reports a mistake in
// it. The templates "entry-warning" and "entry-foot" of partials.html lay
// it out.
type EntryCheck struct {
	Verified string // the last check, formatted; "" never checked
	// Expired: the last check is older than site.yaml's
	// checks.expired_days; readers are asked to call before they go.
	Expired bool
	// Report is the "report a mistake" link: a pre-filled new issue on the
	// Git host, or a mailto: address; "" when the site has neither.
	Report template.URL
	// The texts in the page's language: the warning at the top ("" unless
	// Expired), the last check ("" never checked), the report link's label.
	Warning, Last, ReportLabel string
}

// Check returns the EntryCheck of x, a *model.Provider, *model.Office,
// *model.Offer or *model.Course. Offices and offers are checked with their
// provider (its last_verified).
func (v *View) Check(x any) EntryCheck {
	d := v.Site.Dir()
	var (
		verified model.Date
		name     model.Text
		kind, id string
		file     string
		editor   model.Email
	)
	provider := func(p *model.Provider) {
		if p != nil {
			verified, file, editor = p.LastVerified, p.File, p.EditorEmail
		}
	}
	switch e := x.(type) {
	case *model.Provider:
		provider(e)
		kind, id, name = "provider", e.ID, e.Name
	case *model.Office:
		provider(d.Provider(e.Provider))
		kind, id, name = "office", e.ID, e.Name
	case *model.Offer:
		provider(d.Provider(e.Provider))
		kind, id, name = "offer", e.ID, e.Title
	case *model.Course:
		verified, kind, id, name = e.LastVerified, "course", e.ID, e.Title
		if f := d.CourseFile(e.Provider); f != nil {
			file = f.File
		}
	default:
		return EntryCheck{}
	}
	v.reads.Data(x)
	var c EntryCheck
	if !verified.IsZero() {
		c.Verified = v.Date(verified)
		c.Expired = verified.DaysUntil(v.Site.Today()) > d.Site().Checks.Expired()
	}
	c.Report = v.reportURL(kind, id, v.Plain(name), file, editor)
	if c.Expired {
		c.Warning = v.T("verified_long_ago", "date", c.Verified)
	}
	if c.Verified != "" {
		c.Last = v.T("last_verified", "date", c.Verified)
	}
	if c.Report != "" {
		c.ReportLabel = v.T("report_mistake")
	}
	return c
}

// reportURL returns the "report a mistake" link of an entry, in the page's
// language: a new issue on the Git host (site.yaml report.issue_url), else
// an e-mail to the provider's editor, else to the coordination office.
func (v *View) reportURL(kind, id, name, file string, editor model.Email) template.URL {
	page := v.Canonical()
	if page == "" {
		page = "/" + path.Dir(v.Page.Path()) + "/"
	}
	title := v.T("report_title", "entry", name)
	body := v.T("report_body", "entry", name, "page", page, "file", file+" ("+kind+" "+id+")")
	s := v.Site.Dir().Site()
	if r := s.Report; r != nil && r.IssueURL != "" {
		return template.URL(strings.NewReplacer("{title}", url.QueryEscape(title), "{body}", url.QueryEscape(body)).Replace(r.IssueURL))
	}
	to := editor
	if to == "" && s.Coordination != nil {
		to = s.Coordination.Email
	}
	if to == "" {
		return ""
	}
	// RFC 6068: spaces as %20, not "+".
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	return template.URL("mailto:" + string(to) + "?subject=" + esc(title) + "&body=" + esc(body))
}
