package service_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// together runs each of fns at the same moment, each on its own goroutine
// (and so, on PostgreSQL, its own connection), and returns their errors
// in order.
func together(fns ...func() error) []error {
	errs := make([]error, len(fns))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn()
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWins checks that of two conflicting changes exactly one succeeded and
// the other was refused as a conflict (or, where given, as one of also),
// and returns which one won.
func oneWins(t *testing.T, what string, errs []error, also ...fault.Kind) int {
	t.Helper()
	if len(errs) != 2 {
		t.Fatalf("%s: %d results, want 2", what, len(errs))
	}
	switch {
	case errs[0] == nil && errs[1] == nil:
		t.Fatalf("%s: both changes were acknowledged; one overwrote the other", what)
	case errs[0] != nil && errs[1] != nil:
		t.Fatalf("%s: both changes were refused: %v; %v", what, errs[0], errs[1])
	}
	loser := 0
	if errs[1] != nil {
		loser = 1
	}
	if k := fault.KindOf(errs[loser]); k != fault.Conflict && !slices.Contains(also, k) {
		t.Fatalf("%s: the refused change failed with %v (%s), want a conflict", what, errs[loser], k)
	}
	return 1 - loser
}

// TestAgreementWithdrawRacesAdoption: the proposer withdraws a proposal at
// the moment the last member consents to it, which adopts it. Either the
// adoption or the withdrawal happens, and the other is refused as a
// conflict: a version is never withdrawn with an adoption date, and the
// circle is never left without the agreement that was in force.
func TestAgreementWithdrawRacesAdoption(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		ids := []string{"u01", "u02", "u03"}
		id := w.formCircle(p, ids...)
		w.ack(id, ids...)
		proposer, other, last := w.user("u01"), w.user("u02"), w.user("u03")
		inForce := 0
		wins := map[int]int{}
		for round := range 50 {
			v, err := w.agreements.ProposeAgreement(ctx, proposer, id, fmt.Sprintf("Version %d", round+1), "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.agreements.ConsentToAgreement(ctx, other, id, v.Version); err != nil {
				t.Fatal(err)
			}
			errs := together(
				func() error { _, err := w.agreements.ConsentToAgreement(ctx, last, id, v.Version); return err },
				func() error { return w.agreements.WithdrawAgreement(ctx, proposer, id, v.Version) },
			)
			won := oneWins(t, fmt.Sprintf("round %d", round), errs)
			wins[won]++
			_, versions, err := w.agreements.Agreement(ctx, proposer, id)
			if err != nil {
				t.Fatal(err)
			}
			adopted := 0
			for _, got := range versions {
				switch {
				case got.Status == circle.AgreementAdopted:
					adopted++
				case got.AdoptedAt != nil && got.Status != circle.AgreementSuperseded:
					t.Fatalf("round %d: version %d is %s with an adoption date", round, got.Version, got.Status)
				}
				if got.Version != v.Version {
					continue
				}
				want := circle.AgreementAdopted
				if won == 1 {
					want = circle.AgreementWithdrawn
				}
				if got.Status != want {
					t.Fatalf("round %d: version %d is %s, want %s", round, got.Version, got.Status, want)
				}
			}
			if won == 0 {
				inForce = v.Version
			}
			if want := min(inForce, 1); adopted != want {
				t.Fatalf("round %d: %d versions in force, want %d", round, adopted, want)
			}
		}
		t.Logf("adopted %d times, withdrawn %d times", wins[0], wins[1])
	})
}

