package card_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/card"
	"github.com/holdspace/holdspace/internal/fault"
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		name, title, body string
		fields            []string
	}{
		{"fine", "Ask first", "A question opened more than advice.", nil},
		{"at the limits", strings.Repeat("t", card.MaxTitleLen), strings.Repeat("é", card.MaxBodyLen), nil},
		{"no title", " ", "Something", []string{"title"}},
		{"no body", "A title", "\n\t", []string{"body"}},
		{"title too long", strings.Repeat("t", card.MaxTitleLen+1), "Something", []string{"title"}},
		{"title on two lines", "One\nTwo", "Something", []string{"title"}},
		{"the whole case", "A title", strings.Repeat("x", card.MaxBodyLen+1), []string{"body"}},
		{"nothing", "", "", []string{"title", "body"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := card.Check(c.title, c.body)
			f, _ := fault.FieldsOf(err)
			if len(f) != len(c.fields) {
				t.Fatalf("fields %v, want %v", f, c.fields)
			}
			for _, k := range c.fields {
				if f[k] == "" {
					t.Errorf("no message for %s: %v", k, f)
				}
			}
		})
	}
}

func TestAudienceSteps(t *testing.T) {
	want := []card.Audience{card.Circle, card.Program, card.Org}
	for i, a := range card.Audiences[:3] {
		if next, ok := a.Next(); !ok || next != want[i] {
			t.Errorf("after %s comes %s, %v; want %s", a, next, ok, want[i])
		}
	}
	if _, ok := card.Org.Next(); ok {
		t.Error("something comes after the whole organisation")
	}
	if _, ok := card.Audience("world").Next(); ok || card.Audience("world").Valid() {
		t.Error("an unknown audience has a next step")
	}
	if !card.Org.Reaches(card.Circle) || card.Circle.Reaches(card.Program) || !card.Program.Reaches(card.Program) {
		t.Error("Reaches orders the audiences wrongly")
	}
}

func TestWidenEditWithdraw(t *testing.T) {
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	k, err := card.New("org", "circle", "program", "author", "  Ask first ", " Questions before advice. ")
	if err != nil {
		t.Fatal(err)
	}
	if k.Title != "Ask first" || k.Audience != card.Draft || k.Released() {
		t.Fatalf("new card: %+v", k)
	}
	if err := k.Withdraw(); !errors.Is(err, card.ErrNotReleased) {
		t.Errorf("withdrawing a draft: %v", err)
	}
	if err := k.Widen(card.Program, now); !errors.Is(err, card.ErrStep) {
		t.Errorf("skipping a step: %v", err)
	}
	if err := k.Widen(card.Draft, now); !errors.Is(err, card.ErrStep) {
		t.Errorf("widening to a draft: %v", err)
	}
	for _, to := range []card.Audience{card.Circle, card.Program, card.Org} {
		if err := k.Widen(to, now); err != nil || k.Audience != to || k.ReleasedAt == nil || !k.ReleasedAt.Equal(now) {
			t.Fatalf("widening to %s: %+v, %v", to, k, err)
		}
	}
	if err := k.Widen(card.Org, now); !errors.Is(err, card.ErrWidest) {
		t.Errorf("widening past the organisation: %v", err)
	}
	if back, err := k.Edit("Ask first", "Questions before advice."); err != nil || back || k.Audience != card.Org {
		t.Errorf("an edit that changes nothing: %v, %v, %s", back, err, k.Audience)
	}
	if back, err := k.Edit("Ask first", strings.Repeat("x", card.MaxBodyLen+1)); err == nil || back || k.Audience != card.Org {
		t.Errorf("an edit refused: %v, %v, %s", back, err, k.Audience)
	}
	if back, err := k.Edit("Ask first", "Questions, then advice."); err != nil || !back || k.Audience != card.Draft || k.ReleasedAt != nil {
		t.Errorf("an edit of a released card: %v, %v, %+v", back, err, k)
	}
	if back, err := k.Edit("Ask first", "Questions, then maybe advice."); err != nil || back {
		t.Errorf("an edit of a draft: %v, %v", back, err)
	}
	if err := k.Widen(card.Circle, now); err != nil {
		t.Fatal(err)
	}
	if err := k.Withdraw(); err != nil || k.Audience != card.Draft || k.ReleasedAt != nil {
		t.Errorf("withdrawing: %v, %+v", err, k)
	}
}
