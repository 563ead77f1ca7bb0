package richtext_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/holdspace/holdspace/internal/richtext"
)

func TestWords(t *testing.T) {
	eq := func(s string) richtext.Span { return richtext.Span{Op: richtext.Equal, Text: s} }
	ins := func(s string) richtext.Span { return richtext.Span{Op: richtext.Insert, Text: s} }
	del := func(s string) richtext.Span { return richtext.Span{Op: richtext.Delete, Text: s} }
	tests := []struct {
		name, old, new string
		want           []richtext.Span
	}{
		{"identical", "We meet weekly.", "We meet weekly.", []richtext.Span{eq("We meet weekly.")}},
		{"one word", "We meet weekly.", "We meet monthly.", []richtext.Span{eq("We meet "), del("weekly"), ins("monthly"), eq(".")}},
		{"added words", "Phones away.", "Phones away, laptops closed.", []richtext.Span{eq("Phones away"), ins(", laptops closed"), eq(".")}},
		{"from nothing", "", "New text", []richtext.Span{ins("New text")}},
		{"to nothing", "Old text", "", []richtext.Span{del("Old text")}},
		{"line endings", "a\r\nb", "a\nb", []richtext.Span{eq("a\nb")}},
		{"apostrophes stay in the word", "We don't", "We won't", []richtext.Span{eq("We "), del("don't"), ins("won't")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := richtext.Words(tt.old, tt.new)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Words(%q, %q) mismatch (-want +got):\n%s", tt.old, tt.new, diff)
			}
			// Either side can be read back from the spans.
			var before, after strings.Builder
			for _, s := range got {
				if s.Op != richtext.Insert {
					before.WriteString(s.Text)
				}
				if s.Op != richtext.Delete {
					after.WriteString(s.Text)
				}
			}
			norm := strings.NewReplacer("\r\n", "\n")
			if before.String() != norm.Replace(tt.old) || after.String() != norm.Replace(tt.new) {
				t.Errorf("spans give back %q and %q", before.String(), after.String())
			}
		})
	}
}

func TestOpString(t *testing.T) {
	for op, want := range map[richtext.Op]string{richtext.Equal: "equal", richtext.Insert: "insert", richtext.Delete: "delete", richtext.Op(7): "Op(7)"} {
		if got := op.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(op), got, want)
		}
	}
}
