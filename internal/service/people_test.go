package service_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/people"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/service/directory"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

func (w *world) directory() *directory.Service {
	base, _ := url.Parse("http://holdspace.test")
	return &directory.Service{DB: w.db, BaseURL: base, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Circles: w.circles}
}

func (w *world) person(id string) *account.User {
	w.t.Helper()
	u, err := w.db.FindUserByID(ctx, w.org.ID, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

func edit(u *account.User) directory.Edit {
	v := u.Version
	return directory.Edit{Name: u.Name, Department: u.Department, ManagerID: u.ManagerID, Level: u.Level,
		Timezone: u.Timezone, Role: u.Role, Version: &v}
}

func TestEditPerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 6)
		dir := w.directory()

		e := edit(w.person("u02"))
		e.Department, e.Level, e.Timezone, e.ManagerID = "Legal", 7, "Asia/Tokyo", "u01"
		got, err := dir.EditPerson(ctx, w.admin, "u02", e)
		if err != nil {
			t.Fatal(err)
		}
		if got.Department != "Legal" || got.Level != 7 || got.Timezone != "Asia/Tokyo" || got.ManagerID != "u01" || got.Version != 1 {
			t.Errorf("edited: %+v", got)
		}
		if found, _, _ := w.db.FindUsers(ctx, w.org.ID, store.UserFilter{Query: "legal"}); len(found) != 1 || found[0].ID != "u02" {
			t.Errorf("search by the new department: %+v", found)
		}

		// The same reading again: another change came first.
		_, err = dir.EditPerson(ctx, w.admin, "u02", e)
		if fault.KindOf(err) != fault.Conflict {
			t.Errorf("a stale edit: %v", err)
		}
		_, err = dir.EditPerson(ctx, w.user("u03"), "u02", edit(w.person("u02")))
		wantErr(t, "a member editing", err, auth.ErrForbidden)

		// u02 reports to u01 who reports to u00: u00 can't report to u02.
		e = edit(w.person("u00"))
		e.ManagerID = "u02"
		_, err = dir.EditPerson(ctx, w.admin, "u00", e)
		if f, ok := fault.FieldsOf(err); !ok || !strings.Contains(f["manager_id"], "loop") {
			t.Errorf("a manager cycle: %v", err)
		}
		e.ManagerID = "u00"
		if _, err = dir.EditPerson(ctx, w.admin, "u00", e); err == nil {
			t.Error("u00 became their own manager")
		}
		e = edit(w.person("u03"))
		e.Level, e.Timezone, e.Name = 99, "Mars/Olympus", ""
		_, err = dir.EditPerson(ctx, w.admin, "u03", e)
		if f, _ := fault.FieldsOf(err); f["level"] == "" || f["timezone"] == "" || f["name"] == "" {
			t.Errorf("invalid fields: %v", err)
		}
		admin := edit(w.person(w.admin.ID))
		admin.Role = account.RoleMember
		_, err = dir.EditPerson(ctx, w.admin, w.admin.ID, admin)
		if f, _ := fault.FieldsOf(err); f["role"] == "" {
			t.Errorf("the last admin became a member: %v", err)
		}
	})
}

// TestEditPersonConcurrently: two admins save the same person from the
// same reading at once; one change applies, the other is refused with a
// conflict rather than lost.
func TestEditPersonConcurrently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 4)
		dir := w.directory()
		for round := range 3 {
			read := w.person("u02")
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, dept := range []string{"Left", "Right"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					e := edit(read)
					e.Department = fmt.Sprintf("%s %d", dept, round)
					_, errs[i] = dir.EditPerson(ctx, w.admin, "u02", e)
				}()
			}
			wg.Wait()
			ok, conflicts := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case fault.KindOf(err) == fault.Conflict:
					conflicts++
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if ok != 1 || conflicts != 1 {
				t.Fatalf("round %d: %d applied, %d conflicts; want one of each", round, ok, conflicts)
			}
			if got := w.person("u02"); got.Version != read.Version+1 {
				t.Fatalf("round %d: version %d after one change from %d", round, got.Version, read.Version)
			}
		}
	})
}

