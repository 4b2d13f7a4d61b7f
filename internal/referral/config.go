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
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Config is the endpoint's configuration file (--config). Tokens are stored
// only as hashes; `wegweiser referrals token add` adds them.
type Config struct {
	RetentionDays int      `yaml:"retention_days"` // personal data is deleted after this many days (default 180)
	YouthMaxAge   int      `yaml:"youth_max_age"`  // first age counselled by MBE (default 27)
	KeyFile       string   `yaml:"key_file"`       // base64 AES-256 key, relative to the config file; $WEGWEISER_REFERRAL_KEY wins
	MaxBodyBytes  int64    `yaml:"max_body_bytes"` // default 64 KiB
	CORSOrigins   []string `yaml:"cors_origins"`   // browser origins allowed to call the API; none by default
	RateLimit     struct {
		PerSecond float64 `yaml:"per_second"` // default 20
		Burst     int     `yaml:"burst"`      // default 40
	} `yaml:"rate_limit"`
	Tokens []Token `yaml:"tokens"`

	dir string // directory of the config file
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
	return &c, nil
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
	if c.RateLimit.PerSecond == 0 {
		c.RateLimit.PerSecond = 20
	}
	if c.RateLimit.Burst == 0 {
		c.RateLimit.Burst = 40
	}
}

// KeyPath returns the key file's path, relative to the config file.
func (c *Config) KeyPath() string {
	if c.KeyFile == "" || filepath.IsAbs(c.KeyFile) {
		return c.KeyFile
	}
	return filepath.Join(c.dir, c.KeyFile)
}

// HashToken returns the stored form of a token secret.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// AddToken creates a token, adds its hash to the configuration file
// (creating the file if needed, keeping its comments and order) and returns
// the secret, which is shown only this once.
func AddToken(file, name, role, provider string) (string, error) {
	if name == "" {
		return "", errors.New("token add: --name is required")
	}
	if !slices.Contains([]string{RoleAgency, RoleProvider, RoleCoordination}, role) {
		return "", fmt.Errorf("token add: --role must be agency, provider or coordination, not %q", role)
	}
	if (role == RoleProvider) != (provider != "") {
		return "", errors.New("token add: --provider is required for, and only for, role provider")
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
