package people

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignoreOutcome leaves out what a row would do, which TestParseUpdate
// checks, from tests of what is wrong with rows.
var ignoreOutcome = cmpopts.IgnoreFields(Row{}, "Status", "Changes", "LevelText", "ID", "Version")

func TestParse(t *testing.T) {
	const (
		badEmail = "Enter an email address like name@example.com."
		badLevel = "Use a whole number from 0 to 20."
		badZone  = "Choose a time zone such as Europe/Berlin or America/New_York."
		columns  = "The columns can be: name, email, department, manager_email, level, timezone."
	)
	existing := []Existing{
		{ID: "u1", Email: "Boss@Example.com"},
		{ID: "u2", Email: "deputy@example.com", ManagerID: "u1"},
	}
	tests := []struct {
		name string
		in   string
		want *Preview
	}{
		{
			name: "good file with BOM and semicolons",
			in: "\uFEFFName;Email;Department;Manager_Email;Level;Timezone\r\n" +
				"Ada Lovelace;ADA@example.com;Engineering;;5;Europe/London\r\n" +
				"Grace Hopper; grace@example.com ; Engineering ;Ada@Example.com;;\r\n" +
				"Alan Turing;alan@example.com;;deputy@example.com;20;America/New_York\r\n",
			want: &Preview{Rows: []Row{
				{Line: 2, Name: "Ada Lovelace", Email: "ada@example.com", Department: "Engineering", Level: 5, Timezone: "Europe/London"},
				{Line: 3, Name: "Grace Hopper", Email: "grace@example.com", Department: "Engineering", ManagerEmail: "ada@example.com", Timezone: "UTC"},
				{Line: 4, Name: "Alan Turing", Email: "alan@example.com", ManagerEmail: "deputy@example.com", Level: 20, Timezone: "America/New_York"},
			}},
		},
		{
			name: "good file with commas and quotes",
			in: "name,email,department\n" +
				"\"Hopper, Grace\",grace@example.com,\"R&D, \"\"Labs\"\"\"\n",
			want: &Preview{Rows: []Row{
				{Line: 2, Name: "Hopper, Grace", Email: "grace@example.com", Department: `R&D, "Labs"`, Timezone: "UTC"},
			}},
		},
		{
			name: "name problems",
			in: "name,email\n" +
				",a@example.com\n" +
				strings.Repeat("x", 121) + ",b@example.com\n" +
				"\"Two\nLines\",c@example.com\n",
			want: &Preview{Rows: []Row{
				{Line: 2, Email: "a@example.com", Timezone: "UTC", Problems: []Problem{{"name", "Enter a name."}}},
				{Line: 3, Name: strings.Repeat("x", 121), Email: "b@example.com", Timezone: "UTC", Problems: []Problem{
					{"name", `"` + strings.Repeat("x", 40) + `…" is not a valid name. Use at most 120 characters.`},
				}},
				{Line: 4, Name: "Two\nLines", Email: "c@example.com", Timezone: "UTC", Problems: []Problem{
					{"name", `"Two\nLines" is not a valid name. Use a single line without control characters.`},
				}},
			}},
		},
		{
			name: "email problems",
			in: "name,email\n" +
				"A,\n" +
				"B,bob@\n" +
				"C,\"Carol <carol@example.com>\"\n" +
				"D,dee@example.com\n" +
				"E,DEE@example.com\n" +
				"F,dee@example.com\n" +
				"G,boss@example.com\n",
			want: &Preview{Rows: []Row{
				{Line: 2, Name: "A", Timezone: "UTC", Problems: []Problem{{"email", "Enter an email address."}}},
				{Line: 3, Name: "B", Email: "bob@", Timezone: "UTC", Problems: []Problem{{"email", `"bob@" is not a valid email address. ` + badEmail}}},
				{Line: 4, Name: "C", Email: "carol <carol@example.com>", Timezone: "UTC", Problems: []Problem{
					{"email", `"carol <carol@example.com>" is not a valid email address. ` + badEmail},
				}},
				{Line: 5, Name: "D", Email: "dee@example.com", Timezone: "UTC"},
				{Line: 6, Name: "E", Email: "dee@example.com", Timezone: "UTC", Problems: []Problem{{"email", "Duplicate of line 5."}}},
				{Line: 7, Name: "F", Email: "dee@example.com", Timezone: "UTC", Problems: []Problem{{"email", "Duplicate of line 5."}}},
				{Line: 8, Name: "G", Email: "boss@example.com", Timezone: "UTC"},
			}},
		},
		{
			name: "department, level and timezone problems",
			in: "name,email,department,level,timezone\n" +
				"A,a@example.com," + strings.Repeat("d", 81) + ",senior,Mars/Olympus\n" +
				"B,b@example.com,Sales,21,Local\n" +
				"C,c@example.com,Sales,-1,europe/berlin\n" +
				"D,d@example.com,Sales,99999999999999999999,UTC\n" +
				"E,e@example.com,Sales,2.5,Europe/Berlin\n",
			want: &Preview{Rows: []Row{
				{Line: 2, Name: "A", Email: "a@example.com", Department: strings.Repeat("d", 81), Timezone: "Mars/Olympus", Problems: []Problem{
					{"department", `"` + strings.Repeat("d", 40) + `…" is not a valid department. Use at most 80 characters.`},
					{"level", `"senior" is not a whole number. ` + badLevel},
					{"timezone", `"Mars/Olympus" is not a valid time zone. ` + badZone},
				}},
				{Line: 3, Name: "B", Email: "b@example.com", Department: "Sales", Level: 21, Timezone: "Local", Problems: []Problem{
					{"level", `"21" is not a valid level. ` + badLevel},
					{"timezone", `"Local" is not a valid time zone. ` + badZone},
				}},
				{Line: 4, Name: "C", Email: "c@example.com", Department: "Sales", Level: -1, Timezone: "europe/berlin", Problems: []Problem{
					{"level", `"-1" is not a valid level. ` + badLevel},
					{"timezone", `"europe/berlin" is not a valid time zone. ` + badZone},
				}},
				{Line: 5, Name: "D", Email: "d@example.com", Department: "Sales", Timezone: "UTC", Problems: []Problem{
					{"level", `"99999999999999999999" is not a valid level. ` + badLevel},
				}},
				{Line: 6, Name: "E", Email: "e@example.com", Department: "Sales", Timezone: "Europe/Berlin", Problems: []Problem{
					{"level", `"2.5" is not a whole number. ` + badLevel},
				}},
			}},
		},
		{
			name: "manager problems",
			in: "name,email,manager_email\n" +
				"A,a@example.com,bob@example.com\n" +
				"B,b@example.com,not-an-email\n" +
				"C,c@example.com,C@example.com\n" +
				"D,d@example.com,Boss@example.com\n" +
				"E,e@example.com,deputy@example.com\n" +
				"F,f@example.com,g@example.com\n" +
				"G,g@example.com,\n",
			want: &Preview{Rows: []Row{
				{Line: 2, Name: "A", Email: "a@example.com", ManagerEmail: "bob@example.com", Timezone: "UTC", Problems: []Problem{
					{"manager_email", `Unknown manager "bob@example.com": not in this file or the organisation.`},
				}},
				{Line: 3, Name: "B", Email: "b@example.com", ManagerEmail: "not-an-email", Timezone: "UTC", Problems: []Problem{
					{"manager_email", `"not-an-email" is not a valid email address. ` + badEmail},
				}},
				{Line: 4, Name: "C", Email: "c@example.com", ManagerEmail: "c@example.com", Timezone: "UTC", Problems: []Problem{
					{"manager_email", `"c@example.com" is this person's own email address. Nobody can be their own manager.`},
				}},
				{Line: 5, Name: "D", Email: "d@example.com", ManagerEmail: "boss@example.com", Timezone: "UTC"},
				{Line: 6, Name: "E", Email: "e@example.com", ManagerEmail: "deputy@example.com", Timezone: "UTC"},
				{Line: 7, Name: "F", Email: "f@example.com", ManagerEmail: "g@example.com", Timezone: "UTC"},
				{Line: 8, Name: "G", Email: "g@example.com", Timezone: "UTC"},
			}},
		},
		{
			name: "manager that is a duplicate row points at the first",
			in: "name,email,manager_email\n" +
				"A,a@example.com,\n" +
				"A again,a@example.com,b@example.com\n" +
				"B,b@example.com,a@example.com\n",
			want: &Preview{Rows: []Row{
				{Line: 2, Name: "A", Email: "a@example.com", Timezone: "UTC"},
				{Line: 3, Name: "A again", Email: "a@example.com", ManagerEmail: "b@example.com", Timezone: "UTC", Problems: []Problem{
					{"email", "Duplicate of line 2."},
				}},
				{Line: 4, Name: "B", Email: "b@example.com", ManagerEmail: "a@example.com", Timezone: "UTC"},
			}},
		},
		{
			name: "cells that do not line up with the header",
			in: "name,email,,\n" +
				"A,a@example.com,,\n" +
				"B,b@example.com,x\n" +
				"C\n" +
				"D,d@example.com,,,,\n" +
				"E,e@example.com,,,y\n",
			want: &Preview{Rows: []Row{
				{Line: 2, Name: "A", Email: "a@example.com", Timezone: "UTC"},
				{Line: 3, Name: "B", Email: "b@example.com", Timezone: "UTC", Problems: []Problem{
					{"", "This line has a value in column 3, which has no name in the header."},
				}},
				{Line: 4, Name: "C", Timezone: "UTC", Problems: []Problem{
					{"", "This line has 1 value but the header has 4 columns."},
					{"email", "Enter an email address."},
				}},
				{Line: 5, Name: "D", Email: "d@example.com", Timezone: "UTC"},
				{Line: 6, Name: "E", Email: "e@example.com", Timezone: "UTC", Problems: []Problem{
					{"", "This line has 5 values but the header has 4 columns."},
				}},
			}},
		},
		{
			name: "problems in the file's column order",
			in: "timezone,email,level,name\n" +
				"Nowhere,bad,x,\n",
			want: &Preview{Rows: []Row{
				{Line: 2, Email: "bad", Timezone: "Nowhere", Problems: []Problem{
					{"timezone", `"Nowhere" is not a valid time zone. ` + badZone},
					{"email", `"bad" is not a valid email address. ` + badEmail},
					{"level", `"x" is not a whole number. ` + badLevel},
					{"name", "Enter a name."},
				}},
			}},
		},
		{
			name: "line numbers with blank lines and quoted multi-line fields",
			in: "\n" +
				"name,email,department\n" +
				"\n" +
				"Ada,ada@example.com,\"Research\n\nand Development\"\n" +
				"   \n" +
				",,\n" +
				"Grace,grace@example.com,\r\n" +
				"\r\n" +
				"\"Alan\",alan@example.com,Maths",
			want: &Preview{Rows: []Row{
				{Line: 4, Name: "Ada", Email: "ada@example.com", Department: "Research\n\nand Development", Timezone: "UTC", Problems: []Problem{
					{"department", `"Research\n\nand Development" is not a valid department. Use a single line without control characters.`},
				}},
				{Line: 9, Name: "Grace", Email: "grace@example.com", Timezone: "UTC"},
				{Line: 11, Name: "Alan", Email: "alan@example.com", Department: "Maths", Timezone: "UTC"},
			}},
		},
		{
			name: "lines ended by carriage returns alone",
			in:   "name,email\rAda,ada@example.com\r\rGrace,grace@example.com\r",
			want: &Preview{Rows: []Row{
				{Line: 2, Name: "Ada", Email: "ada@example.com", Timezone: "UTC"},
				{Line: 4, Name: "Grace", Email: "grace@example.com", Timezone: "UTC"},
			}},
		},
		{
			name: "header with spaces, any case and any order",
			in:   "  EMAIL , Name\t,  level\nada@example.com,Ada,3\n",
			want: &Preview{Rows: []Row{{Line: 2, Name: "Ada", Email: "ada@example.com", Level: 3, Timezone: "UTC"}}},
		},
		{
			name: "both separators in the header",
			in:   "name;email;level;note, extra\nHopper, Grace;grace@example.com;2;x\n",
			want: &Preview{
				Errors: []string{`Unknown column "note, extra". ` + columns},
				Rows:   []Row{{Line: 2, Name: "Hopper, Grace", Email: "grace@example.com", Level: 2, Timezone: "UTC"}},
			},
		},
		{
			name: "unknown and repeated columns",
			in:   "name,email,Name,Phone,Team,EMAIL\nAda,ada@example.com,x,1,y,z\n",
			want: &Preview{
				Errors: []string{
					`Unknown columns "Phone", "Team". ` + columns,
					`The columns "name", "email" appear more than once. Keep one of each.`,
				},
				Rows: []Row{{Line: 2, Name: "Ada", Email: "ada@example.com", Timezone: "UTC"}},
			},
		},
		{
			name: "one repeated column",
			in:   "name,email,email\nAda,ada@example.com,\n",
			want: &Preview{
				Errors: []string{`The column "email" appears more than once. Keep one of each.`},
				Rows:   []Row{{Line: 2, Name: "Ada", Email: "ada@example.com", Timezone: "UTC"}},
			},
		},
		{
			name: "malformed header",
			in:   "\"name,email\n",
			want: &Preview{Errors: []string{`Line 1: a value in quote marks is not closed properly. Check that every opening quote mark (") has a closing one and that quote marks inside a value are doubled ("").`}},
		},
		{
			name: "missing required column",
			in:   "name,department\nAda,Research\n",
			want: &Preview{Errors: []string{`The "email" column is missing. Every file needs a name and an email column.`}},
		},
		{
			name: "no header",
			in:   "Ada,ada@example.com\n",
			want: &Preview{Errors: []string{
				`Unknown columns "Ada", "ada@example.com". ` + columns,
				"The first line must be a header that names the columns, for example: name,email,department,manager_email,level,timezone.",
			}},
		},
		{
			name: "empty file",
			in:   "",
			want: &Preview{Errors: []string{"The file is empty."}},
		},
		{
			name: "only a byte order mark and blank lines",
			in:   "\uFEFF\r\n\n ,, \n",
			want: &Preview{Errors: []string{"The file is empty."}},
		},
		{
			name: "header only",
			in:   "name,email\n\n",
			want: &Preview{Errors: []string{"The file has a header line but no people."}},
		},
		{
			name: "not UTF-8",
			in:   "name,email\nAda,ada@example.com\nJos\xe9,jose@example.com\n",
			want: &Preview{Errors: []string{`Line 3 is not UTF-8 text. In your spreadsheet, save the file as "CSV UTF-8" and upload it again.`}},
		},
		{
			name: "UTF-16",
			in:   "\xff\xfen\x00a\x00m\x00e\x00",
			want: &Preview{Errors: []string{`Line 1 is not UTF-8 text. In your spreadsheet, save the file as "CSV UTF-8" and upload it again.`}},
		},
		{
			name: "stray quote mark",
			in:   "name,email\nAda \"the first\",ada@example.com\nGrace,grace@example.com\n",
			want: &Preview{
				Errors: []string{`Line 2: a quote mark (") appears inside a value that does not start with one. Put the whole value in quote marks and double any quote mark inside it ("").`},
				Rows:   []Row{{Line: 3, Name: "Grace", Email: "grace@example.com", Timezone: "UTC"}},
			},
		},
		{
			name: "quote never closed",
			in:   "name,email\nAda,ada@example.com\n\"Grace,grace@example.com\nAlan,alan@example.com\n",
			want: &Preview{
				Errors: []string{`Lines 3 to 4: a value in quote marks is not closed properly. Check that every opening quote mark (") has a closing one and that quote marks inside a value are doubled ("").`},
				Rows:   []Row{{Line: 2, Name: "Ada", Email: "ada@example.com", Timezone: "UTC"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(strings.NewReader(tt.in), existing)
			if diff := cmp.Diff(tt.want, got, ignoreOutcome); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCycles(t *testing.T) {
	existing := []Existing{
		{ID: "u1", Email: "boss@example.com"},
		{ID: "u2", Email: "deputy@example.com", ManagerID: "u1"},
	}
	// A person is a row: its email and its manager's email, given as local
	// parts at x.com unless they contain an @.
	type person struct{ email, manager string }
	tests := []struct {
		name   string
		people []person
		want   map[string]string // email → manager_email problem
	}{
		{
			name:   "self",
			people: []person{{"a", "a"}},
			want:   map[string]string{"a": `"a@x.com" is this person's own email address. Nobody can be their own manager.`},
		},
		{
			name:   "two",
			people: []person{{"a", "b"}, {"b", "a"}},
			want: map[string]string{
				"a": "Manager cycle: a@x.com → b@x.com → a@x.com.",
				"b": "Manager cycle: b@x.com → a@x.com → b@x.com.",
			},
		},
		{
			name:   "three",
			people: []person{{"a", "b"}, {"b", "c"}, {"c", "a"}, {"d", ""}},
			want: map[string]string{
				"a": "Manager cycle: a@x.com → b@x.com → c@x.com → a@x.com.",
				"b": "Manager cycle: b@x.com → c@x.com → a@x.com → b@x.com.",
				"c": "Manager cycle: c@x.com → a@x.com → b@x.com → c@x.com.",
			},
		},
		{
			name:   "chain into a cycle",
			people: []person{{"e", "d"}, {"d", "a"}, {"a", "b"}, {"b", "a"}},
			want: map[string]string{
				"a": "Manager cycle: a@x.com → b@x.com → a@x.com.",
				"b": "Manager cycle: b@x.com → a@x.com → b@x.com.",
			},
		},
		{
			name:   "two separate cycles",
			people: []person{{"a", "b"}, {"b", "a"}, {"c", "d"}, {"d", "c"}},
			want: map[string]string{
				"a": "Manager cycle: a@x.com → b@x.com → a@x.com.",
				"b": "Manager cycle: b@x.com → a@x.com → b@x.com.",
				"c": "Manager cycle: c@x.com → d@x.com → c@x.com.",
				"d": "Manager cycle: d@x.com → c@x.com → d@x.com.",
			},
		},
		{
			name:   "chain to existing managers",
			people: []person{{"a", "b"}, {"b", "c"}, {"c", "deputy@example.com"}, {"d", "boss@example.com"}},
			want:   map[string]string{},
		},
		{
			name: "long cycle is shortened",
			people: []person{
				{"a", "b"}, {"b", "c"}, {"c", "d"}, {"d", "e"}, {"e", "f"}, {"f", "g"}, {"g", "h"}, {"h", "a"},
			},
			want: map[string]string{
				"a": "Manager cycle: a@x.com → b@x.com → c@x.com → d@x.com → e@x.com → f@x.com → … → a@x.com (8 people).",
				"b": "Manager cycle: b@x.com → c@x.com → d@x.com → e@x.com → f@x.com → g@x.com → … → b@x.com (8 people).",
				"c": "Manager cycle: c@x.com → d@x.com → e@x.com → f@x.com → g@x.com → h@x.com → … → c@x.com (8 people).",
				"d": "Manager cycle: d@x.com → e@x.com → f@x.com → g@x.com → h@x.com → a@x.com → … → d@x.com (8 people).",
				"e": "Manager cycle: e@x.com → f@x.com → g@x.com → h@x.com → a@x.com → b@x.com → … → e@x.com (8 people).",
				"f": "Manager cycle: f@x.com → g@x.com → h@x.com → a@x.com → b@x.com → c@x.com → … → f@x.com (8 people).",
				"g": "Manager cycle: g@x.com → h@x.com → a@x.com → b@x.com → c@x.com → d@x.com → … → g@x.com (8 people).",
				"h": "Manager cycle: h@x.com → a@x.com → b@x.com → c@x.com → d@x.com → e@x.com → … → h@x.com (8 people).",
			},
		},
	}
	address := func(s string) string {
		if s == "" || strings.Contains(s, "@") {
			return s
		}
		return s + "@x.com"
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("manager_email,name,email\n")
			for _, p := range tt.people {
				fmt.Fprintf(&b, "%s,Person %s,%s\n", address(p.manager), p.email, address(p.email))
			}
			got := map[string]string{}
			pv := Parse(strings.NewReader(b.String()), existing)
			if len(pv.Errors) > 0 {
				t.Fatalf("Parse errors: %q", pv.Errors)
			}
			for _, r := range pv.Rows {
				for _, p := range r.Problems {
					if p.Field != "manager_email" {
						t.Errorf("line %d: unexpected problem %+v", r.Line, p)
						continue
					}
					got[strings.TrimSuffix(r.Email, "@x.com")] = p.Message
				}
			}
			if diff := cmp.Diff(tt.want, got, ignoreOutcome); diff != "" {
				t.Errorf("manager problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	rows := func(n int) string {
		var b strings.Builder
		b.WriteString("name,email\n")
		for i := range n {
			fmt.Fprintf(&b, "Person %d,p%d@example.com\n", i, i)
		}
		return b.String()
	}
	tooLarge := "name,email\nAda,ada@example.com," + strings.Repeat(" ", MaxBytes)
	tests := []struct {
		name     string
		in       string
		wantRows int
		wantErrs []string
	}{
		{name: "as many rows as allowed", in: rows(MaxRows), wantRows: MaxRows},
		{
			name:     "too many rows",
			in:       rows(MaxRows + 1),
			wantErrs: []string{"The file has more than 10000 people. Please split it into files of at most 10000 people each."},
		},
		{
			name:     "too large",
			in:       tooLarge,
			wantErrs: []string{"The file is larger than 2 MB. Please split it into smaller files."},
		},
		{
			name:     "just small enough",
			in:       tooLarge[:MaxBytes],
			wantRows: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Parse(strings.NewReader(tt.in), nil)
			if len(p.Rows) != tt.wantRows {
				t.Errorf("got %d rows, want %d", len(p.Rows), tt.wantRows)
			}
			if diff := cmp.Diff(tt.wantErrs, p.Errors); diff != "" {
				t.Errorf("Errors mismatch (-want +got):\n%s", diff)
			}
			if p.OK() != (tt.wantRows > 0 && len(tt.wantErrs) == 0) {
				t.Errorf("OK() = %v", p.OK())
			}
		})
	}
}

func TestParseStopsAfterManyMalformedLines(t *testing.T) {
	p := Parse(strings.NewReader("name,email\n"+strings.Repeat("a\"b,c\n", 20)), nil)
	if got, want := len(p.Errors), maxSyntaxErrors+1; got != want {
		t.Fatalf("got %d errors, want %d: %q", got, want, p.Errors)
	}
	if got, want := p.Errors[0], `Line 2: a quote mark (") appears`; !strings.HasPrefix(got, want) {
		t.Errorf("first error = %q, want prefix %q", got, want)
	}
	if got, want := p.Errors[maxSyntaxErrors], "Stopped reading the file after too many lines that could not be read."; got != want {
		t.Errorf("last error = %q, want %q", got, want)
	}
	if len(p.Rows) != 0 {
		t.Errorf("got %d rows, want none", len(p.Rows))
	}
}

func TestParseReadError(t *testing.T) {
	p := Parse(iotest.ErrReader(fmt.Errorf("connection reset")), nil)
	want := &Preview{Errors: []string{"The file could not be read. Please try uploading it again."}}
	if diff := cmp.Diff(want, p, ignoreOutcome); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
	if p := Parse(nil, nil); p.OK() || len(p.Errors) != 1 {
		t.Errorf("Parse(nil) = %+v", p)
	}
}

func TestPreviewOK(t *testing.T) {
	fine := Row{Line: 2}
	bad := Row{Line: 3, Problems: []Problem{{"email", "a"}, {"name", "b"}}}
	tests := []struct {
		name      string
		p         Preview
		wantOK    bool
		wantCount int
	}{
		{name: "empty", p: Preview{}, wantOK: false, wantCount: 0},
		{name: "fine rows", p: Preview{Rows: []Row{fine, fine}}, wantOK: true, wantCount: 0},
		{name: "row problems", p: Preview{Rows: []Row{fine, bad}}, wantOK: false, wantCount: 2},
		{name: "file errors", p: Preview{Rows: []Row{fine}, Errors: []string{"x"}}, wantOK: false, wantCount: 1},
		{name: "both", p: Preview{Rows: []Row{bad}, Errors: []string{"x"}}, wantOK: false, wantCount: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.OK(); got != tt.wantOK {
				t.Errorf("OK() = %v, want %v", got, tt.wantOK)
			}
			if got := tt.p.ProblemCount(); got != tt.wantCount {
				t.Errorf("ProblemCount() = %d, want %d", got, tt.wantCount)
			}
		})
	}
}

func TestSearchTerms(t *testing.T) {
	got := SearchTerms("José Müller-Okafor", "Jose.Muller@Northwind.example", "People & Culture")
	want := []string{"jose", "muller", "okafor", "people", "culture", "jose.muller@northwind.example"}
	if !slices.Equal(got, want) {
		t.Errorf("SearchTerms = %q, want %q", got, want)
	}
	got = SearchTerms("Kavya O'Connor", "kavya.oc@northwind.example", "R&D")
	want = []string{"kavya", "o", "connor", "oconnor", "oc", "r", "d", "kavya.oc@northwind.example"}
	if !slices.Equal(got, want) {
		t.Errorf("SearchTerms with an apostrophe = %q, want %q", got, want)
	}
	for q, want := range map[string][]string{
		"Kavya O'Connor":                {"kavya", "oconnor"},
		"d’angelo":                      {"dangelo"},
		"":                              nil,
		"  Ali  ok ":                    {"ali", "ok"},
		"JOSÉ":                          {"jose"},
		"jose.muller@northwind.example": {"jose.muller@northwind.example"},
		"a b c d e f":                   {"a", "b", "c", "d"},
	} {
		if got := QueryWords(q); !slices.Equal(got, want) {
			t.Errorf("QueryWords(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestParseUpdate(t *testing.T) {
	existing := []Existing{
		{ID: "u1", Email: "boss@example.com", Name: "Bo Boss", Department: "Board", Timezone: "Europe/Berlin", Level: 9, Version: 3},
		{ID: "u2", Email: "ann@example.com", Name: "Ann", Department: "Sales", ManagerID: "u1", Timezone: "UTC", Level: 4},
		{ID: "u3", Email: "cy@example.com", Name: "Cy", Department: "Sales", ManagerID: "u2", Timezone: "UTC", Level: 2},
	}
	in := "name,email,department,manager_email,level,timezone\n" +
		"Bo Boss,boss@example.com,Board,,9,Europe/Berlin\n" +
		"Ann,ann@example.com,Marketing,boss@example.com,5,\n" +
		"Dee,dee@example.com,Sales,ann@example.com,L4,\n" +
		"Eve,eve@example.com,Sales,ann@example.com,3,\n"
	p := Parse(strings.NewReader(in), existing)
	type outcome struct {
		Status    Status
		Changes   []Change
		ID        string
		Version   int
		LevelText string
	}
	var got []outcome
	for _, r := range p.Rows {
		got = append(got, outcome{r.Status, r.Changes, r.ID, r.Version, r.LevelText})
	}
	want := []outcome{
		{Status: StatusUnchanged, ID: "u1", Version: 3, LevelText: "9"},
		{Status: StatusChanged, ID: "u2", LevelText: "5", Changes: []Change{
			{Field: "department", Old: "Sales", New: "Marketing"}, {Field: "level", Old: "4", New: "5"}}},
		{Status: StatusProblem, LevelText: "L4"},
		{Status: StatusNew, LevelText: "3"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}

	// Ann now reports to Cy, who reports to Ann and is not in the file:
	// the line loops through a person the file leaves as they are.
	loop := Parse(strings.NewReader("name,email,manager_email\nAnn,ann@example.com,cy@example.com\n"), existing)
	if r := loop.Rows[0]; r.Status != StatusProblem || len(r.Problems) != 1 || !strings.HasPrefix(r.Problems[0].Message, "Manager cycle") {
		t.Errorf("a loop through an existing person: %+v", r)
	}

	// A file without a column keeps each existing person's value.
	kept := Parse(strings.NewReader("name,email\nAnn,ann@example.com\n"), existing)
	if r := kept.Rows[0]; r.Status != StatusUnchanged || r.Department != "Sales" || r.ManagerEmail != "boss@example.com" || r.Level != 4 {
		t.Errorf("missing columns: %+v", r)
	}
}
