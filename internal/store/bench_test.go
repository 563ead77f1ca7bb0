package store_test

import (
	"fmt"
	"testing"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// benchOrg opens a database of the engine with one organisation of n
// people, and returns it with the organisation and its admin.
func benchOrg(b *testing.B, e storetest.Engine, n int) (*store.DB, *account.Org, *account.User) {
	b.Helper()
	db := storetest.Open(b, e.URL(b))
	admin := &account.User{Name: "Admin", Email: "admin@bench.example", Timezone: "UTC", PasswordHash: "x"}
	others := make([]*account.User, n-1)
	for i := range others {
		others[i] = &account.User{Name: fmt.Sprintf("Person %04d", i), Email: fmt.Sprintf("p%04d@bench.example", i),
			Role: account.RoleMember, Status: account.StatusActive, Timezone: "Europe/Berlin", Department: fmt.Sprintf("Dept %d", i%12)}
	}
	org, err := db.CreateOrg(ctx, "Bench", admin, others...)
	if err != nil {
		b.Fatal(err)
	}
	return db, org, admin
}

// BenchmarkFindUsers reads a page of 500 people, each with two times: the
// cost of scanning rows, times included.
func BenchmarkFindUsers(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			db, org, _ := benchOrg(b, e, 500)
			b.ReportAllocs()
			for b.Loop() {
				users, _, err := db.FindUsers(ctx, org.ID, store.UserFilter{Limit: 500})
				if err != nil || len(users) != 500 {
					b.Fatalf("found %d, %v", len(users), err)
				}
			}
		})
	}
}

// BenchmarkFindUserByID reads one row by its key: the cost of a query
// itself, which every page pays several times.
func BenchmarkFindUserByID(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			db, org, admin := benchOrg(b, e, 50)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := db.FindUserByID(ctx, org.ID, admin.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUpdateUser writes in a transaction that reads first: the cost
// of the write path.
func BenchmarkUpdateUser(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			db, org, admin := benchOrg(b, e, 50)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				name := fmt.Sprintf("Admin %d", i)
				if _, err := db.UpdateUser(ctx, org.ID, admin.ID, store.UserUpdate{Name: &name}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
