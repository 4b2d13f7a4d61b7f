package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/parallel"
	"github.com/wegweiser-de/wegweiser/internal/site"
)

// Header is one HTTP header set on every response of the site.
type Header struct{ Name, Value string }

// ContentSecurityPolicy allows only the site's own scripts, styles, images
// and connections: no inline script or style, no third party.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// Headers are the security headers of every page of the site.
func Headers() []Header {
	return []Header{
		{"Content-Security-Policy", ContentSecurityPolicy},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"},
		{"X-Frame-Options", "DENY"},
	}
}

// AssetCacheControl is the cache header of fingerprinted assets.
const AssetCacheControl = "public, max-age=31536000, immutable"

// HeaderRule sets headers on the paths For matches: "/de/*" matches every
// path below /de/, anything else matches only itself.
type HeaderRule struct {
	For     string
	Headers []Header
}

// HeaderRules are the rules of a _headers file, in order.
type HeaderRules []HeaderRule

// For returns the headers of urlPath: those of every matching rule, a
// later rule replacing a header an earlier one set.
func (rules HeaderRules) For(urlPath string) []Header {
	var out []Header
	for _, r := range rules {
		if r.For != urlPath && !(strings.HasSuffix(r.For, "/*") && strings.HasPrefix(urlPath, strings.TrimSuffix(r.For, "*"))) {
			continue
		}
		for _, h := range r.Headers {
			i := slices.IndexFunc(out, func(o Header) bool { return strings.EqualFold(o.Name, h.Name) })
			if i >= 0 {
				out[i] = h
			} else {
				out = append(out, h)
			}
		}
	}
	return out
}

// ParseHeaders reads a _headers file (as the build writes it).
func ParseHeaders(b []byte) HeaderRules {
	var rules HeaderRules
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#"):
		case !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t"):
			rules = append(rules, HeaderRule{For: strings.TrimSpace(line)})
		case len(rules) > 0:
			name, value, _ := strings.Cut(strings.TrimSpace(line), ":")
			rules[len(rules)-1].Headers = append(rules[len(rules)-1].Headers, Header{name, strings.TrimSpace(value)})
		}
	}
	return rules
}

// headerRules are the headers of a build whose top level holds the given
// names (directories end in "/"). With a web editor (adminCSP not empty)
// the site's Content-Security-Policy goes on each top-level entry but
// admin/, which gets its own: hosts such as Netlify combine the values of
// every matching rule, so a policy on /* would also bind the editor.
func headerRules(top []string, adminCSP string) HeaderRules {
	all := Headers()
	if adminCSP == "" {
		return HeaderRules{{"/*", all}, {"/assets/*", []Header{{"Cache-Control", AssetCacheControl}}}}
	}
	csp, rest := all[:1], all[1:]
	rules := HeaderRules{{"/*", rest}, {"/", csp}}
	for _, name := range top {
		switch {
		case name == "admin/" || name == "_headers" || name == "_redirects":
		case strings.HasSuffix(name, "/"):
			rules = append(rules, HeaderRule{"/" + name + "*", csp})
		default:
			rules = append(rules, HeaderRule{"/" + name, csp})
		}
	}
	return append(rules,
		HeaderRule{"/admin/*", []Header{{"Content-Security-Policy", adminCSP}, {"Cache-Control", "no-cache"}}},
		HeaderRule{"/assets/*", []Header{{"Cache-Control", AssetCacheControl}}})
}

// headersFile is the _headers file understood by Netlify, Cloudflare Pages
// and others (and by wegweiser serve).
func headersFile(rules HeaderRules) []byte {
	var b bytes.Buffer
	b.WriteString("# Security headers, written by wegweiser build.\n")
	for _, r := range rules {
		b.WriteString(r.For + "\n")
		for _, h := range r.Headers {
			fmt.Fprintf(&b, "  %s: %s\n", h.Name, h.Value)
		}
	}
	return b.Bytes()
}

