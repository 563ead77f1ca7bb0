package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestPeoplePages: keyset pages walk the directory in name order, forward
// and back, with ties broken by id, and neither repeat nor skip anyone
// when someone joins between two pages.
func TestPeoplePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		org, admin := mustCreateOrg(t, db, "Acme", "boss@acme.example")
		invite := func(name, email, managerID string) *account.User {
			t.Helper()
			u, err := db.InvitePerson(ctx, org.ID, account.NewPerson{Name: name, Email: email, ManagerID: managerID, Department: "Sales"},
				store.Invite{TokenHash: email, Mail: queue.Mail(mail.Message{To: email})})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		// Three people share a name: the order among them is their ids'.
		for i, name := range []string{"Cleo", "ann", "Bea", "Dan", "Eve", "Bea", "Bea"} {
			invite(name, fmt.Sprintf("p%d@acme.example", i), admin.ID)
		}
		var names []string
		var ids []string
		f := store.UserFilter{Limit: 3}
		for pages := 0; ; pages++ {
			page, more, err := db.FindUsers(ctx, org.ID, f)
			if err != nil || pages > 5 {
				t.Fatalf("page %d: %v", pages, err)
			}
			for _, u := range page {
				names = append(names, u.Name)
				ids = append(ids, u.ID)
			}
			if pages == 0 {
				// Someone who sorts before the next page joins meanwhile:
				// the next page starts where this one ended regardless.
				invite("Aaron", "aaron@acme.example", "")
			}
			if !more {
				break
			}
			f.After = page[len(page)-1].ID
		}
		if want := []string{"Acme Admin", "ann", "Bea", "Bea", "Bea", "Cleo", "Dan", "Eve"}; !slices.Equal(names, want) {
			t.Errorf("pages forward: %q, want %q", names, want)
		}
		if !slices.IsSorted(ids[2:5]) {
			t.Errorf("people with one name are not in id order: %q", ids[2:5])
		}
		// Back from the end: the page before Eve ends with Dan.
		back, more, err := db.FindUsers(ctx, org.ID, store.UserFilter{Before: ids[7], Limit: 3})
		if err != nil || !more || len(back) != 3 || back[0].ID != ids[4] || back[2].ID != ids[6] {
			t.Errorf("page before Eve: %v %v %v", back, more, err)
		}
		all, more, _ := db.FindUsers(ctx, org.ID, store.UserFilter{Before: ids[1], Limit: 3})
		if more || len(all) != 2 || all[0].Name != "Aaron" || all[1].Name != "Acme Admin" {
			t.Errorf("first page, reached backwards: %v more=%v", all, more)
		}
		// A cursor from another organisation, or nobody's, is an empty page.
		_, stranger := mustCreateOrg(t, db, "Other", "boss@other.example")
		if page, more, err := db.FindUsers(ctx, org.ID, store.UserFilter{After: stranger.ID}); err != nil || more || len(page) != 0 {
			t.Errorf("a stranger's cursor: %v %v %v", page, more, err)
		}
		if n, _ := db.CountUsers(ctx, org.ID, store.UserFilter{Query: "bea"}); n != 3 {
			t.Errorf("three Beas, counted %d", n)
		}
	})
}

