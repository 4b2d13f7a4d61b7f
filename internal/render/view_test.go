package render

import "testing"

func TestRelPath(t *testing.T) {
	tests := []struct{ from, to, want string }{
		{".", "de/index.html", "de/index.html"},
		{"de", "de/index.html", "index.html"},
		{"de", "en/index.html", "../en/index.html"},
		{"de/districts/maxvorstadt", "de/offices/x/index.html", "../../offices/x/index.html"},
		{"de/districts/maxvorstadt", "de/districts/maxvorstadt/index.html", "index.html"},
		{"de/districts/maxvorstadt", "assets/style.css", "../../../assets/style.css"},
		{"de/courses/types/general", "de/courses/index.html", "../../index.html"},
	}
	for _, tt := range tests {
		if got := relPath(tt.from, tt.to); got != tt.want {
			t.Errorf("relPath(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}
