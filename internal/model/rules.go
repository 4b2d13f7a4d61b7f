package model

import (
	"reflect"
	"strings"
)

// Rules are what the struct tags of one field say (see the package
// comment): its YAML name and its `wg` rules.
type Rules struct {
	Name      string // the YAML name; "" for a field that is not in the files
	Required  bool
	Translate bool
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
		case "enum":
			r.Enum = strings.Split(val, "|")
		case "ref":
			r.Ref = val
		}
	}
	return r
}
