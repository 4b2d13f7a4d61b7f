package referral

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/seal"

	"go.yaml.in/yaml/v3"
)

// Config is the endpoint's configuration file (--config). Tokens are stored
// only as hashes; `wegweiser referrals token add` adds them.
type Config struct {
	RetentionDays int    `yaml:"retention_days"` // personal data is deleted after this many days (default 180)
	YouthMaxAge   int    `yaml:"youth_max_age"`  // first age counselled by MBE (default 27)
	KeyFile       string `yaml:"key_file"`       // base64 AES-256 key, relative to the config file; $WEGWEISER_REFERRAL_KEY wins
	// OldKeyFiles are keys of earlier rotations: they only open values
	// sealed before (`wegweiser referrals reseal` seals those again with
	// the current key; then the old key can go).
	OldKeyFiles  []string `yaml:"old_key_files"`
	MaxBodyBytes int64    `yaml:"max_body_bytes"` // default 64 KiB
	// ReadTimeout bounds the time a request's headers and body may take to
	// arrive (default 15s); a slower body gets 408.
	ReadTimeout time.Duration `yaml:"read_timeout"`
	CORSOrigins []string      `yaml:"cors_origins"` // browser origins allowed to call the API; none by default
	RateLimit   struct {
		PerSecond float64 `yaml:"per_second"` // default 20
		Burst     int     `yaml:"burst"`      // default 40
	} `yaml:"rate_limit"`
	Tokens []Token `yaml:"tokens"`
	// TrustedProxies are the addresses (or CIDR prefixes) of reverse
	// proxies in front of the endpoint. From them, the client address is
	// taken from X-Forwarded-For (the last address not itself a trusted
	// proxy), so that sign-in throttling counts people, not the proxy.
	TrustedProxies []string `yaml:"trusted_proxies"`

	dir     string         // directory of the config file
	proxies []netip.Prefix // TrustedProxies, parsed
}

// Token is an API token: a name (who), a role and, for providers, the
// provider id. Only the SHA-256 of the secret is kept.
type Token struct {
	Name     string `yaml:"name"`
	Role     string `yaml:"role"`
	Provider string `yaml:"provider,omitempty"`
	Hash     string `yaml:"hash"`
}

// KeyEnv names the environment variable that may hold the sealing key.
const KeyEnv = "WEGWEISER_REFERRAL_KEY"

// LoadConfig reads a configuration file and fills in defaults.
func LoadConfig(file string) (*Config, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("config %s: %w", file, err)
	}
	c.dir = filepath.Dir(file)
	c.defaults()
	seen := map[string]bool{}
	for _, t := range c.Tokens {
		switch {
		case !slices.Contains([]string{RoleAgency, RoleProvider, RoleCoordination}, t.Role):
			return nil, fmt.Errorf("config %s: token %q: role %q is not agency, provider or coordination", file, t.Name, t.Role)
		case t.Role == RoleProvider && t.Provider == "":
			return nil, fmt.Errorf("config %s: provider token %q names no provider", file, t.Name)
		case len(t.Hash) != len("sha256:")+64:
			return nil, fmt.Errorf("config %s: token %q: hash is not sha256:<64 hex digits>", file, t.Name)
		case seen[t.Name]:
			return nil, fmt.Errorf("config %s: two tokens are named %q", file, t.Name)
		}
		seen[t.Name] = true
	}
	for _, p := range c.TrustedProxies {
		pf, err := parsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("config %s: trusted_proxies: %q is neither an IP address nor a prefix like 10.0.0.0/8", file, p)
		}
		c.proxies = append(c.proxies, pf)
	}
	return &c, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	return p.Masked(), err
}

// ClientAddr returns the address a request comes from: its peer's, or,
// when the peer is a trusted proxy, the last address in X-Forwarded-For
// that is not a trusted proxy (addresses further left are whatever the
// client claimed).
func (c *Config) ClientAddr(r *http.Request) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := peer.Addr().Unmap()
	if !c.trusted(addr) {
		return addr.String()
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a broken header: stop at the last good hop
		}
		addr = a.Unmap()
		if !c.trusted(addr) {
			break
		}
	}
	return addr.String()
}

