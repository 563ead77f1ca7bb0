package journal

import (
	"errors"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/fault"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		entry  Entry
		fields []string
	}{
		{"free writing", Entry{Prompt: Free, Body: "A calm day."}, nil},
		{"a prompt", Entry{Prompt: "trigger", Body: "The deadline."}, nil},
		{"no prompt", Entry{Body: "text"}, []string{"prompt"}},
		{"unknown prompt", Entry{Prompt: "dreams", Body: "text"}, []string{"prompt"}},
		{"blank", Entry{Prompt: Free, Body: " \n "}, []string{"body"}},
		{"too long", Entry{Prompt: Free, Body: strings.Repeat("é", MaxBodyLen+1)}, []string{"body"}},
		{"longest", Entry{Prompt: Free, Body: strings.Repeat("é", MaxBodyLen)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.entry.Validate()
			var f *fault.Error
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if !errors.As(err, &f) || f.Kind != fault.Invalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			for _, field := range tc.fields {
				if f.Fields[field] == "" {
					t.Errorf("no message for %s: %v", field, f.Fields)
				}
			}
		})
	}
}

func TestPrompts(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range Prompts {
		if seen[p.Key] || p.Title == "" {
			t.Errorf("prompt %q repeated or untitled", p.Key)
		}
		seen[p.Key] = true
		if got, ok := FindPrompt(p.Key); !ok || got.Key != p.Key {
			t.Errorf("FindPrompt(%q) = %v, %v", p.Key, got, ok)
		}
		for _, q := range p.Questions {
			if !strings.Contains(p.Starter(), q) {
				t.Errorf("%s: the starter leaves out %q", p.Key, q)
			}
		}
	}
	if p, _ := FindPrompt(Free); p.Starter() != "" {
		t.Error("free writing starts with text")
	}
}

func TestMatches(t *testing.T) {
	for _, tc := range []struct {
		text, query string
		want        bool
	}{
		{"I felt Impatient with Ben", "impatient", true},
		{"I felt impatient with Ben", "ben IMPATIENT", true},
		{"I felt impatient with Ben", "impatient ana", false},
		{"anything", "  ", true},
	} {
		if got := Matches(tc.text, tc.query); got != tc.want {
			t.Errorf("Matches(%q, %q) = %v", tc.text, tc.query, got)
		}
	}
}
