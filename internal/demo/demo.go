// Package demo loads the demo organisation, Northwind Trading, so that a
// newcomer sees Holdspace with plausible people, programs and opt-ins in
// it rather than empty pages. Loading is idempotent: a second run adds nothing.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/store"
)

// Sign-in details of the demo admin; every demo person shares the password,
// so that any of them can be tried.
const (
	OrgName    = "Northwind Trading"
	AdminEmail = "maya@northwind.example"
	Password   = "northwind-demo"
)

type person struct {
	key, name, dept, manager, tz string
	level                        int
}

// roster is 40 people in 6 departments. Managers come before their reports.
var roster = []person{
	{"maya", "Maya Lindqvist", "People & Operations", "", "Europe/Stockholm", 8},
	{"oliver", "Oliver Mensah", "Leadership", "", "Europe/London", 10},
	{"priya", "Priya Raman", "Engineering", "oliver", "Europe/London", 9},
	{"daniel", "Daniel Okafor", "Sales", "oliver", "America/New_York", 9},
	{"sofia", "Sofia Marques", "Product & Design", "oliver", "Europe/Lisbon", 9},
	{"hannah", "Hannah Becker", "Customer Success", "oliver", "Europe/Berlin", 8},
	{"lucas", "Lucas Moreau", "Leadership", "oliver", "Europe/Paris", 9},
	{"kenji", "Kenji Watanabe", "Engineering", "priya", "Asia/Singapore", 7},
	{"amelia", "Amelia Clarke", "Engineering", "priya", "Europe/London", 7},
	{"ravi", "Ravi Shah", "Engineering", "kenji", "Asia/Singapore", 5},
	{"mei", "Mei Chen", "Engineering", "kenji", "Asia/Singapore", 4},
	{"tom", "Tom Fischer", "Engineering", "kenji", "Europe/Berlin", 5},
	{"zara", "Zara Ahmed", "Engineering", "amelia", "Europe/London", 4},
	{"jonas", "Jonas Eriksen", "Engineering", "amelia", "Europe/Stockholm", 5},
	{"leila", "Leila Haddad", "Engineering", "amelia", "Europe/Paris", 3},
	{"sam", "Sam Taylor", "Engineering", "amelia", "Europe/London", 3},
	{"grace", "Grace Kim", "Sales", "daniel", "America/Chicago", 7},
	{"marcus", "Marcus Johnson", "Sales", "grace", "America/Chicago", 5},
	{"elena", "Elena Rossi", "Sales", "grace", "America/New_York", 4},
	{"diego", "Diego Hernández", "Sales", "grace", "America/Los_Angeles", 4},
	{"nina", "Nina Petrova", "Sales", "daniel", "Europe/Berlin", 6},
	{"ahmed", "Ahmed Farouk", "Sales", "nina", "Europe/Berlin", 3},
	{"chloe", "Chloé Dubois", "Sales", "nina", "Europe/Paris", 4},
	{"isabel", "Isabel Santos", "Product & Design", "sofia", "Europe/Lisbon", 6},
	{"noah", "Noah Williams", "Product & Design", "sofia", "America/New_York", 6},
	{"aisha", "Aisha Bello", "Product & Design", "isabel", "Europe/London", 4},
	{"felix", "Felix Wagner", "Product & Design", "isabel", "Europe/Berlin", 3},
	{"yuki", "Yuki Tanaka", "Product & Design", "noah", "America/Los_Angeles", 5},
	{"omar", "Omar Khalil", "Customer Success", "hannah", "Europe/Berlin", 6},
	{"lena", "Lena Schmidt", "Customer Success", "omar", "Europe/Berlin", 3},
	{"james", "James O'Brien", "Customer Success", "omar", "Europe/Dublin", 4},
	{"fatima", "Fatima Zahra", "Customer Success", "hannah", "Europe/Paris", 5},
	{"ben", "Ben Carter", "Customer Success", "fatima", "America/New_York", 3},
	{"clara", "Clara Jensen", "People & Operations", "maya", "Europe/Stockholm", 5},
	{"tariq", "Tariq Hussain", "People & Operations", "maya", "Europe/London", 4},
	{"ana", "Ana Lima", "People & Operations", "lucas", "America/Sao_Paulo", 6},
	{"victor", "Victor Laurent", "Leadership", "lucas", "Europe/Paris", 7},
	{"ingrid", "Ingrid Holm", "People & Operations", "victor", "Europe/Stockholm", 4},
	{"paulo", "Paulo Costa", "People & Operations", "victor", "America/Sao_Paulo", 3},
	{"ruth", "Ruth Abebe", "Leadership", "oliver", "Europe/London", 8},
}