// TestPairAnsweredTwiceTogether: an invitation to pair accepted twice at
// once (a double click) forms one pair, and an acceptance and a refusal
// at once apply one of them; the other is refused.
func TestPairAnsweredTwiceTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 10)
		p := w.program(program.FormatPair)
		for _, u := range w.members {
			w.optIn(u, p, "Feedback")
		}
		for i, answers := range [][2]bool{{true, true}, {true, false}, {false, true}, {false, false}} {
			from, to := w.members[1+2*i], w.members[2+2*i]
			inv, err := w.programs.InvitePair(ctx, from, p.ID, to.ID)
			if err != nil {
				t.Fatal(err)
			}
			errs := together(
				func() error { return w.programs.AnswerPair(ctx, to, inv.ID, answers[0]) },
				func() error { return w.programs.AnswerPair(ctx, to, inv.ID, answers[1]) },
			)
			// An answer that reads the invitation after the other applied
			// is told it was answered, or that the pair exists, as any
			// later answer is.
			won := oneWins(t, fmt.Sprintf("answers %v", answers), errs, fault.Invalid)
			mine, err := w.programs.MyMatches(ctx, from)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1, false: 0}[answers[won]]; len(mine) != want {
				t.Fatalf("answers %v: %d pairs formed, want %d", answers, len(mine), want)
			}
			if n := w.mailTo(from.Email, "Your pair invitation in"); n != map[bool]int{true: 0, false: 1}[answers[won]] {
				t.Errorf("answers %v: the inviter was told %d times of a refusal", answers, n)
			}
		}
	})
}

// TestOptInEditAndSnoozeTogether: a person edits their opt-in in one tab
// while pausing it in another. Both hold: the edit does not write back the
// pause as it was before, nor the pause the topics. A pause at the moment
// of withdrawing never brings the opt-in back.
func TestOptInEditAndSnoozeTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 4)
		p := w.program(program.FormatGroup)
		u := w.user("u01")
		topics := []string{"Feedback", "Strategy"}
		for round := range 20 {
			w.optIn(u, p, "Delegation")
			snoozed, topic := round%2 == 0, topics[round%2]
			avail := []program.Interval{{9 * 60, 17 * 60}}
			errs := together(
				func() error {
					return w.programs.SaveOptIn(ctx, u, &program.OptIn{ProgramID: p.ID, Topics: []string{topic}, Availability: avail})
				},
				func() error { return w.programs.Snooze(ctx, u, p.ID, snoozed) },
			)
			for _, err := range errs {
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			o, err := w.programs.MyOptIn(ctx, u, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if o.Snoozed != snoozed || len(o.Topics) != 1 || o.Topics[0] != topic {
				t.Fatalf("round %d: snoozed %v with %v, want snoozed %v with %s: a change was lost", round, o.Snoozed, o.Topics, snoozed, topic)
			}

			errs = together(
				func() error { return w.programs.Withdraw(ctx, u, p.ID) },
				func() error { return w.programs.Snooze(ctx, u, p.ID, !snoozed) },
			)
			if errs[0] != nil {
				t.Fatalf("round %d: withdraw: %v", round, errs[0])
			}
			if _, err := w.programs.MyOptIn(ctx, u, p.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("round %d: the opt-in is back after it was withdrawn (snooze: %v)", round, errs[1])
			}
		}
	})
}

// TestTwoPairInvitationsAcceptedTogether: a person invited by two
// colleagues accepts both at the same moment. Each acceptance found them
// free when it was checked; only one pair forms, and the other acceptance
// is refused.
func TestTwoPairInvitationsAcceptedTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 10)
		p := w.program(program.FormatPair)
		for _, u := range w.members {
			w.optIn(u, p, "Feedback")
		}
		for round := range 3 {
			to, a, b := w.members[1+3*round], w.members[2+3*round], w.members[3+3*round]
			var invs []*program.PairInvitation
			for _, from := range []*account.User{a, b} {
				inv, err := w.programs.InvitePair(ctx, from, p.ID, to.ID)
				if err != nil {
					t.Fatal(err)
				}
				invs = append(invs, inv)
			}
			errs := together(
				func() error { return w.programs.AnswerPair(ctx, to, invs[0].ID, true) },
				func() error { return w.programs.AnswerPair(ctx, to, invs[1].ID, true) },
			)
			oneWins(t, fmt.Sprintf("round %d", round), errs, fault.Invalid)
			mine, err := w.programs.MyMatches(ctx, to)
			if err != nil {
				t.Fatal(err)
			}
			if len(mine) != 1 {
				t.Fatalf("round %d: %s is in %d pairs, want 1", round, to.ID, len(mine))
			}
		}
	})
}

// raceRounds is how often the races of opting in, withdrawing and closing
// are run: on PostgreSQL an interleaving that loses shows in some rounds,
// not every one.
const raceRounds = 6

