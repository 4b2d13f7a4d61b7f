package search

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The folding here is repeated exactly in themes/default/assets/search.js:
// the index holds folded terms and the browser folds the query the same
// way. TestFoldMatchesJavaScript keeps the two equal.

// isWordRune reports whether r belongs to a word: letters, digits,
// combining marks, and the zero-width non-joiner inside Persian words.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.M, r) || r == '\u200c'
}

// Tokens splits text into words.
func Tokens(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return !isWordRune(r) })
}

var arabicLetters = strings.NewReplacer(
	"\u0640", "", "\u200c", "", // tatweel, zero-width non-joiner
	"أ", "ا", "إ", "ا", "آ", "ا", "ٱ", "ا",
	"ى", "ي", "ی", "ي", "ة", "ه", "ک", "ك",
	"ı", "i", "ς", "σ",
)

var germanLetters = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

// arabicArticles are prefixes taken off Arabic words: the article and the
// conjunctions and prepositions fused to it.
var arabicArticles = []string{"وال", "بال", "كال", "فال", "لل", "ال"}

// strip removes combining marks (diacritics, Arabic vowel signs).
func strip(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return strings.ReplaceAll(b.String(), "ß", "ss")
}

// Fold returns the forms a word is indexed and looked up by: lower case,
// without diacritics, with Arabic letter variants unified and the article
// taken off. A word with ä, ö, ü gets two forms, "muenchen" and "munchen",
// so that "Muenchen", "München" and "Munchen" all find each other.
func Fold(word string) []string {
	if ascii(word) {
		// Nothing below changes ASCII but the case: no diacritics, umlauts,
		// ß or Arabic letters.
		return []string{strings.ToLower(word)}
	}
	return fold(word)
}

// fold is Fold without the shortcut for ASCII.
func fold(word string) []string {
	w := arabicLetters.Replace(strings.ToLower(word))
	forms := []string{article(strip(germanLetters.Replace(w)))}
	if plain := article(strip(w)); plain != forms[0] {
		forms = append(forms, plain)
	}
	return forms
}

// ascii reports whether s is all ASCII.
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func article(w string) string {
	for _, a := range arabicArticles {
		if rest, ok := strings.CutPrefix(w, a); ok && len([]rune(rest)) >= 3 {
			return rest
		}
	}
	return w
}

// shardKey names the shard of term's first n characters, as hexadecimal
// code points ("ku" → "6b-75").
func shardKey(term string, n int) string {
	r := []rune(term)
	if len(r) > n {
		r = r[:n]
	}
	parts := make([]string, len(r))
	for i, c := range r {
		parts[i] = strconv.FormatInt(int64(c), 16)
	}
	return strings.Join(parts, "-")
}
