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
