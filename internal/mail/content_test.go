package mail

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// checkGolden compares got with testdata/name, or rewrites the file with
// -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; run go test -update if the change is intended):\n%s", path, diff)
	}
}

func TestContent(t *testing.T) {
	tests := []struct {
		name        string
		msg         Message
		wantSubject string
		wantText    []string // phrases a reader must find in the text body
	}{
		{
			name:        "signup_confirm",
			msg:         SignupConfirm("ana@example.com", "Ana Müller", "Acme & Co", "https://holdspace.example/signup/confirm?token=abc&x=<1>"),
			wantSubject: "Confirm your email to create Acme & Co on Holdspace",
			wantText:    []string{"Hi Ana Müller,", "Acme & Co", "https://holdspace.example/signup/confirm?token=abc&x=<1>", "24 hours"},
		},
		{
			name:        "already_registered",
			msg:         AlreadyRegistered("ana@example.com", "Ana", "https://holdspace.example/signin", "https://holdspace.example/password/forgot"),
			wantSubject: "You already have a Holdspace account",
			wantText:    []string{"already have an account", "https://holdspace.example/signin", "https://holdspace.example/password/forgot", "ignore this email"},
		},
		{
			name:        "password_reset",
			msg:         PasswordReset("ana@example.com", "", "https://holdspace.example/password/reset?token=xyz"),
			wantSubject: "Reset your Holdspace password",
			wantText:    []string{"Hi,", "https://holdspace.example/password/reset?token=xyz", "1 hour", "only once", "ignore this email"},
		},
		{
			name:        "invitation",
			msg:         Invitation("ben@example.com", "Ben", "Ana <Müller>", "O'Brien \"Labs\"", "https://holdspace.example/invite/tok"),
			wantSubject: `You're invited to join O'Brien "Labs"'s peer coaching on Holdspace`,
			wantText:    []string{"Ana <Müller> has invited you", `O'Brien "Labs"'s peer coaching`, "always voluntary", "14 days", "https://holdspace.example/invite/tok"},
		},
		{
			name:        "invitation_no_inviter",
			msg:         Invitation("ben@example.com", "", "", "Acme", "https://holdspace.example/invite/tok"),
			wantSubject: "You're invited to join Acme's peer coaching on Holdspace",
			wantText:    []string{"You are invited to join Acme's peer coaching"},
		},
		{
			name: "circle_proposed",
			msg: CircleProposed("ben@example.com", "Ben", "Leads & Learners", []string{"Ana <Müller>", "Chloé\nMartin"},
				[]string{"Tuesday 14:00–15:00 (Europe/Berlin)", "Thursday 09:00–10:00 (Europe/Berlin)"}, "https://holdspace.example/matches?x=<1>"),
			wantSubject: "You've been matched in Leads & Learners",
			wantText: []string{"You've been matched in Leads & Learners.", "We'd like to suggest you coach\ntogether with:\n\n  - Ana <Müller>\n  - Chloé Martin\n\n",
				"Times you have in common:\n\n  - Tuesday 14:00–15:00 (Europe/Berlin)\n  - Thursday 09:00–10:00 (Europe/Berlin)\n\n",
				"https://holdspace.example/matches?x=<1>", "Declining is always fine", "nobody else learns your reason"},
		},
		{
			name:        "circle_proposed_pair",
			msg:         CircleProposed("ben@example.com", "", "Pairs", []string{"Ana"}, nil, "https://holdspace.example/matches"),
			wantSubject: "You've been matched in Pairs",
			wantText:    []string{"Hi,", "together with:\n\n  - Ana\n\n", "no hour in common", "https://holdspace.example/matches"},
		},
		{
			name:        "circle_formed",
			msg:         CircleFormed("ben@example.com", "Ben", "Leads & Learners", []string{"Ana <Müller>", "Chloé Martin"}, "https://holdspace.example/matches"),
			wantSubject: "Your match in Leads & Learners is ready",
			wantText:    []string{"Everyone has said yes", "  - Ana <Müller>\n  - Chloé Martin\n\n", "circle's home", "https://holdspace.example/matches", "stays between you"},
		},
		{
			name:        "circle_dissolved",
			msg:         CircleDissolved("ben@example.com", "Ben", "Leads & Learners"),
			wantSubject: "Your match in Leads & Learners won't go ahead",
			wantText:    []string{"Someone couldn't take part this time", "won't go ahead", "You stay in Leads & Learners", "matched again soon", "nothing you need to do"},
		},
		{
			name:        "match_declined",
			msg:         MatchDeclined("ana@example.com", "Ana <Müller>", "Leads & Learners", "https://holdspace.example/programs/p1"),
			wantSubject: "A match in Leads & Learners was declined",
			wantText:    []string{"Hi Ana <Müller>,", "was declined, so some people are\nwaiting for a new match", "re-match the remaining", "https://holdspace.example/programs/p1"},
		},
		{
			name:        "pair_invitation",
			msg:         PairInvitation("ben@example.com", "Ben", "Ana <Müller>", "Leads & Learners", "https://holdspace.example/matches"),
			wantSubject: "Ana <Müller> would like to coach with you in Leads & Learners",
			wantText:    []string{"Ana <Müller> would like to coach in a pair with you", "Accept or decline", "https://holdspace.example/matches", "no pressure", "always voluntary", "stays between you"},
		},
		{
			name:        "pair_formed",
			msg:         PairFormed("ben@example.com", "Ben", "Ana <Müller>", "Leads & Learners", "https://holdspace.example/matches"),
			wantSubject: "You and Ana <Müller> are now a pair in Leads & Learners",
			wantText:    []string{"You and Ana <Müller> are now a pair in Leads & Learners.", "https://holdspace.example/matches", "stays between you"},
		},
		{
			name:        "pair_declined",
			msg:         PairDeclined("ben@example.com", "Ben", "Ana <Müller>", "Leads & Learners"),
			wantSubject: "Your pair invitation in Leads & Learners",
			wantText:    []string{"Ana <Müller> can't pair with you in Leads & Learners this time.", "still in Leads & Learners", "can be matched", "nothing you need to do"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.msg.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if tt.msg.Subject != tt.wantSubject {
				t.Errorf("Subject = %q, want %q", tt.msg.Subject, tt.wantSubject)
			}
			for _, phrase := range tt.wantText {
				if !strings.Contains(tt.msg.Text, phrase) {
					t.Errorf("text body does not contain %q", phrase)
				}
			}
			if strings.Contains(tt.msg.Text, "&amp;") || strings.Contains(tt.msg.Text, "&lt;") {
				t.Error("text body is HTML-escaped")
			}
			if strings.Contains(tt.msg.HTML, "<Müller>") || strings.Contains(tt.msg.HTML, "x=<1>") {
				t.Error("HTML body contains unescaped input")
			}
			checkGolden(t, tt.name+".txt.golden", tt.msg.Text)
			checkGolden(t, tt.name+".html.golden", tt.msg.HTML)
		})
	}
}

