package mail

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	gomail "github.com/wneessen/go-mail"

	"github.com/holdspace/holdspace/internal/mail/mailtest"
)

func TestSMTPSend(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Config{})
	s, err := NewSMTP("smtp://"+srv.Addr, "Holdspace <no-reply@holdspace.example>")
	if err != nil {
		t.Fatal(err)
	}
	calendar := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
	m := Message{
		To:       "ana@example.com",
		ToName:   "Ana Müller",
		Subject:  "Your circle meets on Tuesday – bring a question",
		Text:     "Hi Ana,\n\nSee you on Tuesday.\n",
		HTML:     "<p>Hi Ana,</p><p>See you on Tuesday.</p>",
		Calendar: []byte(calendar),
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := srv.Wait(t, 1, 5*time.Second)[0]
	if diff := cmp.Diff([]string{"ana@example.com"}, got.To); diff != "" {
		t.Errorf("envelope recipients (-want +got):\n%s", diff)
	}
	if got.From != "no-reply@holdspace.example" {
		t.Errorf("envelope sender = %q, want no-reply@holdspace.example", got.From)
	}
	if from, err := got.Header.AddressList("From"); err != nil || len(from) != 1 || from[0].Name != "Holdspace" || from[0].Address != "no-reply@holdspace.example" {
		t.Errorf("From = %q (%v), want Holdspace <no-reply@holdspace.example>", got.Header.Get("From"), err)
	}
	if to, err := got.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Name != "Ana Müller" || to[0].Address != "ana@example.com" {
		t.Errorf("To = %q (%v), want Ana Müller <ana@example.com>", got.Header.Get("To"), err)
	}
	if got.Subject != m.Subject {
		t.Errorf("Subject = %q, want %q", got.Subject, m.Subject)
	}
	if got.Text != m.Text {
		t.Errorf("text body = %q, want %q", got.Text, m.Text)
	}
	if got.HTML != m.HTML {
		t.Errorf("HTML body = %q, want %q", got.HTML, m.HTML)
	}
	if got.Header.Get("Message-Id") == "" || !strings.HasSuffix(got.Header.Get("Message-Id"), "@holdspace.example>") {
		t.Errorf("Message-ID = %q, want one at the From domain", got.Header.Get("Message-Id"))
	}
	if got.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted = %q, want auto-generated", got.Header.Get("Auto-Submitted"))
	}

	var alternative, attachment *mailtest.Part
	for i, p := range got.Parts {
		switch {
		case strings.HasPrefix(p.ContentType, "text/calendar"):
			alternative = &got.Parts[i]
		case strings.HasPrefix(p.Disposition, "attachment"):
			attachment = &got.Parts[i]
		}
	}
	if alternative == nil {
		t.Fatalf("no text/calendar part among %d parts", len(got.Parts))
	}
	if want := "text/calendar; method=REQUEST; charset=UTF-8"; alternative.ContentType != want {
		t.Errorf("calendar part Content-Type = %q, want %q", alternative.ContentType, want)
	}
	if string(alternative.Body) != calendar {
		t.Errorf("calendar part = %q, want %q", alternative.Body, calendar)
	}
	if attachment == nil {
		t.Fatal("no invite.ics attachment")
	}
	if !strings.HasPrefix(attachment.ContentType, "application/ics") || !strings.Contains(attachment.Disposition, "invite.ics") {
		t.Errorf("attachment = %q, %q; want application/ics named invite.ics", attachment.ContentType, attachment.Disposition)
	}
	if string(attachment.Body) != calendar {
		t.Errorf("attachment = %q, want %q", attachment.Body, calendar)
	}
}

