package build

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/wegweiser-de/wegweiser/internal/site"
)

// Header is one HTTP header set on every response of the site.
type Header struct{ Name, Value string }

// ContentSecurityPolicy allows only the site's own scripts, styles, images
// and connections: no inline script or style, no third party.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// Headers are the security headers of every page. netlify.toml repeats them
// (a test keeps the two equal); the build writes them as _headers for other
// static hosts.
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

// headersFile is the _headers file understood by Netlify, Cloudflare Pages
// and others.
func headersFile() []byte {
	var b bytes.Buffer
	b.WriteString("/*\n")
	for _, h := range Headers() {
		fmt.Fprintf(&b, "  %s: %s\n", h.Name, h.Value)
	}
	fmt.Fprintf(&b, "/assets/*\n  Cache-Control: %s\n", AssetCacheControl)
	return b.Bytes()
}

func robots(base string) []byte {
	s := "User-agent: *\nAllow: /\n"
	if base != "" {
		s += "Sitemap: " + base + "sitemap.xml\n"
	}
	return []byte(s)
}

// sitemap lists every page with its language alternates (hreflang).
func sitemap(s *site.Site, base string) []byte {
	type link struct {
		Rel      string `xml:"rel,attr"`
		Hreflang string `xml:"hreflang,attr"`
		Href     string `xml:"href,attr"`
	}
	type url struct {
		Loc   string `xml:"loc"`
		Links []link `xml:"xhtml:link"`
	}
	var urls []url
	langs := s.Dir.Site.Languages
	for _, p := range s.Pages {
		if p.Lang == "" || p.Kind == site.KindNotFound {
			continue
		}
		u := url{Loc: base + p.Lang + "/" + p.Key}
		for _, l := range langs {
			u.Links = append(u.Links, link{"alternate", l, base + l + "/" + p.Key})
		}
		urls = append(urls, u)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n")
	enc := xml.NewEncoder(&b)
	enc.Indent("", " ")
	for _, u := range urls {
		if err := enc.EncodeElement(u, xml.StartElement{Name: xml.Name{Local: "url"}}); err != nil {
			panic(err) // strings only: cannot fail
		}
	}
	enc.Flush()
	b.WriteString("\n</urlset>\n")
	return []byte(strings.ReplaceAll(b.String(), "\n\n", "\n"))
}
