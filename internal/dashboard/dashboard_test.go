package dashboard

import (
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/pulse"
)

func TestParsePeriod(t *testing.T) {
	for key, want := range map[string]int{"": 6, "3m": 3, "6m": 6, "12m": 12} {
		p, err := ParsePeriod(key)
		if err != nil || p.Months != want {
			t.Errorf("%q: %+v, %v", key, p, err)
		}
	}
	for _, key := range []string{"1m", "6", "12M", "all", "-3m"} {
		_, err := ParsePeriod(key)
		if f, _ := fault.FieldsOf(err); f["period"] == "" {
			t.Errorf("%q: %v, want a message for period", key, err)
		}
	}
}

func TestMonthsInTheAdminsZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC on the last day of February is already March in Berlin.
	now := time.Date(2026, 2, 28, 23, 30, 0, 0, time.UTC)
	ms := Period{Months: 3}.MonthsAt(now, berlin)
	if len(ms) != 3 || ms[0].Key() != "2026-01" || ms[2].Key() != "2026-03" || ms[2].Label() != "Mar 2026" {
		t.Fatalf("months %v", ms)
	}
	across := Period{Months: 12}.MonthsAt(now, berlin)
	if across[0].Key() != "2025-04" || !across[0].End.Equal(across[1].Start) {
		t.Errorf("twelve months from %s", across[0].Key())
	}
	b := Bounds(ms)
	if len(b) != 4 || !b[0].Equal(ms[0].Start) || !b[3].Equal(ms[2].End) {
		t.Errorf("bounds %v", b)
	}
}

func TestBuild(t *testing.T) {
	ms := Period{Months: 2}.MonthsAt(time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), time.UTC)
	c := Counts{Eligible: 10, OptIns: Buckets{2, 1, 2}, Matched: Buckets{0, 0, 4}, Accepted: Buckets{0, 0, 3},
		Activated: Buckets{1, 1, 0}, Finished: Buckets{0, 0, 1}, Members: Buckets{3, 3, 0}, Departed: Buckets{0, 1, 0}, Left: Buckets{0, 0, 1}}
	d := Build(Period{Key: "2m", Months: 2}, ms, c)
	get := func(key string) []Value {
		for _, m := range d.Metrics {
			for _, s := range m.Series {
				if s.Key == key {
					return s.Values
				}
			}
		}
		t.Fatalf("no %s", key)
		return nil
	}
	if v := get("opt_in_rate"); v[0].Value != 30 || v[1].Value != 50 {
		t.Errorf("opt-in rate %v: want 3 then 5 of 10", v)
	}
	if v := get("matched_share"); v[0].Value != 0 || !v[0].Known || v[1].Value != 80 {
		t.Errorf("matched %v", v)
	}
	if v := get("accepted_share"); v[0].Known || v[1].Value != 75 {
		t.Errorf("accepted %v: none matched yet is unknown, then 3 of 4", v)
	}
	if v := get("active_circles"); v[0].Value != 2 || v[1].Value != 1 {
		t.Errorf("active %v", v)
	}
	if v := get("retention"); v[0].Value != 100 || v[1].Value != 6.0/7*100 {
		t.Errorf("retention %v", v)
	}
	if v := get("attendance"); v[0].Known || v[1].Known {
		t.Errorf("attendance without meetings %v", v)
	}
	if d.Pulse != nil {
		t.Error("an empty pool is shown")
	}
	rows := d.Rows()
	if last := rows[len(rows)-1]; last[0] != "fit_no_share" || last[2] != "" || last[4] != FitNote {
		t.Errorf("fit row %v", last)
	}
}

// The fit check reaches an admin as counts: a concern from 2 noes in a
// circle, never 1; the pooled answers only over closed checks of 5
// people across 2 circles.
func TestFitOnTheDashboard(t *testing.T) {
	one := pulse.FitCounts{Yes: 2, No: 1, Closed: true}
	two := pulse.FitCounts{Yes: 1, No: 2, Closed: true}
	f := fitOf([]pulse.FitCounts{one, {}})
	if f.Answered != 1 || f.Concerns != 0 || f.Pool != nil {
		t.Errorf("one no, one silent circle: %+v", f)
	}
	if f := fitOf([]pulse.FitCounts{two}); f.Concerns != 1 || f.Pool != nil {
		t.Errorf("two noes in one circle of 3: %+v", f)
	}
	// 4 across two circles: not shown; 5 across one circle: not shown.
	if f := fitOf([]pulse.FitCounts{{Yes: 2, Closed: true}, {No: 2, Closed: true}}); f.Pool != nil || f.Concerns != 1 {
		t.Errorf("4 across 2 circles: %+v", f)
	}
	if f := fitOf([]pulse.FitCounts{{Yes: 3, No: 2, Closed: true}}); f.Pool != nil {
		t.Errorf("5 in one circle: %+v", f)
	}
	// 5 across two: shown, and an open check adds nothing to the pool.
	f = fitOf([]pulse.FitCounts{{Yes: 2, Closed: true}, {Yes: 1, Unsure: 1, No: 1, Closed: true}, {No: 4}})
	if f.Pool == nil || *f.Pool != (pulse.FitSummary{Respondents: 5, Yes: 3, Unsure: 1, No: 1}) || f.Answered != 3 || f.Concerns != 1 {
		t.Errorf("5 across 2 closed circles: %+v %+v", f, f.Pool)
	}
	rows := Dashboard{Fit: f}.Rows()
	if last := rows[len(rows)-1]; last[0] != "fit_no_share" || last[2] != "20.0" || last[4] != "5 respondents" {
		t.Errorf("fit row %v", last)
	}
}

// FuzzParsePeriod: whatever is asked, a period is one of Periods or a
// refusal naming the field.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"", "3m", "6m", "12m", "1y", "6M", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		p, err := ParsePeriod(key)
		if err != nil {
			if fields, _ := fault.FieldsOf(err); fields["period"] == "" {
				t.Fatalf("%q: %v without a message for period", key, err)
			}
			return
		}
		if p.Months < 1 || p.Months > 12 || (key != "" && p.Key != key) {
			t.Fatalf("%q: %+v", key, p)
		}
	})
}
