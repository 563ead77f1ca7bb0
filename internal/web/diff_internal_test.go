package web

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/holdspace/holdspace/internal/richtext"
)

func TestWithContext(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh"
	new := "a\nb\nc\nd\nE\nf\ng\nh"
	got := withContext(richtext.Diff(old, new), 1)
	want := []diffLine{
		{Op: "gap", Text: "3 unchanged lines"},
		{Op: "equal", Text: "d", Old: 4, New: 4},
		{Op: "delete", Text: "e", Old: 5},
		{Op: "insert", Text: "E", New: 5},
		{Op: "equal", Text: "f", Old: 6, New: 6},
		{Op: "gap", Text: "2 unchanged lines"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("withContext (-want +got):\n%s", diff)
	}
	// Without changes, every line shows.
	if got := withContext(richtext.Diff(old, old), 1); len(got) != 8 {
		t.Errorf("%d lines for an unchanged text", len(got))
	}
}
