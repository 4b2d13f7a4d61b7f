package load

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// suggest returns the candidate closest to s, or "" if none is close enough
// to be a likely typo. Comparison ignores case, diacritics and the
// difference between spaces, dashes and underscores, so that a name written
// where an id belongs ("Neuhausen Nymphenburg") still finds the id.
func suggest(s string, candidates []string) string {
	key := fold(s)
	best, bestDist := "", -1
	for _, c := range candidates {
		ck := fold(c)
		if ck == key {
			return c
		}
		d := distance(key, ck)
		if d <= maxTypo(key) && (bestDist < 0 || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// maxTypo is the number of edits still taken for a typo of s.
func maxTypo(s string) int {
	n := len([]rune(s))
	switch {
	case n <= 3:
		return 1
	case n <= 8:
		return 2
	default:
		return 3
	}
}

// fold lower-cases s, removes diacritics and treats ß as ss and spaces and
// underscores as dashes.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.TrimSpace(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'ß':
			b.WriteString("ss")
		case r == ' ' || r == '_':
			b.WriteByte('-')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// distance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours each count 1.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		if a == b {
			return 0
		}
		return 1 << 20 // too long to be a typo worth computing
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
