package build

import (
	"bytes"
	"compress/gzip"
	"regexp"
	"testing"
)

// gzipSize is the size of b compressed as a web server would send it.
func gzipSize(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

// TestPageWeight measures what a phone downloads for the home page and a
// district page: the HTML and the stylesheet, gzip-compressed (the script
// is deferred and optional). Run with -v to see the figures:
//
//	go test ./internal/build -run TestPageWeight -v
func TestPageWeight(t *testing.T) {
	files := buildExample(t, "")
	css := regexp.MustCompile(`href="[./]*(assets/style\.[0-9a-f]+\.css)"`)
	js := regexp.MustCompile(`src="[./]*(assets/site\.[0-9a-f]+\.js)"`)
	pages := []string{"uk/offices/caritas-mbe-maxvorstadt/index.html", "de/find/ar/maxvorstadt/index.html", "ti/find/ti/berg-am-laim/index.html", "de-simple/index.html"}
	for _, l := range langs {
		pages = append(pages, l+"/index.html", l+"/districts/maxvorstadt/index.html", l+"/districts/ramersdorf-perlach/index.html")
	}
	for _, page := range pages {
		html := files[page]
		m := css.FindSubmatch(html)
		if m == nil {
			t.Fatalf("%s links no stylesheet", page)
		}
		h, c := gzipSize(html), gzipSize(files[string(m[1])])
		s := 0
		if m := js.FindSubmatch(html); m != nil {
			s = gzipSize(files[string(m[1])])
		}
		t.Logf("%-45s HTML %5d B + CSS %5d B = %5d B gzip (+ script %d B)", page, h, c, h+c, s)
		if h+c > 20*1024 {
			t.Errorf("%s: %d bytes of HTML and CSS (gzip), target under 20 KB", page, h+c)
		}
	}
}
