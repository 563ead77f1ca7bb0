package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestMessageValidate(t *testing.T) {
	valid := Message{To: "ana@example.com", Subject: "Hello", Text: "Hello.\n"}
	tests := []struct {
		name    string
		edit    func(*Message)
		wantErr string
	}{
		{name: "valid", edit: func(*Message) {}},
		{name: "calendar method", edit: func(m *Message) { m.Calendar, m.CalendarMethod = []byte("BEGIN:VCALENDAR"), "CANCEL" }},
		{name: "no recipient", edit: func(m *Message) { m.To = "" }, wantErr: "to is required"},
		{name: "recipient with name", edit: func(m *Message) { m.To = "Ana <ana@example.com>" }, wantErr: "not a bare email address"},
		{name: "recipient not an address", edit: func(m *Message) { m.To = "ana" }, wantErr: "not a bare email address"},
		{name: "name with line break", edit: func(m *Message) { m.ToName = "Ana\r\nBcc: eve@example.com" }, wantErr: "line break"},
		{name: "no subject", edit: func(m *Message) { m.Subject = " " }, wantErr: "subject is required"},
		{name: "subject with line break", edit: func(m *Message) { m.Subject = "Hi\nBcc: eve@example.com" }, wantErr: "line break"},
		{name: "no text", edit: func(m *Message) { m.Text, m.HTML = "", "<p>Hi</p>" }, wantErr: "text body is required"},
		{name: "bad calendar method", edit: func(m *Message) { m.CalendarMethod = "REQUEST\r\nX: y" }, wantErr: "calendar method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid
			tt.edit(&m)
			err := m.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestMessageJSON guards the field names that queued jobs are stored with.
func TestMessageJSON(t *testing.T) {
	m := Message{To: "ana@example.com", ToName: "Ana", Subject: "S", Text: "T", HTML: "H", Calendar: []byte("C"), CalendarMethod: "REQUEST"}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"to":"ana@example.com","to_name":"Ana","subject":"S","text":"T","html":"H","calendar":"Qw==","calendar_method":"REQUEST"}`
	if string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	var back Message
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestLog(t *testing.T) {
	var buf bytes.Buffer
	l := NewLog(&buf)
	m := PasswordReset("ana@example.com", "Ana", "https://holdspace.example/password/reset?token=xyz")
	if err := l.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	for _, want := range []string{
		"----- BEGIN EMAIL (not sent: HOLDSPACE_SMTP_URL is unset) -----\n",
		"To: Ana <ana@example.com>\n",
		"Subject: Reset your Holdspace password\n",
		"\nhttps://holdspace.example/password/reset?token=xyz\n",
		"----- END EMAIL -----\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log does not contain %q:\n%s", want, got)
		}
	}
	if !strings.HasSuffix(got, "Holdspace, peer coaching at work\n----- END EMAIL -----\n") {
		t.Errorf("log does not end with the text body and the end marker:\n%s", got)
	}
}

func TestLogConcurrentBlocksDoNotInterleave(t *testing.T) {
	var buf bytes.Buffer
	l := NewLog(&buf)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			m := Message{To: "ana@example.com", Subject: fmt.Sprint("n", i), Text: strings.Repeat("line\n", 50)}
			if err := l.Send(context.Background(), m); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	blocks := strings.Split(buf.String(), "----- END EMAIL -----\n")
	if len(blocks) != 21 {
		t.Fatalf("got %d blocks, want 20", len(blocks)-1)
	}
	for _, b := range blocks[:20] {
		if strings.Count(b, "BEGIN EMAIL") != 1 || strings.Count(b, "line\n") != 50 {
			t.Fatalf("interleaved block:\n%s", b)
		}
	}
}

func TestOutbox(t *testing.T) {
	var o Outbox
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	first := Message{To: "ana@example.com", Subject: "First", Text: "1"}
	if err := o.Send(ctx, first); err != nil {
		t.Fatal(err)
	}

	// A message sent before the call is found at once.
	got, err := o.WaitFor(ctx, func(m Message) bool { return m.Subject == "First" })
	if err != nil || got.Subject != "First" {
		t.Fatalf("WaitFor(First) = %+v, %v", got, err)
	}

	// A message sent after the call is waited for.
	done := make(chan Message)
	go func() {
		m, err := o.WaitFor(ctx, func(m Message) bool { return m.To == "ben@example.com" })
		if err != nil {
			t.Error(err)
		}
		done <- m
	}()
	for _, m := range []Message{
		{To: "ana@example.com", Subject: "Second", Text: "2"},
		{To: "ben@example.com", Subject: "Third", Text: "3"},
	} {
		if err := o.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if m := <-done; m.Subject != "Third" {
		t.Errorf("WaitFor(ben) = %q, want Third", m.Subject)
	}

	var subjects []string
	for _, m := range o.Messages() {
		subjects = append(subjects, m.Subject)
	}
	if diff := cmp.Diff([]string{"First", "Second", "Third"}, subjects); diff != "" {
		t.Errorf("Messages (-want +got):\n%s", diff)
	}

	short, cancelShort := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancelShort()
	if _, err := o.WaitFor(short, func(Message) bool { return false }); err == nil {
		t.Error("WaitFor with no match returned no error")
	}

	if err := o.Send(ctx, Message{To: "not an address", Subject: "x", Text: "x"}); err == nil {
		t.Error("Send of an invalid message succeeded")
	}
}
