package service_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/card"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/service/cards"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// cardWorld is a program with two circles (u01–u03, where u03 has not
// acknowledged the ground rules; u04–u05) and a second program's circle
// (u06–u07), and the cards service.
type cardWorld struct {
	*world
	cards            *cards.Service
	p, p2            *program.Program
	circleA, circleB string
	circleC          string
}

func newCardWorld(t *testing.T, dbURL string) *cardWorld {
	t.Helper()
	w, p := newCircleWorld(t, dbURL)
	cw := &cardWorld{world: w, cards: &cards.Service{DB: w.db, Circles: w.circles}, p: p}
	cw.circleA = w.formCircle(p, "u01", "u02", "u03")
	w.ack(cw.circleA, "u01", "u02")
	cw.circleB = w.formCircle(p, "u04", "u05")
	w.ack(cw.circleB, "u04", "u05")
	cw.p2 = w.program(program.FormatGroup)
	cw.circleC = w.formCircle(cw.p2, "u06", "u07", "u00")
	w.ack(cw.circleC, "u06", "u07", "u00")
	return cw
}

// reads lists the titles of the cards each way of reading shows userID
// ("admin" for the admin): their circle's, program's and the
// organisation's.
func (w *cardWorld) reads(userID, circleID string, programID string) (circleCards, programCards, orgCards []string) {
	w.t.Helper()
	u := w.admin
	if userID != "admin" {
		u = w.user(userID)
	}
	titles := func(p *cards.Page) []string {
		var out []string
		for _, k := range p.Cards {
			out = append(out, k.Title)
		}
		return out
	}
	if circleID != "" {
		if _, pg, err := w.cards.Circle(ctx, u, circleID, ""); err == nil {
			circleCards = titles(pg)
		}
	}
	if programID != "" {
		if _, pg, err := w.cards.Program(ctx, u, programID, ""); err == nil {
			programCards = titles(pg)
		}
	}
	pg, err := w.cards.Org(ctx, u, "")
	if err != nil {
		w.t.Fatal(err)
	}
	return circleCards, programCards, titles(pg)
}