func TestSMTPSendTextOnly(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Config{})
	s, err := NewSMTP("smtp://"+srv.Addr+"?tls=none", "no-reply@holdspace.example")
	if err != nil {
		t.Fatal(err)
	}
	m := Message{To: "ana@example.com", Subject: "Hello", Text: "Just text.\n"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if len(got.Parts) != 1 || !strings.HasPrefix(got.Parts[0].ContentType, "text/plain") || got.Text != m.Text {
		t.Errorf("got parts %+v, want a single text/plain part %q", got.Parts, m.Text)
	}
}

func TestSMTPSendSTARTTLSWithAuth(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Config{TLS: true, Username: "holdspace", Password: "p@ss:w/rd"})
	s, err := NewSMTP("smtp://holdspace:p%40ss%3Aw%2Frd@"+srv.Addr+"?tls=required", "no-reply@holdspace.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.setTLSConfig(&tls.Config{RootCAs: srv.RootCAs(), ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}); err != nil {
		t.Fatal(err)
	}
	m := Message{To: "ben@example.com", Subject: "Over TLS", Text: "Encrypted and authenticated.\n"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Wait(t, 1, 5*time.Second)[0]; got.Subject != m.Subject || got.Text != m.Text {
		t.Errorf("got %q / %q, want %q / %q", got.Subject, got.Text, m.Subject, m.Text)
	}
}

func TestSMTPSendFails(t *testing.T) {
	m := Message{To: "ana@example.com", Subject: "Hello", Text: "Hello.\n"}
	tests := []struct {
		name  string
		cfg   mailtest.Config
		url   func(addr string) string
		trust bool
	}{
		{
			name:  "wrong password",
			cfg:   mailtest.Config{TLS: true, Username: "holdspace", Password: "right"},
			url:   func(addr string) string { return "smtp://holdspace:wrong-secret@" + addr },
			trust: true,
		},
		{
			// AUTH PLAIN would put the password on the wire in clear text.
			name: "no plain-text auth without TLS",
			cfg:  mailtest.Config{Username: "holdspace", Password: "wrong-secret"},
			url:  func(addr string) string { return "smtp://holdspace:wrong-secret@" + addr },
		},
		{
			name: "tls required but not offered",
			url:  func(addr string) string { return "smtp://" + addr + "?tls=required" },
		},
		{
			name: "untrusted certificate",
			cfg:  mailtest.Config{TLS: true},
			url:  func(addr string) string { return "smtp://" + addr },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailtest.Start(t, tt.cfg)
			s, err := NewSMTP(tt.url(srv.Addr), "no-reply@holdspace.example")
			if err != nil {
				t.Fatal(err)
			}
			if tt.trust {
				if err := s.setTLSConfig(&tls.Config{RootCAs: srv.RootCAs(), ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}); err != nil {
					t.Fatal(err)
				}
			}
			err = s.Send(context.Background(), m)
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q contains the password", err)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server received %d messages, want 0", n)
			}
		})
	}
}

func TestSMTPServerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	s, err := NewSMTP("smtp://"+addr, "no-reply@holdspace.example")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), Message{To: "ana@example.com", Subject: "Hello", Text: "Hello.\n"})
	if err == nil {
		t.Fatal("Send succeeded with no server, want an error")
	}
}

