package store_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/people"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

var ctx = context.Background()

// clock is a settable time for expiry tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func setup(t *testing.T, dbURL string) (*store.DB, *storetest.Outbox, *clock) {
	t.Helper()
	o := &storetest.Outbox{}
	c := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	return storetest.Open(t, dbURL, store.WithOutbox(o), store.WithClock(c.now)), o, c
}

func mustCreateOrg(t *testing.T, db *store.DB, name, email string) (*account.Org, *account.User) {
	t.Helper()
	admin := &account.User{Name: name + " Admin", Email: email, Timezone: "UTC", PasswordHash: "x"}
	org, err := db.CreateOrg(ctx, name, admin)
	if err != nil {
		t.Fatalf("create org: %v", err)
	}
	return org, admin
}

func TestMigrationFoldersMatch(t *testing.T) {
	list := func(dir string) []string {
		entries, err := fs.ReadDir(os.DirFS("migrations"), dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, strings.SplitN(e.Name(), "_", 2)[0])
		}
		return names
	}
	if diff := cmp.Diff(list("sqlite"), list("postgres")); diff != "" {
		t.Errorf("migration versions differ between engines (-sqlite +postgres):\n%s", diff)
	}
}

func TestSignupConfirm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, outbox, clk := setup(t, dbURL)
		s := account.Signup{OrgName: "Acme", Name: "Ann", Email: "ann@acme.example", PasswordHash: "h", Timezone: "Europe/Berlin"}
		if err := db.CreateSignup(ctx, s, "hash1", queue.Mail(mail.Message{To: s.Email, Subject: "confirm"})); err != nil {
			t.Fatal(err)
		}
		if got := len(outbox.Messages()); got != 1 {
			t.Fatalf("sent %d messages, want 1", got)
		}
		u, err := db.ConfirmSignup(ctx, "hash1")
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != account.RoleAdmin || u.Status != account.StatusActive || u.Timezone != "Europe/Berlin" {
			t.Errorf("first user = %+v, want an active admin", u)
		}
		org, err := db.FindOrgByID(ctx, u.OrgID)
		if err != nil || org.Name != "Acme" || org.Slug != "acme" {
			t.Fatalf("org = %+v, %v", org, err)
		}
		if _, err := db.ConfirmSignup(ctx, "hash1"); !errors.Is(err, store.ErrLinkInvalid) {
			t.Errorf("second confirm: err = %v, want ErrLinkInvalid", err)
		}
		// An expired link does nothing.
		s.Email = "bob@acme.example"
		if err := db.CreateSignup(ctx, s, "hash2", queue.Mail(mail.Message{To: s.Email})); err != nil {
			t.Fatal(err)
		}
		clk.t = clk.t.Add(account.SignupLifetime + time.Second)
		if _, err := db.ConfirmSignup(ctx, "hash2"); !errors.Is(err, store.ErrLinkInvalid) {
			t.Errorf("expired confirm: err = %v, want ErrLinkInvalid", err)
		}
		if _, err := db.FindUserByEmail(ctx, "bob@acme.example"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired sign-up created a user: %v", err)
		}
		// A second organisation with the same name gets its own slug.
		_, _ = mustCreateOrg(t, db, "Acme", "carol@acme.example")
		o2, err := db.FindOrgBySlug(ctx, "acme-2")
		if err != nil || o2.Name != "Acme" {
			t.Errorf("second Acme: %+v, %v", o2, err)
		}
	})
}

