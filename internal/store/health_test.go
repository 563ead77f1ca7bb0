package store_test

import (
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestHealthReads: a round waits to be published until it is, a page of
// circles without meetings counts none, and neither read reaches into
// another organisation.
func TestHealthReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, clk := setup(t, dbURL)
		org, admin := mustCreateOrg(t, db, "Acme", "ann@acme.example")
		other, _ := mustCreateOrg(t, db, "Other", "olga@other.example")
		p := &program.Program{OrgID: org.ID, Name: "Circles", Format: program.FormatGroup, OptInOpens: clk.t, OptInCloses: clk.t.Add(14 * 24 * time.Hour), CreatedBy: admin.ID}
		p.Defaults()
		if err := db.CreateProgram(ctx, p); err != nil {
			t.Fatal(err)
		}
		cs := []program.Circle{{Members: []program.Member{{UserID: admin.ID}}}}
		round, err := db.SaveProposal(ctx, org.ID, p.ID, "", cs, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		drafts, err := db.FindRoundsToPublish(ctx, org.ID, 5)
		if err != nil || len(drafts) != 1 || drafts[0].ID != round.ID || drafts[0].ProgramName != "Circles" || drafts[0].Number != 1 {
			t.Fatalf("rounds to publish: %+v, %v", drafts, err)
		}
		if drafts, err := db.FindRoundsToPublish(ctx, other.ID, 5); err != nil || len(drafts) != 0 {
			t.Errorf("another organisation's rounds to publish: %+v, %v", drafts, err)
		}

		records, err := db.FindMeetingRecords(ctx, org.ID, []string{cs[0].ID}, clk.t)
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := records[cs[0].ID]; !ok || r.Held != 0 || r.Attended != 0 || !r.Last.IsZero() || !r.Next.IsZero() || !r.Latest.IsZero() || r.Freq != "" {
			t.Errorf("a circle without meetings: %+v (found %v)", r, ok)
		}
		if records, err := db.FindMeetingRecords(ctx, other.ID, []string{cs[0].ID}, clk.t); err != nil || len(records) != 0 {
			t.Errorf("another organisation reads the circle's records: %+v, %v", records, err)
		}

		if _, err := db.PublishRound(ctx, org.ID, round.ID, round.Version, nil); err != nil {
			t.Fatal(err)
		}
		if drafts, err := db.FindRoundsToPublish(ctx, org.ID, 5); err != nil || len(drafts) != 0 {
			t.Errorf("rounds to publish after publishing: %+v, %v", drafts, err)
		}
		agenda, err := db.FindAgenda(ctx, org.ID, admin.ID)
		if err != nil || agenda.Proposals != 1 || agenda.GroundRules != 0 {
			t.Errorf("agenda: %+v, %v", agenda, err)
		}
		if n, err := db.CountStalled(ctx, org.ID, clk.t.Add(365*24*time.Hour)); err != nil || len(n) != 0 {
			t.Errorf("stalled before any circle formed: %v, %v", n, err)
		}
	})
}
