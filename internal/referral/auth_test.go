package referral

import (
	"strings"
	"testing"
)

// TestPasswordCost: new hashes use RFC 9106's second option (64 MiB, 3
// passes, 4 lanes) unless a Service sets a cost (tests do, to sign in
// quickly), and a hash is checked with the parameters it carries.
func TestPasswordCost(t *testing.T) {
	const pw = "correct horse battery"
	tests := []struct {
		cost PasswordCost
		want string
	}{
		{PasswordCost{}, "$m=65536,t=3,p=4$"},
		{PasswordCost{Memory: 8 << 10, Time: 1, Threads: 1}, "$m=8192,t=1,p=1$"},
	}
	for _, tt := range tests {
		s := &Service{PasswordCost: tt.cost}
		h := s.hash(pw)
		if !strings.HasPrefix(h, "$argon2id$v=19") || !strings.Contains(h, tt.want) {
			t.Errorf("cost %+v: hash %s, want the parameters %s", tt.cost, h, tt.want)
		}
		if !checkPassword(h, pw) || checkPassword(h, pw+"!") {
			t.Errorf("cost %+v: the hash does not check its password (and only it)", tt.cost)
		}
	}
	if h := HashPassword(pw); !strings.Contains(h, "$m=65536,t=3,p=4$") {
		t.Errorf("HashPassword: %s, want the default cost", h)
	}
}
