package circle_test

import (
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
)

var t0 = time.Date(2026, 3, 3, 16, 0, 0, 0, time.UTC)

// heldRows builds held meetings, newest first, one a week back from t0: each
// string lists who came ("p") or said they could not ("x"), per member
// a, b, c, d in turn ("-" missed).
func heldRows(rows ...string) []circle.Held {
	var out []circle.Held
	for i, r := range rows {
		h := circle.Held{MeetingID: string(rune('A' + i)), Start: t0.Add(-time.Duration(i) * 7 * 24 * time.Hour),
			Present: map[string]bool{}, Excused: map[string]bool{}}
		for j, c := range r {
			id := string(rune('a' + j))
			switch c {
			case 'p':
				h.Present[id] = true
			case 'x':
				h.Excused[id] = true
			}
		}
		out = append(out, h)
	}
	return out
}

func TestNextAbsence(t *testing.T) {
	at := func(d int) *time.Time { x := t0.Add(-time.Duration(d) * 7 * 24 * time.Hour); return &x }
	tests := []struct {
		name      string
		member    program.Member
		held      []circle.Held
		tell      int
		told      int
		countedAt *time.Time
	}{
		{"one missed is not two", program.Member{UserID: "d"}, heldRows("ppp-", "pppp", "pppp"), 0, 0, nil},
		{"two missed", program.Member{UserID: "d"}, heldRows("ppp-", "ppp-", "pppp"), circle.NudgeAfter, 2, at(0)},
		{"two missed, told already", program.Member{UserID: "d", AbsenceTold: 2, AbsenceAt: at(0)}, heldRows("ppp-", "ppp-", "pppp"), 0, 2, at(0)},
		{"three missed after the nudge", program.Member{UserID: "d", AbsenceTold: 2, AbsenceAt: at(1)}, heldRows("ppp-", "ppp-", "ppp-"), circle.AskAfter, 3, at(0)},
		{"four missed, asked already", program.Member{UserID: "d", AbsenceTold: 3, AbsenceAt: at(1)}, heldRows("ppp-", "ppp-", "ppp-"), 0, 3, at(0)},
		{"saying so is not missing", program.Member{UserID: "d"}, heldRows("ppp-", "pppx", "ppp-"), 0, 0, nil},
		{"a new run after coming back", program.Member{UserID: "d", AbsenceTold: 3, AbsenceAt: at(3)}, heldRows("ppp-", "ppp-", "pppp"), circle.NudgeAfter, 2, at(0)},
		{"not before a pause ended", program.Member{UserID: "d", CountedFrom: at(1)}, heldRows("ppp-", "ppp-", "ppp-"), circle.NudgeAfter, 2, at(0)},
		{"not while pausing", program.Member{UserID: "d", PausedUntil: at(-1)}, heldRows("ppp-", "ppp-", "ppp-"), 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := circle.NextAbsence(tt.member, tt.held, t0.Add(time.Hour))
			if a.Tell != tt.tell || a.Told != tt.told || (a.At == nil) != (tt.countedAt == nil) || (a.At != nil && !a.At.Equal(*tt.countedAt)) {
				t.Errorf("got %+v, want tell %d, told %d at %v", a, tt.tell, tt.told, tt.countedAt)
			}
		})
	}
}

func TestStruggling(t *testing.T) {
	tests := []struct {
		name string
		held []circle.Held
		want bool
	}{
		{"one of four, three times", heldRows("p---", "-p--", "--p-"), true},
		{"exactly half is not below", heldRows("p---", "pp--", "p---"), false},
		{"two held are not three", heldRows("p---", "p---"), false},
		{"none came", heldRows("----", "----", "----"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := circle.Struggling(tt.held, 4); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPauseEnd(t *testing.T) {
	for weeks, ok := range map[int]bool{1: false, 2: true, 12: true, 13: false} {
		end, err := circle.PauseEnd(weeks, t0)
		if (err == nil) != ok || (ok && !end.Equal(t0.Add(time.Duration(weeks)*7*24*time.Hour))) {
			t.Errorf("%d weeks: %v, %v", weeks, end, err)
		}
	}
}

func TestSeasonLast(t *testing.T) {
	week := 7 * 24 * time.Hour
	var ms []circle.Meeting
	for i := range 4 {
		s := t0.Add(time.Duration(i) * week)
		ms = append(ms, circle.Meeting{ID: string(rune('A' + i)), Start: s, End: s.Add(time.Hour), Status: circle.Scheduled})
	}
	finished := t0.Add(week + time.Hour)
	tests := []struct {
		name     string
		ends     time.Time
		finished *time.Time
		want     int
	}{
		{"no end", time.Time{}, nil, -1},
		{"finished after the second", time.Time{}, &finished, 1},
		{"the last before the end", t0.Add(3*week + time.Hour), nil, 3},
		{"an end beyond the meetings written", t0.Add(6 * week), nil, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &program.Program{EndsAt: tt.ends}
			if got := circle.SeasonLast(ms, p, tt.finished, week); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}
