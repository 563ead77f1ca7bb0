package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// rounds is how often each race is run: on PostgreSQL a lost update shows
// in some rounds, not every one.
const rounds = 20

// together runs fns at the same moment, each on its own goroutine (and
// so, on PostgreSQL, its own connection), and returns their errors in
// order.
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

// oneWins checks that exactly one of errs is nil and that the other is
// want, and returns the winner's index.
func oneWins(t *testing.T, what string, errs []error, want func(error) bool) int {
	t.Helper()
	winner, refused := -1, 0
	for i, err := range errs {
		switch {
		case err == nil && winner < 0:
			winner = i
		case err == nil:
			t.Fatalf("%s: both were acknowledged; one overwrote the other", what)
		case !want(err):
			t.Fatalf("%s: refused with %v (%s)", what, err, fault.KindOf(err))
		default:
			refused++
		}
	}
	if winner < 0 {
		t.Fatalf("%s: every change was refused: %v", what, errs)
	}
	return winner
}

func isLinkInvalid(err error) bool { return errors.Is(err, store.ErrLinkInvalid) }
func isConflict(err error) bool    { return fault.KindOf(err) == fault.Conflict }

// TestLinksUsedOnce: a reset link, an invitation and a sign-up
// confirmation sent twice at once (a double click, a mail scanner and the
// person) are used once; the other request finds the link used.
func TestLinksUsedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		org, admin := mustCreateOrg(t, db, "Acme", "admin@acme.example")
		msg := queue.Mail(mail.Message{To: admin.Email})
		for round := range rounds {
			token := fmt.Sprintf("reset-%d", round)
			if err := db.CreateLink(ctx, org.ID, admin.ID, account.PurposeReset, token, msg); err != nil {
				t.Fatal(err)
			}
			hashes := []string{"first", "second"}
			notice := func(*account.User) store.Job { return msg }
			errs := together(
				func() error { _, err := db.ResetPassword(ctx, token, hashes[0], notice); return err },
				func() error { _, err := db.ResetPassword(ctx, token, hashes[1], notice); return err },
			)
			won := oneWins(t, fmt.Sprintf("reset round %d", round), errs, isLinkInvalid)
			hash, err := db.FindPasswordHash(ctx, org.ID, admin.ID)
			if err != nil {
				t.Fatal(err)
			}
			if hash != hashes[won] {
				t.Fatalf("reset round %d: the password acknowledged was overwritten", round)
			}

			signup := fmt.Sprintf("signup-%d", round)
			s := account.Signup{OrgName: fmt.Sprintf("Org %d", round), Name: "Ann", Email: fmt.Sprintf("ann%d@new.example", round), PasswordHash: "h", Timezone: "UTC"}
			if err := db.CreateSignup(ctx, s, signup, msg); err != nil {
				t.Fatal(err)
			}
			errs = together(
				func() error { _, err := db.ConfirmSignup(ctx, signup); return err },
				func() error { _, err := db.ConfirmSignup(ctx, signup); return err },
			)
			oneWins(t, fmt.Sprintf("sign-up round %d", round), errs, isLinkInvalid)
		}
	})
}

// TestProfileEditsTogether: a person's name and time zone changed at the
// same moment, from two tabs, both hold: neither writes back the other
// field as it was before.
func TestProfileEditsTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		org, admin := mustCreateOrg(t, db, "Acme", "admin@acme.example")
		zones := []string{"Europe/Berlin", "America/New_York"}
		for round := range rounds {
			name, tz := fmt.Sprintf("Ann %d", round), zones[round%2]
			errs := together(
				func() error {
					_, err := db.UpdateUser(ctx, org.ID, admin.ID, store.UserUpdate{Name: &name})
					return err
				},
				func() error {
					_, err := db.UpdateUser(ctx, org.ID, admin.ID, store.UserUpdate{Timezone: &tz})
					return err
				},
			)
			for _, err := range errs {
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			u, err := db.FindUserByID(ctx, org.ID, admin.ID)
			if err != nil {
				t.Fatal(err)
			}
			if u.Name != name || u.Timezone != tz {
				t.Fatalf("round %d: %q in %s, want %q in %s: an edit was lost", round, u.Name, u.Timezone, name, tz)
			}
		}
	})
}

