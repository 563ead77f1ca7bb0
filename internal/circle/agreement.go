package circle

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
)

// AgreementTemplate is where every circle's working agreement starts: the
// sections the book names, with prompts the circle replaces by its own
// words.
const AgreementTemplate = `## Purpose and learning goals
Why we meet, and what each of us wants to learn this season.

## Disagreement and conflict
How we raise a disagreement, and what we do when it gets tense — in the meeting and between meetings.

## Roles and responsibilities
We rotate the timekeeper and the facilitator (and a note-taker when we want one) so that nobody's role gets in the way of their own learning. Whoever holds a role least recently is suggested next; we can swap.

## Accountability
How we hold ourselves accountable for our learning and for the outcomes we commit to, and how we follow up kindly at the next check-in.

## Confidentiality
What is said in the circle stays in the circle. What we may share outside, and how.

## Attendance and lateness
How we let each other know when we cannot come or will be late, and what we do when someone misses several meetings.`

// AgreementStatus is where one version of an agreement stands.
type AgreementStatus string

const (
	// Proposed versions wait for every member's consent.
	AgreementProposed AgreementStatus = "proposed"
	// The adopted version is the agreement in force.
	AgreementAdopted AgreementStatus = "adopted"
	// Superseded versions were in force before a newer one was adopted.
	AgreementSuperseded AgreementStatus = "superseded"
	// Withdrawn versions were dropped by their proposer or replaced by a
	// newer proposal before everyone consented.
	AgreementWithdrawn AgreementStatus = "withdrawn"
)

// Consent is one member's consent to a version.
type Consent struct {
	UserID string    `json:"user_id"`
	Name   string    `json:"name"`
	At     time.Time `json:"at"`
}

// AgreementVersion is one version of a circle's working agreement.
type AgreementVersion struct {
	Version        int             `json:"version"`
	Body           string          `json:"body"`
	Note           string          `json:"note"`
	ProposedBy     string          `json:"proposed_by"`
	ProposedByName string          `json:"proposed_by_name"`
	ProposedAt     time.Time       `json:"proposed_at"`
	Status         AgreementStatus `json:"status"`
	AdoptedAt      *time.Time      `json:"adopted_at,omitempty"`
	Consents       []Consent       `json:"consents"`
}

// MaxNoteLen bounds the note that explains a proposed change.
const MaxNoteLen = 500

// Consented reports whether userID has consented to v.
func (v *AgreementVersion) Consented(userID string) bool {
	for _, c := range v.Consents {
		if c.UserID == userID {
			return true
		}
	}
	return false
}

// Complete reports whether every one of members has consented to v: the
// moment a proposal takes effect. Consents of people who have since left
// do not count, and do not block.
func (v *AgreementVersion) Complete(members []string) bool {
	for _, m := range members {
		if !v.Consented(m) {
			return false
		}
	}
	return len(members) > 0
}

// Proposal is what proposing a new version does to a circle's agreement.
type Proposal struct {
	// Version is the new version's number.
	Version int
	// Withdraw lists the open proposals the new one replaces: the newest
	// proposal is the one on the table.
	Withdraw []int
	// Adopt: the proposer's own consent, given by proposing, is all the
	// new version needs (they are the circle's only member), so it takes
	// effect at once.
	Adopt bool
}

// Propose decides what userID proposing body does to a circle's agreement,
// given its versions and its members. The text already in force is no
// change (ErrUnchanged).
func Propose(versions []AgreementVersion, members []string, userID, body string) (Proposal, error) {
	p := Proposal{Version: 1}
	for _, v := range versions {
		p.Version = max(p.Version, v.Version+1)
		switch v.Status {
		case AgreementAdopted:
			if v.Body == body {
				return Proposal{}, ErrUnchanged
			}
		case AgreementProposed:
			p.Withdraw = append(p.Withdraw, v.Version)
		}
	}
	next := AgreementVersion{Status: AgreementProposed, Consents: []Consent{{UserID: userID}}}
	p.Adopt = next.Complete(members)
	return p, nil
}

