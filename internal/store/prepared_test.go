package store_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestPreparedStatements runs queries often enough that they are served
// by prepared statements, and checks that their errors still map to the
// store's sentinels and that concurrent callers share them safely.
func TestPreparedStatements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		org, admin := mustCreateOrg(t, db, "Acme", "ann@acme.example")
		if err := db.CreateTopic(ctx, org.ID, "Feedback"); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			err := db.CreateTopic(ctx, org.ID, "Feedback")
			if _, ok := fault.FieldsOf(err); !ok {
				t.Errorf("duplicate topic, try %d: err = %v, want the field error a conflict becomes", i, err)
			}
			if _, err := db.FindUserByID(ctx, org.ID, "nobody"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("unknown person, try %d: err = %v, want ErrNotFound", i, err)
			}
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 20 {
					if u, err := db.FindUserByID(ctx, org.ID, admin.ID); err != nil || u.ID != admin.ID {
						t.Errorf("find admin: %+v, %v", u, err)
						return
					}
					if users, _, err := db.FindUsers(ctx, org.ID, store.UserFilter{Limit: 10}); err != nil || len(users) != 1 {
						t.Errorf("find users: %d, %v", len(users), err)
						return
					}
				}
			})
		}
		wg.Wait()
	})
}
