package referral

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// slipCSS is the slip's only style. It is inline so the slip is one
// printable file; the slip's Content-Security-Policy allows exactly this
// text by its hash.
const slipCSS = `body{font:16px/1.5 system-ui,"Noto Sans","Noto Sans Arabic",sans-serif;color:#111;max-width:40rem;margin:1.5rem auto;padding:0 1rem}` +
	`h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.5rem}.number{font-size:1.25rem;font-weight:bold;border:2px solid #111;padding:.25rem .75rem;display:inline-block}` +
	`ul{padding-inline-start:1.25rem}.ltr{unicode-bidi:isolate}@media print{body{margin:0}a{color:inherit;text-decoration:none}}`

// SlipCSP is the Content-Security-Policy of the slip.
var SlipCSP = func() string {
	sum := sha256.Sum256([]byte(slipCSS))
	return fmt.Sprintf("default-src 'none'; style-src 'sha256-%s'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'", base64.StdEncoding.EncodeToString(sum[:]))
}()

var slipTemplate = template.Must(template.New("slip").Parse(`<!doctype html>
<html lang="{{.Lang}}" dir="{{.Dir}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.T "slip_title"}}{{with .Number}} {{.}}{{end}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<main>
<h1>{{.T "slip_title"}}</h1>
{{with .Number}}<p>{{$.T "slip_number"}}: <span class="number" dir="ltr">{{.}}</span></p>{{end}}
<p>{{.T "slip_date" "date" .Date}}</p>
{{with .Office}}
<p>{{$.T "slip_intro"}}</p>
<h2>{{$.T "slip_office"}}</h2>
<p><strong lang="{{$.Default}}" dir="ltr">{{$.Name .Name}}</strong><br>
<span dir="ltr">{{.Address.Street}}, {{.Address.PostalCode}} {{.Address.City}}</span></p>
<ul>
{{- with .Phone}}<li>{{$.T "phone"}}: <a href="{{$.Tel .}}" dir="ltr">{{.}}</a></li>{{end}}
{{- with .Email}}<li>{{$.T "email"}}: <a href="mailto:{{.}}" dir="ltr">{{.}}</a></li>{{end}}
<li><a href="{{$.MapURL}}">{{$.T "map_link"}}</a></li>
{{- with .BookingURL}}<li><a href="{{.}}">{{$.T "booking"}}</a></li>{{end}}
</ul>
<h2>{{$.T "hours"}}</h2>
{{if .Hours}}<ul>{{range .Hours}}<li>{{$.Days .Days}} <span dir="ltr">{{$.TimeRange .From .To}}</span> · {{$.T (print "hours_" .Kind)}}</li>{{end}}</ul>
{{else}}<p>{{$.T "hours_none"}}</p>{{end}}
{{else}}<p>{{.T "slip_unassigned"}}</p>{{end}}
<h2>{{.T "slip_bring"}}</h2>
<ul>
<li>{{.T "slip_bring_id"}}</li>
<li>{{.T "slip_bring_residence"}}</li>
<li>{{.T "slip_bring_letters"}}</li>
<li>{{.T "slip_bring_certificates"}}</li>
</ul>
{{if .ContactKnown}}<p>{{.T "slip_contact_known"}}</p>{{end}}
{{with .Coordination}}<p>{{$.T "footer_coordination" "name" ($.Name .Name)}}{{with .Phone}} · <span dir="ltr">{{.}}</span>{{end}}</p>{{end}}
</main>
</body>
</html>
`))

// slipView is what the slip template sees.
type slipView struct {
	d            *Directory
	Lang, Dir    string
	Default      string
	Number, Date string
	Office       *model.Office
	ContactKnown bool
	Coordination *model.Coordination
	CSS          template.CSS
}

func (v *slipView) T(key string, pairs ...string) string { return v.d.Strings.T(v.Lang, key, pairs...) }

func (v *slipView) Name(t model.Text) string { s, _ := t.Get(v.Lang, v.Default); return s }

func (v *slipView) Days(days []model.Weekday) string {
	names := make([]string, len(days))
	for i, d := range days {
		names[i] = v.d.Strings.Weekday(v.Lang, d)
	}
	return strings.Join(names, v.T("list_sep"))
}

func (v *slipView) TimeRange(from, to model.Clock) string {
	return v.d.Strings.TimeRange(v.Lang, from, to)
}

func (v *slipView) Tel(p model.Phone) template.URL { return template.URL("tel:" + p.E164()) }

func (v *slipView) MapURL() string {
	o := v.Office
	if o.Geo != nil {
		lat, lon := strconv.FormatFloat(o.Geo.Lat, 'f', 5, 64), strconv.FormatFloat(o.Geo.Lon, 'f', 5, 64)
		return "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=18/" + lat + "/" + lon
	}
	return "https://www.openstreetmap.org/search?query=" + template.URLQueryEscaper(o.Address.Street+", "+string(o.Address.PostalCode)+" "+o.Address.City)
}

// WriteSlip writes the printable slip of r in lang ("" for the referral's
// slip language): the office, its address, map link and hours, what to
// bring and the referral number; no personal data. With a nil r it writes
// the slip of a routing proposal that was not stored (the person did not
// consent and took only the address): the office, without a number.
func (s *Service) WriteSlip(w io.Writer, r *Referral, office string, lang string) error {
	d := s.Directory()
	if lang == "" && r != nil {
		lang = r.SlipLang
	}
	if lang == "" {
		lang = d.Dir.Site.DefaultLanguage
	}
	v := &slipView{d: d, Lang: lang, Dir: "ltr", Default: d.Dir.Site.DefaultLanguage,
		Date: d.Strings.Date(lang, model.DateOf(s.Now())), Coordination: d.Dir.Site.Coordination, CSS: template.CSS(slipCSS)}
	if r != nil {
		v.Number, v.Date, v.ContactKnown = r.Number, d.Strings.Date(lang, model.DateOf(r.CreatedAt)), r.Sealed != nil
		if cur := r.Current(); cur != nil {
			office = cur.Office
		}
	}
	if l := d.Dir.Language(lang); l != nil && l.RTL() {
		v.Dir = "rtl"
	}
	if office != "" {
		v.Office = d.Dir.Office(office)
	}
	return slipTemplate.Execute(w, v)
}