func TestTenancy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		orgA, adminA := mustCreateOrg(t, db, "A", "a@a.example")
		orgB, adminB := mustCreateOrg(t, db, "B", "b@b.example")
		tokA, err := db.CreateToken(ctx, adminA, "script", "hsp_abc", "tokhashA")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateSession(ctx, adminA, "sesshashA", "test", "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		name := "Mallory"
		checks := map[string]error{}
		_, checks["FindUserByID"] = db.FindUserByID(ctx, orgB.ID, adminA.ID)
		_, checks["UpdateUser"] = db.UpdateUser(ctx, orgB.ID, adminA.ID, store.UserUpdate{Name: &name})
		_, checks["UpdateUserRole"] = db.UpdateUserRole(ctx, orgB.ID, adminA.ID, account.RoleMember)
		checks["DeleteToken"] = db.DeleteToken(ctx, orgB.ID, adminB.ID, tokA.ID)
		checks["DeleteSession"] = db.DeleteSession(ctx, orgB.ID, adminB.ID, "sesshashA")
		checks["ResendInvitation"] = db.ResendInvitation(ctx, orgB.ID, adminA.ID, store.Invite{TokenHash: "x"})
		_, checks["InvitePerson with foreign manager"] = db.InvitePerson(ctx, orgB.ID,
			account.NewPerson{Name: "Eve", Email: "eve@b.example", ManagerID: adminA.ID}, store.Invite{TokenHash: "y"})
		for name, err := range checks {
			_, invalid := fault.FieldsOf(err)
			if !errors.Is(err, store.ErrNotFound) && !invalid {
				t.Errorf("%s across organisations: err = %v, want not found", name, err)
			}
		}
		users, _, err := db.FindUsers(ctx, orgB.ID, store.UserFilter{})
		if err != nil || len(users) != 1 || users[0].ID != adminB.ID {
			t.Errorf("org B sees %d people (%v), want only its admin", len(users), err)
		}
		// Nothing in A changed.
		u, err := db.FindUserByID(ctx, orgA.ID, adminA.ID)
		if err != nil || u.Name != adminA.Name || u.Role != account.RoleAdmin {
			t.Errorf("org A's admin changed: %+v, %v", u, err)
		}
		if toks, _ := db.FindTokens(ctx, orgA.ID, adminA.ID); len(toks) != 1 {
			t.Errorf("org A's token was revoked from org B")
		}
		if ss, _ := db.FindSessions(ctx, orgA.ID, adminA.ID); len(ss) != 1 {
			t.Errorf("org A's session was ended from org B")
		}
	})
}

func importRows(t *testing.T, csv string, existing []people.Existing) []people.Row {
	t.Helper()
	p := people.Parse(strings.NewReader(csv), existing)
	if !p.OK() {
		t.Fatalf("preview has problems: %+v", p)
	}
	return p.Rows
}

func invites(rows []people.Row) map[string]store.Invite {
	out := make(map[string]store.Invite, len(rows))
	for _, r := range rows {
		out[r.Email] = store.Invite{TokenHash: "inv-" + r.Email, Mail: queue.Mail(mail.Message{To: r.Email, Subject: "invite"})}
	}
	return out
}

func TestImportPeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, outbox, _ := setup(t, dbURL)
		org, admin := mustCreateOrg(t, db, "Acme", "boss@acme.example")
		rows := importRows(t, "name,email,department,manager_email,level,timezone\n"+
			"Ann,ann@acme.example,Sales,boss@acme.example,3,Europe/Berlin\n"+
			"Ben,ben@acme.example,Sales,ann@acme.example,2,\n", []people.Existing{{ID: admin.ID, Email: admin.Email}})
		created, err := db.ImportPeople(ctx, org.ID, rows, invites(rows), false)
		if err != nil {
			t.Fatal(err)
		}
		if len(created) != 2 {
			t.Fatalf("created %d, want 2", len(created))
		}
		ben, err := db.FindUserByEmail(ctx, "ben@acme.example")
		if err != nil {
			t.Fatal(err)
		}
		ann, _ := db.FindUserByEmail(ctx, "ann@acme.example")
		if ben.ManagerID != ann.ID || ann.ManagerID != admin.ID || ben.Status != account.StatusInvited || ben.Timezone != "UTC" {
			t.Errorf("imported people wrong: ann=%+v ben=%+v", ann, ben)
		}
		var to []string
		for _, m := range outbox.Messages() {
			to = append(to, m.To)
		}
		if !slices.Equal(to, []string{"ann@acme.example", "ben@acme.example"}) {
			t.Errorf("invitations went to %v", to)
		}
		if u, err := db.FindLinkUser(ctx, "inv-ben@acme.example", account.PurposeInvite); err != nil || u.ID != ben.ID {
			t.Errorf("invitation link: %v, %v", u, err)
		}

		// An address taken in another organisation fails the whole import.
		org2, _ := mustCreateOrg(t, db, "Other", "x@other.example")
		rows = importRows(t, "name,email\nCid,cid@other.example\nAnn,ann@acme.example\n", nil)
		_, err = db.ImportPeople(ctx, org2.ID, rows, invites(rows), false)
		if _, ok := fault.FieldsOf(err); !ok {
			t.Fatalf("import with a taken address: err = %v, want a validation error", err)
		}
		if total, _ := db.CountUsers(ctx, org2.ID, store.UserFilter{}); total != 1 {
			t.Errorf("a failed import wrote %d people", total-1)
		}
	})
}

func TestLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, clk := setup(t, dbURL)
		_, admin := mustCreateOrg(t, db, "Acme", "boss@acme.example")
		if _, err := db.CreateSession(ctx, admin, "s1", "ua", "ip"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateToken(ctx, admin, "script", "hs_abc", "t1"); err != nil {
			t.Fatal(err)
		}
		notice := func(u *account.User) store.Job { return queue.Mail(mail.Message{To: u.Email}) }
		if err := db.CreateLink(ctx, admin.OrgID, admin.ID, account.PurposeReset, "r1", queue.Mail(mail.Message{To: admin.Email})); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateLink(ctx, admin.OrgID, admin.ID, account.PurposeReset, "r2", queue.Mail(mail.Message{To: admin.Email})); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ResetPassword(ctx, "r1", "new", notice); !errors.Is(err, store.ErrLinkInvalid) {
			t.Errorf("a replaced link still works: %v", err)
		}
		if _, err := db.ResetPassword(ctx, "r2", "new", notice); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ResetPassword(ctx, "r2", "newer", notice); !errors.Is(err, store.ErrLinkInvalid) {
			t.Errorf("a used link works twice: %v", err)
		}
		if ss, _ := db.FindSessions(ctx, admin.OrgID, admin.ID); len(ss) != 0 {
			t.Errorf("reset left %d sessions signed in", len(ss))
		}
		if ts, _ := db.FindTokens(ctx, admin.OrgID, admin.ID); len(ts) != 0 {
			t.Errorf("reset left %d access tokens working", len(ts))
		}
		if _, err := db.FindTokenUser(ctx, "t1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a token made before the reset still identifies: %v", err)
		}
		if err := db.CreateLink(ctx, admin.OrgID, admin.ID, account.PurposeReset, "r3", queue.Mail(mail.Message{To: admin.Email})); err != nil {
			t.Fatal(err)
		}
		clk.t = clk.t.Add(account.ResetLifetime)
		if _, err := db.FindLinkUser(ctx, "r3", account.PurposeReset); !errors.Is(err, store.ErrLinkInvalid) {
			t.Errorf("an expired link works: %v", err)
		}
		// A reset link is not an invitation.
		if err := db.CreateLink(ctx, admin.OrgID, admin.ID, account.PurposeReset, "r4", queue.Mail(mail.Message{To: admin.Email})); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AcceptInvitation(ctx, "r4", "n", "UTC", "h"); !errors.Is(err, store.ErrLinkInvalid) {
			t.Errorf("a reset link accepted an invitation: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, clk := setup(t, dbURL)
		_, admin := mustCreateOrg(t, db, "Acme", "boss@acme.example")
		if _, err := db.CreateSession(ctx, admin, "s1", "Firefox", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		s, u, err := db.FindSession(ctx, "s1")
		if err != nil || u.ID != admin.ID || s.UserAgent != "Firefox" {
			t.Fatalf("find session: %+v %+v %v", s, u, err)
		}
		// Use keeps a session alive; idleness ends it.
		clk.t = clk.t.Add(account.SessionLifetime - time.Hour)
		if _, _, err := db.FindSession(ctx, "s1"); err != nil {
			t.Fatalf("session expired early: %v", err)
		}
		clk.t = clk.t.Add(account.SessionLifetime - time.Minute)
		if _, _, err := db.FindSession(ctx, "s1"); err != nil {
			t.Fatalf("a used session did not slide: %v", err)
		}
		clk.t = clk.t.Add(account.SessionLifetime + time.Minute)
		if _, _, err := db.FindSession(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired session: err = %v", err)
		}
		if _, err := db.CreateSession(ctx, admin, "s2", "", ""); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSession(ctx, admin.OrgID, admin.ID, "s2"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.FindSession(ctx, "s2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoked session still works: %v", err)
		}
	})
}