func TestContentNamesOnOneLine(t *testing.T) {
	m := SignupConfirm("ana@example.com", "Ana\r\nBcc: eve@example.com", "Acme\nInc", "https://holdspace.example/c")
	if err := m.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if m.Subject != "Confirm your email to create Acme Inc on Holdspace" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if m.ToName != "Ana Bcc: eve@example.com" {
		t.Errorf("ToName = %q", m.ToName)
	}
}

func TestContentNewNamesOnOneLine(t *testing.T) {
	m := PairInvitation("ben@example.com", "Ben", "Ana\r\nBcc: eve@example.com", "Leads\nand Learners", "https://holdspace.example/matches")
	if err := m.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if m.Subject != "Ana Bcc: eve@example.com would like to coach with you in Leads and Learners" {
		t.Errorf("Subject = %q", m.Subject)
	}
}

// The emails about a declined match take no decliner and no reason, so
// they cannot name either; these assignments fail to compile if that
// changes.
var (
	_ func(to, name, programName string) Message              = CircleDissolved
	_ func(to, adminName, programName, link string) Message   = MatchDeclined
	_ func(to, name, partnerName, programName string) Message = PairDeclined
)

func TestContentKeepsDeclinesPrivate(t *testing.T) {
	tests := []struct {
		name     string
		msg      Message
		wantText string   // the wording that stands in for who and why
		never    []string // words that would hint at who declined or why
	}{
		{
			name:     "circle_dissolved",
			msg:      CircleDissolved("ben@example.com", "Ben", "Leads & Learners"),
			wantText: "Someone couldn't take part this time, so the match we suggested in",
			never:    []string{"declined", "reason", "because", "who ", "why"},
		},
		{
			name:     "match_declined",
			msg:      MatchDeclined("ana@example.com", "Ana", "Leads & Learners", "https://holdspace.example/programs/p1"),
			wantText: "A match proposed in Leads & Learners was declined, so some people are\nwaiting for a new match.",
			never:    []string{"declined by", "reason", "because", "who ", "why"},
		},
		{
			name:     "pair_declined",
			msg:      PairDeclined("ben@example.com", "Ben", "Ana", "Leads & Learners"),
			wantText: "Ana can't pair with you in Leads & Learners this time.",
			never:    []string{"declined", "reason", "because", "why"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(tt.msg.Text, tt.wantText) {
				t.Errorf("text body does not contain %q", tt.wantText)
			}
			for _, part := range []struct{ name, body string }{
				{"subject", tt.msg.Subject}, {"text body", tt.msg.Text}, {"HTML body", tt.msg.HTML},
			} {
				for _, w := range tt.never {
					if strings.Contains(strings.ToLower(part.body), w) {
						t.Errorf("%s contains %q", part.name, w)
					}
				}
			}
		})
	}
}