// redirectsFile is the _redirects file of Netlify (and hosts that read the
// same format, such as Cloudflare Pages for plain rules): a browser that
// asks for the site's root in one of its interface languages goes straight
// to that language. The rules are forced ("302!"): without that the host
// serves the index.html at the root (the language chooser) and never
// redirects. A search sent without JavaScript (the form's nojs=1) goes to
// search/q/{query}/, and from there to the page of the district, postal
// code, language or topic of that name (site.SearchNames), or else to the
// names page, which lists them (Netlify: query parameters and
// placeholders; other hosts show the search page again, with its links).
// A missing page under a language's folder gets that language's 404 page
// (also for the easy-to-read edition). base is the site's address, whose
// path prefixes the rules.
func redirectsFile(s *site.Site, base string) []byte {
	prefix := "/"
	if u, err := url.Parse(base); err == nil && u.Path != "" {
		prefix = u.Path
	}
	langs := s.Dir.Site.Languages
	var b bytes.Buffer
	b.WriteString("# Accept-Language redirects, written by wegweiser build from the languages of data/site.yaml.\n")
	for _, l := range langs {
		fmt.Fprintf(&b, "%s  %s%s/  302!  Language=%s\n", prefix, prefix, l, l)
	}
	b.WriteString("# Search without JavaScript: a name of a district, postal code, language or topic leads to its page.\n")
	// The search page as linked with a base URL, and without (index.html).
	for _, page := range []string{"", "index.html"} {
		fmt.Fprintf(&b, "%[1]s:lang/search/%[2]s  nojs=:nojs  q=:q  %[1]s:lang/search/q/:q/  302!\n", prefix, page)
	}
	for _, n := range s.SearchNames() {
		fmt.Fprintf(&b, "%[1]s:lang/search/q/%[2]s/  %[1]s:lang/%[3]s  302\n", prefix, formEncode(n.Name), n.Key)
	}
	fmt.Fprintf(&b, "%s:lang/search/q/*  %[1]s:lang/%s  200\n", prefix, site.KeySearchNames)
	b.WriteString("# A missing page gets the 404 page of its language.\n")
	for _, l := range append(slices.Clip(langs), s.Dir.Site.EasyLanguage) {
		if l == "" {
			continue
		}
		fmt.Fprintf(&b, "%s%s/*  %s%s/404.html  404\n", prefix, l, prefix, l)
	}
	return b.Bytes()
}

// formEncode encodes a form value as browsers send it in a query string
// (application/x-www-form-urlencoded, UTF-8): letters, digits and *-._
// stay, a space is "+", every other byte %XX with upper-case digits. A
// host matches the query's placeholder byte for byte, so a name must be
// written in the rules exactly so.
func formEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '*', c == '-', c == '.', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

func robots(base string) []byte {
	s := "User-agent: *\nAllow: /\n"
	if base != "" {
		s += "Sitemap: " + base + "sitemap.xml\n"
	}
	return []byte(s)
}

// The limits of one sitemap file (sitemaps.org: 50,000 URLs and 50 MB
// uncompressed); a national site has 46,000 pages per language, each
// with an alternate per language.
const (
	sitemapURLs  = 50_000
	sitemapBytes = 50 * 1024 * 1024
)

