package circle_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/holdspace/holdspace/internal/circle"
)

// version is a version of an agreement with the consents of ids.
func version(n int, status circle.AgreementStatus, body string, ids ...string) circle.AgreementVersion {
	v := circle.AgreementVersion{Version: n, Status: status, Body: body}
	for _, id := range ids {
		v.Consents = append(v.Consents, circle.Consent{UserID: id})
	}
	return v
}

func TestPropose(t *testing.T) {
	tests := []struct {
		name     string
		versions []circle.AgreementVersion
		members  []string
		user     string
		body     string
		want     circle.Proposal
		err      error
	}{{
		name:    "the first proposal is version 1 and waits for the others",
		members: []string{"a", "b", "c"},
		user:    "a",
		body:    "Ours",
		want:    circle.Proposal{Version: 1},
	}, {
		name: "a new proposal follows the newest version and withdraws the open one",
		versions: []circle.AgreementVersion{
			version(3, circle.AgreementProposed, "Three", "b"),
			version(2, circle.AgreementWithdrawn, "Two", "c"),
			version(1, circle.AgreementAdopted, "One", "a", "b", "c"),
		},
		members: []string{"a", "b", "c"},
		user:    "a",
		body:    "Four",
		want:    circle.Proposal{Version: 4, Withdraw: []int{3}},
	}, {
		name:     "the text in force is no change",
		versions: []circle.AgreementVersion{version(1, circle.AgreementAdopted, "One", "a", "b")},
		members:  []string{"a", "b"},
		user:     "b",
		body:     "One",
		err:      circle.ErrUnchanged,
	}, {
		name:     "a superseded text may come back",
		versions: []circle.AgreementVersion{version(2, circle.AgreementAdopted, "Two", "a", "b"), version(1, circle.AgreementSuperseded, "One", "a", "b")},
		members:  []string{"a", "b"},
		user:     "b",
		body:     "One",
		want:     circle.Proposal{Version: 3},
	}, {
		name:    "the only member's proposal takes effect at once",
		members: []string{"a"},
		user:    "a",
		body:    "Mine",
		want:    circle.Proposal{Version: 1, Adopt: true},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := circle.Propose(tt.versions, tt.members, tt.user, tt.body)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("proposal (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAfterConsent(t *testing.T) {
	abc := []string{"a", "b", "c"}
	tests := []struct {
		name    string
		version circle.AgreementVersion
		members []string
		user    string
		adopt   bool
		err     error
	}{{
		name:    "a consent with others still missing adopts nothing",
		version: version(1, circle.AgreementProposed, "", "a"),
		members: abc, user: "b",
	}, {
		name:    "the last consent missing adopts",
		version: version(1, circle.AgreementProposed, "", "a", "b"),
		members: abc, user: "c", adopt: true,
	}, {
		name:    "consents of people who left neither count nor block",
		version: version(1, circle.AgreementProposed, "", "gone", "a"),
		members: []string{"a", "b"}, user: "b", adopt: true,
	}, {
		name:    "a consent given already",
		version: version(1, circle.AgreementProposed, "", "a", "b"),
		members: abc, user: "b", err: circle.ErrAlreadyGiven,
	}, {
		name:    "an adopted version waits for no consent",
		version: version(1, circle.AgreementAdopted, "", "a", "b", "c"),
		members: abc, user: "c", err: circle.ErrNotProposed,
	}, {
		name:    "a withdrawn version waits for no consent",
		version: version(2, circle.AgreementWithdrawn, "", "a"),
		members: abc, user: "b", err: circle.ErrNotProposed,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			consents := len(tt.version.Consents)
			adopt, err := circle.AfterConsent(&tt.version, tt.members, tt.user)
			if !errors.Is(err, tt.err) || adopt != tt.adopt {
				t.Errorf("AfterConsent = %v, %v; want %v, %v", adopt, err, tt.adopt, tt.err)
			}
			if len(tt.version.Consents) != consents {
				t.Errorf("AfterConsent changed the version it decided on")
			}
		})
	}
}

func TestAfterLeave(t *testing.T) {
	tests := []struct {
		name      string
		versions  []circle.AgreementVersion
		remaining []string
		want      int
	}{{
		name:      "the leaver was the last consent missing",
		versions:  []circle.AgreementVersion{version(2, circle.AgreementProposed, "", "a", "b"), version(1, circle.AgreementAdopted, "", "a", "b", "c")},
		remaining: []string{"a", "b"},
		want:      2,
	}, {
		name:      "another member has still to consent",
		versions:  []circle.AgreementVersion{version(2, circle.AgreementProposed, "", "a")},
		remaining: []string{"a", "b"},
	}, {
		name:      "no open proposal",
		versions:  []circle.AgreementVersion{version(2, circle.AgreementWithdrawn, "", "a", "b"), version(1, circle.AgreementAdopted, "", "a", "b")},
		remaining: []string{"a", "b"},
	}, {
		name:      "nobody is left to adopt it",
		versions:  []circle.AgreementVersion{version(1, circle.AgreementProposed, "", "c")},
		remaining: nil,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := 0
			if v := circle.AfterLeave(tt.versions, tt.remaining); v != nil {
				got = v.Version
			}
			if got != tt.want {
				t.Errorf("adopted version %d, want %d", got, tt.want)
			}
		})
	}
}
