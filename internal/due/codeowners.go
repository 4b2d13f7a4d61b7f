package due

import (
	"bufio"
	"bytes"
	"path"
	"strings"
)

// CodeOwners is a parsed CODEOWNERS file (GitHub's and GitLab's common
// syntax: "pattern owner…" per line, the last matching line wins; GitLab's
// [Section] headers are skipped).
type CodeOwners []ownerRule

type ownerRule struct {
	pattern string
	owners  []string
}

// ParseCodeOwners reads a CODEOWNERS file.
func ParseCodeOwners(src []byte) CodeOwners {
	var rules CodeOwners
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") || strings.HasPrefix(line, "^[") {
			continue
		}
		f := strings.Fields(line)
		rules = append(rules, ownerRule{pattern: f[0], owners: f[1:]})
	}
	return rules
}

// Owners returns the owners of file (a slash path from the repository's
// root), by the last matching rule.
func (c CodeOwners) Owners(file string) []string {
	var owners []string
	for _, r := range c {
		if match(r.pattern, file) {
			owners = r.owners
		}
	}
	return owners
}

// match implements the subset of gitignore patterns CODEOWNERS files use:
// a leading "/" anchors at the root, a trailing "/" matches a directory's
// contents, "*" within one path element, "**" across elements; an
// unanchored pattern without "/" matches a name at any depth.
func match(pattern, file string) bool {
	if pattern == "*" || pattern == "**" {
		return true
	}
	anchored := strings.HasPrefix(pattern, "/") || strings.Contains(strings.TrimSuffix(pattern, "/"), "/")
	pattern = strings.TrimPrefix(pattern, "/")
	if strings.HasSuffix(pattern, "/") {
		pattern += "**"
	}
	if !anchored {
		for f := file; ; {
			if ok, _ := path.Match(pattern, path.Base(f)); ok {
				return true
			}
			if strings.HasPrefix(file, pattern+"/") || strings.Contains(file, "/"+pattern+"/") {
				return true
			}
			d := path.Dir(f)
			if d == "." || d == f {
				return false
			}
			f = d
		}
	}
	return globMatch(strings.Split(pattern, "/"), strings.Split(file, "/"))
}

func globMatch(pat, parts []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(parts); i++ {
				if globMatch(pat[1:], parts[i:]) {
					return true
				}
			}
			return false
		}
		if len(parts) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], parts[0]); !ok {
			return false
		}
		pat, parts = pat[1:], parts[1:]
	}
	// A pattern naming a directory owns what is inside it.
	return true
}