// TestPasswordHashReadAlone: a person read for a session, a page or a
// list carries no password hash; only FindPasswordHash reads it, for the
// person asked about.
func TestPasswordHashReadAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		org, admin := mustCreateOrg(t, db, "Acme", "boss@acme.example")
		if _, err := db.CreateSession(ctx, admin, "s1", "Firefox", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		_, bySession, err := db.FindSession(ctx, "s1")
		if err != nil {
			t.Fatal(err)
		}
		byID, err := db.FindUserByID(ctx, org.ID, admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		byEmail, err := db.FindUserByEmail(ctx, admin.Email)
		if err != nil {
			t.Fatal(err)
		}
		listed, _, err := db.FindUsers(ctx, org.ID, store.UserFilter{Limit: 10})
		if err != nil || len(listed) != 1 {
			t.Fatalf("find users: %v %v", listed, err)
		}
		for name, u := range map[string]*account.User{"session": bySession, "id": byID, "email": byEmail, "list": &listed[0]} {
			if u.PasswordHash != "" {
				t.Errorf("the person read by %s carries their password hash", name)
			}
		}
		hash, err := db.FindPasswordHash(ctx, org.ID, admin.ID)
		if err != nil || hash != "x" {
			t.Errorf("find password hash = %q, %v; want the one they were created with", hash, err)
		}
		other, _ := mustCreateOrg(t, db, "Other", "boss@other.example")
		if _, err := db.FindPasswordHash(ctx, other.ID, admin.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a hash read through another organisation: err = %v", err)
		}
	})
}

func TestRolesAndSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		org, admin := mustCreateOrg(t, db, "Acme", "boss@acme.example")
		if _, err := db.UpdateUserRole(ctx, org.ID, admin.ID, account.RoleMember); err == nil {
			t.Error("the last admin was demoted")
		}
		p, err := db.InvitePerson(ctx, org.ID, account.NewPerson{Name: "Zoë 100%_Sure", Email: "Zoe@Acme.example", Department: "R&D"},
			store.Invite{TokenHash: "i1", Mail: queue.Mail(mail.Message{To: "zoe@acme.example"})})
		if err != nil {
			t.Fatal(err)
		}
		if p.Email != "zoe@acme.example" {
			t.Errorf("email not normalised: %q", p.Email)
		}
		// A search finds the people one of whose words begins with each
		// word typed, accents and case aside; a query without words is no
		// search at all.
		for q, want := range map[string]int{"zoë": 1, "ZOE": 1, "100%": 1, "_sure": 1, "sur": 1, "ure": 0, "r&d": 1, "%": 2,
			"nobody": 0, "zoe@acme.example": 1, "zoe sure": 1, "zoe nobody": 0, "'; DROP TABLE users; --": 0} {
			found, _, err := db.FindUsers(ctx, org.ID, store.UserFilter{Query: q})
			total, cerr := db.CountUsers(ctx, org.ID, store.UserFilter{Query: q})
			if err != nil || cerr != nil || total != want || len(found) != want {
				t.Errorf("search %q: %d found, %d counted (%v, %v), want %d", q, len(found), total, err, cerr, want)
			}
		}
		if _, err := db.UpdateUserRole(ctx, org.ID, p.ID, account.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UpdateUserRole(ctx, org.ID, admin.ID, account.RoleMember); err != nil {
			t.Errorf("demoting one of two admins: %v", err)
		}
		if _, err := db.InvitePerson(ctx, org.ID, account.NewPerson{Name: "Dup", Email: "zoe@acme.example"}, store.Invite{TokenHash: "i2"}); err == nil {
			t.Error("a duplicate address was invited")
		}
		if _, err := db.InvitePerson(ctx, org.ID, account.NewPerson{Name: "", Email: "bad", Timezone: "Mars/Base"}, store.Invite{TokenHash: "i3"}); err == nil {
			t.Error("invalid person invited")
		} else if f, _ := fault.FieldsOf(err); f["name"] == "" || f["email"] == "" || f["timezone"] == "" {
			t.Errorf("validation fields = %v", f)
		}
	})
}

