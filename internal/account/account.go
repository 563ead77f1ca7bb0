// Package account holds the organisations, people and credentials of
// Holdspace: the domain types, their validation rules and the password and
// token primitives. It performs no I/O; the store persists what it describes.
package account

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdspace/holdspace/internal/fault"
)

// Role is what a person may do in their organisation.
type Role string

const (
	// RoleMember coaches and is coached; the default for everyone.
	RoleMember Role = "member"
	// RoleAdmin runs programs and manages people. Admins never read what
	// is said inside a circle.
	RoleAdmin Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleMember || r == RoleAdmin }

// Status is where a person stands in their account's life.
type Status string

const (
	// StatusInvited people have been imported or invited but have not yet
	// chosen a password.
	StatusInvited Status = "invited"
	// StatusActive people can sign in.
	StatusActive Status = "active"
)

// Org is one organisation. Every row of organisation data carries its ID.
type Org struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Slug      string    `json:"slug"`
	CreatedAt time.Time `json:"created_at"`
}

// User is a person in an organisation: someone who can sign in, or will
// once they accept their invitation. An email address belongs to one
// organisation only.
type User struct {
	ID         string `json:"id"`
	OrgID      string `json:"org_id"`
	Email      string `json:"email"`
	Name       string `json:"name"`
	Role       Role   `json:"role"`
	Status     Status `json:"status"`
	Timezone   string `json:"timezone"`
	Department string `json:"department"`
	// ManagerID is the person's direct manager in the same organisation,
	// or empty. The manager tree keeps reporting lines out of circles.
	ManagerID string `json:"manager_id,omitempty"`
	// Level is a seniority level; larger is more senior. It is what HR
	// records, not something a person chose to share: only admins and the
	// person themself see it (SeesLevelOf).
	Level int `json:"level"`
	// Version counts the changes made to the person by admins and imports;
	// a change names the version it was decided on and is refused when
	// another came first.
	Version int `json:"version"`
	// DeactivatedAt is when an admin deactivated the person, who then can
	// neither sign in nor be found or matched; nil while they are not.
	DeactivatedAt *time.Time `json:"deactivated_at,omitempty"`
	// InvitationHeld marks an imported person whose invitation waits to be
	// sent until an admin releases it (usually when a program opens).
	InvitationHeld bool `json:"invitation_held,omitempty"`
	// PasswordHash is the hash of the password a person is created with,
	// if any. A person read back never carries it: only where a password
	// is checked is the hash read, on its own.
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Deactivated reports whether u has been deactivated.
func (u *User) Deactivated() bool { return u.DeactivatedAt != nil }

// IsAdmin reports whether u administers their organisation.
func (u *User) IsAdmin() bool { return u.Role == RoleAdmin }

// SeesLevelOf reports whether u may see the seniority level of the person
// with id personID: admins see everyone's, which matching needs them to
// weigh; a member sees only their own.
func (u *User) SeesLevelOf(personID string) bool { return u.IsAdmin() || u.ID == personID }

// HideLevel clears p's level unless viewer may see it, so that a page or
// an answer built from p cannot show it by mistake.
func HideLevel(viewer, p *User) {
	if !viewer.SeesLevelOf(p.ID) {
		p.Level = 0
	}
}

// HideLevels is HideLevel for each person of list.
func HideLevels(viewer *User, list []User) {
	for i := range list {
		HideLevel(viewer, &list[i])
	}
}

// Session is a signed-in browser. Its token lives only in the cookie; the
// store keeps a hash, so a leaked database does not leak sessions.
type Session struct {
	ID        string
	OrgID     string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	LastSeen  time.Time
	UserAgent string
	IP        string
	// Org is the session's organisation, read with it when a request is
	// identified (every page shows its name); nil in a list of sessions.
	Org *Org
}

// Token is a personal access token for the API, stored hashed.
type Token struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"-"`
	UserID     string     `json:"-"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// Purpose names what an emailed link is for.
type Purpose string

const (
	PurposeReset  Purpose = "reset"
	PurposeInvite Purpose = "invite"
)

// Lifetimes of sessions and emailed links.
const (
	SessionLifetime = 30 * 24 * time.Hour
	ResetLifetime   = time.Hour
	InviteLifetime  = 14 * 24 * time.Hour
	SignupLifetime  = 24 * time.Hour
)

// Signup is an organisation waiting for its founder to confirm their email
// address. The organisation is created only when the emailed link is
// opened, so sign-up never reveals whether an address already has an
// account and every first admin has a verified address.
type Signup struct {
	OrgName      string
	Name         string
	Email        string
	PasswordHash string
	Timezone     string
	ExpiresAt    time.Time
}

// Limits on what people type.
const (
	MaxNameLen     = 120
	MaxEmailLen    = 254
	MinPasswordLen = 10
	MaxPasswordLen = 256
	MaxDeptLen     = 80
	MaxLevel       = 20
)

// Validator collects field errors.
type Validator struct{ fields map[string]string }

// Add records msg for field unless the field already has a message.
func (v *Validator) Add(field, msg string) {
	if v.fields == nil {
		v.fields = map[string]string{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = msg
	}
}

// Check adds msg for field when ok is false.
func (v *Validator) Check(ok bool, field, msg string) {
	if !ok {
		v.Add(field, msg)
	}
}

// Err returns a fault.Invalid error with a message per field, or nil when
// every check passed.
func (v *Validator) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return fault.Fields(v.fields)
}

// NormalizeEmail trims and lower-cases an address; addresses are compared in
// this form.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckEmail validates a normalised address for field.
func CheckEmail(v *Validator, field, email string) {
	switch {
	case email == "":
		v.Add(field, "Enter an email address.")
	case len(email) > MaxEmailLen:
		v.Add(field, fmt.Sprintf("Use at most %d characters.", MaxEmailLen))
	default:
		a, err := mail.ParseAddress(email)
		if err != nil || a.Address != email || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
			v.Add(field, "Enter an email address like name@example.com.")
		}
	}
}