// TestManagerLoopConcurrently: two admins each make one of two people the
// other's manager at the same moment; each change alone is fine, together
// they would loop. One applies, the other is refused as a loop.
func TestManagerLoopConcurrently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 4)
		dir := w.directory()
		for round := range 5 {
			a, b := w.person("u02"), w.person("u03")
			if round > 0 {
				// Undo the last round's line, so each round starts apart.
				for _, p := range []*account.User{a, b} {
					if p.ManagerID != "" {
						e := edit(p)
						e.ManagerID = w.admin.ID
						if _, err := dir.EditPerson(ctx, w.admin, p.ID, e); err != nil {
							t.Fatal(err)
						}
					}
				}
				a, b = w.person("u02"), w.person("u03")
			}
			toB, toA := edit(a), edit(b)
			toB.ManagerID, toA.ManagerID = b.ID, a.ID
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, change := range []struct {
				id string
				e  directory.Edit
			}{{a.ID, toB}, {b.ID, toA}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = dir.EditPerson(ctx, w.admin, change.id, change.e)
				}()
			}
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("round %d: both or neither applied: %v; %v", round, errs[0], errs[1])
			}
			for _, err := range errs {
				if fields, _ := fault.FieldsOf(err); err != nil && !strings.Contains(fields["manager_id"], "loop") {
					t.Fatalf("round %d: refused with %v, want the loop named on manager_id", round, err)
				}
			}
		}
	})
}

func TestDeactivate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		dir := w.directory()
		id := w.scheduled(p, "u01", "u02", "u03", "u04")
		ms := w.meetings(id)
		if err := w.circles.SetRoles(ctx, w.user("u01"), id, ms[2].ID, "u02", "u01"); err != nil {
			t.Fatal(err)
		}
		leaver := w.user("u02")
		if _, err := w.db.CreateSession(ctx, leaver, "session-u02", "test", "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.CreateToken(ctx, leaver, "script", "hs_", "token-u02"); err != nil {
			t.Fatal(err)
		}

		_, err := dir.Deactivate(ctx, w.user("u03"), "u02", nil)
		wantErr(t, "a member deactivating", err, auth.ErrForbidden)
		_, err = dir.Deactivate(ctx, w.admin, w.admin.ID, nil)
		wantErr(t, "an admin deactivating themselves", err, directory.ErrDeactivateSelf)

		sent := len(w.outbox.Messages())
		gone, err := dir.Deactivate(ctx, w.admin, "u02", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !gone.Deactivated() {
			t.Fatalf("not deactivated: %+v", gone)
		}
		// Access ends at once.
		if _, _, err := w.db.FindSession(ctx, "session-u02"); err == nil {
			t.Error("the leaver's session still works")
		}
		if _, err := w.db.FindTokenUser(ctx, "token-u02"); err == nil {
			t.Error("the leaver's token still works")
		}
		// The others are told, without anything said inside; the leaver
		// is not emailed.
		msgs := w.since(sent)
		for _, uid := range []string{"u01", "u03", "u04"} {
			if len(to(msgs, w.user(uid), "has left your circle")) != 1 {
				t.Errorf("%s was not told: %+v", uid, msgs)
			}
		}
		if mine := to(msgs, leaver, ""); len(mine) != 0 {
			t.Errorf("the deactivated leaver was emailed: %+v", mine)
		}
		// Roles ahead pass to those who stay; their reminders stop.
		for i, m := range w.ahead(id) {
			if m.FacilitatorID == "u02" || m.TimekeeperID == "u02" {
				t.Errorf("meeting %d still has u02: %+v", i, m)
			}
		}
		if n := len(w.reminders()); n != 3*2*circle.Upcoming {
			t.Errorf("%d reminders, want %d", n, 3*2*circle.Upcoming)
		}
		// History stays: the departure is recorded.
		if deps, err := w.circles.Departures(ctx, w.admin, p.ID); err != nil || len(deps) != 1 || deps[0].UserID != "u02" {
			t.Errorf("departures: %+v, %v", deps, err)
		}
		// Not found, picked or matched by default; listed for admins.
		if found, err := dir.Suggest(ctx, w.user("u01"), "person 02"); err != nil || len(found) != 0 {
			t.Errorf("suggested: %+v, %v", found, err)
		}
		page, err := dir.People(ctx, w.user("u01"), directory.Filter{})
		if err != nil || page.Total != 8 || len(page.People) != 8 {
			t.Errorf("the directory without the leaver: %d of %d, %v", len(page.People), page.Total, err)
		}
		page, err = dir.People(ctx, w.admin, directory.Filter{WithDeactivated: true})
		if err != nil || page.Total != 9 {
			t.Errorf("the admin's directory: %d, %v", page.Total, err)
		}
		page, _ = dir.People(ctx, w.user("u01"), directory.Filter{WithDeactivated: true})
		if page.Total != 8 {
			t.Errorf("a member asked for leavers and got %d", page.Total)
		}

		// Deactivating twice is a conflict.
		_, err = dir.Deactivate(ctx, w.admin, "u02", nil)
		if fault.KindOf(err) != fault.Conflict {
			t.Errorf("deactivating twice: %v", err)
		}

		back, err := dir.Reactivate(ctx, w.admin, "u02", nil)
		if err != nil || back.Deactivated() || back.Status != account.StatusActive {
			t.Fatalf("reactivated: %+v, %v", back, err)
		}
		if mine, _ := w.circles.MyCircles(ctx, back); len(mine) != 0 {
			t.Errorf("reactivating gave back the circles: %+v", mine)
		}
		_, err = dir.Reactivate(ctx, w.admin, "u02", nil)
		if fault.KindOf(err) != fault.Conflict {
			t.Errorf("reactivating an active person: %v", err)
		}
	})
}

