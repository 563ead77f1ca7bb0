package service_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/service/journal"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// markJournal is planted in an entry; no other party, and no row of the
// database, may show it.
const markJournal = "Marker journal 8e1 lighthouse"

func mustRing(t *testing.T, current, previous byte) *seal.Ring {
	t.Helper()
	var prev []byte
	if previous != 0 {
		prev = bytes.Repeat([]byte{previous}, seal.KeySize)
	}
	r, err := seal.NewRing(bytes.Repeat([]byte{current}, seal.KeySize), prev)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func wantKind(t *testing.T, what string, err error, kind fault.Kind) {
	t.Helper()
	var f *fault.Error
	if !errors.As(err, &f) || f.Kind != kind {
		t.Errorf("%s: %v, want %s", what, err, kind)
	}
}

// timeline returns the texts of u's timeline for query, entries and
// reflections alike.
func timeline(t *testing.T, j *journal.Service, u *account.User, query string) []string {
	t.Helper()
	items, err := j.Timeline(ctx, u, query)
	if err != nil {
		t.Fatalf("timeline of %s: %v", u.ID, err)
	}
	var out []string
	for _, it := range items {
		if it.Entry != nil {
			out = append(out, it.Entry.Body)
		} else {
			out = append(out, it.Reflection.Text)
		}
	}
	return out
}

// rawRows returns every journal and reflection row as text, read past
// the store, to look for what must never be there in the clear.
func rawRows(t *testing.T, db *store.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, org_id, user_id, prompt, sealed FROM journal_entries`,
		`SELECT org_id, user_id, key_id, wrapped, wrapped FROM journal_keys`,
		`SELECT id, org_id, meeting_id, user_id, sealed FROM reflections`,
	} {
		rows, err := db.WriteDB().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a, c, d, e string
			var sealed []byte
			if err := rows.Scan(&a, &c, &d, &e, &sealed); err != nil {
				t.Fatal(err)
			}
			b.WriteString(a + c + d + e)
			b.Write(sealed)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func TestJournalIsOwnersAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, circleID, m, _ := roomWorld(t, dbURL)
		keys := mustRing(t, 7, 0)
		w.room.Seal = keys.Box()
		j := &journal.Service{DB: w.db, Keys: keys}
		ana, ben := w.user("u01"), w.user("u02")

		_, err := j.Write(ctx, ana, "free", " ")
		wantKind(t, "a blank entry", err, fault.Invalid)
		_, err = j.Write(ctx, ana, "dreams", "text")
		wantKind(t, "an unknown prompt", err, fault.Invalid)

		e, err := j.Write(ctx, ana, "trigger", markJournal+": the deadline moved again and I snapped at Ben.")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := j.Write(ctx, ana, "strength", "I listened to the end before answering."); err != nil {
			t.Fatal(err)
		}
		const reflection = "I offered advice before anyone asked for it."
		w.now = w.now.Add(time.Minute)
		if err := w.room.Reflect(ctx, ana, circleID, m.ID, reflection); err != nil {
			t.Fatal(err)
		}

		if got := timeline(t, j, ana, ""); len(got) != 3 || got[0] != reflection {
			t.Errorf("Ana's timeline = %q, want her reflection and two entries, newest first", got)
		}
		if got := timeline(t, j, ana, "LIGHTHOUSE snapped"); len(got) != 1 || !strings.Contains(got[0], markJournal) {
			t.Errorf("search for the marker = %q", got)
		}
		if got := timeline(t, j, ana, "advice"); len(got) != 1 || got[0] != reflection {
			t.Errorf("search for a reflection's word = %q", got)
		}
		if got := timeline(t, j, ana, "a trigger"); len(got) != 1 {
			t.Errorf("search by the prompt's title = %q", got)
		}
		if got := timeline(t, j, ana, "nowhere"); len(got) != 0 {
			t.Errorf("search for a word in nothing = %q", got)
		}

		// Nobody else reads, edits or deletes it: not a circle-mate, not
		// the admin, not by search.
		for _, other := range []*account.User{ben, w.admin} {
			_, err := j.Entry(ctx, other, e.ID)
			wantKind(t, other.ID+" reads Ana's entry", err, fault.NotFound)
			_, err = j.Edit(ctx, other, e.ID, e.Version, "free", "mine now")
			wantKind(t, other.ID+" edits Ana's entry", err, fault.NotFound)
			wantKind(t, other.ID+" deletes Ana's entry", j.Delete(ctx, other, e.ID), fault.NotFound)
			if got := timeline(t, j, other, "lighthouse"); len(got) != 0 {
				t.Errorf("%s's search finds %q", other.ID, got)
			}
		}
		if got, err := j.Entry(ctx, ana, e.ID); err != nil || got.Body != e.Body {
			t.Errorf("after the others tried: %+v, %v", got, err)
		}

		// Not in the clear anywhere in the database.
		raw := rawRows(t, w.db)
		for _, s := range []string{"lighthouse", "snapped", "listened", "advice"} {
			if strings.Contains(raw, s) {
				t.Errorf("the database holds %q in the clear", s)
			}
		}

		// Edits are guarded by the version they were made on.
		edited, err := j.Edit(ctx, ana, e.ID, e.Version, "emotion", markJournal+": I felt cornered.")
		if err != nil || edited.Version != e.Version+1 || edited.Prompt != "emotion" {
			t.Fatalf("edit: %+v, %v", edited, err)
		}
		_, err = j.Edit(ctx, ana, e.ID, e.Version, "emotion", "an edit on the old version")
		wantKind(t, "an edit on an old version", err, fault.Stale)
		_, err = j.Edit(ctx, ana, e.ID, edited.Version, "free", "")
		wantKind(t, "an edit to nothing", err, fault.Invalid)

		if err := j.Delete(ctx, ana, e.ID); err != nil {
			t.Fatal(err)
		}
		_, err = j.Entry(ctx, ana, e.ID)
		wantKind(t, "a deleted entry", err, fault.NotFound)
		wantKind(t, "deleting twice", j.Delete(ctx, ana, e.ID), fault.NotFound)
	})
}

// Of two edits made on the same version at once, one is kept and the
// other is told the entry changed.
func TestJournalEditsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 2)
		j := &journal.Service{DB: w.db, Keys: mustRing(t, 7, 0)}
		ana := w.user("u01")
		e, err := j.Write(ctx, ana, "free", "first")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = j.Edit(ctx, ana, e.ID, e.Version, "free", strings.Repeat("edit ", i+1))
			})
		}
		wg.Wait()
		var ok, stale int
		for _, err := range errs {
			var f *fault.Error
			switch {
			case err == nil:
				ok++
			case errors.As(err, &f) && f.Kind == fault.Stale:
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

// A rotation of the server key: entries and reflections written before
// it and during it read back after it under the new key alone, and the
// old key alone no longer opens any journal.
func TestJournalKeyRotation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, circleID, m, _ := roomWorld(t, dbURL)
		before := mustRing(t, 1, 0)
		w.room.Seal = before.Box()
		j := &journal.Service{DB: w.db, Keys: before}
		ana, ben, cy := w.user("u01"), w.user("u02"), w.user("u03")
		if _, err := j.Write(ctx, ana, "growth", "Before: ask one more question."); err != nil {
			t.Fatal(err)
		}
		if _, err := j.Write(ctx, ben, "free", "Before: a quiet week."); err != nil {
			t.Fatal(err)
		}
		if err := w.room.Reflect(ctx, ana, circleID, m.ID, "Before: I interrupted twice."); err != nil {
			t.Fatal(err)
		}

		// Instances now hold the new key and the old one; they keep
		// serving while the rotation runs.
		during := mustRing(t, 2, 1)
		w.room.Seal = during.Box()
		j.Keys = during
		if _, err := j.Write(ctx, ana, "free", "During: still before the rotation ran."); err != nil {
			t.Fatal(err)
		}
		if _, err := j.Write(ctx, cy, "free", "During: Cy's first entry."); err != nil {
			t.Fatal(err)
		}
		if err := w.room.Reflect(ctx, ben, circleID, m.ID, "During: I held back."); err != nil {
			t.Fatal(err)
		}
		done, err := j.Rotate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if done.Keys != 2 || done.Reflections != 1 {
			t.Errorf("rotated %+v, want Ana's and Ben's keys and Ana's reflection", done)
		}
		if again, err := j.Rotate(ctx); err != nil || again != (journal.Rotated{}) {
			t.Errorf("a second rotation: %+v, %v", again, err)
		}

		after := mustRing(t, 2, 0)
		w.room.Seal = after.Box()
		j.Keys = after
		if _, err := j.Write(ctx, ben, "free", "After: the new key alone."); err != nil {
			t.Fatal(err)
		}
		for u, want := range map[*account.User]int{ana: 3, ben: 3, cy: 1} {
			if got := timeline(t, j, u, ""); len(got) != want {
				t.Errorf("%s reads %q after the rotation, want %d items", u.ID, got, want)
			}
		}
		old := &journal.Service{DB: w.db, Keys: mustRing(t, 1, 0)}
		if _, err := old.Timeline(ctx, ana, ""); !errors.Is(err, seal.ErrUnknownKey) {
			t.Errorf("the old key alone reads Ana's journal: %v", err)
		}
		if _, err := j.Rotate(ctx); err == nil {
			t.Error("a rotation without a previous key ran")
		}
	})
}