// TestLearningCardSteps releases a card step by step and checks at each
// step who reads it, and that an edit and a withdrawal take it back.
func TestLearningCardSteps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newCardWorld(t, dbURL)
		author := w.user("u01")

		// What a card may hold.
		for _, c := range []struct{ title, body, field string }{
			{"", "Something", "title"},
			{"A title", "  ", "body"},
			{"A title", strings.Repeat("a", card.MaxBodyLen+1), "body"},
			{strings.Repeat("t", card.MaxTitleLen+1), "Something", "title"},
		} {
			_, err := w.cards.Write(ctx, author, w.circleA, c.title, c.body)
			if f, _ := fault.FieldsOf(err); f[c.field] == "" {
				t.Errorf("writing %.20q / %.20q: %v, want a message for %s", c.title, c.body, err, c.field)
			}
		}
		if _, err := w.cards.Write(ctx, author, w.circleB, "Not my circle", "x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("writing in another circle: %v", err)
		}
		if _, err := w.cards.Write(ctx, w.admin, w.circleA, "Admin", "x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an admin writing in a circle: %v", err)
		}
		if _, err := w.cards.Write(ctx, w.user("u03"), w.circleA, "Unacknowledged", "x"); !errors.Is(err, circle.ErrGroundRules) {
			t.Errorf("writing before acknowledging the rules: %v", err)
		}

		k, err := w.cards.Write(ctx, author, w.circleA, "Ask before advising", "A question opened more than my advice did.")
		if err != nil {
			t.Fatal(err)
		}
		title := k.Title
		type seen struct {
			who, circle, program string
			inCircle, inProgram  bool
			inOrg                bool
		}
		check := func(step string, want []seen) {
			t.Helper()
			for _, s := range want {
				c, p, o := w.reads(s.who, s.circle, s.program)
				if got := slices.Contains(c, title); got != s.inCircle {
					t.Errorf("%s: %s reads it in the circle: %v, want %v", step, s.who, got, s.inCircle)
				}
				if got := slices.Contains(p, title); got != s.inProgram {
					t.Errorf("%s: %s reads it in the program: %v, want %v", step, s.who, got, s.inProgram)
				}
				if got := slices.Contains(o, title); got != s.inOrg {
					t.Errorf("%s: %s reads it in the organisation: %v, want %v", step, s.who, got, s.inOrg)
				}
			}
		}
		// Who reads it at each audience: a circle member, one who has not
		// acknowledged the rules, a member of another circle of the
		// program, a member of another program, and the admin.
		everyone := func(circle, program, org []string) []seen {
			var out []seen
			for _, who := range []string{"u02", "u03", "u04", "u06", "admin"} {
				out = append(out, seen{who: who, circle: w.circleA, program: w.p.ID,
					inCircle: slices.Contains(circle, who), inProgram: slices.Contains(program, who), inOrg: slices.Contains(org, who)})
			}
			return out
		}
		check("draft", everyone(nil, nil, nil))
		for _, who := range []string{"u02", "admin"} {
			u := w.admin
			if who != "admin" {
				u = w.user(who)
			}
			if _, err := w.cards.Own(ctx, u, k.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s reads the draft: %v", who, err)
			}
			if _, err := w.cards.Preview(ctx, u, k.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s previews the draft: %v", who, err)
			}
			if _, err := w.cards.Widen(ctx, u, k.ID, k.Version, card.Circle); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s widens the draft: %v", who, err)
			}
		}

		pv, err := w.cards.Preview(ctx, author, k.ID)
		if err != nil || pv.To != card.Circle || len(pv.Circle.Members) != 3 {
			t.Fatalf("the first preview: %+v, %v", pv, err)
		}
		if _, err := w.cards.Widen(ctx, author, k.ID, k.Version, card.Program); !errors.Is(err, card.ErrStep) {
			t.Errorf("skipping the circle: %v", err)
		}
		if k, err = w.cards.Widen(ctx, author, k.ID, k.Version, card.Circle); err != nil {
			t.Fatal(err)
		}
		check("circle", everyone([]string{"u02"}, nil, nil))
		if _, err := w.cards.Widen(ctx, author, k.ID, k.Version-1, card.Program); fault.KindOf(err) != fault.Stale {
			t.Errorf("widening from an old version: %v", err)
		}

		if pv, err = w.cards.Preview(ctx, author, k.ID); err != nil || pv.To != card.Program || pv.ProgramMembers != 5 || len(pv.Admins) != 1 {
			t.Fatalf("the program's preview: %+v, %v", pv, err)
		}
		w.now = w.now.Add(time.Hour)
		if k, err = w.cards.Widen(ctx, author, k.ID, k.Version, card.Program); err != nil {
			t.Fatal(err)
		}
		check("program", everyone([]string{"u02"}, []string{"u02", "u03", "u04", "admin"}, nil))
		if _, _, err := w.cards.Program(ctx, w.user("u06"), w.p.ID, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a member of another program reads this one's cards: %v", err)
		}

		if pv, err = w.cards.Preview(ctx, author, k.ID); err != nil || pv.To != card.Org || pv.People == 0 {
			t.Fatalf("the organisation's preview: %+v, %v", pv, err)
		}
		if k, err = w.cards.Widen(ctx, author, k.ID, k.Version, card.Org); err != nil {
			t.Fatal(err)
		}
		check("organisation", everyone([]string{"u02"}, []string{"u02", "u03", "u04", "admin"}, []string{"u02", "u03", "u04", "u06", "admin"}))
		pg, err := w.cards.Org(ctx, w.user("u06"), "")
		if err != nil || len(pg.Cards) != 1 || pg.Cards[0].AuthorName != author.Name || pg.Cards[0].ReleasedAt == nil || !pg.Cards[0].ReleasedAt.Equal(w.now) {
			t.Errorf("the organisation reads %+v, %v", pg, err)
		}
		if _, err := w.cards.Widen(ctx, author, k.ID, k.Version, card.Org); !errors.Is(err, card.ErrWidest) {
			t.Errorf("widening past the organisation: %v", err)
		}

		// An edit that changes nothing keeps it where it is; a change takes
		// it back to a draft.
		if _, back, err := w.cards.Edit(ctx, author, k.ID, k.Version, k.Title, k.Body); err != nil || back {
			t.Errorf("an unchanged edit: pulled back %v, %v", back, err)
		}
		k, back, err := w.cards.Edit(ctx, author, k.ID, k.Version, "Ask first", "Asking first opened more than advice.")
		if err != nil || !back || k.Audience != card.Draft {
			t.Fatalf("editing a released card: %+v, %v, %v", k, back, err)
		}
		title = "Ask first"
		check("edited", everyone(nil, nil, nil))

		if _, err := w.cards.Withdraw(ctx, author, k.ID, k.Version); !errors.Is(err, card.ErrNotReleased) {
			t.Errorf("withdrawing a draft: %v", err)
		}
		if k, err = w.cards.Widen(ctx, author, k.ID, k.Version, card.Circle); err != nil {
			t.Fatal(err)
		}
		if k, err = w.cards.Widen(ctx, author, k.ID, k.Version, card.Program); err != nil {
			t.Fatal(err)
		}
		if k, err = w.cards.Withdraw(ctx, author, k.ID, k.Version); err != nil || k.Audience != card.Draft || k.ReleasedAt != nil {
			t.Fatalf("withdrawing: %+v, %v", k, err)
		}
		check("withdrawn", everyone(nil, nil, nil))
		mine, err := w.cards.Mine(ctx, author, "")
		if err != nil || len(mine.Cards) != 1 || mine.Cards[0].Audience != card.Draft {
			t.Errorf("the author's own list: %+v, %v", mine, err)
		}
	})
}