func TestReimport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 4)
		dir := w.directory()
		// An export of everyone, the admin's own row included, with one
		// person moved and two new people.
		csv := "name,email,department,manager_email,level,timezone\n" +
			"Ada Admin,ada@org.example,,,0,Europe/Berlin\n" +
			"Person 00,p00@org.example,Sales,,2,Europe/London\n" +
			"Person 01,p01@org.example,Legal,p00@org.example,3,Europe/London\n" +
			"Person 02,p02@org.example,Product,p00@org.example,4,Europe/London\n" +
			"Nia New,nia@org.example,Sales,p01@org.example,L4,\n" +
			"Oli New,oli@org.example,Finance,p01@org.example,3,\n"
		prev, err := dir.PreviewImport(ctx, w.admin, []byte(csv))
		if err != nil {
			t.Fatal(err)
		}
		var statuses []people.Status
		for _, r := range prev.Rows {
			statuses = append(statuses, r.Status)
		}
		want := []people.Status{people.StatusUnchanged, people.StatusUnchanged, people.StatusChanged, people.StatusUnchanged,
			people.StatusProblem, people.StatusNew}
		if fmt.Sprint(statuses) != fmt.Sprint(want) {
			t.Fatalf("statuses %v, want %v (rows %+v)", statuses, want, prev.Rows)
		}
		if r := prev.Rows[2]; len(r.Changes) != 1 || r.Changes[0] != (people.Change{Field: "department", Old: "Engineering", New: "Legal"}) {
			t.Errorf("changes: %+v", r.Changes)
		}
		if r := prev.Rows[4]; r.LevelText != "L4" {
			t.Errorf("the bad level is shown as %q", r.LevelText)
		}
		if _, _, err := dir.Import(ctx, w.admin, []byte(csv), false); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("importing a file with problems: %v", err)
		}

		csv = strings.Replace(csv, "L4", "4", 1)
		sent := len(w.outbox.Messages())
		_, written, err := dir.Import(ctx, w.admin, []byte(csv), true)
		if err != nil {
			t.Fatal(err)
		}
		if len(written) != 3 {
			t.Errorf("wrote %d people, want 2 new and 1 changed", len(written))
		}
		if got := w.person("u01"); got.Department != "Legal" {
			t.Errorf("u01 not updated: %+v", got)
		}
		if n := len(w.since(sent)); n != 0 {
			t.Errorf("%d emails while invitations are held", n)
		}
		if n, _ := dir.HeldInvitations(ctx, w.admin); n != 2 {
			t.Errorf("%d held, want 2", n)
		}

		// Opening a program for Sales releases Sales' held invitations, and
		// only those.
		p := &program.Program{Name: "Sales circles", Format: program.FormatGroup, MinSize: 3, MaxSize: 4,
			OptInOpens: w.now.Add(-time.Hour), OptInCloses: w.now.Add(14 * 24 * time.Hour), Departments: []string{"Sales"}}
		if err := w.programs.CreateProgram(ctx, w.admin, p); err != nil {
			t.Fatal(err)
		}
		if w.mailTo("nia@org.example", "invit") != 1 || w.mailTo("oli@org.example", "invit") != 0 {
			t.Errorf("opening a program for Sales: Nia %d, Oli %d invitations", w.mailTo("nia@org.example", "invit"), w.mailTo("oli@org.example", "invit"))
		}
		if n, _ := dir.HeldInvitations(ctx, w.admin); n != 1 {
			t.Errorf("%d held after the opening, want Oli's", n)
		}
		if _, err := dir.ReleaseHeld(ctx, w.user("u01"), nil); err != auth.ErrForbidden {
			t.Errorf("a member releasing: %v", err)
		}
		n, err := dir.ReleaseHeld(ctx, w.admin, nil)
		if err != nil || n != 1 || w.mailTo("oli@org.example", "invit") != 1 {
			t.Errorf("release all: %d, %v", n, err)
		}
		if n, _ := dir.ReleaseHeld(ctx, w.admin, nil); n != 0 {
			t.Errorf("released %d twice", n)
		}

		// Applying a preview after someone changed a person meanwhile is
		// refused, and nothing is written.
		e := edit(w.person("u02"))
		e.Name = "Renamed"
		csv2 := strings.Replace(csv, "Person 02,p02@org.example,Product", "Person 02,p02@org.example,Finance", 1) +
			"Pia New,pia@org.example,Sales,,1,\n"
		p2, err := dir.PreviewImport(ctx, w.admin, []byte(csv2))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dir.EditPerson(ctx, w.admin, "u02", e); err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.ImportPeople(ctx, w.org.ID, p2.Rows, nil, true); fault.KindOf(err) != fault.Conflict {
			t.Errorf("a stale import: %v", err)
		}
		if _, err := w.db.FindUserByEmail(ctx, "pia@org.example"); err == nil {
			t.Error("half an import was written")
		}
	})
}