// TestOptInRacesProgramChange: a person opts in at the moment an admin
// changes the program's format or closes it, once the opt-in has checked
// the program as it was. Of the opt-in and the change of format, one
// holds and the other is refused: the format never changes under an
// opt-in made for the old one. An opt-in as the program closes is saved
// before the close or refused as a conflict. Forced between the opt-in's
// checks and its saving, a close, a change of format or of the opt-in
// dates has the opt-in refused with program.ErrProgramChanged and
// nothing saved.
func TestOptInRacesProgramChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 4)
		u := w.user("u01")
		optIn := func(p *program.Program) error {
			return w.programs.SaveOptIn(ctx, u, &program.OptIn{ProgramID: p.ID, Topics: []string{"Feedback"},
				Availability: []program.Interval{{9 * 60, 17 * 60}}})
		}
		toPairs := func(p *program.Program) error {
			edit := *p
			edit.Format, edit.MinSize, edit.MaxSize = program.FormatPair, 0, 0
			return w.programs.UpdateProgram(ctx, w.admin, &edit)
		}
		closeEarlier := func(p *program.Program) error {
			edit := *p
			edit.OptInCloses = w.now.Add(time.Hour)
			return w.programs.UpdateProgram(ctx, w.admin, &edit)
		}
		closeIt := func(p *program.Program) error { return w.circles.CloseProgram(ctx, w.admin, p.ID) }
		optedIn := func(p *program.Program) bool {
			_, err := w.programs.MyOptIn(ctx, u, p.ID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		// racing runs the opt-in and change together, the change starting
		// once the opt-in has checked the program (its first look at the
		// clock), so that the opt-in is decided on the program before it.
		racing := func(p *program.Program, change func(*program.Program) error) []error {
			decided := make(chan struct{})
			var once sync.Once
			w.onClock = func() { once.Do(func() { close(decided) }) }
			defer func() { w.onClock = nil }()
			return together(
				func() error { return optIn(p) },
				func() error { <-decided; return change(p) },
			)
		}

		wins := map[int]int{}
		for round := range raceRounds {
			p := w.program(program.FormatGroup)
			// Refusing the change of format because someone opted in
			// first names the field, as it does at any time.
			won := oneWins(t, fmt.Sprintf("round %d: opt-in and a change of format", round), racing(p, toPairs), fault.Invalid)
			wins[won]++
			got, err := w.programs.Program(ctx, u, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if optedIn(p) != (won == 0) || (got.Format == program.FormatPair) != (won == 1) {
				t.Fatalf("round %d: opted in %v to a program of format %s", round, optedIn(p), got.Format)
			}

			p = w.program(program.FormatGroup)
			errs := racing(p, closeIt)
			if errs[1] != nil {
				t.Fatalf("round %d: closing: %v", round, errs[1])
			}
			if k := fault.KindOf(errs[0]); errs[0] != nil && k != fault.Conflict {
				t.Fatalf("round %d: opt-in as the program closed: %v (%s)", round, errs[0], k)
			}
			if optedIn(p) != (errs[0] == nil) {
				t.Fatalf("round %d: opt-in acknowledged %v, saved %v", round, errs[0] == nil, optedIn(p))
			}
		}
		t.Logf("opt-in won %d times, change of format %d times", wins[0], wins[1])

		for _, change := range []struct {
			name string
			do   func(*program.Program) error
		}{{"closes", closeIt}, {"changes format", toPairs}, {"moves its opt-in dates", closeEarlier}} {
			p := w.program(program.FormatGroup)
			// The program changes once the opt-in has checked it (its
			// first look at the clock) and before it is saved.
			w.onClock = func() {
				w.onClock = nil
				if err := change.do(p); err != nil {
					t.Fatalf("the program %s: %v", change.name, err)
				}
			}
			err := optIn(p)
			w.onClock = nil
			if !errors.Is(err, program.ErrProgramChanged) {
				t.Errorf("opt-in as the program %s: %v, want %v", change.name, err, program.ErrProgramChanged)
			}
			if optedIn(p) {
				t.Errorf("the opt-in was saved as the program %s", change.name)
			}
		}
	})
}