// TestLearningCardChangesTogether: of two changes to a card decided on the
// same version, one applies and the other is refused (409).
func TestLearningCardChangesTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newCardWorld(t, dbURL)
		author := w.user("u01")
		for _, race := range []struct {
			name string
			// from is how far the card is released before the race.
			from []card.Audience
			a, b func(k *card.Card) error
		}{
			{"two widenings", nil,
				func(k *card.Card) error {
					_, err := w.cards.Widen(ctx, author, k.ID, k.Version, card.Circle)
					return err
				},
				func(k *card.Card) error {
					_, err := w.cards.Widen(ctx, author, k.ID, k.Version, card.Circle)
					return err
				}},
			{"a widening and a withdrawal", []card.Audience{card.Circle},
				func(k *card.Card) error {
					_, err := w.cards.Widen(ctx, author, k.ID, k.Version, card.Program)
					return err
				},
				func(k *card.Card) error { _, err := w.cards.Withdraw(ctx, author, k.ID, k.Version); return err }},
			{"a widening and an edit", []card.Audience{card.Circle},
				func(k *card.Card) error {
					_, err := w.cards.Widen(ctx, author, k.ID, k.Version, card.Program)
					return err
				},
				func(k *card.Card) error {
					_, _, err := w.cards.Edit(ctx, author, k.ID, k.Version, "Changed", "Changed meanwhile.")
					return err
				}},
		} {
			t.Run(race.name, func(t *testing.T) {
				k, err := w.cards.Write(ctx, author, w.circleA, race.name, "What I learned.")
				if err != nil {
					t.Fatal(err)
				}
				for _, to := range race.from {
					if k, err = w.cards.Widen(ctx, author, k.ID, k.Version, to); err != nil {
						t.Fatal(err)
					}
				}
				// Both decide on the same version; the store's guard
				// refuses whichever comes second.
				errs := together(func() error { return race.a(k) }, func() error { return race.b(k) })
				oneWins(t, race.name, errs, fault.Stale)
				got, err := w.cards.Own(ctx, author, k.ID)
				if err != nil || got.Version != k.Version+1 {
					t.Errorf("after the race: %+v, %v", got, err)
				}
			})
		}
		// The store itself refuses a stale version.
		k, err := w.cards.Write(ctx, author, w.circleA, "Stale", "What I learned.")
		if err != nil {
			t.Fatal(err)
		}
		k.Audience = card.Circle
		if err := w.db.UpdateCard(ctx, k, k.Version+1); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a stale update: %v", err)
		}
	})
}

// TestLearningCardPages reads a circle's cards, all released at the same
// moment, page by page: every card once, in order.
func TestLearningCardPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newCardWorld(t, dbURL)
		n := cards.PageSize*2 + 3
		want := map[string]bool{}
		for i := range n {
			author := w.user([]string{"u01", "u02"}[i%2])
			k, err := w.cards.Write(ctx, author, w.circleA, fmt.Sprintf("Card %02d", i), "What I learned.")
			if err != nil {
				t.Fatal(err)
			}
			if i%3 == 0 {
				w.now = w.now.Add(time.Minute)
			}
			if _, err := w.cards.Widen(ctx, author, k.ID, k.Version, card.Circle); err != nil {
				t.Fatal(err)
			}
			want[k.ID] = true
		}
		got := map[string]bool{}
		after, pages := "", 0
		var last *card.Card
		for {
			_, pg, err := w.cards.Circle(ctx, w.user("u02"), w.circleA, after)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for i := range pg.Cards {
				k := &pg.Cards[i]
				if got[k.ID] {
					t.Errorf("%s shown twice", k.Title)
				}
				got[k.ID] = true
				if last != nil && (k.ReleasedAt.After(*last.ReleasedAt) || k.ReleasedAt.Equal(*last.ReleasedAt) && k.ID > last.ID) {
					t.Errorf("%s comes after %s", k.Title, last.Title)
				}
				last = k
			}
			if pg.Next == "" {
				break
			}
			after = pg.Next
		}
		if len(got) != len(want) || pages != 3 {
			t.Errorf("%d cards in %d pages, want %d in 3", len(got), pages, len(want))
		}
		if _, _, err := w.cards.Circle(ctx, w.user("u02"), w.circleA, "not-a-cursor"); fault.KindOf(err) != fault.Invalid {
			t.Errorf("a made-up cursor: %v", err)
		}
	})
}