// TestImportAtScale imports 10,000 people and then an update of the same
// file: both are checked against the organisation once, not row by row.
func TestImportAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 10,000 people")
	}
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w := newWorld(t, dbURL, 2)
		dir := w.directory()
		var b strings.Builder
		b.WriteString("name,email,department,manager_email,level,timezone\n")
		for i := range people.MaxRows {
			manager := ""
			if i > 0 {
				manager = fmt.Sprintf("big%05d@org.example", (i-1)/8)
			}
			fmt.Fprintf(&b, "Big %05d,big%05d@org.example,Dept %02d,%s,%d,Europe/Paris\n", i, i, i%40, manager, i%10)
		}
		start := time.Now()
		if _, written, err := dir.Import(ctx, w.admin, []byte(b.String()), true); err != nil || len(written) != people.MaxRows {
			t.Fatalf("import: %d, %v", len(written), err)
		}
		first := time.Since(start)
		update := strings.ReplaceAll(b.String(), ",Dept 07,", ",Dept 77,")
		start = time.Now()
		prev, err := dir.PreviewImport(ctx, w.admin, []byte(update))
		if err != nil {
			t.Fatal(err)
		}
		changed := 0
		for _, r := range prev.Rows {
			if r.Status == people.StatusChanged {
				changed++
			}
		}
		if _, _, err := dir.Import(ctx, w.admin, []byte(update), true); err != nil || changed != people.MaxRows/40 {
			t.Fatalf("update: %d changed, %v", changed, err)
		}
		t.Logf("10,000 people imported in %v, previewed and updated in %v", first, time.Since(start))
		if first > 2*time.Minute {
			t.Errorf("importing 10,000 people took %v", first)
		}
	})
}
