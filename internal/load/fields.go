package load

import (
	"reflect"
	"sync"

	"github.com/wegweiser-de/wegweiser/internal/model"
)

// field describes one struct field as the YAML contract sees it: its YAML
// name and the rules of its `wg` tag (see package model).
type field struct {
	index     int
	name      string
	required  bool
	translate bool
	long      bool
	url       bool // a web address: longer than one line of text may be
	enum      []string
	ref       string
}

// fieldCache holds the parsed fields of each struct type. It is owned by one
// load (or schema) run; the mutex lets the run decode files in parallel.
type fieldCache struct {
	mu sync.Mutex
	m  map[reflect.Type][]field
}

func (c *fieldCache) fields(t reflect.Type) []field {
	c.mu.Lock()
	defer c.mu.Unlock()
	if fs, ok := c.m[t]; ok {
		return fs
	}
	if c.m == nil {
		c.m = map[reflect.Type][]field{}
	}
	var fs []field
	for i := range t.NumField() {
		r := model.FieldRules(t.Field(i))
		if r.Name == "" {
			continue
		}
		fs = append(fs, field{index: i, name: r.Name, required: r.Required, translate: r.Translate, long: r.Long, url: t.Field(i).Type == urlType, enum: r.Enum, ref: r.Ref})
	}
	c.m[t] = fs
	return fs
}

func fieldNames(fs []field) []string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.name
	}
	return names
}
