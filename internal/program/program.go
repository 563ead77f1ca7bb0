// Package program holds peer-coaching programs and what people bring to
// them: the program's rules, each person's voluntary opt-in (learning
// goals, weekly availability, private preferences), rounds of matching,
// the circles a round proposes and every member's consent. It performs no
// I/O.
package program

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdspace/holdspace/internal/account"
)

// Format is how people coach in a program.
type Format string

const (
	FormatPair  Format = "pair"
	FormatGroup Format = "group"
)

// Cadence is how often circles meet.
type Cadence string

const (
	Weekly      Cadence = "weekly"
	Fortnightly Cadence = "fortnightly"
	Monthly     Cadence = "monthly"
)

// Protocol is the default meeting structure of a program's circles.
type Protocol string

const (
	// Council: each presenter 3 minutes, 3 of questions, 10 of counsel.
	Council Protocol = "council"
	// Forum: one presenter in depth.
	Forum Protocol = "forum"
	// PairProtocol: two turns, each partner once coachee and once coach.
	PairProtocol Protocol = "pair"
)

// Program is a peer-coaching program an admin runs, with rounds of
// matching.
type Program struct {
	ID             string    `json:"id"`
	OrgID          string    `json:"-"`
	Name           string    `json:"name"`
	Purpose        string    `json:"purpose"`
	Format         Format    `json:"format"`
	MinSize        int       `json:"min_size"`
	MaxSize        int       `json:"max_size"`
	Cadence        Cadence   `json:"cadence"`
	SessionMinutes int       `json:"session_minutes"`
	Protocol       Protocol  `json:"protocol"`
	OptInOpens     time.Time `json:"opt_in_opens"`
	OptInCloses    time.Time `json:"opt_in_closes"`
	// AllowRepeat lets the matching put people together again who were in
	// a circle together in an earlier round. When false, an earlier circle
	// is a veto, like an avoid.
	AllowRepeat bool `json:"allow_repeat"`
	// Departments is who the program is for: the organisation's
	// departments named here, or everyone when it is empty.
	Departments []string `json:"departments"`
	// EndsAt is when the program closes by itself: its circles finish,
	// and it is archived. Programs from before end dates existed have
	// none and run until an admin closes them.
	EndsAt time.Time `json:"ends_at"`
	// ClosedAt is when the program was closed (early, or at its end date);
	// nil while it runs.
	ClosedAt *time.Time `json:"closed_at,omitempty"`
	// AnnouncedAt is when the opening email went out to everyone it is
	// for, RemindedAt when the one reminder before opt-in closes did, and
	// BulkRemindedAt when an admin last reminded everyone not yet joined:
	// each is set in the change that starts the sending, which it guards.
	AnnouncedAt    *time.Time `json:"announced_at,omitempty"`
	RemindedAt     *time.Time `json:"reminded_at,omitempty"`
	BulkRemindedAt *time.Time `json:"bulk_reminded_at,omitempty"`
	// Progress is counted by the store, for Status.
	Progress  Progress  `json:"-"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Limits of a program's settings.
const (
	MaxPurposeLen     = 2000
	MinSessionMinutes = 15
	MaxSessionMinutes = 240
	MaxGroupSize      = 12
)

// Defaults fills what an admin left empty with the book's defaults.
func (p *Program) Defaults() {
	if p.Format == "" {
		p.Format = FormatGroup
	}
	if p.Format == FormatPair {
		p.MinSize, p.MaxSize, p.Protocol = 2, 2, PairProtocol
	}
	if p.MinSize == 0 && p.MaxSize == 0 {
		p.MinSize, p.MaxSize = 4, 6
	}
	if p.Cadence == "" {
		p.Cadence = Fortnightly
	}
	if p.SessionMinutes == 0 {
		p.SessionMinutes = 60
	}
	if p.Protocol == "" {
		p.Protocol = Council
	}
	if p.EndsAt.IsZero() && !p.OptInCloses.IsZero() {
		p.EndsAt = p.OptInCloses.Add(DefaultRun)
	}
}

// Validate checks a program, naming each field that is wrong.
func (p *Program) Validate() error {
	var v account.Validator
	p.Name, p.Purpose = strings.TrimSpace(p.Name), strings.TrimSpace(p.Purpose)
	account.CheckName(&v, "name", p.Name)
	v.Check(utf8.RuneCountInString(p.Purpose) <= MaxPurposeLen, "purpose", fmt.Sprintf("Use at most %d characters.", MaxPurposeLen))
	v.Check(p.Format == FormatPair || p.Format == FormatGroup, "format", "Choose pairs or groups.")
	if p.Format == FormatGroup {
		v.Check(p.MinSize >= 3 && p.MinSize <= MaxGroupSize, "min_size", fmt.Sprintf("A circle has 3 to %d people.", MaxGroupSize))
		v.Check(p.MaxSize >= p.MinSize && p.MaxSize <= MaxGroupSize, "max_size", fmt.Sprintf("Use a number from the smallest size up to %d.", MaxGroupSize))
		v.Check(p.Protocol == Council || p.Protocol == Forum, "protocol", "Choose council or forum.")
	} else {
		v.Check(p.MinSize == 2 && p.MaxSize == 2, "max_size", "Pairs have two people.")
		v.Check(p.Protocol == PairProtocol, "protocol", "Pairs use the pair protocol.")
	}
	v.Check(slices.Contains([]Cadence{Weekly, Fortnightly, Monthly}, p.Cadence), "cadence", "Choose weekly, fortnightly or monthly.")
	v.Check(p.SessionMinutes >= MinSessionMinutes && p.SessionMinutes <= MaxSessionMinutes, "session_minutes",
		fmt.Sprintf("Use %d to %d minutes.", MinSessionMinutes, MaxSessionMinutes))
	v.Check(!p.OptInOpens.IsZero(), "opt_in_opens", "Choose when opt-in opens.")
	v.Check(!p.OptInCloses.IsZero(), "opt_in_closes", "Choose when opt-in closes.")
	if !p.OptInOpens.IsZero() && !p.OptInCloses.IsZero() {
		v.Check(p.OptInCloses.After(p.OptInOpens), "opt_in_closes", "Opt-in must close after it opens.")
	}
	p.checkLife(&v)
	return v.Err()
}

// OptInOpen reports whether people may opt in, change or withdraw at now:
// inside the window, and not after the program ended.
func (p *Program) OptInOpen(now time.Time) bool {
	return !now.Before(p.OptInOpens) && now.Before(p.OptInCloses) && !p.Ended(now)
}

// FormatPref is the format a person would rather coach in.
type FormatPref string

const (
	PreferEither FormatPref = "either"
	PreferPair   FormatPref = "pair"
	PreferGroup  FormatPref = "group"
)

// OptIn is a person's voluntary enrolment in a program. Prefer and Avoid
// are private: they are shown to nobody, not even admins, and only the
// matching reads them.
type OptIn struct {
	ProgramID    string     `json:"program_id"`
	OrgID        string     `json:"-"`
	UserID       string     `json:"user_id"`
	Topics       []string   `json:"topics"`
	Goals        string     `json:"goals"`
	Availability []Interval `json:"availability"`
	FormatPref   FormatPref `json:"format_preference"`
	Prefer       []string   `json:"prefer"`
	Avoid        []string   `json:"avoid"`
	// Snoozed people sit out the next round of matching but stay opted in.
	Snoozed   bool      `json:"snoozed"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Limits of an opt-in.
const (
	MaxTopics   = 10
	MaxGoalsLen = 1000
	MaxPrefs    = 10
)

// Validate checks an opt-in against its program and the organisation's
// topic vocabulary; people named in prefer and avoid are checked by the
// store, which knows who exists.
func (o *OptIn) Validate(vocabulary []string) error {
	var v account.Validator
	o.Goals = strings.TrimSpace(o.Goals)
	o.Topics = dedupe(o.Topics)
	o.Prefer, o.Avoid = dedupe(o.Prefer), dedupe(o.Avoid)
	v.Check(len(o.Topics) <= MaxTopics, "topics", fmt.Sprintf("Choose at most %d topics.", MaxTopics))
	for _, t := range o.Topics {
		if !slices.Contains(vocabulary, t) {
			v.Add("topics", fmt.Sprintf("%q is not one of this organisation's topics.", t))
		}
	}
	v.Check(utf8.RuneCountInString(o.Goals) <= MaxGoalsLen, "goals", fmt.Sprintf("Use at most %d characters.", MaxGoalsLen))
	v.Check(len(o.Topics) > 0 || o.Goals != "", "topics", "Choose at least one topic or describe what you want to learn.")
	if o.FormatPref == "" {
		o.FormatPref = PreferEither
	}
	v.Check(slices.Contains([]FormatPref{PreferEither, PreferPair, PreferGroup}, o.FormatPref), "format_preference", "Choose pair, group or either.")
	if err := CheckIntervals(o.Availability); err != nil {
		v.Add("availability", err.Error())
	}
	v.Check(len(o.Availability) > 0, "availability", "Mark at least one time you could meet.")
	v.Check(len(o.Prefer) <= MaxPrefs, "prefer", fmt.Sprintf("Name at most %d people.", MaxPrefs))
	v.Check(len(o.Avoid) <= MaxPrefs*2, "avoid", fmt.Sprintf("Name at most %d people.", MaxPrefs*2))
	for _, id := range o.Prefer {
		if slices.Contains(o.Avoid, id) {
			v.Add("prefer", "Someone cannot be both preferred and avoided.")
		}
		if id == o.UserID {
			v.Add("prefer", "You cannot choose yourself.")
		}
	}
	o.Avoid = slices.DeleteFunc(o.Avoid, func(id string) bool { return id == o.UserID })
	o.Availability = Merge(o.Availability)
	return v.Err()
}

func dedupe(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Label is a program's name as a sentence names it, or "your program" when
// it is not known.
func Label(p *Program) string {
	if p == nil {
		return "your program"
	}
	return p.Name
}
