package search

import (
	"slices"
	"testing"
)

// FuzzFoldASCII checks Fold's shortcut for ASCII words against the full
// folding: both must give the same forms for every word.
func FuzzFoldASCII(f *testing.F) {
	for _, w := range []string{"Sprachkurs", "MUENCHEN", "a1-b2", "", "x_y", "Ali", "ALIF"} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, w string) {
		if !ascii(w) {
			return
		}
		if got, want := Fold(w), fold(w); !slices.Equal(got, want) {
			t.Errorf("Fold(%q) = %q, full folding gives %q", w, got, want)
		}
	})
}

func TestFold(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Sprachkurs", []string{"sprachkurs"}},
		{"München", []string{"muenchen", "munchen"}},
		{"Straße", []string{"strasse"}},
		{"الاستشارة", []string{"استشاره"}},
		{"Behörde", []string{"behoerde", "behorde"}},
	} {
		if got := Fold(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