// sitemaps returns the sitemap files of the public pages: sitemap.xml, an
// index of the others, which list a language's pages each
// ({lang}/sitemap-{n}.xml, n from 1: a file holds at most maxURLs pages
// and maxBytes bytes; a sitemap lists only addresses below its own
// folder), every page with its language alternates (hreflang).
func sitemaps(s *site.Site, base string, maxURLs, maxBytes int) map[string][]byte {
	const (
		urlsetStart = xml.Header + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n"
		urlsetEnd   = "</urlset>\n"
	)
	type link struct {
		Rel      string `xml:"rel,attr"`
		Hreflang string `xml:"hreflang,attr"`
		Href     string `xml:"href,attr"`
	}
	type url struct {
		XMLName xml.Name `xml:"url"`
		Loc     string   `xml:"loc"`
		Links   []link   `xml:"xhtml:link"`
	}
	files := map[string][]byte{}
	var names []string // the index's entries, in order
	var chunk bytes.Buffer
	n, urls, lang := 0, 0, ""
	flush := func() {
		if urls > 0 {
			chunk.WriteString(urlsetEnd)
			name := fmt.Sprintf("%s/sitemap-%d.xml", lang, n)
			files[name] = bytes.Clone(chunk.Bytes())
			names = append(names, name)
		}
		chunk.Reset()
		urls = 0
	}
	langs := s.Dir.Site.Languages
	var entry bytes.Buffer
	enc := xml.NewEncoder(&entry)
	for _, p := range s.Pages() {
		if p.Lang == "" || p.Kind == site.KindNotFound || p.Key == site.KeySearchNames {
			continue
		}
		u := url{Loc: base + p.Lang + "/" + p.Key, Links: make([]link, 0, len(langs))}
		for _, l := range langs {
			u.Links = append(u.Links, link{"alternate", l, base + l + "/" + p.Key})
		}
		entry.Reset()
		if err := enc.Encode(u); err != nil {
			panic(err) // strings only: cannot fail
		}
		entry.WriteByte('\n')
		if p.Lang != lang {
			flush()
			lang, n = p.Lang, 0
		}
		if urls > 0 && (urls == maxURLs || chunk.Len()+entry.Len()+len(urlsetEnd) > maxBytes) {
			flush()
		}
		if urls == 0 {
			n++
			chunk.WriteString(urlsetStart)
		}
		chunk.Write(entry.Bytes())
		urls++
	}
	flush()
	var index bytes.Buffer
	index.WriteString(xml.Header + `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, name := range names {
		index.WriteString("<sitemap><loc>")
		xml.EscapeText(&index, []byte(base+name))
		index.WriteString("</loc></sitemap>\n")
	}
	index.WriteString("</sitemapindex>\n")
	files["sitemap.xml"] = index.Bytes()
	return files
}

// writeServiceWorker writes the theme's sw.js (if it has one) to the
// site's root, where its scope is the whole site, with the build's
// version: a deploy changes the file, so browsers install the new worker,
// which drops the copies the old one kept. The version is the build time
// (newer builds win) and a hash of it, the edition and the base URL.
func writeServiceWorker(st *stage, w Writer) error {
	b, err := fs.ReadFile(st.theme, "sw.js")
	if err != nil {
		return nil // a theme without one: the pages register none
	}
	sum := sha256.Sum256([]byte(st.cfg.Now.UTC().Format(time.RFC3339Nano) + "\x00" + st.cfg.Edition + "\x00" + st.base))
	version := strconv.FormatInt(st.cfg.Now.UnixMilli(), 10) + "-" + hex.EncodeToString(sum[:6])
	return w.WriteFile("sw.js", bytes.ReplaceAll(b, []byte("__VERSION__"), []byte(version)))
}

// writeManifests writes a web app manifest per language
// ({lang}/manifest.webmanifest): the site's name in that language, the
// language's home page as its start, the whole site as its scope, the
// theme's icon.
func writeManifests(st *stage, w Writer) error {
	icon, ok := st.assets["icon.svg"]
	for _, lang := range st.dir.Site.Editions() {
		name, _ := st.dir.Site.Name.Get(lang, st.dir.Site.DefaultLanguage)
		m := map[string]any{
			"name": name, "lang": lang, "dir": st.dir.Direction(lang),
			"start_url": "./", "scope": "../", "display": "minimal-ui",
			"background_color": "#ffffff", "theme_color": "#0f2e57",
		}
		if ok {
			m["icons"] = []map[string]string{{"src": "../" + icon, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}}
		}
		b, err := json.MarshalIndent(m, "", " ")
		if err != nil {
			return err
		}
		if err := w.WriteFile(lang+"/manifest.webmanifest", b); err != nil {
			return err
		}
	}
	return nil
}

// writeCourseFinder writes the course finder's data of each language
// that has a course list ({lang}/courses/finder.json, see
// render.CourseFinderData; on a site whose lists go by district,
// {lang}/courses/finder/{district}.json), the languages side by side,
// keeping a language's from the previous output prev (nil: none) where
// nothing it read changed (FinderManifestName).
func writeCourseFinder(st *stage, w Writer, prev fs.FS) error {
	fk := newFinderKeeper(prev, w, st.in, st.graph)
	langs := st.dir.Site.Languages
	errs := make([]error, len(langs))
	parallel.EachOn(cores(st.workers), len(langs), func(i int) {
		errs[i] = writeCourseFinderOf(st, langs[i], w, fk)
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return fk.write(w)
}

// writeCourseFinderOf writes the course finder's data of lang, or keeps
// the previous output's where fk finds it would come out the same.
func writeCourseFinderOf(st *stage, lang string, w Writer, fk *finderKeeper) error {
	p := st.graph.Lookup(lang + "/courses/index.html")
	if p == nil {
		return nil
	}
	if kept, err := fk.keep(lang); kept || err != nil {
		return err
	}
	files := map[string][]byte{} // below {lang}/courses/
	var reads *site.Reads
	if st.graph.ByDistrict() {
		parts, r, err := st.r.CourseFinderDistricts(st.graph, p)
		if err != nil {
			return err
		}
		for id, b := range parts {
			files["finder/"+id+".json"] = b
		}
		reads = r
	} else {
		b, r, err := st.r.CourseFinder(st.graph, p)
		if err != nil {
			return err
		}
		files["finder.json"], reads = b, r
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := w.WriteFile(lang+"/courses/"+name, files[name]); err != nil {
			return err
		}
	}
	fk.made(lang, reads, files)
	return nil
}
