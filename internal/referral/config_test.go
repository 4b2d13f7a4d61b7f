package referral

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClientAddr(t *testing.T) {
	file := filepath.Join(t.TempDir(), "referrals.yaml")
	if err := os.WriteFile(file, []byte("trusted_proxies: [10.0.0.5, 192.168.0.0/16, '::1']\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, peer, xff, want string
	}{
		{"no proxy: the peer", "203.0.113.7:5000", "", "203.0.113.7"},
		{"an untrusted peer's header is ignored", "203.0.113.7:5000", "198.51.100.1", "203.0.113.7"},
		{"through the proxy", "10.0.0.5:4000", "198.51.100.1", "198.51.100.1"},
		{"a forged hop left of the real client", "10.0.0.5:4000", "1.2.3.4, 198.51.100.1", "198.51.100.1"},
		{"two trusted proxies", "10.0.0.5:4000", "198.51.100.1, 192.168.3.4", "198.51.100.1"},
		{"IPv6 loopback proxy", "[::1]:4000", "2001:db8::1", "2001:db8::1"},
		{"a broken hop stops the walk", "10.0.0.5:4000", "198.51.100.1, junk", "10.0.0.5"},
		{"the proxy without a header", "10.0.0.5:4000", "", "10.0.0.5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.peer
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			if got := c.ClientAddr(r); got != tc.want {
				t.Errorf("ClientAddr = %s, want %s", got, tc.want)
			}
		})
	}
	if err := os.WriteFile(file, []byte("trusted_proxies: [proxy.example.org]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(file); err == nil || !strings.Contains(err.Error(), "trusted_proxies") {
		t.Errorf("a host name as proxy: %v", err)
	}
}
