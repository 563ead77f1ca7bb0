package journal_test

import (
	"errors"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/journal"
)

func TestAssessmentValidate(t *testing.T) {
	r := func(c string, p journal.Pick, s int) journal.Rating {
		return journal.Rating{Capability: c, Pick: p, Score: s}
	}
	many := []journal.Rating{}
	for _, c := range journal.Capabilities[:journal.MaxPicks+1] {
		many = append(many, r(c.Key, journal.Strength, 3))
	}
	tests := []struct {
		name    string
		ratings []journal.Rating
		field   string
	}{
		{"one strength", []journal.Rating{r("listening", journal.Strength, 5)}, ""},
		{"a growth area at 1", []journal.Rating{r("asking_help", journal.Growth, 1)}, ""},
		{"nothing picked", nil, "ratings"},
		{"too many", many, "ratings"},
		{"unknown", []journal.Rating{r("juggling", journal.Strength, 3)}, "ratings"},
		{"twice", []journal.Rating{r("listening", journal.Strength, 3), r("listening", journal.Growth, 2)}, "rating-listening"},
		{"no pick", []journal.Rating{r("listening", "", 3)}, "rating-listening"},
		{"no score", []journal.Rating{r("listening", journal.Growth, 0)}, "rating-listening"},
		{"six", []journal.Rating{r("listening", journal.Growth, 6)}, "rating-listening"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := journal.Assessment{Ratings: tt.ratings}
			err := a.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var f *fault.Error
			if !errors.As(err, &f) || f.Fields[tt.field] == "" {
				t.Errorf("Validate: %v, want a message for %s", err, tt.field)
			}
		})
	}
	a := journal.Assessment{Ratings: []journal.Rating{r("following_through", journal.Growth, 2), r("listening", journal.Strength, 4)}}
	if err := a.Validate(); err != nil || a.Ratings[0].Capability != "listening" {
		t.Errorf("ratings not put in the list's order: %+v, %v", a.Ratings, err)
	}
}

func TestAssessmentDue(t *testing.T) {
	last := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		last, now time.Time
		want      bool
	}{
		{time.Time{}, last, true},
		{last, last.Add(journal.AssessEvery - time.Second), false},
		{last, last.Add(journal.AssessEvery), true},
	} {
		if got := journal.Due(tt.last, tt.now); got != tt.want {
			t.Errorf("Due(%v, %v) = %v", tt.last, tt.now, got)
		}
	}
}

func TestPattern(t *testing.T) {
	nov := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC) // December in Stockholm
	oct := time.Date(2026, 10, 5, 12, 0, 0, 0, time.UTC)
	stockholm, _ := time.LoadLocation("Europe/Stockholm")
	helper := func(r journal.Role, at time.Time) journal.HelpNote {
		return journal.HelpNote{PresenterID: "ben", Took: r, At: at}
	}
	presenting := func(at time.Time, rs ...journal.Role) journal.HelpNote {
		return journal.HelpNote{PresenterID: "ana", Helped: rs, At: at}
	}
	tests := []struct {
		name  string
		notes []journal.HelpNote
		want  string
	}{
		{"nothing", nil, ""},
		{"mostly expert", []journal.HelpNote{helper(journal.Expert, oct), helper(journal.Expert, nov), helper(journal.Process, nov)},
			"You mostly offer expertise."},
		{"a tie", []journal.HelpNote{helper(journal.Expert, oct), helper(journal.Doctor, nov)}, "You offer a mix of roles."},
		{"as presenter only", []journal.HelpNote{presenting(oct, journal.Process)}, "As a presenter, you found process help most useful."},
		{"nothing helped", []journal.HelpNote{presenting(oct)}, "As a presenter, you have not yet noted help that helped."},
		{"both", []journal.HelpNote{helper(journal.Expert, oct), presenting(nov, journal.Process, journal.Doctor), presenting(nov, journal.Process)},
			"You mostly offer expertise; as a presenter, you found process help most useful."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := journal.Summarise("ana", tt.notes, stockholm).Sentence(); got != tt.want {
				t.Errorf("Sentence() = %q, want %q", got, tt.want)
			}
		})
	}
	p := journal.Summarise("ana", []journal.HelpNote{helper(journal.Expert, oct), helper(journal.Doctor, nov), presenting(nov)}, stockholm)
	if len(p.Periods) != 2 || p.Periods[0].Month.Month() != time.October || p.Periods[1].Month.Month() != time.December ||
		p.Periods[1].Took[journal.Doctor] != 1 || p.Periods[1].Nothing != 1 || p.Presented != 1 {
		t.Errorf("periods: %+v", p.Periods)
	}
}

func TestHelpNoteValidate(t *testing.T) {
	tests := []struct {
		name string
		n    journal.HelpNote
		ok   bool
	}{
		{"a helper's role", journal.HelpNote{PresenterID: "ben", Took: journal.Doctor}, true},
		{"a helper with no role", journal.HelpNote{PresenterID: "ben"}, false},
		{"a helper saying what helped", journal.HelpNote{PresenterID: "ben", Took: journal.Doctor, Helped: []journal.Role{journal.Expert}}, false},
		{"the presenter, helped", journal.HelpNote{PresenterID: "ana", Helped: []journal.Role{journal.Process, journal.Expert}}, true},
		{"the presenter, nothing helped", journal.HelpNote{PresenterID: "ana"}, true},
		{"the presenter taking a role", journal.HelpNote{PresenterID: "ana", Took: journal.Expert}, false},
		{"an unknown role", journal.HelpNote{PresenterID: "ana", Helped: []journal.Role{"guru"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.n.Validate("ana"); (err == nil) != tt.ok {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}
