package postgres

import (
	"context"
	"testing"

	"github.com/wegweiser-de/wegweiser/internal/pgtest"
	"github.com/wegweiser-de/wegweiser/internal/referral"
	"github.com/wegweiser-de/wegweiser/internal/referral/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestStoreContract runs the store contract on a real PostgreSQL server.
func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) referral.Store {
		s, err := Open(context.Background(), pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestMigrationsOnce: opening again applies nothing twice; two openings at
// once take turns.
func TestMigrationsOnce(t *testing.T) {
	url := pgtest.URL(t)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			s, err := Open(context.Background(), url)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	s.DB().QueryRow(`SELECT COUNT(*) FROM migrations`).Scan(&n)
	if n != 1 {
		t.Errorf("%d migrations recorded", n)
	}
}