// racingAfterCheck runs first and then together, then starting once
// first has looked at the clock (its first check), so that first is
// decided on the state before then.
func (w *world) racingAfterCheck(first, then func() error) []error {
	decided := make(chan struct{})
	var once sync.Once
	w.onClock = func() { once.Do(func() { close(decided) }) }
	defer func() { w.onClock = nil }()
	return together(first, func() error { <-decided; return then() })
}

// TestWithdrawRacesRound: a person withdraws while the admin proposes a
// round, and while the admin publishes a draft they are in. Whatever the
// order, nobody ends up in a draft, a proposal or a circle of a program
// they withdrew from, nor on the list of who a draft leaves out: a
// proposal decided on their opt-in is refused as a conflict
// (program.ErrOptInsChanged) or loses them from its draft, and of a
// withdrawal and a publishing, one holds and the other is refused.
func TestWithdrawRacesRound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 12)
		// placed says whether u is in a circle of p that is a draft, waits
		// for answers or formed, or is left out by a draft.
		placed := func(p *program.Program, u *account.User) bool {
			t.Helper()
			cs, err := w.db.FindCircles(ctx, w.org.ID, store.CircleFilter{ProgramID: p.ID, UserID: u.ID,
				Status: []program.CircleStatus{program.Proposed, program.Pending, program.Active}})
			if err != nil {
				t.Fatal(err)
			}
			rounds, err := w.db.FindRounds(ctx, w.org.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rounds {
				left, err := w.db.FindUnmatched(ctx, w.org.ID, r.ID)
				if err != nil {
					t.Fatal(err)
				}
				if slices.ContainsFunc(left, func(x program.Unmatched) bool { return x.UserID == u.ID && !x.Told }) {
					return true
				}
			}
			return len(cs) > 0
		}
		optedIn := func(p *program.Program, u *account.User) bool {
			t.Helper()
			_, err := w.programs.MyOptIn(ctx, u, p.ID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		proposals, published := map[bool]int{}, map[int]int{}
		for round := range raceRounds {
			p := w.program(program.FormatGroup)
			for i, u := range w.members {
				w.optIn(u, p, []string{"Feedback", "Strategy", "Delegation"}[i%3])
			}
			// Everyone but the manager of all can be placed; each round
			// another person withdraws.
			u := w.members[1+round%(len(w.members)-1)]
			var draft *program.Round
			errs := w.racingAfterCheck(
				func() error {
					r, err := w.programs.Propose(ctx, w.admin, p.ID, false)
					draft = r
					return err
				},
				func() error { return w.programs.Withdraw(ctx, u, p.ID) },
			)
			if errs[1] != nil {
				t.Fatalf("round %d: withdrawing as a round is proposed: %v", round, errs[1])
			}
			if errs[0] != nil && !errors.Is(errs[0], program.ErrOptInsChanged) {
				t.Fatalf("round %d: proposing as someone withdraws: %v", round, errs[0])
			}
			proposals[errs[0] == nil]++
			if placed(p, u) {
				t.Fatalf("round %d: %s is in the draft after withdrawing", round, u.ID)
			}

			// Propose again with them back in, and race the publishing.
			w.optIn(u, p, "Feedback")
			if draft, errs[0] = w.programs.Propose(ctx, w.admin, p.ID, false); errs[0] != nil {
				t.Fatal(errs[0])
			}
			if !placed(p, u) {
				continue
			}
			told := w.mailTo(u.Email, "been matched in")
			errs = w.racingAfterCheck(
				func() error { _, err := w.programs.Publish(ctx, w.admin, draft.ID); return err },
				func() error { return w.programs.Withdraw(ctx, u, p.ID) },
			)
			// A withdrawal that finds the person's proposal published is
			// told so, as it is at any time after.
			won := oneWins(t, fmt.Sprintf("round %d: publishing and withdrawing", round), errs, fault.Invalid)
			published[won]++
			if in, opted := placed(p, u), optedIn(p, u); in != (won == 0) || opted != (won == 0) {
				t.Fatalf("round %d: %s placed %v, opted in %v after the %s won", round, u.ID, in, opted, map[int]string{0: "publishing", 1: "withdrawal"}[won])
			}
			if won == 1 && w.mailTo(u.Email, "been matched in") > told {
				t.Fatalf("round %d: %s was proposed a circle after withdrawing", round, u.ID)
			}
		}
		t.Logf("proposals saved %d times, refused %d times; published %d times, withdrawn %d times",
			proposals[true], proposals[false], published[0], published[1])
	})
}

