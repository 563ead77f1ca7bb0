package circle

import (
	"slices"
	"time"

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
)