// AfterConsent decides what userID's consent to v does: v must be waiting
// for consent (ErrNotProposed) that userID has not given yet
// (ErrAlreadyGiven). adopt reports whether theirs was the last consent
// missing among members, so that v takes effect.
func AfterConsent(v *AgreementVersion, members []string, userID string) (adopt bool, err error) {
	if v.Status != AgreementProposed {
		return false, ErrNotProposed
	}
	if v.Consented(userID) {
		return false, ErrAlreadyGiven
	}
	with := *v
	with.Consents = append(slices.Clip(v.Consents), Consent{UserID: userID})
	return with.Complete(members), nil
}

// AfterLeave returns the open proposal that every member who remains
// after a departure (remaining) has consented to: the one only the leaver
// held up, which takes effect as they leave. It returns nil when there is
// none.
func AfterLeave(versions []AgreementVersion, remaining []string) *AgreementVersion {
	for i := range versions {
		if versions[i].Status == AgreementProposed && versions[i].Complete(remaining) {
			return &versions[i]
		}
	}
	return nil
}

// Errors of the agreement's life cycle.
var (
	ErrNotProposed  = fault.New(fault.Conflict, "This version is no longer waiting for consent.")
	ErrNotProposer  = fault.New(fault.Conflict, "Only the member who proposed a version can withdraw it.")
	ErrUnchanged    = fault.New(fault.Conflict, "That is the agreement already in force; change something first.")
	ErrAlreadyGiven = fault.New(fault.Conflict, "You have already consented to this version.")
	ErrNotOpen      = fault.New(fault.Conflict, "This version is no longer open for comments.")
)

// Section is one titled part of a working agreement. An agreement is
// stored as Markdown, each section under a "## Title" heading, so every
// version ever stored stays readable as it was written; the sections are
// how members edit and compare it.
type Section struct {
	Title string `json:"title"`
	// Text is plain text; Markdown is optional.
	Text string `json:"text"`
}

// Limits of an agreement's sections.
const (
	MaxSections        = 20
	MaxSectionTitleLen = 80
)

// Sections splits an agreement's body into its sections: each "## " line
// starts one. Text before the first heading (an agreement written before
// sections existed may have some) is a section without a title.
func Sections(body string) []Section {
	var out []Section
	var cur *Section
	var text []string
	flush := func() {
		if cur == nil {
			return
		}
		cur.Text = strings.TrimSpace(strings.Join(text, "\n"))
		if cur.Title != "" || cur.Text != "" {
			out = append(out, *cur)
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		if title, ok := heading(line); ok {
			flush()
			cur, text = &Section{Title: title}, nil
			continue
		}
		if cur == nil {
			cur = &Section{}
		}
		text = append(text, line)
	}
	flush()
	return out
}

// heading reports whether line starts a section, and its title.
func heading(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "## ")
	if !ok {
		return "", false
	}
	return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(rest), "#")), true
}

// Compose writes sections as an agreement's body, leaving out the ones
// without text: Sections(Compose(s)) gives s back.
func Compose(sections []Section) string {
	var b strings.Builder
	for _, s := range sections {
		if s.Text == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		if s.Title != "" {
			b.WriteString("## " + s.Title + "\n")
		}
		b.WriteString(s.Text)
	}
	return b.String()
}

// TemplateSections are the sections every circle's agreement starts from.
func TemplateSections() []Section { return Sections(AgreementTemplate) }