func TestDeleteExpired(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, clk := setup(t, dbURL)
		_, admin := mustCreateOrg(t, db, "Acme", "boss@acme.example")
		if _, err := db.CreateSession(ctx, admin, "old", "", ""); err != nil {
			t.Fatal(err)
		}
		clk.t = clk.t.Add(account.SessionLifetime + time.Hour)
		if _, err := db.CreateSession(ctx, admin, "new", "", ""); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteExpired(ctx); err != nil {
			t.Fatal(err)
		}
		ss, _ := db.FindSessions(ctx, admin.OrgID, admin.ID)
		if len(ss) != 1 || ss[0].ID != "new" {
			t.Errorf("sessions after sweep: %+v", ss)
		}
	})
}

// TestPeopleCounts: the directory's counts, direct reports and names come
// from the organisation's own rows only.
func TestPeopleCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		org, admin := mustCreateOrg(t, db, "Acme", "boss@acme.example")
		other, stranger := mustCreateOrg(t, db, "Other", "boss@other.example")
		ann, err := db.InvitePerson(ctx, org.ID, account.NewPerson{Name: "Ann", Email: "ann@acme.example", ManagerID: admin.ID},
			store.Invite{TokenHash: "a1", Mail: queue.Mail(mail.Message{To: "ann@acme.example"})})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.InvitePerson(ctx, org.ID, account.NewPerson{Name: "Ben", Email: "ben@acme.example", ManagerID: ann.ID},
			store.Invite{TokenHash: "b1", Mail: queue.Mail(mail.Message{To: "ben@acme.example"})}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.InvitePerson(ctx, other.ID, account.NewPerson{Name: "Olu", Email: "olu@other.example", ManagerID: stranger.ID},
			store.Invite{TokenHash: "o1", Mail: queue.Mail(mail.Message{To: "olu@other.example"})}); err != nil {
			t.Fatal(err)
		}
		count, err := db.CountPeople(ctx, org.ID)
		if err != nil || count.People != 3 || count.Invited != 2 {
			t.Errorf("CountPeople = %+v, %v; want 3 people, 2 invited", count, err)
		}
		reports, more, err := db.FindUsers(ctx, org.ID, store.UserFilter{ManagerID: admin.ID})
		if err != nil || more || len(reports) != 1 || reports[0].ID != ann.ID {
			t.Errorf("the admin's reports: %+v (%v, %v), want Ann alone", reports, more, err)
		}
		found, err := db.FindUsersByIDs(ctx, org.ID, []string{admin.ID, ann.ID, stranger.ID})
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]string{}
		for id, u := range found {
			names[id] = u.Name
		}
		want := map[string]string{admin.ID: admin.Name, ann.ID: "Ann"}
		if diff := cmp.Diff(want, names); diff != "" {
			t.Errorf("FindUsersByIDs (-want +got):\n%s", diff)
		}
		if none, err := db.FindUsersByIDs(ctx, org.ID, nil); err != nil || len(none) != 0 {
			t.Errorf("FindUsersByIDs of no ids: %v, %v", none, err)
		}
		if got, err := db.FindUserNames(ctx, org.ID, []string{admin.ID, ann.ID, stranger.ID}); err != nil {
			t.Fatal(err)
		} else if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindUserNames (-want +got):\n%s", diff)
		}
		if none, err := db.FindUserNames(ctx, org.ID, nil); err != nil || len(none) != 0 {
			t.Errorf("FindUserNames of no ids: %v, %v", none, err)
		}
	})
}

// TestOptimize runs the planner's upkeep on both engines, twice as the
// hourly upkeep does: on PostgreSQL it vacuums and analyses the schema's
// tables, which cannot run inside a transaction.
func TestOptimize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		mustCreateOrg(t, db, "Acme", "boss@acme.example")
		for range 2 {
			if err := db.Optimize(ctx); err != nil {
				t.Fatal(err)
			}
		}
	})
}
