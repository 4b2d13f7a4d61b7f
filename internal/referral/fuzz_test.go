package referral

import (
	"bytes"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/wegweiser-de/wegweiser/internal/load"
	"github.com/wegweiser-de/wegweiser/internal/model"
	"github.com/wegweiser-de/wegweiser/internal/routing"
)

var (
	exampleOnce sync.Once
	exampleDir  *model.Directory
)

// FuzzCreateRequest decodes and validates arbitrary bodies: no panic, every
// rejection names a field or says what is wrong, and every accepted
// request can be routed.
//
//	go test ./internal/referral -run '^$' -fuzz FuzzCreateRequest -fuzztime 1m
func FuzzCreateRequest(f *testing.F) {
	for _, seed := range []string{
		`{"source":"jobcenter","person":{"age":34,"district":"maxvorstadt","languages":["ar"]},"consent":{"given":true,"date":"2026-11-20"}}`,
		`{"source":"other","person":{"age_group":"young","postal_code":"80333"},"needs":{"literacy":true,"childcare":true,"topic":"work"},"consent":{"given":true,"date":"2026-11-01"},"contact":{"name":"A","email":"a@example.org","phone":"0176 1"}}`,
		`{"source":"jobcenter","consent":{"given":false}}`,
		`{"person":{"age":"x"}}`, `[]`, `{"a":1}`, ``, `{"source":"jobcenter"} x`,
	} {
		f.Add([]byte(seed))
	}
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		exampleOnce.Do(func() { exampleDir, _ = load.Load(os.DirFS("../.."), load.Options{Now: now}) })
		var req CreateRequest
		err := Decode(bytes.NewReader(body), &req)
		if err != nil {
			var inv *InvalidError
			if !errors.As(err, &inv) || inv.Message == "" {
				t.Fatalf("decode error without a message: %v", err)
			}
			return
		}
		need, problems := req.validate(exampleDir, now, 27)
		for _, p := range problems {
			if p.Field == "" || p.Message == "" {
				t.Fatalf("problem without field or message: %+v", p)
			}
		}
		if len(problems) > 0 {
			return
		}
		if !req.Consent.Given {
			t.Fatal("accepted without consent")
		}
		if _, err := routing.Route(exampleDir, need, routing.Load{}, routing.Options{Today: model.DateOf(now)}); err != nil && !errors.Is(err, routing.ErrNoOffice) {
			t.Fatalf("a valid request cannot be routed: %v", err)
		}
	})
}