// CheckSections tidies sections as a form sends them (a section whose text
// is empty is left out of the agreement) and checks them, with one message
// per field: "title.N" or "text.N" for the Nth section, counted from 0.
func CheckSections(v *account.Validator, sections []Section) []Section {
	var out []Section
	seen := map[string]bool{}
	for i, s := range sections {
		s.Title = strings.Join(strings.Fields(s.Title), " ")
		s.Text = strings.TrimSpace(strings.ReplaceAll(s.Text, "\r\n", "\n"))
		title, text := fmt.Sprintf("title.%d", i), fmt.Sprintf("text.%d", i)
		switch {
		case !utf8.ValidString(s.Title) || !utf8.ValidString(s.Text):
			v.Add(text, "Use plain text (UTF-8).")
		case utf8.RuneCountInString(s.Title) > MaxSectionTitleLen:
			v.Add(title, fmt.Sprintf("Keep the title under %d characters.", MaxSectionTitleLen))
		case s.Text != "" && s.Title == "":
			v.Add(title, "Give this section a title.")
		case seen[strings.ToLower(s.Title)] && s.Text != "":
			v.Add(title, "Another section already has this title.")
		case utf8.RuneCountInString(s.Text) > MaxTextLen:
			v.Add(text, fmt.Sprintf("Keep it under %d characters.", MaxTextLen))
		case hasHeading(s.Text):
			v.Add(text, "A line starting with “## ” would begin a new section: add the section below instead.")
		}
		if s.Text == "" {
			continue
		}
		seen[strings.ToLower(s.Title)] = true
		out = append(out, s)
	}
	v.Check(len(out) <= MaxSections, "sections", fmt.Sprintf("Keep the agreement to %d sections.", MaxSections))
	if len(out) == 0 && v.Err() == nil {
		v.Add("sections", "Write at least one section.")
	}
	return out
}

func hasHeading(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		if _, ok := heading(line); ok {
			return true
		}
	}
	return false
}

// ChangeKind is what happened to one section between two versions.
type ChangeKind string

const (
	SectionAdded   ChangeKind = "added"
	SectionRemoved ChangeKind = "removed"
	SectionChanged ChangeKind = "changed"
)

// SectionChange is one section that differs between two versions, matched
// by title (case aside).
type SectionChange struct {
	Kind  ChangeKind `json:"kind"`
	Title string     `json:"title"`
	Old   string     `json:"old,omitempty"`
	New   string     `json:"new,omitempty"`
}

// Summary says the change in words: "Added section “Breaks”",
// "Removed section “Breaks”", "Changed: Breaks".
func (c SectionChange) Summary() string {
	title := c.Title
	if title == "" {
		title = "Opening words"
	}
	switch c.Kind {
	case SectionAdded:
		return "Added section “" + title + "”"
	case SectionRemoved:
		return "Removed section “" + title + "”"
	}
	return "Changed: " + title
}

// CompareSections lists what changed from the sections old to new: the
// new version's sections in its order, each added or changed, then the
// sections it no longer has. Whitespace at the ends of a text is no
// change.
func CompareSections(old, new []Section) []SectionChange {
	key := func(s Section) string { return strings.ToLower(s.Title) }
	before := map[string]Section{}
	for _, s := range old {
		before[key(s)] = s
	}
	var out []SectionChange
	kept := map[string]bool{}
	for _, s := range new {
		o, ok := before[key(s)]
		kept[key(s)] = true
		switch {
		case !ok:
			out = append(out, SectionChange{Kind: SectionAdded, Title: s.Title, New: s.Text})
		case strings.TrimSpace(o.Text) != strings.TrimSpace(s.Text):
			out = append(out, SectionChange{Kind: SectionChanged, Title: s.Title, Old: o.Text, New: s.Text})
		}
	}
	for _, s := range old {
		if !kept[key(s)] {
			out = append(out, SectionChange{Kind: SectionRemoved, Title: s.Title, Old: s.Text})
		}
	}
	return out
}

// AgreementComment is a member's word on a proposed version, which the
// others read before they consent. Like everything inside a circle, only
// its members see it.
type AgreementComment struct {
	ID         string    `json:"id"`
	Version    int       `json:"version"`
	AuthorID   string    `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	At         time.Time `json:"created_at"`
}

// MaxCommentLen bounds a comment on a proposal.
const MaxCommentLen = 1000
