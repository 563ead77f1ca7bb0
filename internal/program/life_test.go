package program

import (
	"errors"
	"testing"
	"time"
)

func TestStatus(t *testing.T) {
	day := 24 * time.Hour
	opens := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	closes, ends := opens.Add(14*day), opens.Add(120*day)
	closed := opens.Add(30 * day)
	tests := []struct {
		name     string
		now      time.Time
		progress Progress
		closedAt *time.Time
		endsAt   time.Time
		want     Status
	}{
		{"before opt-in opens", opens.Add(-time.Second), Progress{}, nil, ends, Draft},
		{"as opt-in opens", opens, Progress{}, nil, ends, Open},
		{"opt-in open, nothing proposed", closes.Add(-time.Second), Progress{}, nil, ends, Open},
		{"a round begun while opt-in is open", opens.Add(day), Progress{Rounds: 1}, nil, ends, Matching},
		{"opt-in closed, no round yet", closes, Progress{}, nil, ends, Matching},
		{"opt-in closed, a round proposed", closes.Add(day), Progress{Rounds: 1}, nil, ends, Matching},
		{"a circle formed", closes.Add(day), Progress{Rounds: 1, Running: true}, nil, ends, Running},
		{"a pair formed by invitation while open", opens.Add(day), Progress{Running: true}, nil, ends, Running},
		{"at the end date", ends, Progress{Rounds: 1, Running: true}, nil, ends, Closed},
		{"closed early", closed.Add(time.Hour), Progress{Rounds: 1, Running: true}, &closed, ends, Closed},
		{"closed before it opened", opens.Add(-day), Progress{}, &closed, ends, Closed},
		{"no end date, long after", opens.Add(1000 * day), Progress{Running: true}, nil, time.Time{}, Running},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Program{OptInOpens: opens, OptInCloses: closes, EndsAt: tt.endsAt, ClosedAt: tt.closedAt, Progress: tt.progress}
			if got := p.Status(tt.now); got != tt.want {
				t.Errorf("Status = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestReminderAt(t *testing.T) {
	opens := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		window time.Duration
		want   time.Time
	}{
		{"two weeks: two days before the close", 14 * 24 * time.Hour, opens.Add(12 * 24 * time.Hour)},
		{"four days exactly: two days before", 96 * time.Hour, opens.Add(48 * time.Hour)},
		{"three days: half-way", 72 * time.Hour, opens.Add(36 * time.Hour)},
		{"one day: half-way", 24 * time.Hour, opens.Add(12 * time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Program{OptInOpens: opens, OptInCloses: opens.Add(tt.window)}
			if got := p.ReminderAt(); !got.Equal(tt.want) {
				t.Errorf("ReminderAt = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDutiesAndChecks(t *testing.T) {
	day := 24 * time.Hour
	opens := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	base := Program{OptInOpens: opens, OptInCloses: opens.Add(14 * day), EndsAt: opens.Add(100 * day)}
	at := func(d time.Duration) *time.Time { t := opens.Add(d); return &t }
	tests := []struct {
		name   string
		edit   func(*Program)
		now    time.Time
		duties []Duty
		remind error
		open   error
	}{
		{"draft", nil, opens.Add(-day), nil, ErrNotOpen, nil},
		{"just opened", nil, opens.Add(time.Hour), []Duty{Announce}, nil, ErrNotDraft},
		{"announced", func(p *Program) { p.AnnouncedAt = at(0) }, opens.Add(day), nil, nil, ErrNotDraft},
		{"reminder due", func(p *Program) { p.AnnouncedAt = at(0) }, opens.Add(12 * day), []Duty{Remind}, nil, ErrNotDraft},
		{"reminded", func(p *Program) { p.AnnouncedAt, p.RemindedAt = at(0), at(12*day) }, opens.Add(13 * day), nil, nil, ErrNotDraft},
		{"bulk reminded an hour ago", func(p *Program) { p.AnnouncedAt, p.BulkRemindedAt = at(0), at(2*day) }, opens.Add(2*day + time.Hour), nil, ErrRemindedRecently, ErrNotDraft},
		{"bulk reminded yesterday", func(p *Program) { p.AnnouncedAt, p.BulkRemindedAt = at(0), at(2*day) }, opens.Add(3 * day), nil, nil, ErrNotDraft},
		{"opt-in closed", func(p *Program) { p.AnnouncedAt = at(0) }, opens.Add(20 * day), nil, ErrNotOpen, ErrNotDraft},
		{"past the end", func(p *Program) { p.AnnouncedAt = at(0) }, opens.Add(100 * day), []Duty{Close}, ErrClosed, ErrClosed},
		{"closed", func(p *Program) { p.ClosedAt = at(50 * day) }, opens.Add(100 * day), nil, ErrClosed, ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base
			if tt.edit != nil {
				tt.edit(&p)
			}
			got := p.Duties(tt.now)
			if len(got) != len(tt.duties) || (len(got) > 0 && got[0] != tt.duties[0]) {
				t.Errorf("Duties = %v, want %v", got, tt.duties)
			}
			if err := p.CanRemind(tt.now); !errors.Is(err, tt.remind) || (err == nil) != (tt.remind == nil) {
				t.Errorf("CanRemind = %v, want %v", err, tt.remind)
			}
			if err := p.CanOpen(tt.now); !errors.Is(err, tt.open) || (err == nil) != (tt.open == nil) {
				t.Errorf("CanOpen = %v, want %v", err, tt.open)
			}
		})
	}
}

func TestValidateLife(t *testing.T) {
	opens := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	p := Program{Name: "Leads", OptInOpens: opens, OptInCloses: opens.Add(24 * time.Hour), Departments: []string{" Sales", "Ops", "Sales", ""}}
	p.Defaults()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if want := opens.Add(24 * time.Hour).Add(DefaultRun); !p.EndsAt.Equal(want) {
		t.Errorf("EndsAt = %s, want the default %s", p.EndsAt, want)
	}
	if len(p.Departments) != 2 || p.Departments[0] != "Ops" || p.Departments[1] != "Sales" {
		t.Errorf("Departments = %q, want [Ops Sales]", p.Departments)
	}
	p.EndsAt = opens
	if err := p.Validate(); err == nil {
		t.Error("an end before opt-in closes was accepted")
	}
}
