package circle_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
)

func TestSectionsRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []circle.Section
	}{
		{"the template", circle.AgreementTemplate, circle.TemplateSections()},
		{"text before the first heading", "We begin.\n\n## Breaks\nEvery hour.", []circle.Section{{Text: "We begin."}, {Title: "Breaks", Text: "Every hour."}}},
		{"closing hashes and spaces", "##  Breaks ##\r\nEvery hour.\r\n", []circle.Section{{Title: "Breaks", Text: "Every hour."}}},
		{"deeper headings stay text", "## A\n### Detail\nx", []circle.Section{{Title: "A", Text: "### Detail\nx"}}},
		{"an empty section keeps its title", "## A\n\n## B\nb", []circle.Section{{Title: "A"}, {Title: "B", Text: "b"}}},
		{"nothing", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := circle.Sections(tt.body)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("circle.Sections(%q) = %+v, want %+v", tt.body, got, tt.want)
			}
			// Composing and reading again gives the sections with text.
			var kept []circle.Section
			for _, s := range got {
				if s.Text != "" {
					kept = append(kept, s)
				}
			}
			if again := circle.Sections(circle.Compose(got)); !reflect.DeepEqual(again, kept) {
				t.Errorf("round trip: %+v, want %+v", again, kept)
			}
		})
	}
	if len(circle.TemplateSections()) != 6 || circle.TemplateSections()[0].Title != "Purpose and learning goals" {
		t.Errorf("template sections: %+v", circle.TemplateSections())
	}
}

func TestCompareSectionsWording(t *testing.T) {
	old := []circle.Section{{Title: "Purpose", Text: "We learn."}, {Title: "Breaks", Text: "Every hour."}, {Title: "Lateness", Text: "Text us."}}
	new := []circle.Section{{Title: "purpose", Text: "We learn together."}, {Title: "Lateness", Text: "Text us.\n"}, {Title: "Phones", Text: "Away."}}
	var got []string
	for _, c := range circle.CompareSections(old, new) {
		got = append(got, c.Summary())
	}
	want := []string{"Changed: purpose", "Added section “Phones”", "Removed section “Breaks”"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("circle.CompareSections: %q, want %q", got, want)
	}
	ch := circle.CompareSections(old, new)[0]
	if ch.Old != "We learn." || ch.New != "We learn together." {
		t.Errorf("changed section: %+v", ch)
	}
	if got := (circle.SectionChange{Kind: circle.SectionChanged}).Summary(); got != "Changed: Opening words" {
		t.Errorf("untitled: %q", got)
	}
	if len(circle.CompareSections(old, old)) != 0 {
		t.Error("a version compared with itself changed")
	}
}

func TestCheckSections(t *testing.T) {
	var v account.Validator
	got := circle.CheckSections(&v, []circle.Section{{Title: " Purpose ", Text: "  We learn. \r\n"}, {Title: "Empty"}, {Title: "", Text: ""}})
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []circle.Section{{Title: "Purpose", Text: "We learn."}}; !reflect.DeepEqual(got, want) {
		t.Errorf("circle.CheckSections = %+v, want %+v", got, want)
	}
	var long account.Validator
	circle.CheckSections(&long, []circle.Section{{Title: strings.Repeat("t", circle.MaxSectionTitleLen+1), Text: "x"}})
	if fields, _ := fault.FieldsOf(long.Err()); fields["title.0"] == "" {
		t.Errorf("a long title: %v", long.Err())
	}
}

func TestScheduleDifferences(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	mk := func(in circle.ScheduleInput) *circle.Schedule {
		t.Helper()
		s, err := in.Schedule("c", now)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := circle.ScheduleInput{Freq: "fortnightly", Weekday: int(time.Tuesday), Time: "17:00", StartsOn: "2026-03-10",
		Timezone: "Europe/Berlin", DurationMinutes: 60}
	longer := base
	longer.DurationMinutes = 90
	longer.VideoURL = "https://meet.example/c"
	monthly := base
	monthly.Freq, monthly.Nth, monthly.Time = "monthly", 1, "20:00"
	tests := []struct {
		name          string
		before, after *circle.Schedule
		zone          *time.Location
		want          []string
	}{
		{"longer, with a call", mk(base), mk(longer), berlin, []string{"Length: 60 → 90 minutes", "Video call: none → https://meet.example/c"}},
		{"a weekday that differs for the reader", mk(base), mk(monthly), tokyo,
			[]string{"When: Every other Wednesday at 01:00 → The first Tuesday of each month at 20:00 in Europe/Berlin, which is Wednesday at 03:00 for you",
				"First meeting: Wednesday 11 March → Wednesday 8 April"}},
		{"cleared", mk(base), nil, berlin, []string{"When: Every other Tuesday at 17:00 → no regular meetings"}},
		{"saved unchanged", mk(base), mk(base), berlin, []string{"The schedule was saved again unchanged."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := circle.Differences(tt.before, tt.after, tt.zone, now); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Differences = %q, want %q", got, tt.want)
			}
		})
	}
}
