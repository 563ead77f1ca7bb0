package richtext_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/holdspace/holdspace/internal/richtext"
)

func eq(text string, oldNo, newNo int) richtext.Line {
	return richtext.Line{Op: richtext.Equal, Text: text, OldNo: oldNo, NewNo: newNo}
}

func ins(text string, newNo int) richtext.Line {
	return richtext.Line{Op: richtext.Insert, Text: text, NewNo: newNo}
}

func del(text string, oldNo int) richtext.Line {
	return richtext.Line{Op: richtext.Delete, Text: text, OldNo: oldNo}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           []richtext.Line
	}{
		{
			name: "identical",
			old:  "a\nb\nc",
			new:  "a\nb\nc",
			want: []richtext.Line{eq("a", 1, 1), eq("b", 2, 2), eq("c", 3, 3)},
		},
		{
			name: "pure insert",
			old:  "a\nc",
			new:  "a\nb\nc",
			want: []richtext.Line{eq("a", 1, 1), ins("b", 2), eq("c", 2, 3)},
		},
		{
			name: "pure delete",
			old:  "a\nb\nc",
			new:  "a\nc",
			want: []richtext.Line{eq("a", 1, 1), del("b", 2), eq("c", 3, 2)},
		},
		{
			name: "changed middle line",
			old:  "a\nb\nc",
			new:  "a\nB\nc",
			want: []richtext.Line{eq("a", 1, 1), del("b", 2), ins("B", 2), eq("c", 3, 3)},
		},
		{
			name: "several hunks",
			old:  "1\n2\n3\n4\n5\n6",
			new:  "1\nX\n3\n4\n6\n7",
			want: []richtext.Line{
				eq("1", 1, 1), del("2", 2), ins("X", 2), eq("3", 3, 3),
				eq("4", 4, 4), del("5", 5), eq("6", 6, 5), ins("7", 6),
			},
		},
		{
			name: "empty old",
			old:  "",
			new:  "a\nb",
			want: []richtext.Line{ins("a", 1), ins("b", 2)},
		},
		{
			name: "empty new",
			old:  "a\nb\n",
			new:  "",
			want: []richtext.Line{del("a", 1), del("b", 2)},
		},
		{
			name: "both empty",
		},
		{
			name: "crlf against lf",
			old:  "a\r\nb\r\n",
			new:  "a\nb\n",
			want: []richtext.Line{eq("a", 1, 1), eq("b", 2, 2)},
		},
		{
			name: "missing final newline",
			old:  "a\nb",
			new:  "a\nb\n",
			want: []richtext.Line{eq("a", 1, 1), eq("b", 2, 2)},
		},
		{
			name: "appending after a missing final newline",
			old:  "a",
			new:  "a\nb\n",
			want: []richtext.Line{eq("a", 1, 1), ins("b", 2)},
		},
		{
			name: "blank lines count",
			old:  "a\n\nb",
			new:  "a\nb\n\n",
			want: []richtext.Line{eq("a", 1, 1), del("", 2), eq("b", 3, 2), ins("", 3)},
		},
		{
			name: "repeated lines",
			old:  "x\nx\nx",
			new:  "x\nx",
			want: []richtext.Line{eq("x", 1, 1), eq("x", 2, 2), del("x", 3)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := richtext.Diff(tt.old, tt.new)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Diff(%q, %q) (-want +got):\n%s", tt.old, tt.new, diff)
			}
		})
	}
}

func TestStats(t *testing.T) {
	lines := richtext.Diff("keep\nold one\nold two\nkeep", "keep\nnew one\nkeep\nnew two\nnew three")
	ins, del := richtext.Stats(lines)
	if ins != 3 || del != 2 {
		t.Errorf("Stats = %d inserted, %d deleted; want 3, 2", ins, del)
	}
	if ins, del := richtext.Stats(nil); ins != 0 || del != 0 {
		t.Errorf("Stats(nil) = %d, %d; want 0, 0", ins, del)
	}
}

func TestOpString(t *testing.T) {
	for op, want := range map[richtext.Op]string{
		richtext.Equal:  "equal",
		richtext.Insert: "insert",
		richtext.Delete: "delete",
		richtext.Op(7):  "Op(7)",
	} {
		if got := op.String(); got != want {
			t.Errorf("Op(%d).String() = %q, want %q", int(op), got, want)
		}
	}
}

func FuzzDiff(f *testing.F) {
	f.Add("a\nb\nc", "a\nB\nc")
	f.Add("", "a")
	f.Add("a\r\nb", "a\nb\n")
	f.Add("x\nx\nx\n", "x\n\nx")
	f.Add("\n\n", "\r\r\n")
	f.Add("ünï\ncode\n", "code\nünï")
	f.Fuzz(func(t *testing.T, old, new string) {
		lines := richtext.Diff(old, new)
		if got, want := side(lines, richtext.Delete), lineForm(old); got != want {
			t.Fatalf("equal+delete lines give %q, want %q", got, want)
		}
		if got, want := side(lines, richtext.Insert), lineForm(new); got != want {
			t.Fatalf("equal+insert lines give %q, want %q", got, want)
		}
		oldNo, newNo := 0, 0
		for _, l := range lines {
			want := l
			switch l.Op {
			case richtext.Equal:
				oldNo++
				newNo++
				want.OldNo, want.NewNo = oldNo, newNo
			case richtext.Delete:
				oldNo++
				want.OldNo, want.NewNo = oldNo, 0
			case richtext.Insert:
				newNo++
				want.OldNo, want.NewNo = 0, newNo
			default:
				t.Fatalf("unknown op in %+v", l)
			}
			if l != want {
				t.Fatalf("line %+v, want numbers %d/%d", l, want.OldNo, want.NewNo)
			}
			if strings.ContainsAny(l.Text, "\r\n") {
				t.Fatalf("line %+v contains a line break", l)
			}
		}
		if again := richtext.Diff(old, new); !cmp.Equal(lines, again) {
			t.Fatalf("Diff is not deterministic:\n%s", cmp.Diff(lines, again))
		}
		if ins, del := richtext.Stats(richtext.Diff(new, new)); ins != 0 || del != 0 {
			t.Fatalf("Diff of a text with itself inserts %d and deletes %d lines", ins, del)
		}
	})
}

// side rebuilds one side of a diff: the other side's lines are skipped.
func side(lines []richtext.Line, keep richtext.Op) string {
	var b strings.Builder
	for _, l := range lines {
		if l.Op == richtext.Equal || l.Op == keep {
			b.WriteString(l.Text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// lineForm is s as a sequence of newline-terminated lines, which is all a
// line diff promises to preserve.
func lineForm(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}
