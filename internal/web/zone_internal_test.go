package web

import (
	"strings"
	"testing"
	"text/template/parse"
	"time"
)

func TestTimesInTheViewersZone(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	ny, _ := time.LoadLocation("America/New_York")
	at := time.Date(2026, 3, 1, 20, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"datetime in Tokyo", datetime(tokyo, at), "2 Mar 2026, 05:30 JST"},
		{"datetime in New York", datetime(ny, at), "1 Mar 2026, 15:30 EST"},
		{"datetime for nobody", datetime(nil, at), "1 Mar 2026, 20:30 UTC"},
		{"date crosses midnight", date(tokyo, at), "2 Mar 2026"},
		{"date input", dateInput(tokyo, at), "2026-03-02"},
		{"month crosses midnight", month(ny, time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)), "February 2026"},
		{"date input of nothing", dateInput(tokyo, time.Time{}), ""},
		// A window that ends at New York's midnight of 3 March has 2 March
		// as its last day there.
		{"last day", dateInput(ny, closingDate(time.Date(2026, 3, 3, 5, 0, 0, 0, time.UTC))), "2026-03-02"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if !closingDate(time.Time{}).IsZero() {
		t.Error("closingDate of no time is a time")
	}
}

// TestTimesTakeTheViewersZone checks every call of the time functions in
// every template: each must be given the zone ($.Loc) and then the time,
// since a call without the zone fails only when its page is drawn.
func TestTimesTakeTheViewersZone(t *testing.T) {
	s := &Server{}
	if err := s.loadAssets(); err != nil {
		t.Fatal(err)
	}
	if err := s.loadTemplates(); err != nil {
		t.Fatal(err)
	}
	zoned := map[string]bool{"date": true, "datetime": true, "dateInput": true, "month": true}
	var walk func(page string, n parse.Node)
	walk = func(page string, n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(page, c)
				}
			}
		case *parse.ActionNode:
			walk(page, n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, cmd := range n.Cmds {
				if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok && zoned[id.Ident] {
					if len(cmd.Args) != 3 || !strings.HasSuffix(cmd.Args[1].String(), ".Loc") {
						t.Errorf("%s: %s: want %s $.Loc TIME", page, cmd, id.Ident)
					}
				}
				for _, a := range cmd.Args {
					walk(page, a)
				}
			}
		case *parse.IfNode:
			walk(page, n.Pipe)
			walk(page, n.List)
			walk(page, n.ElseList)
		case *parse.RangeNode:
			walk(page, n.Pipe)
			walk(page, n.List)
			walk(page, n.ElseList)
		case *parse.WithNode:
			walk(page, n.Pipe)
			walk(page, n.List)
			walk(page, n.ElseList)
		case *parse.TemplateNode:
			walk(page, n.Pipe)
		}
	}
	for name, page := range s.pages {
		for _, tmpl := range page.Templates() {
			if tmpl.Tree != nil {
				walk(name+"/"+tmpl.Name(), tmpl.Tree.Root)
			}
		}
	}
}