// held are people imported with their invitations held until a program
// opens for their department: the people page counts them and offers to
// send them.
var held = []person{
	{"mila", "Mila Novak", "Customer Success", "omar", "Europe/Prague", 3},
	{"arjun", "Arjun Mehta", "Engineering", "kenji", "Asia/Kolkata", 4},
	{"sara", "Sara Lindgren", "People & Operations", "maya", "Europe/Stockholm", 3},
}

// leaver is the person who left Northwind: deactivated, kept in the
// history, found by admins only.
const leaver = "paulo"

// Result says what Load did.
type Result struct {
	Org     *account.Org
	Created bool
	People  int
}

// Load creates the demo organisation unless it exists already.
func Load(ctx context.Context, db *store.DB) (*Result, error) {
	return load(ctx, db, Large{})
}

// load creates Northwind with the people l adds, or completes what an
// earlier load left out.
func load(ctx context.Context, db *store.DB, l Large) (*Result, error) {
	if u, err := db.FindUserByEmail(ctx, AdminEmail); err == nil {
		org, err := db.FindOrgByID(ctx, u.OrgID)
		if err != nil {
			return nil, err
		}
		// A demo loaded by an older version, or cut short, gets what it
		// lacks.
		if err := completePrograms(ctx, db, org); err != nil {
			return nil, err
		}
		if err := checkLarge(ctx, db, org, l); err != nil {
			return nil, err
		}
		return &Result{Org: org}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	// One hash for everyone: the demo's people share a password, and
	// hashing for each of them would slow start-up for nothing.
	hash, err := account.HashPassword(Password)
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	users := make([]*account.User, 0, len(roster)+l.People)
	for _, p := range roster {
		u := &account.User{Name: p.name, Email: p.key + "@northwind.example", Department: p.dept, Timezone: p.tz,
			Level: p.level, Role: account.RoleMember, Status: account.StatusActive, PasswordHash: hash}
		users = append(users, u)
	}
	for i, u := range users {
		u.ID = uuid.Must(uuid.NewV7()).String()
		ids[roster[i].key] = u.ID
	}
	for i, u := range users {
		if m := roster[i].manager; m != "" {
			u.ManagerID = ids[m]
		}
	}
	for _, p := range held {
		users = append(users, &account.User{ID: uuid.Must(uuid.NewV7()).String(), Name: p.name, Email: p.key + "@northwind.example",
			Department: p.dept, Timezone: p.tz, Level: p.level, Role: account.RoleMember, Status: account.StatusInvited,
			ManagerID: ids[p.manager], InvitationHeld: true})
	}
	more := l.people(ids, hash)
	users = append(users, more...)
	start := time.Now()
	org, err := db.CreateOrg(ctx, OrgName, users[0], users[1:]...)
	if err != nil {
		if _, ferr := db.FindUserByEmail(ctx, AdminEmail); ferr == nil {
			// Another instance loaded it at the same moment.
			return load(ctx, db, l)
		}
		return nil, fmt.Errorf("create demo org: %w", err)
	}
	if len(more) > 0 {
		l.logger().Info("demo: people created", "people", len(users), "took", time.Since(start).Round(time.Millisecond))
	}
	if err := completePrograms(ctx, db, org); err != nil {
		return nil, fmt.Errorf("load demo programs: %w", err)
	}
	if _, err := db.DeactivatePerson(ctx, org.ID, ids[leaver], 0); err != nil {
		return nil, fmt.Errorf("deactivate the demo's leaver: %w", err)
	}
	if len(more) > 0 {
		if err := loadLarge(ctx, db, org, more, l); err != nil {
			return nil, fmt.Errorf("load large demo: %w", err)
		}
	}
	return &Result{Org: org, Created: true, People: len(users)}, nil
}

// rosterUsers finds Northwind's own people by their addresses, whatever
// else the organisation holds. A person missing, or moved to another
// organisation, is left out.
func rosterUsers(ctx context.Context, db *store.DB, orgID string) (map[string]*account.User, error) {
	byKey := map[string]*account.User{}
	for _, p := range roster {
		u, err := db.FindUserByEmail(ctx, p.key+"@northwind.example")
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if u.OrgID == orgID {
			byKey[p.key] = u
		}
	}
	return byKey, nil
}

// completePrograms loads the demo programs when the organisation has none.
func completePrograms(ctx context.Context, db *store.DB, org *account.Org) error {
	progs, err := db.FindPrograms(ctx, org.ID)
	if err != nil {
		return err
	}
	if len(progs) > 0 {
		return loadCircles(ctx, db, org)
	}
	byKey, err := rosterUsers(ctx, db, org.ID)
	if err != nil {
		return err
	}
	if len(byKey) != len(roster) {
		return nil // people were changed by hand; leave the demo as it is
	}
	users := make([]*account.User, 0, len(roster))
	for _, p := range roster {
		users = append(users, byKey[p.key])
	}
	if err := loadPrograms(ctx, db, org, users); err != nil {
		return err
	}
	return loadCircles(ctx, db, org)
}
