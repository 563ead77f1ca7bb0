package demo_test

import (
	"context"
	"testing"

	"github.com/holdspace/holdspace/internal/demo"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

func TestLoadOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, err := demo.Load(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Created || r.People != 40 {
			t.Fatalf("first load: %+v", r)
		}
		again, err := demo.Load(ctx, db)
		if err != nil || again.Created {
			t.Fatalf("second load: %+v, %v", again, err)
		}
		people, total, _ := db.FindUsers(ctx, r.Org.ID, store.UserFilter{})
		if total != 40 {
			t.Errorf("%d people after two loads", total)
		}
		depts := map[string]bool{}
		for _, p := range people {
			depts[p.Department] = true
		}
		if len(depts) != 6 {
			t.Errorf("%d departments, want 6", len(depts))
		}
		progs, err := db.FindPrograms(ctx, r.Org.ID)
		if err != nil || len(progs) != 2 {
			t.Fatalf("programs: %d, %v", len(progs), err)
		}
		for _, p := range progs {
			opts, err := db.FindOptIns(ctx, r.Org.ID, p.ID)
			if err != nil || len(opts) < 6 {
				t.Errorf("%s has %d opt-ins (%v)", p.Name, len(opts), err)
			}
		}
		topics, _ := db.FindTopics(ctx, r.Org.ID)
		if len(topics) < 10 {
			t.Errorf("%d topics", len(topics))
		}
	})
}