// TestCloseRacesAnswerAndPublish: an admin closes a program at the moment
// the last member of a proposed circle accepts it, and at the moment a
// round is published. Whatever the order, everyone in a circle of the
// program that formed or was proposed to them hears once that it closed:
// those whose circle formed that it finished, the others that it will not
// form; and nobody who was never proposed a circle is told. The answer or
// publishing that comes after the close is refused as a conflict.
func TestCloseRacesAnswerAndPublish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 12)
		// told counts, per address, the closing emails sent after the
		// first from of the outbox's messages.
		told := func(from int) map[string]int {
			out := map[string]int{}
			for _, m := range w.outbox.Messages()[from:] {
				if strings.Contains(m.Subject, "has come to a close") {
					out[m.To]++
				}
			}
			return out
		}
		proposed := func(p *program.Program) (*program.Round, []program.Circle) {
			t.Helper()
			for i, u := range w.members {
				w.optIn(u, p, []string{"Feedback", "Strategy", "Delegation"}[i%3])
			}
			r, err := w.programs.Propose(ctx, w.admin, p.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			cs, err := w.db.FindCircles(ctx, w.org.ID, store.CircleFilter{RoundID: r.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) == 0 {
				t.Fatal("the matching proposed no circle")
			}
			return r, cs
		}
		answered, published := map[int]int{}, map[int]int{}
		for round := range raceRounds {
			p := w.program(program.FormatGroup)
			r, cs := proposed(p)
			if _, err := w.programs.Publish(ctx, w.admin, r.ID); err != nil {
				t.Fatal(err)
			}
			c := cs[0]
			for _, m := range c.Members[1:] {
				if _, err := w.programs.Respond(ctx, w.user(m.UserID), c.ID, true, ""); err != nil {
					t.Fatal(err)
				}
			}
			from := len(w.outbox.Messages())
			errs := together(
				func() error {
					_, err := w.programs.Respond(ctx, w.user(c.Members[0].UserID), c.ID, true, "")
					return err
				},
				func() error { return w.circles.CloseProgram(ctx, w.admin, p.ID) },
			)
			if errs[1] != nil {
				t.Fatalf("round %d: closing as the last member accepts: %v", round, errs[1])
			}
			if k := fault.KindOf(errs[0]); errs[0] != nil && k != fault.Conflict {
				t.Fatalf("round %d: accepting as the program closes: %v (%s)", round, errs[0], k)
			}
			answered[map[bool]int{true: 0, false: 1}[errs[0] == nil]]++
			got := told(from)
			for _, k := range cs {
				for _, m := range k.Members {
					if got[m.Email] != 1 {
						t.Fatalf("round %d: %s was told %d times that the program closed", round, m.UserID, got[m.Email])
					}
				}
			}

			p = w.program(program.FormatGroup)
			r, cs = proposed(p)
			from = len(w.outbox.Messages())
			errs = together(
				func() error { _, err := w.programs.Publish(ctx, w.admin, r.ID); return err },
				func() error { return w.circles.CloseProgram(ctx, w.admin, p.ID) },
			)
			if errs[1] != nil {
				t.Fatalf("round %d: closing as a round is published: %v", round, errs[1])
			}
			if k := fault.KindOf(errs[0]); errs[0] != nil && k != fault.Conflict {
				t.Fatalf("round %d: publishing as the program closes: %v (%s)", round, errs[0], k)
			}
			published[map[bool]int{true: 0, false: 1}[errs[0] == nil]]++
			got = told(from)
			for _, k := range cs {
				for _, m := range k.Members {
					if want := map[bool]int{true: 1, false: 0}[errs[0] == nil]; got[m.Email] != want {
						t.Fatalf("round %d: %s was told %d times that the program closed, want %d (published: %v)",
							round, m.UserID, got[m.Email], want, errs[0] == nil)
					}
				}
			}
		}
		t.Logf("closed after the acceptance %d times, before it %d times; published before the close %d times, refused %d times",
			answered[0], answered[1], published[0], published[1])
	})
}
