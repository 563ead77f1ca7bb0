// Package mail sends Holdspace's email: the messages themselves (built from
// templates embedded in the binary) and the senders that deliver them, over
// SMTP in production, to a log when no mail server is configured, and to an
// in-memory outbox in tests.
//
// Sending is never done on a request path: callers queue a Message (see
// package queue) and a worker hands it to a Sender, so a mail server that is
// down delays mail and loses none.
package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"strings"
	"sync"
)

// Message is one email to one person. It is stored as JSON in the job queue,
// so its fields carry stable JSON names.
type Message struct {
	// To is the recipient's bare address ("ana@example.com"); the display
	// name goes in ToName.
	To     string `json:"to"`
	ToName string `json:"to_name,omitempty"`

	Subject string `json:"subject"`

	// Text is the plain-text body. It is required: every email must read
	// well in a client that shows no HTML.
	Text string `json:"text"`
	// HTML is an optional HTML alternative to Text.
	HTML string `json:"html,omitempty"`

	// Calendar is an optional iCalendar object (an invitation to a
	// meeting), sent both as a text/calendar alternative that mail clients
	// turn into an invitation and as an invite.ics attachment.
	Calendar []byte `json:"calendar,omitempty"`
	// CalendarMethod is the iTIP method of Calendar, e.g. "REQUEST" or
	// "CANCEL"; it must match the METHOD inside Calendar. Empty means
	// "REQUEST".
	CalendarMethod string `json:"calendar_method,omitempty"`

	// MessageID, if set, is the local part of the Message-ID header: the
	// same on every attempt to send one message, so that a copy sent again
	// is recognisably the same message. Empty means a random one.
	MessageID string `json:"message_id,omitempty"`
}

// Validate reports what is wrong with m, if anything. A message that fails
// validation can never be sent, so it is not worth retrying.
func (m Message) Validate() error {
	var errs []error
	if m.To == "" {
		errs = append(errs, errors.New("to is required"))
	} else if addr, err := netmail.ParseAddress(m.To); err != nil || addr.Name != "" || addr.Address != m.To {
		errs = append(errs, fmt.Errorf("to %q is not a bare email address", m.To))
	}
	if strings.ContainsAny(m.ToName, "\r\n") {
		errs = append(errs, errors.New("to name contains a line break"))
	}
	if strings.TrimSpace(m.Subject) == "" {
		errs = append(errs, errors.New("subject is required"))
	} else if strings.ContainsAny(m.Subject, "\r\n") {
		errs = append(errs, errors.New("subject contains a line break"))
	}
	if strings.TrimSpace(m.Text) == "" {
		errs = append(errs, errors.New("text body is required"))
	}
	if m.CalendarMethod != "" && !isToken(m.CalendarMethod) {
		errs = append(errs, fmt.Errorf("calendar method %q is not a token like REQUEST", m.CalendarMethod))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid message: %w", err)
	}
	return nil
}

// calendarMethod returns the iTIP method for the calendar part.
func (m Message) calendarMethod() string {
	if m.CalendarMethod == "" {
		return "REQUEST"
	}
	return strings.ToUpper(m.CalendarMethod)
}

// isToken reports whether s is a non-empty run of ASCII letters and dashes,
// which is all an iTIP method needs and keeps it safe in a header.
func isToken(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return false
		}
	}
	return s != ""
}

// Sender delivers a Message. An error means the message was not accepted
// and may be retried.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Log is a Sender for running Holdspace without a mail server: it writes
// each message to W as one clearly marked, human-readable block, so that a
// developer can follow the confirmation link from the terminal. It sends
// nothing. It is safe for concurrent use.
type Log struct {
	mu sync.Mutex
	w  io.Writer
}

// NewLog returns a Log that writes to w, usually standard error.
func NewLog(w io.Writer) *Log {
	return &Log{w: w}
}

// Send writes m to the log.
func (l *Log) Send(_ context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("----- BEGIN EMAIL (not sent: HOLDSPACE_SMTP_URL is unset) -----\n")
	to := m.To
	if m.ToName != "" {
		to = m.ToName + " <" + m.To + ">"
	}
	fmt.Fprintf(&b, "To: %s\n", to)
	fmt.Fprintf(&b, "Subject: %s\n", m.Subject)
	if len(m.Calendar) > 0 {
		fmt.Fprintf(&b, "Calendar: %s, %d bytes\n", m.calendarMethod(), len(m.Calendar))
	}
	b.WriteString("\n")
	b.WriteString(strings.TrimRight(m.Text, "\n"))
	b.WriteString("\n----- END EMAIL -----\n")

	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := io.WriteString(l.w, b.String()); err != nil {
		return fmt.Errorf("write email to log: %w", err)
	}
	return nil
}

// Outbox is a Sender for tests: it records every message in memory. It is
// safe for concurrent use. The zero value is ready to use.
type Outbox struct {
	mu       sync.Mutex
	messages []Message
	changed  chan struct{} // closed and replaced on every Send
}

// Send records m.
func (o *Outbox) Send(_ context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.messages = append(o.messages, m)
	if o.changed != nil {
		close(o.changed)
		o.changed = nil
	}
	return nil
}

// Messages returns a copy of the messages sent so far, oldest first.
func (o *Outbox) Messages() []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]Message(nil), o.messages...)
}

// WaitFor returns the first message, sent before or after the call, for
// which match returns true. It waits until such a message is sent or ctx is
// done.
func (o *Outbox) WaitFor(ctx context.Context, match func(Message) bool) (Message, error) {
	seen := 0
	for {
		o.mu.Lock()
		for _, m := range o.messages[seen:] {
			if match(m) {
				o.mu.Unlock()
				return m, nil
			}
		}
		seen = len(o.messages)
		if o.changed == nil {
			o.changed = make(chan struct{})
		}
		changed := o.changed
		o.mu.Unlock()

		select {
		case <-changed:
		case <-ctx.Done():
			return Message{}, fmt.Errorf("wait for email: %w", ctx.Err())
		}
	}
}
