package api

import (
	"strconv"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/people"
)

// The types in this file are what the API answers with. They are separate
// from the domain types so that the API's contract is written down in one
// place and nothing leaks into it by accident, such as a password hash.

// Person is someone in an organisation.
type Person struct {
	ID         string         `json:"id"`
	OrgID      string         `json:"org_id"`
	Email      string         `json:"email"`
	Name       string         `json:"name"`
	Role       account.Role   `json:"role" enum:"member,admin"`
	Status     account.Status `json:"status" enum:"invited,active" doc:"Invited people have not chosen a password yet."`
	Timezone   string         `json:"timezone" doc:"IANA time zone, such as Europe/Berlin."`
	Department string         `json:"department"`
	ManagerID  string         `json:"manager_id,omitempty" doc:"The person's direct manager, if any."`
	Level      int            `json:"level" doc:"Seniority level; larger is more senior."`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
}

func newPerson(u *account.User) Person {
	return Person{ID: u.ID, OrgID: u.OrgID, Email: u.Email, Name: u.Name, Role: u.Role, Status: u.Status,
		Timezone: u.Timezone, Department: u.Department, ManagerID: u.ManagerID, Level: u.Level,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

func newPeople(users []account.User) []Person {
	out := make([]Person, len(users))
	for i := range users {
		out[i] = newPerson(&users[i])
	}
	return out
}

// Org is an organisation.
type Org struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Slug      string    `json:"slug"`
	CreatedAt time.Time `json:"created_at"`
}

func newOrg(o *account.Org) Org {
	return Org{ID: o.ID, Name: o.Name, Slug: o.Slug, CreatedAt: o.CreatedAt}
}

// Account is a new organisation and its first admin.
type Account struct {
	User Person `json:"user"`
	Org  Org    `json:"org"`
}

// Session is one signed-in browser of the caller.
type Session struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	LastSeen  time.Time `json:"last_seen"`
	UserAgent string    `json:"user_agent"`
	IP        string    `json:"ip"`
	Current   bool      `json:"current" doc:"Whether this is the session the request came with."`
}

func newSessions(ss []account.Session, currentID string) []Session {
	out := make([]Session, len(ss))
	for i, s := range ss {
		out[i] = Session{ID: s.ID, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt, LastSeen: s.LastSeen,
			UserAgent: s.UserAgent, IP: s.IP, Current: s.ID == currentID}
	}
	return out
}

// Token is a personal access token. Its secret is shown only once, when it
// is created.
type Token struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix" doc:"The secret's first characters, to recognise it by."`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

func newToken(t *account.Token) Token {
	return Token{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt}
}

func newTokens(ts []account.Token) []Token {
	out := make([]Token, len(ts))
	for i := range ts {
		out[i] = newToken(&ts[i])
	}
	return out
}

// NewToken is a token just created, with its secret.
type NewToken struct {
	Token
	Secret string `json:"secret" doc:"Send as Authorization: Bearer <secret>. Shown only now; store it safely."`
}

// Invitation is what an invitation link shows before it is accepted.
type Invitation struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	OrgName string `json:"org_name"`
}

// PersonNode is a person in the organisation chart with the people who
// report to them directly.
type PersonNode struct {
	Person
	// Reports is always present, empty for people without reports. The
	// schema calls it optional only because OpenAPI tools such as
	// libopenapi take a required property that refers back to its own
	// type for an endless loop, though an empty list ends it.
	Reports []PersonNode `json:"reports" required:"false" nullable:"false" doc:"The people who report to this person directly; always present."`
}

func newNodes(nodes []*people.Node) []PersonNode {
	out := make([]PersonNode, len(nodes))
	for i, n := range nodes {
		out[i] = PersonNode{Person: newPerson(&n.User), Reports: newNodes(n.Reports)}
	}
	return out
}

// ImportPreview is what a CSV import would do, and everything that stands
// in its way. Nothing is written while any problem remains.
type ImportPreview struct {
	OK           bool        `json:"ok" doc:"Whether the file can be imported as it is."`
	Count        int         `json:"count" doc:"The number of people rows read."`
	ProblemCount int         `json:"problem_count"`
	Errors       []string    `json:"errors" nullable:"false" doc:"Problems with the file as a whole."`
	Rows         []ImportRow `json:"rows" nullable:"false"`
}

// ImportRow is one person row of an import file.
type ImportRow struct {
	Line         int             `json:"line" doc:"The line in the file; the header is line 1."`
	Name         string          `json:"name"`
	Email        string          `json:"email"`
	Department   string          `json:"department"`
	ManagerEmail string          `json:"manager_email"`
	Level        int             `json:"level"`
	Timezone     string          `json:"timezone"`
	Problems     []ImportProblem `json:"problems" nullable:"false"`
}

// ImportProblem is one thing wrong with a row.
type ImportProblem struct {
	Field   string `json:"field,omitempty" doc:"The CSV column, or empty for the whole row."`
	Message string `json:"message"`
}

func newPreview(p *people.Preview) ImportPreview {
	out := ImportPreview{OK: p.OK(), Count: len(p.Rows), ProblemCount: p.ProblemCount(),
		Errors: append([]string{}, p.Errors...), Rows: make([]ImportRow, len(p.Rows))}
	for i, r := range p.Rows {
		row := ImportRow{Line: r.Line, Name: r.Name, Email: r.Email, Department: r.Department,
			ManagerEmail: r.ManagerEmail, Level: r.Level, Timezone: r.Timezone, Problems: []ImportProblem{}}
		for _, pr := range r.Problems {
			row.Problems = append(row.Problems, ImportProblem{Field: pr.Field, Message: pr.Message})
		}
		out.Rows[i] = row
	}
	return out
}

// problemFields keys an import's problems like "line 3 email" ("line 3"
// for the whole row, "file" for the file), for the error's fields.
func problemFields(p *people.Preview) map[string]string {
	fields := map[string]string{}
	add := func(key, msg string) {
		if prev, ok := fields[key]; ok {
			msg = prev + " " + msg
		}
		fields[key] = msg
	}
	for _, e := range p.Errors {
		add("file", e)
	}
	if len(p.Rows) == 0 && len(p.Errors) == 0 {
		add("file", "The file has no people.")
	}
	for _, r := range p.Rows {
		for _, pr := range r.Problems {
			key := "line " + strconv.Itoa(r.Line)
			if pr.Field != "" {
				key += " " + pr.Field
			}
			add(key, pr.Message)
		}
	}
	return fields
}

// ImportResult is a finished import.
type ImportResult struct {
	Imported int      `json:"imported"`
	People   []Person `json:"people" nullable:"false"`
}

// Message is a short answer for operations that start something, such as
// sending an email.
type Message struct {
	Message string `json:"message"`
}