// TestAdminsStepDownTogether: two admins each make the other a member at
// the same moment. One change applies; the other is refused, so the
// organisation keeps an admin.
func TestAdminsStepDownTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		a := &account.User{Name: "Ann", Email: "a@acme.example", Timezone: "UTC", PasswordHash: "x"}
		b := &account.User{Name: "Bea", Email: "b@acme.example", Timezone: "UTC", PasswordHash: "x", Role: account.RoleAdmin, Status: account.StatusActive}
		org, err := db.CreateOrg(ctx, "Acme", a, b)
		if err != nil {
			t.Fatal(err)
		}
		isLastAdmin := func(err error) bool {
			f, ok := fault.FieldsOf(err)
			return ok && f["role"] != ""
		}
		for round := range rounds {
			errs := together(
				func() error { _, err := db.UpdateUserRole(ctx, org.ID, a.ID, account.RoleMember); return err },
				func() error { _, err := db.UpdateUserRole(ctx, org.ID, b.ID, account.RoleMember); return err },
			)
			won := oneWins(t, fmt.Sprintf("round %d", round), errs, isLastAdmin)
			// The one who stepped down becomes an admin again for the
			// next round.
			if _, err := db.UpdateUserRole(ctx, org.ID, []string{a.ID, b.ID}[won], account.RoleAdmin); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestPasswordChangedTwiceTogether: two changes of a password checked
// against the same current password: the first applies and the second is
// refused, since what it was checked against is no longer current.
func TestPasswordChangedTwiceTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		org, admin := mustCreateOrg(t, db, "Acme", "admin@acme.example")
		current := admin.PasswordHash
		msg := queue.Mail(mail.Message{To: admin.Email})
		for round := range rounds {
			next := []string{fmt.Sprintf("a%d", round), fmt.Sprintf("b%d", round)}
			errs := together(
				func() error { return db.ChangePassword(ctx, org.ID, admin.ID, "", current, next[0], msg) },
				func() error { return db.ChangePassword(ctx, org.ID, admin.ID, "", current, next[1], msg) },
			)
			won := oneWins(t, fmt.Sprintf("round %d", round), errs, isConflict)
			hash, err := db.FindPasswordHash(ctx, org.ID, admin.ID)
			if err != nil {
				t.Fatal(err)
			}
			if hash != next[won] {
				t.Fatalf("round %d: the password acknowledged was overwritten", round)
			}
			current = hash
		}
	})
}

// TestInvitationResentAsItIsAccepted: an admin resends an invitation at
// the moment the person accepts it. Either the acceptance comes first and
// the resend is refused (they have joined), or the resend comes first and
// the link being accepted no longer works: never both, which would leave
// a joined person with a live invitation link.
func TestInvitationResentAsItIsAccepted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		org, _ := mustCreateOrg(t, db, "Acme", "admin@acme.example")
		hasJoined := func(err error) bool {
			f, ok := fault.FieldsOf(err)
			return ok && f["user"] != ""
		}
		for round := range rounds {
			email := fmt.Sprintf("p%d@acme.example", round)
			u, err := db.InvitePerson(ctx, org.ID, account.NewPerson{Name: "Pat", Email: email},
				store.Invite{TokenHash: email, Mail: queue.Mail(mail.Message{To: email})})
			if err != nil {
				t.Fatal(err)
			}
			errs := together(
				func() error { _, err := db.AcceptInvitation(ctx, email, "Pat", "UTC", "h"); return err },
				func() error {
					return db.ResendInvitation(ctx, org.ID, u.ID, store.Invite{TokenHash: email + "-again", Mail: queue.Mail(mail.Message{To: email})})
				},
			)
			oneWins(t, fmt.Sprintf("round %d", round), errs, func(err error) bool { return isLinkInvalid(err) || hasJoined(err) })
		}
	})
}