// TestOrgChartQueries: the chart reads the top of the organisation, a
// person's line of managers and report counts, each from an index.
func TestOrgChartQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		org, ceo := mustCreateOrg(t, db, "Acme", "ceo@acme.example")
		other, stranger := mustCreateOrg(t, db, "Other", "boss@other.example")
		add := func(name, managerID string) *account.User {
			t.Helper()
			email := name + "@acme.example"
			u, err := db.InvitePerson(ctx, org.ID, account.NewPerson{Name: name, Email: email, ManagerID: managerID},
				store.Invite{TokenHash: email, Mail: queue.Mail(mail.Message{To: email})})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		vp := add("vp", ceo.ID)
		lead := add("lead", vp.ID)
		dev := add("dev", lead.ID)
		add("ops", vp.ID)
		loner := add("loner", "")
		// People who have left are neither counted nor listed: not as a
		// report, not at the top.
		for _, gone := range []*account.User{add("gone", vp.ID), add("gone-top", "")} {
			if _, err := db.DeactivatePerson(ctx, org.ID, gone.ID, gone.Version); err != nil {
				t.Fatal(err)
			}
		}

		chain, err := db.FindManagerChain(ctx, org.ID, dev.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range chain {
			names = append(names, m.Name)
		}
		if want := []string{"lead", "vp", ceo.Name}; !slices.Equal(names, want) {
			t.Errorf("dev's managers: %q, want %q", names, want)
		}
		if chain, _ := db.FindManagerChain(ctx, other.ID, dev.ID); len(chain) != 0 {
			t.Errorf("another organisation sees dev's managers: %v", chain)
		}
		counts, err := db.CountReports(ctx, org.ID, []string{ceo.ID, vp.ID, dev.ID, stranger.ID})
		if err != nil || counts[ceo.ID] != 1 || counts[vp.ID] != 2 || counts[dev.ID] != 0 || len(counts) != 2 {
			t.Errorf("report counts: %v %v", counts, err)
		}
		roots, total, err := db.FindRoots(ctx, org.ID, 1)
		if err != nil || total != 2 || len(roots) != 1 {
			t.Errorf("roots: %v of %d, %v", roots, total, err)
		}
		if all, _, err := db.FindRoots(ctx, org.ID, 10); err != nil || len(all) != 2 || all[0].Name != ceo.Name && all[1].Name != ceo.Name {
			t.Errorf("roots: %v, %v", all, err)
		}
		lines, err := db.FindReportingLines(ctx, org.ID)
		if err != nil || len(lines) != 8 || lines[dev.ID] != lead.ID || lines[loner.ID] != "" {
			t.Errorf("reporting lines: %v %v", lines, err)
		}
		admins, err := db.FindAdmins(ctx, org.ID)
		if err != nil || len(admins) != 1 || admins[0].ID != ceo.ID {
			t.Errorf("admins: %v %v", admins, err)
		}
	})
}

// TestSearchIndexBackfill: people written before the search index existed
// are found once the migration that fills it has run.
func TestSearchIndexBackfill(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		org, _ := mustCreateOrg(t, db, "Acme", "boss@acme.example")
		if _, err := db.WriteDB().ExecContext(ctx, `DELETE FROM user_terms`); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountUsers(ctx, org.ID, store.UserFilter{Query: "boss"}); n != 0 {
			t.Fatalf("found %d without an index", n)
		}
		if err := db.IndexEveryone(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountUsers(ctx, org.ID, store.UserFilter{Query: "boss"}); n != 1 {
			t.Errorf("after the backfill, found %d", n)
		}
	})
}

// A name with an apostrophe is found typed whole, with or without it, and
// by its part after it; the index rebuilt for the people already there
// (migration 56) holds the word kept whole.
func TestSearchApostrophes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		org, _ := mustCreateOrg(t, db, "Acme", "boss@acme.example")
		if _, err := db.InvitePerson(ctx, org.ID, account.NewPerson{Name: "Siobhán O’Connor", Email: "s.oc@acme.example"},
			store.Invite{TokenHash: "i1", Mail: queue.Mail(mail.Message{To: "s.oc@acme.example"})}); err != nil {
			t.Fatal(err)
		}
		search := func(when string) {
			t.Helper()
			for q, want := range map[string]int{"o'connor": 1, "oconnor": 1, "O’Connor": 1, "connor": 1, "siobhan o'connor": 1, "oconnel": 0} {
				if n, err := db.CountUsers(ctx, org.ID, store.UserFilter{Query: q}); err != nil || n != want {
					t.Errorf("%s: search %q counts %d (%v), want %d", when, q, n, err, want)
				}
			}
		}
		search("invited")
		if _, err := db.WriteDB().ExecContext(ctx, db.Rebind(`DELETE FROM user_terms WHERE term = $1`), "oconnor"); err != nil {
			t.Fatal(err)
		}
		if err := db.IndexEveryone(ctx); err != nil {
			t.Fatal(err)
		}
		search("indexed again")
	})
}

