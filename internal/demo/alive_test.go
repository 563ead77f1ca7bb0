package demo_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/demo"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/service"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestDemoKeepsAlive runs the hourly upkeep over the demo, as serving it
// does on start: Tom, who missed the autumn circle's last two meetings,
// is nudged; the third autumn circle is flagged as struggling, and its
// members who missed three in a row are asked whether to pause; a
// finished pair held its closing ritual.
func TestDemoKeepsAlive(t *testing.T) {
	ctx := context.Background()
	outbox := &storetest.Outbox{}
	db := storetest.Open(t, storetest.SQLiteURL(t), store.WithOutbox(outbox), store.WithScheduler(&storetest.Jobs{}))
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://holdspace.test")
	svc := service.New(service.Config{DB: db, BaseURL: base, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := svc.Circles.UpkeepAll(ctx); err != nil {
		t.Fatal(err)
	}
	told := func(email, subject string) int {
		n := 0
		for _, m := range outbox.Messages() {
			if m.To == email && strings.Contains(m.Subject, subject) {
				n++
			}
		}
		return n
	}
	for _, c := range []struct {
		email, subject string
		want           int
	}{
		{"tom@northwind.example", "We missed you", 1},
		{"tom@northwind.example", "Pause for a while", 0},
		{"fatima@northwind.example", "We missed you", 0},
		{"elena@northwind.example", "We missed you", 1},
		{"james@northwind.example", "Pause for a while", 1},
		{"clara@northwind.example", "We missed you", 0},
	} {
		if got := told(c.email, c.subject); got != c.want {
			t.Errorf("%s got %d emails %q, want %d", c.email, got, c.subject, c.want)
		}
	}
	admin, err := db.FindUserByEmail(ctx, demo.AdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	byProgram, err := svc.Circles.Struggling(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range byProgram {
		total += n
	}
	if total != 1 {
		t.Errorf("struggling circles by program: %v, want one in the autumn program", byProgram)
	}

	// Zara and Chloé's pair finished with its closing ritual held in its
	// last meeting.
	zara, err := db.FindUserByEmail(ctx, "zara@northwind.example")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := db.FindCircles(ctx, zara.OrgID, store.CircleFilter{UserID: zara.ID})
	if err != nil || len(cs) != 1 || cs[0].FinishedAt == nil {
		t.Fatalf("Zara's circles: %+v, %v", cs, err)
	}
	p, err := db.FindProgramByID(ctx, zara.OrgID, cs[0].ProgramID)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := db.FindMeetings(ctx, zara.OrgID, cs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	last := circle.SeasonLast(ms, p, cs[0].FinishedAt, circle.PeriodFor(p.Cadence))
	if last != len(ms)-1 {
		t.Fatalf("the season's last meeting is %d of %d", last, len(ms))
	}
	words, err := db.FindRitualWords(ctx, zara.OrgID, ms[last].ID)
	if err != nil || len(words) != 4 {
		t.Fatalf("the ritual: %+v, %v", words, err)
	}
	for _, w := range words {
		if w.Kind == room.Appreciation && (w.ToName == "" || w.ToID == w.UserID) {
			t.Errorf("an appreciation: %+v", w)
		}
	}
}
