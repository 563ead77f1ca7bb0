package service_test

import (
	"errors"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// A member invites colleagues to a program open for opt-in: once per
// colleague and program, whoever invites, never to a closed program, and
// at most a day's allowance; with none open they may ask the admins, once
// a week. Guests they brought to a meeting who came are counted.
func TestInviteAnotherTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		sp, err := w.programs.SpreadFor(ctx, w.user("u01"))
		if err != nil || len(sp.Programs) != 1 || sp.Programs[0].ID != p.ID || sp.Invited != 0 || sp.Leader {
			t.Fatalf("the spread page: %+v (%v)", sp, err)
		}
		sent := len(w.outbox.Messages())
		if err := w.programs.InviteColleague(ctx, w.user("u01"), p.ID, "u05"); err != nil {
			t.Fatal(err)
		}
		if n := w.mailTo(w.user("u05").Email, "invites you to peer coaching"); n != 1 {
			t.Errorf("u05 got %d invitations, want 1", n)
		}
		if err := w.programs.InviteColleague(ctx, w.user("u02"), p.ID, "u05"); !errors.Is(err, store.ErrAlreadyInvited) || fault.KindOf(err) != fault.Conflict {
			t.Errorf("a second invitation of u05: %v", err)
		}
		for _, to := range []string{"u01", "nobody"} {
			if err := w.programs.InviteColleague(ctx, w.user("u01"), p.ID, to); fieldMessage(err, "colleague") == "" {
				t.Errorf("inviting %s: %v", to, err)
			}
		}
		if err := w.programs.InviteColleague(ctx, w.user("u01"), "nope", "u06"); fieldMessage(err, "program_id") == "" {
			t.Errorf("inviting to no program: %v", err)
		}
		// Two invitations of one colleague at once: one is sent.
		errs := together(
			func() error { return w.programs.InviteColleague(ctx, w.user("u01"), p.ID, "u06") },
			func() error { return w.programs.InviteColleague(ctx, w.user("u02"), p.ID, "u06") })
		oneWins(t, "u06 invited twice at once", errs)
		if got := len(w.outbox.Messages()) - sent; got != 2 {
			t.Errorf("%d emails sent, want 2", got)
		}
		if sp, _ := w.programs.SpreadFor(ctx, w.user("u02")); sp.Invited+func() int {
			s1, _ := w.programs.SpreadFor(ctx, w.user("u01"))
			return s1.Invited
		}() != 2 {
			t.Errorf("u01 and u02 have invited %d between them, want 2", sp.Invited)
		}

		// Closed for opt-in: no invitation, and the admins may be asked.
		w.now = w.now.Add(30 * 24 * time.Hour)
		if err := w.programs.InviteColleague(ctx, w.user("u01"), p.ID, "u07"); fieldMessage(err, "program_id") == "" {
			t.Errorf("inviting after opt-in closed: %v", err)
		}
		if sp, _ := w.programs.SpreadFor(ctx, w.user("u01")); len(sp.Programs) != 0 {
			t.Errorf("programs open after opt-in closed: %+v", sp.Programs)
		}
		if err := w.programs.AskForProgram(ctx, w.user("u01")); err != nil {
			t.Fatal(err)
		}
		if n := w.mailTo(w.admin.Email, "would like to invite colleagues"); n != 1 {
			t.Errorf("the admin got %d asks, want 1", n)
		}
		if err := w.programs.AskForProgram(ctx, w.user("u01")); fault.KindOf(err) != fault.RateLimited {
			t.Errorf("asking twice in a week: %v", err)
		}
	})
}

// A person invites at most InvitationsPerDay colleagues in a day.
func TestInvitationsPerDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		ids := []string{"u02", "u03", "u04", "u05", "u06", "u07"}
		limit := len(ids) - 1
		for i, id := range ids {
			err := w.db.CreateTeamInvitation(ctx, w.org.ID, "u01", p.ID, id, limit)
			if i < limit && err != nil {
				t.Fatalf("invitation %d: %v", i+1, err)
			}
			if i == limit && !errors.Is(err, store.ErrTooManyInvitations) {
				t.Errorf("invitation %d of %d a day: %v", i+1, limit, err)
			}
		}
		w.now = w.now.Add(25 * time.Hour)
		if err := w.db.CreateTeamInvitation(ctx, w.org.ID, "u01", p.ID, ids[limit], limit); err != nil {
			t.Errorf("the next day: %v", err)
		}
	})
}

// A leader may show that they take part in a circle, off by default; a
// colleague then sees it only while they are in one.
func TestLeaderShowsTakingPart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		if err := w.programs.ShowTakingPart(ctx, w.user("u01"), true); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("someone who manages nobody shows it: %v", err)
		}
		e := edit(w.person("u02"))
		e.ManagerID = "u01"
		if _, err := w.directory().EditPerson(ctx, w.admin, "u02", e); err != nil {
			t.Fatal(err)
		}
		if sp, err := w.programs.SpreadFor(ctx, w.user("u01")); err != nil || !sp.Leader || sp.Shown {
			t.Fatalf("a leader's page: %+v (%v)", sp, err)
		}
		takesPart := func() bool {
			t.Helper()
			ok, err := w.programs.TakesPart(ctx, w.user("u05"), "u01")
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if takesPart() {
			t.Error("shown by default")
		}
		if err := w.programs.ShowTakingPart(ctx, w.user("u01"), true); err != nil {
			t.Fatal(err)
		}
		if takesPart() {
			t.Error("shown while in no circle")
		}
		w.scheduled(p, "u01", "u02", "u03")
		if !takesPart() {
			t.Error("not shown while in a circle")
		}
		if err := w.programs.ShowTakingPart(ctx, w.user("u01"), false); err != nil || takesPart() {
			t.Errorf("shown after turning it off (%v)", err)
		}
	})
}