// TestPeopleCounters: the counts the home page and the directory show are
// kept by triggers through every change to a person: joining, accepting
// an invitation, moving department.
func TestPeopleCounters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db, _, _ := setup(t, dbURL)
		org, _ := mustCreateOrg(t, db, "Acme", "boss@acme.example")
		other, _ := mustCreateOrg(t, db, "Other", "boss@other.example")
		for i, dept := range []string{"Sales", "Sales", "Finance"} {
			email := fmt.Sprintf("p%d@acme.example", i)
			if _, err := db.InvitePerson(ctx, org.ID, account.NewPerson{Name: "P", Email: email, Department: dept},
				store.Invite{TokenHash: "t" + email, Mail: queue.Mail(mail.Message{To: email})}); err != nil {
				t.Fatal(err)
			}
		}
		counts := func() (int, int, []string, int) {
			t.Helper()
			count, err := db.CountPeople(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			total, invited := count.People, count.Invited
			depts, err := db.FindDepartments(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			sales, err := db.CountUsers(ctx, org.ID, store.UserFilter{Department: "Sales"})
			if err != nil {
				t.Fatal(err)
			}
			return total, invited, depts, sales
		}
		if total, invited, depts, sales := counts(); total != 4 || invited != 3 || !slices.Equal(depts, []string{"Finance", "Sales"}) || sales != 2 {
			t.Errorf("after inviting: %d people, %d invited, %q, %d in Sales", total, invited, depts, sales)
		}
		if _, err := db.AcceptInvitation(ctx, "tp0@acme.example", "Pat", "UTC", "hash"); err != nil {
			t.Fatal(err)
		}
		// Finance empties into Sales: the department goes from the list.
		if _, err := db.WriteDB().ExecContext(ctx, db.Rebind(`UPDATE users SET department = 'Sales' WHERE email = $1`), "p2@acme.example"); err != nil {
			t.Fatal(err)
		}
		if total, invited, depts, sales := counts(); total != 4 || invited != 2 || !slices.Equal(depts, []string{"Sales"}) || sales != 3 {
			t.Errorf("after joining and moving: %d people, %d invited, %q, %d in Sales", total, invited, depts, sales)
		}
		if c, _ := db.CountPeople(ctx, other.ID); c.People != 1 || c.Invited != 0 {
			t.Errorf("another organisation counts %+v", c)
		}
		// A held invitation was not sent, and a leaver's will not be
		// answered: neither is invited and waiting to join. Releasing
		// and coming back count them again.
		for _, q := range []string{`UPDATE users SET invitation_held = TRUE WHERE email = $1`,
			`UPDATE users SET deactivated_at = CURRENT_TIMESTAMP WHERE email = $1`} {
			if _, err := db.WriteDB().ExecContext(ctx, db.Rebind(q), "p1@acme.example"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.WriteDB().ExecContext(ctx, db.Rebind(`UPDATE users SET invitation_held = TRUE WHERE email = $1`), "p2@acme.example"); err != nil {
			t.Fatal(err)
		}
		if c, _ := db.CountPeople(ctx, org.ID); c.People != 4 || c.Invited != 0 || c.Held != 1 {
			t.Errorf("with one held and one held who left: %+v, want 0 invited, 1 held", c)
		}
		for _, q := range []string{`UPDATE users SET deactivated_at = NULL WHERE email = $1`,
			`UPDATE users SET invitation_held = FALSE WHERE email = $1`} {
			if _, err := db.WriteDB().ExecContext(ctx, db.Rebind(q), "p1@acme.example"); err != nil {
				t.Fatal(err)
			}
		}
		if c, _ := db.CountPeople(ctx, org.ID); c.Invited != 1 || c.Held != 1 {
			t.Errorf("after coming back and being released: %+v, want 1 invited, 1 held", c)
		}
	})
}
