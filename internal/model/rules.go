package model

import (
	"fmt"
	"reflect"
	"strings"
)

// Rules are what the struct tags of one field say (see the package
// comment): its YAML name and its `wg` rules.
type Rules struct {
	Name      string // the YAML name; "" for a field that is not in the files
	Required  bool
	Translate bool
	Long      bool     // a description: several lines, up to MaxLong characters
	Enum      []string // allowed values; nil: any
	Ref       string   // kind of thing the value is the id of, or ""
}

// FieldRules reads the rules of f.
func FieldRules(f reflect.StructField) Rules {
	var r Rules
	if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "-" && f.IsExported() {
		r.Name = name
	}
	for _, rule := range strings.Split(f.Tag.Get("wg"), ",") {
		key, val, _ := strings.Cut(rule, "=")
		switch key {
		case "required":
			r.Required = true
		case "translate":
			r.Translate = true
		case "long":
			r.Long = true
		case "enum":
			r.Enum = strings.Split(val, "|")
		case "ref":
			r.Ref = val
		}
	}
	return r
}

// Limits of values, in characters (Unicode code points). A longer value is
// an error: it would break layouts, exports and the search index, and is
// almost always a paste gone wrong.
const (
	MaxLine = 300  // a name, title, address line or any other one-line value
	MaxLong = 5000 // a description or note (fields tagged long)
	MaxID   = 64   // an id, and each segment of a page's path
)

// reservedNames are names Windows refuses as a file or folder name, with or
// without an extension; an id becomes a folder of the published site.
var reservedNames = map[string]bool{"con": true, "prn": true, "aux": true, "nul": true,
	"com0": true, "com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt0": true, "lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true}

// SafeSegment reports why s cannot be one segment of a published path (an
// id, a language code, a page's file or folder name), or "" if it can: it
// must be 1 to MaxID characters of a–z, 0–9 and single inner dashes (or
// underscores), and not a name Windows reserves for a device.
func SafeSegment(s string) string {
	if s == "" {
		return "it is empty"
	}
	if len(s) > MaxID {
		return fmt.Sprintf("it is %d characters long; the limit is %d", len(s), MaxID)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '-' || c == '_') && i > 0 && i < len(s)-1 && s[i-1] != '-' && s[i-1] != '_':
		default:
			return "only lower-case letters a–z, digits and single dashes are allowed"
		}
	}
	if base, _, _ := strings.Cut(s, "."); reservedNames[base] {
		return fmt.Sprintf("`%s` is a device name on Windows and cannot be a folder name", s)
	}
	return ""
}
