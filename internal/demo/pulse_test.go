package demo_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"testing"

	"github.com/holdspace/holdspace/internal/demo"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/service"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestDemoPulseShare: in the lived-in circle everyone but Maya agreed to
// share its pulse with the admins; once she has read the ground rules and
// agrees, her admin's view shows the circle's two finished rounds.
func TestDemoPulseShare(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, storetest.SQLiteURL(t), store.WithOutbox(&storetest.Outbox{}), store.WithScheduler(&storetest.Jobs{}))
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://holdspace.test")
	svc := service.New(service.Config{DB: db, BaseURL: base, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	maya, err := db.FindUserByEmail(ctx, demo.AdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := db.FindCircles(ctx, maya.OrgID, store.CircleFilter{UserID: maya.ID, Status: []program.CircleStatus{program.Active}})
	if err != nil || len(mine) != 1 {
		t.Fatalf("Maya's circles: %v, %v", mine, err)
	}
	id := mine[0].ID
	if list, _, err := svc.Pulses.Shared(ctx, maya, ""); err != nil || len(list) != 0 {
		t.Fatalf("before Maya agrees, shared: %v, %v", list, err)
	}
	rules, err := db.FindGroundRules(ctx, maya.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Agreements.AcknowledgeGroundRules(ctx, maya, id, rules.Version); err != nil {
		t.Fatal(err)
	}
	v, err := svc.Pulses.Circle(ctx, maya, id)
	if err != nil {
		t.Fatal(err)
	}
	if v.Share.Members != 5 || v.Share.Agreed != 4 || v.Share.Mine {
		t.Errorf("Maya reads %+v, want 4 of 5 agreed", v.Share)
	}
	if err := svc.Pulses.SetShare(ctx, maya, id, true); err != nil {
		t.Fatal(err)
	}
	list, _, err := svc.Pulses.Shared(ctx, maya, "")
	if err != nil || len(list) != 1 || list[0].CircleID != id {
		t.Fatalf("after Maya agrees, shared: %v, %v", list, err)
	}
	if got := list[0].Trend.Rounds; len(got) != 2 || got[0].Respondents != 4 || got[1].Respondents != 3 {
		t.Errorf("the admin reads rounds %+v, want the two finished ones (4 and 3 answers)", got)
	}
}
