package render

import "testing"

func TestRootPrefix(t *testing.T) {
	tests := []struct{ page, want string }{
		{"index.html", ""},
		{"404.html", ""},
		{"de/index.html", "../"},
		{"de/districts/maxvorstadt/index.html", "../../../"},
		{"de/courses/types/general/index.html", "../../../../"},
	}
	for _, tt := range tests {
		if got := rootPrefix(tt.page); got != tt.want {
			t.Errorf("rootPrefix(%q) = %q, want %q", tt.page, got, tt.want)
		}
	}
}
