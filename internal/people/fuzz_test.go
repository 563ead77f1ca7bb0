package people

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		"\uFEFFname;email;department;manager_email;level;timezone\r\nAda;ada@example.com;R&D;;3;Europe/London\r\n",
		"name,email,manager_email\na,a@x.com,b@x.com\nb,b@x.com,a@x.com\nc,c@x.com,c@x.com\nd,d@x.com,boss@example.com\n",
		"name,email,,\n\"A\nB\",a@x.com,,x\n\n,,\nC\n",
		"name,email\n\"unclosed,a@x.com\n",
		"EMAIL,Name,Level,Unknown,email\nx@y.z,X,99,?,\n",
		"name,email\rA,a@x.com\r",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	existing := []Existing{
		{ID: "u1", Email: "boss@example.com"},
		{ID: "u2", Email: "a@x.com", ManagerID: "u1"},
	}
	f.Fuzz(func(t *testing.T, in string) {
		p := Parse(strings.NewReader(in), existing)
		if p.OK() && p.ProblemCount() != 0 {
			t.Errorf("OK() with %d problems", p.ProblemCount())
		}
		if p.OK() != (len(p.Rows) > 0 && p.ProblemCount() == 0) {
			t.Errorf("OK() = %v with %d rows and %d problems", p.OK(), len(p.Rows), p.ProblemCount())
		}
		if len(p.Rows) > MaxRows {
			t.Errorf("%d rows, more than MaxRows", len(p.Rows))
		}
		prev := 1
		for _, r := range p.Rows {
			if r.Line < 2 || r.Line <= prev {
				t.Errorf("row on line %d after line %d", r.Line, prev)
			}
			prev = r.Line
			for _, pr := range r.Problems {
				if pr.Message == "" {
					t.Errorf("line %d: empty message for %q", r.Line, pr.Field)
				}
			}
		}
		if len(p.Rows) == 0 && len(p.Errors) == 0 {
			t.Errorf("no rows and no errors")
		}
	})
}