func TestSMTPSendInvalidMessage(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Config{})
	s, err := NewSMTP("smtp://"+srv.Addr, "no-reply@holdspace.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), Message{To: "ana@example.com", Subject: "No body"}); err == nil {
		t.Error("Send of a message without text succeeded, want an error")
	}
}

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		url     string
		want    smtpConfig
		wantErr string // a substring of the error; empty means success
	}{
		{url: "smtp://mail.example.com", want: smtpConfig{host: "mail.example.com", port: 587, tlsPolicy: gomail.TLSOpportunistic}},
		{url: "smtp://mail.example.com/", want: smtpConfig{host: "mail.example.com", port: 587, tlsPolicy: gomail.TLSOpportunistic}},
		{url: "smtp://mail.example.com:2525?tls=required", want: smtpConfig{host: "mail.example.com", port: 2525, tlsPolicy: gomail.TLSMandatory}},
		{url: "smtp://localhost:25?tls=none", want: smtpConfig{host: "localhost", port: 25, tlsPolicy: gomail.NoTLS}},
		{url: "smtps://mail.example.com", want: smtpConfig{host: "mail.example.com", port: 465, implicitTLS: true}},
		{url: "smtps://mail.example.com:1465?tls=required", want: smtpConfig{host: "mail.example.com", port: 1465, implicitTLS: true}},
		{
			url:  "smtp://apikey:s%40cr%2Fet%3F@smtp.example.com:587",
			want: smtpConfig{host: "smtp.example.com", port: 587, tlsPolicy: gomail.TLSOpportunistic, user: "apikey", password: "s@cr/et?"},
		},
		{url: "smtp://user%40example.com@127.0.0.1:25", want: smtpConfig{host: "127.0.0.1", port: 25, tlsPolicy: gomail.TLSOpportunistic, user: "user@example.com"}},

		{url: "", wantErr: "empty"},
		{url: "mail.example.com:587", wantErr: "scheme"},
		{url: "http://mail.example.com", wantErr: `unsupported scheme "http"`},
		{url: "smtp:mail.example.com", wantErr: "want smtp://host"},
		{url: "smtp://", wantErr: "missing host"},
		{url: "smtp://:587", wantErr: "missing host"},
		{url: "smtp://mail.example.com:0", wantErr: "invalid port"},
		{url: "smtp://mail.example.com:70000", wantErr: "invalid port"},
		{url: "smtp://mail.example.com:smtp", wantErr: "check the port"},
		{url: "smtp://mail.example.com/relay", wantErr: "unexpected path"},
		{url: "smtp://[::1]:25", wantErr: "IPv6"},
		{url: "smtp://mail.example.com?tls=maybe", wantErr: `invalid tls="maybe"`},
		{url: "smtp://mail.example.com?tls=none&tls=required", wantErr: "more than once"},
		{url: "smtp://mail.example.com?starttls=1", wantErr: `unknown option "starttls"`},
		{url: "smtps://mail.example.com?tls=none", wantErr: "contradicts smtps"},
		{url: "smtp://:secret@mail.example.com", wantErr: "without a user"},
		// Unencoded special characters in a password must not leak into
		// the error message.
		{url: "smtp://user:sec#ret@mail.example.com", wantErr: "percent-encode"},
		{url: "smtp://user:sec/ret@mail.example.com", wantErr: "percent-encode"},
		{url: "smtp://user:sec%zzret@mail.example.com", wantErr: "percent-encode"},
		{url: "smtp://user:secret@mail.example.com:99999", wantErr: "invalid port"},
		{url: "smtp://user:secret@mail.example.com?x=1", wantErr: "unknown option"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := parseSMTPURL(tt.url)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("parseSMTPURL(%q) = %+v, want an error containing %q", tt.url, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "sec") {
					t.Errorf("error %q contains (part of) the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseSMTPURL(%q): %v", tt.url, err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(smtpConfig{})); diff != "" {
				t.Errorf("parseSMTPURL(%q) (-want +got):\n%s", tt.url, diff)
			}
		})
	}
}

func TestNewSMTPFrom(t *testing.T) {
	tests := []struct {
		from    string
		wantErr bool
	}{
		{from: "no-reply@example.com"},
		{from: "Holdspace <no-reply@example.com>"},
		{from: `"Holdspace, Acme" <no-reply@example.com>`},
		{from: "", wantErr: true},
		{from: "no-reply", wantErr: true},
		{from: "Holdspace <no-reply@example.com", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			_, err := NewSMTP("smtp://user:secret@mail.example.com", tt.from)
			if (err != nil) != tt.wantErr {
				t.Fatalf("NewSMTP(from %q) error = %v, want error %v", tt.from, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q contains the password", err)
			}
		})
	}
}
