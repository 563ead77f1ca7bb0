package pulse

import (
	"math"
	"testing"

	"github.com/holdspace/holdspace/internal/fault"
)

func TestScoreReversesItemsOneThreeFive(t *testing.T) {
	for i := range Items {
		want := 2
		if i == 0 || i == 2 || i == 4 {
			want = 6
		}
		if got := Score(i, 2); got != want {
			t.Errorf("item %d answered 2 scores %d, want %d", i+1, got, want)
		}
	}
}

func TestSummarise(t *testing.T) {
	var c Counts
	c.Add(Answer{1, 7, 1, 7, 1, 7, 7}) // the safest answers: 7 on every item
	c.Add(Answer{7, 1, 7, 1, 7, 1, 1}) // the least safe: 1 on every item
	c.Add(Answer{2, 6, 4, 4, 6, 2, 5})
	s := Summarise(c, 3)
	want := [7]float64{(7 + 1 + 6) / 3.0, (7 + 1 + 6) / 3.0, (7 + 1 + 4) / 3.0, (7 + 1 + 4) / 3.0, (7 + 1 + 2) / 3.0, (7 + 1 + 2) / 3.0, (7 + 1 + 5) / 3.0}
	var mean float64
	for i := range want {
		if math.Abs(s.Items[i]-want[i]) > 1e-9 {
			t.Errorf("item %d mean %v, want %v", i+1, s.Items[i], want[i])
		}
		mean += want[i] / 7
	}
	if math.Abs(s.Mean-mean) > 1e-9 || s.Respondents != 3 {
		t.Errorf("summary %+v, want mean %v of 3", s, mean)
	}
}

func TestAnswerValidate(t *testing.T) {
	if err := (Answer{1, 2, 3, 4, 5, 6, 7}).Validate(); err != nil {
		t.Fatal(err)
	}
	fields, _ := fault.FieldsOf(Answer{1, 0, 3, 4, 8, 6, 7}.Validate())
	if fields["item2"] == "" || fields["item5"] == "" || len(fields) != 2 {
		t.Errorf("fields %v, want item2 and item5", fields)
	}
}

func TestCircleThreshold(t *testing.T) {
	for _, tt := range []struct{ answered, waiting int }{{0, 3}, {1, 2}, {2, 1}, {3, 0}, {4, 0}} {
		r := Round{Respondents: tt.answered}
		if r.Shown() != (tt.answered >= 3) || r.Waiting() != tt.waiting {
			t.Errorf("%d answered: shown %v, waiting %d", tt.answered, r.Shown(), r.Waiting())
		}
	}
}

func TestPoolThreshold(t *testing.T) {
	for _, tt := range []struct {
		name      string
		perCircle []int
		shown     bool
	}{
		{"four across two circles", []int{3, 1}, false},
		{"five across two circles", []int{3, 2}, true},
		{"five in one circle", []int{5}, false},
		{"six in one circle, none in another", []int{6, 0}, false},
		{"five across three circles", []int{1, 2, 2}, true},
	} {
		var p Pool
		for _, n := range tt.perCircle {
			var r Round
			r.Respondents = n
			for range n {
				r.Counts.Add(Answer{4, 4, 4, 4, 4, 4, 4})
			}
			p.Add(r)
		}
		if p.Shown() != tt.shown || (p.Summary() != nil) != tt.shown {
			t.Errorf("%s: shown %v, want %v", tt.name, p.Shown(), tt.shown)
		}
	}
}

func TestTrendDrop(t *testing.T) {
	round := func(n, respondents, answer int) Round {
		r := Round{Number: n, Respondents: respondents}
		for range respondents {
			r.Counts.Add(Answer{8 - answer, answer, 8 - answer, answer, 8 - answer, answer, answer})
		}
		return r
	}
	tr := TrendOf([]Round{round(2, 3, 5), round(1, 4, 6), round(3, 2, 1)})
	if len(tr.Rounds) != 2 || tr.Rounds[0].Number != 1 || tr.Rounds[1].Mean != 5 || !tr.Dropped {
		t.Errorf("trend %+v: want rounds 1 and 2 (not 3, with two answers), dropped", tr)
	}
	if tr := TrendOf([]Round{round(1, 3, 5), round(2, 3, 5)}); tr.Dropped {
		t.Error("a steady pulse suggests an agenda item")
	}
}

func TestDue(t *testing.T) {
	if Due(nil, 5, 6) || !Due(nil, 6, 6) {
		t.Error("the first round opens at the sixth meeting")
	}
	last := &Round{Held: 6}
	if Due(last, 7, 2) || !Due(last, 8, 2) {
		t.Error("the next round opens cadence meetings after the last")
	}
}

// A fit concern needs two noes; a pool needs five respondents across two
// closed circles, at the exact edges.
func TestFitThresholds(t *testing.T) {
	if (FitCounts{Yes: 3, No: 1}).Concern() || !(FitCounts{No: 2}).Concern() {
		t.Error("a concern is told from the second no, never the first")
	}
	pool := func(cs ...FitCounts) *FitSummary {
		var p FitPool
		for _, c := range cs {
			p.Add(c)
		}
		return p.Summary()
	}
	closed := func(yes, unsure, no int) FitCounts { return FitCounts{Yes: yes, Unsure: unsure, No: no, Closed: true} }
	if s := pool(closed(3, 0, 0), closed(1, 0, 0)); s != nil {
		t.Errorf("four across two circles: %+v", s)
	}
	if s := pool(closed(3, 1, 1)); s != nil {
		t.Errorf("five in one circle: %+v", s)
	}
	if s := pool(closed(3, 1, 1), closed(0, 0, 0)); s != nil {
		t.Errorf("five in one circle and one nobody answered: %+v", s)
	}
	if s := pool(closed(3, 1, 0), FitCounts{Yes: 1}); s != nil {
		t.Errorf("an open check is pooled: %+v", s)
	}
	if s := pool(closed(3, 1, 0), closed(0, 0, 1)); s == nil || *s != (FitSummary{Respondents: 5, Yes: 3, Unsure: 1, No: 1}) {
		t.Errorf("five across two circles: %+v", s)
	}
	if FitOpen(0) || !FitOpen(1) || !FitOpen(FitClosesAt-1) || FitOpen(FitClosesAt) {
		t.Error("the fit check asks from the first meeting until the third")
	}
}
