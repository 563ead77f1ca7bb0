package service_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/journal"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/seal"
	journals "github.com/holdspace/holdspace/internal/service/journal"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// markAssessment is planted in a self-assessment's note; no other party,
// and no row of the database, may show it.
const markAssessment = "Marker assessment 4c2 harbour"

// rawSelfAware returns every self-assessment and helping note row as
// text, read past the store.
func rawSelfAware(t *testing.T, db *store.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, org_id, user_id, sealed FROM self_assessments`,
		`SELECT org_id, user_id, meeting_id || presenter_id, sealed FROM helping_notes`,
	} {
		rows, err := db.WriteDB().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a, c, d string
			var sealed []byte
			if err := rows.Scan(&a, &c, &d, &sealed); err != nil {
				t.Fatal(err)
			}
			b.WriteString(a + c + d)
			b.Write(sealed)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

var someRatings = []journal.Rating{
	{Capability: "self_regulation", Pick: journal.Growth, Score: 2},
	{Capability: "listening", Pick: journal.Strength, Score: 4},
}

func TestSelfAssessmentIsOwnersAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 3)
		j := &journals.Service{DB: w.db, Keys: mustRing(t, 7, 0)}
		ana, ben := w.user("u01"), w.user("u02")

		_, err := j.Assess(ctx, ana, nil, "")
		wantKind(t, "no picks", err, fault.Invalid)
		_, err = j.Assess(ctx, ana, []journal.Rating{{Capability: "listening", Pick: journal.Strength, Score: 6}}, "")
		wantKind(t, "a rating of 6", err, fault.Invalid)
		_, err = j.Assess(ctx, ana, []journal.Rating{{Capability: "juggling", Pick: journal.Strength, Score: 3}}, "")
		wantKind(t, "an unknown capability", err, fault.Invalid)

		list, _ := j.Assessments(ctx, ana)
		if due, last := j.AssessmentDue(list); !due || !last.IsZero() {
			t.Errorf("before the first: due %v, last %v", due, last)
		}
		a, err := j.Assess(ctx, ana, someRatings, markAssessment)
		if err != nil {
			t.Fatal(err)
		}
		if a.Ratings[0].Capability != "listening" {
			t.Errorf("ratings not in the list's order: %+v", a.Ratings)
		}
		list, err = j.Assessments(ctx, ana)
		if err != nil || len(list) != 1 || list[0].Note != markAssessment {
			t.Fatalf("Ana's assessments: %+v, %v", list, err)
		}
		if due, _ := j.AssessmentDue(list); due {
			t.Error("a new assessment is suggested right after one")
		}
		w.now = w.now.Add(journal.AssessEvery)
		if due, _ := j.AssessmentDue(list); !due {
			t.Error("no new assessment is suggested three months on")
		}

		for _, other := range []*account.User{ben, w.admin} {
			_, err := j.Assessment(ctx, other, a.ID)
			wantKind(t, other.ID+" reads Ana's assessment", err, fault.NotFound)
			_, err = j.EditAssessment(ctx, other, a.ID, a.Version, someRatings, "mine")
			wantKind(t, other.ID+" edits Ana's assessment", err, fault.NotFound)
			wantKind(t, other.ID+" deletes Ana's assessment", j.DeleteAssessment(ctx, other, a.ID), fault.NotFound)
			if got, err := j.Assessments(ctx, other); err != nil || len(got) != 0 {
				t.Errorf("%s lists %+v, %v", other.ID, got, err)
			}
		}
		raw := rawSelfAware(t, w.db)
		for _, s := range []string{"harbour", "listening", "self_regulation", "strength", "growth"} {
			if strings.Contains(raw, s) {
				t.Errorf("the database holds %q in the clear", s)
			}
		}

		edited, err := j.EditAssessment(ctx, ana, a.ID, a.Version, someRatings[:1], "")
		if err != nil || edited.Version != 2 || len(edited.Ratings) != 1 {
			t.Fatalf("edit: %+v, %v", edited, err)
		}
		_, err = j.EditAssessment(ctx, ana, a.ID, a.Version, someRatings, "")
		wantKind(t, "an edit on an old version", err, fault.Stale)
		if err := j.DeleteAssessment(ctx, ana, a.ID); err != nil {
			t.Fatal(err)
		}
		_, err = j.Assessment(ctx, ana, a.ID)
		wantKind(t, "a deleted assessment", err, fault.NotFound)
	})
}

// Of two edits of a self-assessment made on the same version at once,
// one is kept and the other is told it changed (409).
func TestSelfAssessmentEditsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 2)
		j := &journals.Service{DB: w.db, Keys: mustRing(t, 7, 0)}
		ana := w.user("u01")
		a, err := j.Assess(ctx, ana, someRatings, "first")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = j.EditAssessment(ctx, ana, a.ID, a.Version, someRatings[i:i+1], "edit")
			})
		}
		wg.Wait()
		var ok, stale int
		for _, err := range errs {
			var f *fault.Error
			switch {
			case err == nil:
				ok++
			case errors.As(err, &f) && f.Kind == fault.Stale && errors.Is(err, journals.ErrAssessmentChanged):
				stale++
			default:
				t.Errorf("an edit: %v", err)
			}
		}
		if ok != 1 || stale != 1 {
			t.Errorf("%d kept and %d stale, want one of each", ok, stale)
		}
	})
}

// Helping notes: each member notes their own, once the counsel step has
// begun; they are sealed; each person's pattern is drawn from their own
// notes alone; nobody outside the circle, admins included, notes or
// reads anything.
func TestHelpingNotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, m, _ := roomWorld(t, dbURL)
		j := &journals.Service{DB: w.db, Keys: mustRing(t, 7, 0)}
		w.room.Notes = j
		ana, ben, cy := w.user("u01"), w.user("u02"), w.user("u03")
		tk := w.user(m.TimekeeperID)

		v, err := w.room.Room(ctx, ana, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		st, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdPresenters, Version: v.State.Version, Presenters: []string{"u02"}})
		if err != nil {
			t.Fatal(err)
		}
		// Before the counsel step about Ben's situation, nothing to note.
		err = w.room.NoteHelp(ctx, ana, id, m.ID, journal.HelpNote{PresenterID: "u02", Took: journal.Process})
		wantKind(t, "a note before counsel", err, fault.Invalid)
		if st, err = w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdStart, Version: st.Version}); err != nil {
			t.Fatal(err)
		}
		for st.Current().Kind != room.Counsel {
			if st, err = w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdNext, Version: st.Version}); err != nil {
				t.Fatal(err)
			}
		}

		err = w.room.NoteHelp(ctx, ana, id, m.ID, journal.HelpNote{PresenterID: "u02", Took: "guru"})
		wantKind(t, "an unknown role", err, fault.Invalid)
		err = w.room.NoteHelp(ctx, ana, id, m.ID, journal.HelpNote{PresenterID: "u01", Took: journal.Process})
		wantKind(t, "a note on someone who is not presenting", err, fault.Invalid)
		err = w.room.NoteHelp(ctx, ana, id, m.ID, journal.HelpNote{PresenterID: "u02", Helped: []journal.Role{journal.Expert}})
		wantKind(t, "a helper saying what helped", err, fault.Invalid)
		for _, c := range []struct {
			u *account.User
			n journal.HelpNote
		}{
			{ana, journal.HelpNote{PresenterID: "u02", Took: journal.Expert}},
			{ana, journal.HelpNote{PresenterID: "u02", Took: journal.Process}}, // her second word stands
			{cy, journal.HelpNote{PresenterID: "u02", Took: journal.Doctor}},
			{ben, journal.HelpNote{PresenterID: "u02", Helped: []journal.Role{journal.Process, journal.Process}}},
		} {
			if err := w.room.NoteHelp(ctx, c.u, id, m.ID, c.n); err != nil {
				t.Fatalf("%s notes %+v: %v", c.u.ID, c.n, err)
			}
		}

		for _, other := range []*account.User{w.admin, w.user("u05")} {
			err := w.room.NoteHelp(ctx, other, id, m.ID, journal.HelpNote{PresenterID: "u02", Took: journal.Expert})
			wantKind(t, other.ID+" notes help", err, fault.NotFound)
			_, err = w.room.MyHelpNotes(ctx, other, id, m.ID)
			wantKind(t, other.ID+" reads the meeting's notes", err, fault.NotFound)
			if p, err := j.Pattern(ctx, other, time.UTC); err != nil || p.Sentence() != "" {
				t.Errorf("%s's pattern: %q, %v", other.ID, p.Sentence(), err)
			}
		}

		mine, err := w.room.MyHelpNotes(ctx, ana, id, m.ID)
		if err != nil || len(mine) != 1 || mine["u02"].Took != journal.Process {
			t.Errorf("Ana's notes on the meeting: %+v, %v", mine, err)
		}
		for u, want := range map[*account.User]string{
			ana: "You mostly offer process help.",
			cy:  "You mostly offer diagnosing.",
			ben: "As a presenter, you found process help most useful.",
		} {
			p, err := j.Pattern(ctx, u, time.UTC)
			if err != nil || p.Sentence() != want {
				t.Errorf("%s's pattern: %q, %v; want %q", u.ID, p.Sentence(), err, want)
			}
		}
		// Ben's word on what helped reaches nobody else: the helpers'
		// patterns hold their own notes alone.
		if p, _ := j.Pattern(ctx, ana, time.UTC); p.Presented != 0 || p.Helped.Total() != 0 {
			t.Errorf("Ana's pattern holds a presenter's answer: %+v", p)
		}

		raw := rawSelfAware(t, w.db)
		for _, s := range []string{"expert", "doctor", "process", "helped", "took"} {
			if strings.Contains(raw, s) {
				t.Errorf("the database holds %q in the clear", s)
			}
		}

		// A helper's empty note takes theirs back.
		if err := w.room.NoteHelp(ctx, cy, id, m.ID, journal.HelpNote{PresenterID: "u02"}); err != nil {
			t.Fatal(err)
		}
		if p, _ := j.Pattern(ctx, cy, time.UTC); p.Sentence() != "" {
			t.Errorf("Cy's pattern after taking the note back: %q", p.Sentence())
		}
	})
}

// Self-assessments and helping notes are sealed under each person's
// journal data key: a rotation of the server key rewraps that key and
// nothing else, and everything reads back after it.
func TestSelfAwareKeyRotation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, id, m, _ := roomWorld(t, dbURL)
		before := mustRing(t, 1, 0)
		w.room.Seal = before.Box()
		j := &journals.Service{DB: w.db, Keys: before}
		w.room.Notes = j
		ana, ben := w.user("u01"), w.user("u02")
		tk := w.user(m.TimekeeperID)
		if _, err := j.Assess(ctx, ana, someRatings, "before"); err != nil {
			t.Fatal(err)
		}
		v, err := w.room.Room(ctx, ana, id, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		st, err := w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdPresenters, Version: v.State.Version, Presenters: []string{"u02"}})
		if err != nil {
			t.Fatal(err)
		}
		if st, err = w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdStart, Version: st.Version}); err != nil {
			t.Fatal(err)
		}
		if _, err = w.room.RoomCommand(ctx, tk, id, m.ID, room.Command{Kind: room.CmdEnd, Version: st.Version}); err != nil {
			t.Fatal(err)
		}
		if err := w.room.NoteHelp(ctx, ana, id, m.ID, journal.HelpNote{PresenterID: "u02", Took: journal.Doctor}); err != nil {
			t.Fatal(err)
		}

		during := mustRing(t, 2, 1)
		w.room.Seal = during.Box()
		j.Keys = during
		if _, err := j.Assess(ctx, ben, someRatings[:1], "during"); err != nil {
			t.Fatal(err)
		}
		if err := w.room.NoteHelp(ctx, ben, id, m.ID, journal.HelpNote{PresenterID: "u02", Helped: []journal.Role{journal.Doctor}}); err != nil {
			t.Fatal(err)
		}
		before2 := rawSelfAware(t, w.db)
		done, err := j.Rotate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if done.Keys != 1 {
			t.Errorf("rotated %+v, want Ana's key alone (Ben's was made under the new key)", done)
		}
		if after := rawSelfAware(t, w.db); after != before2 {
			t.Error("the rotation rewrote a self-assessment or a helping note")
		}

		after := mustRing(t, 2, 0)
		j.Keys = after
		for u, want := range map[*account.User]string{ana: "before", ben: "during"} {
			list, err := j.Assessments(ctx, u)
			if err != nil || len(list) != 1 || list[0].Note != want {
				t.Errorf("%s's assessments after the rotation: %+v, %v", u.ID, list, err)
			}
		}
		if p, err := j.Pattern(ctx, ana, time.UTC); err != nil || p.Took[journal.Doctor] != 1 {
			t.Errorf("Ana's pattern after the rotation: %+v, %v", p, err)
		}
		if p, err := j.Pattern(ctx, ben, time.UTC); err != nil || p.Helped[journal.Doctor] != 1 {
			t.Errorf("Ben's pattern after the rotation: %+v, %v", p, err)
		}
		old := &journals.Service{DB: w.db, Keys: mustRing(t, 1, 0)}
		if _, err := old.Assessments(ctx, ana); !errors.Is(err, seal.ErrUnknownKey) {
			t.Errorf("the old key alone reads Ana's assessments: %v", err)
		}
	})
}