func (c *Config) trusted(a netip.Addr) bool {
	if c == nil {
		return false
	}
	for _, p := range c.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func (c *Config) defaults() {
	if c.RetentionDays == 0 {
		c.RetentionDays = 180
	}
	if c.YouthMaxAge == 0 {
		c.YouthMaxAge = 27
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 64 << 10
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = 15 * time.Second
	}
	if c.RateLimit.PerSecond == 0 {
		c.RateLimit.PerSecond = 20
	}
	if c.RateLimit.Burst == 0 {
		c.RateLimit.Burst = 40
	}
}

// KeyPath returns the key file's path, relative to the config file.
func (c *Config) KeyPath() string { return c.path(c.KeyFile) }

func (c *Config) path(file string) string {
	if file == "" || filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(c.dir, file)
}

// Sealer returns the sealer of the configured keys: the current key
// ($WEGWEISER_REFERRAL_KEY or key_file) and the old ones.
func (c *Config) Sealer() (*seal.Sealer, error) {
	key, err := seal.LoadKey(KeyEnv, c.KeyPath())
	if err != nil {
		return nil, err
	}
	keys := [][]byte{key}
	for _, f := range c.OldKeyFiles {
		k, err := seal.LoadKey("", c.path(f))
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return seal.New(keys...)
}

// KeyFiles returns the paths of the configured key files.
func (c *Config) KeyFiles() []string {
	var out []string
	if c.KeyFile != "" {
		out = append(out, c.KeyPath())
	}
	for _, f := range c.OldKeyFiles {
		out = append(out, c.path(f))
	}
	return out
}

// WideModes returns a warning for each existing file that others than its
// owner may read or write (the configuration with the tokens' hashes, the
// keys, the database and its log): they are created 0600 and should stay
// so.
func WideModes(files ...string) []string {
	var out []string
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.Mode().Perm()&0o077 != 0 {
			out = append(out, fmt.Sprintf("%s has mode %04o: others than its owner can read it; chmod 600 %s", f, st.Mode().Perm(), f))
		}
	}
	return out
}

// HashToken returns the stored form of a token secret.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// AddToken creates a token, adds its hash to the configuration file
// (creating the file if needed, mode 0600, keeping its comments and order)
// and returns the secret, which is shown only this once. provider must be
// a provider that known reports (the directory's).
func AddToken(file, name, role, provider string, known func(provider string) bool) (string, error) {
	if name == "" {
		return "", errors.New("token add: --name is required")
	}
	if !slices.Contains([]string{RoleAgency, RoleProvider, RoleCoordination}, role) {
		return "", fmt.Errorf("token add: --role must be agency, provider or coordination, not %q", role)
	}
	if (role == RoleProvider) != (provider != "") {
		return "", errors.New("token add: --provider is required for, and only for, role provider")
	}
	if provider != "" && (known == nil || !known(provider)) {
		return "", fmt.Errorf("token add: provider %q is not in the directory (see data/providers/)", provider)
	}
	var doc yaml.Node
	src, err := os.ReadFile(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		src = []byte("# wegweiser referrals configuration; see docs/referrals.md\nretention_days: 180\nkey_file: referral.key\ntokens: []\n")
	case err != nil:
		return "", err
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return "", fmt.Errorf("token add: %s: %w", file, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return "", fmt.Errorf("token add: %s is not a mapping", file)
	}
	root := doc.Content[0]
	var tokens *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "tokens" {
			tokens = root.Content[i+1]
		}
	}
	if tokens == nil {
		tokens = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "tokens"}, tokens)
	}
	if tokens.Kind != yaml.SequenceNode {
		return "", fmt.Errorf("token add: tokens in %s is not a list", file)
	}
	for _, t := range tokens.Content {
		for i := 0; i+1 < len(t.Content); i += 2 {
			if t.Content[i].Value == "name" && t.Content[i+1].Value == name {
				return "", fmt.Errorf("token add: a token named %q exists; remove it from %s first", name, file)
			}
		}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	secret := "wwr_" + base64.RawURLEncoding.EncodeToString(raw)
	tok := Token{Name: name, Role: role, Provider: provider, Hash: HashToken(secret)}
	var n yaml.Node
	if err := n.Encode(tok); err != nil {
		return "", err
	}
	n.Style = yaml.FlowStyle
	tokens.Style = 0
	tokens.Content = append(tokens.Content, &n)
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return "", err
	}
	if err := os.WriteFile(file, out.Bytes(), 0o600); err != nil {
		return "", err
	}
	return secret, nil
}
