package build

import (
	"bytes"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/wegweiser-de/wegweiser/internal/testtools"
)

// TestPrintPages prints the Wegweiser-Pass of two districts and the flyers
// of two offices, in German and Arabic, to PDF in Chromium (as "Print →
// Save as PDF" does), and checks that each fits its pages (the pass two A4
// pages, a flyer one), that its text is in the PDF, and that the QR code,
// rendered to an image at 150 dpi by pdftoppm, decodes to the address of
// the page it points to in the same language.
func TestPrintPages(t *testing.T) {
	t.Parallel() // long; runs beside the other long tests (see exampleBuilds)
	chromium, node, dir := browserTools(t)
	pdfinfo := testtools.Program(t, "pdfinfo", "poppler-utils")
	pdftoppm := testtools.Program(t, "pdftoppm", "poppler-utils")
	pdftotext := testtools.Program(t, "pdftotext", "poppler-utils")
	const base = "https://example.org/" // the build TestThemeOverride uses too
	files := buildExample(t, base)
	srv := serveFiles(t, files)
	tests := []struct {
		path, qr string
		pages    int
		text     string // a text the printed page has
	}{
		{"/de/pass/maxvorstadt/", base + "de/districts/maxvorstadt/", 2, "Meine Beratungstermine"},
		{"/ar/pass/maxvorstadt/", base + "ar/districts/maxvorstadt/", 2, "التاريخ"},
		{"/de/pass/ramersdorf-perlach/", base + "de/districts/ramersdorf-perlach/", 2, "Koordinierungsstelle"},
		{"/ar/pass/ramersdorf-perlach/", base + "ar/districts/ramersdorf-perlach/", 2, "دورات قريبة"},
		{"/de/offices/caritas-mbe-maxvorstadt/flyer/", base + "de/offices/caritas-mbe-maxvorstadt/", 1, "Kostenlose und vertrauliche Beratung"},
		{"/ar/offices/caritas-mbe-maxvorstadt/flyer/", base + "ar/offices/caritas-mbe-maxvorstadt/", 1, "استشارة مجانية"},
		{"/de/offices/awo-jmd-neuperlach/flyer/", base + "de/offices/awo-jmd-neuperlach/", 1, "Jugendmigrationsdienst"},
		{"/ar/offices/awo-jmd-neuperlach/flyer/", base + "ar/offices/awo-jmd-neuperlach/", 1, "Jugendmigrationsdienst"},
	}
	out := t.TempDir()
	args := []string{"pdf", srv.URL, out}
	for _, tt := range tests {
		args = append(args, tt.path)
	}
	var got []struct{ Path, File string }
	runBrowser(t, node, chromium, dir, &got, args...)
	if len(got) != len(tests) {
		t.Fatalf("%d PDFs for %d pages", len(got), len(tests))
	}
	for i, tt := range tests {
		pdf := got[i].File
		info, err := exec.Command(pdfinfo, pdf).Output()
		if err != nil {
			t.Fatalf("%s: pdfinfo: %v", tt.path, err)
		}
		pages := 0
		for _, l := range strings.Split(string(info), "\n") {
			if v, ok := strings.CutPrefix(l, "Pages:"); ok {
				pages, _ = strconv.Atoi(strings.TrimSpace(v))
			}
			if v, ok := strings.CutPrefix(l, "Page size:"); ok && !strings.Contains(v, "(A4)") {
				t.Errorf("%s: page size %s, want A4", tt.path, strings.TrimSpace(v))
			}
		}
		if pages != tt.pages {
			t.Errorf("%s: %d pages printed, want %d", tt.path, pages, tt.pages)
		}
		text, err := exec.Command(pdftotext, pdf, "-").Output()
		if err != nil {
			t.Fatalf("%s: pdftotext: %v", tt.path, err)
		}
		if !strings.Contains(string(text), tt.text) {
			t.Errorf("%s: the printed page has no %q", tt.path, tt.text)
		}
		png := filepath.Join(out, strconv.Itoa(i))
		if err := exec.Command(pdftoppm, "-r", "100", "-f", "1", "-l", "1", "-png", "-singlefile", pdf, png).Run(); err != nil {
			t.Fatalf("%s: pdftoppm: %v", tt.path, err)
		}
		if qr := decodeQR(t, png+".png"); qr != tt.qr {
			t.Errorf("%s: the QR code says %q, want %q", tt.path, qr, tt.qr)
		}
	}
}

// decodeQR reads the QR code of an image with ZXing's decoder.
func decodeQR(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "(no QR code read: " + err.Error() + ")"
	}
	return res.GetText()
}