// CheckName validates a person's or organisation's display name.
func CheckName(v *Validator, field, name string) {
	switch n := utf8.RuneCountInString(name); {
	case strings.TrimSpace(name) == "":
		v.Add(field, "Enter a name.")
	case n > MaxNameLen:
		v.Add(field, fmt.Sprintf("Use at most %d characters.", MaxNameLen))
	case strings.ContainsAny(name, "\x00\r\n\t"):
		v.Add(field, "Use a single line without control characters.")
	}
}

// CheckPassword validates a new password.
func CheckPassword(v *Validator, field, pw string) {
	switch n := utf8.RuneCountInString(pw); {
	case n < MinPasswordLen:
		v.Add(field, fmt.Sprintf("Use at least %d characters.", MinPasswordLen))
	case len(pw) > MaxPasswordLen:
		v.Add(field, fmt.Sprintf("Use at most %d bytes.", MaxPasswordLen))
	}
}

// CheckTimezone validates an IANA time zone name such as Europe/Berlin.
func CheckTimezone(v *Validator, field, tz string) {
	if !ValidTimezone(tz) {
		v.Add(field, "Choose a time zone such as Europe/Berlin or America/New_York.")
	}
}

// ValidTimezone reports whether tz names an IANA time zone. "Local" and the
// empty name are refused: they mean the server's zone, not the person's.
func ValidTimezone(tz string) bool {
	if tz == "" || tz == "Local" || len(tz) > 64 {
		return false
	}
	_, err := Location(tz)
	return err == nil
}

// CheckDepartment validates a department name (optional).
func CheckDepartment(v *Validator, field, d string) {
	if utf8.RuneCountInString(d) > MaxDeptLen {
		v.Add(field, fmt.Sprintf("Use at most %d characters.", MaxDeptLen))
	}
	if strings.ContainsAny(d, "\x00\r\n\t") {
		v.Add(field, "Use a single line without control characters.")
	}
}

// CheckLevel validates a seniority level.
func CheckLevel(v *Validator, field string, level int) {
	if level < 0 || level > MaxLevel {
		v.Add(field, fmt.Sprintf("Use a whole number from 0 to %d.", MaxLevel))
	}
}

// Slugify turns an organisation name into a URL-safe slug.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if s == "" {
		s = "org"
	}
	return s
}

// NewPerson is someone an admin adds to the organisation.
type NewPerson struct {
	Name, Email, Department, ManagerID, Timezone string
	Level                                        int
	Role                                         Role
}

// Validate checks a new person's fields.
func (p *NewPerson) Validate() error {
	var v Validator
	p.Email = NormalizeEmail(p.Email)
	p.Name = strings.TrimSpace(p.Name)
	CheckName(&v, "name", p.Name)
	CheckEmail(&v, "email", p.Email)
	CheckDepartment(&v, "department", p.Department)
	CheckLevel(&v, "level", p.Level)
	if p.Timezone == "" {
		p.Timezone = "UTC"
	}
	CheckTimezone(&v, "timezone", p.Timezone)
	if p.Role == "" {
		p.Role = RoleMember
	}
	v.Check(p.Role.Valid(), "role", "Choose member or admin.")
	return v.Err()
}
