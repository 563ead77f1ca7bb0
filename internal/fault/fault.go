// Package fault is Holdspace's one error type: every error a domain or
// service package returns on purpose is, or wraps, a *fault.Error, and each
// transport answers it by its Kind from one table. Anything else is a
// server error. It imports nothing of Holdspace's, so every package may
// use it.
package fault

import (
	"errors"
	"sort"
	"strings"
)

// Kind says what went wrong, in terms a transport turns into a status.
type Kind uint8

// The kinds. The zero Kind is Internal, so an error that is not a fault is
// a server error.
const (
	// Internal: a fault on our side; people see a generic message and the
	// cause goes to the log.
	Internal Kind = iota
	// Invalid: the request is wrong in ways Fields name, one message per
	// field.
	Invalid
	// NotFound: there is no such thing, or it belongs to someone the
	// caller may not know about.
	NotFound
	// Conflict: the thing as it stands does not allow the request (a rule
	// of its life), or it changed at the same time.
	Conflict
	// Stale: the request was based on a version someone else has changed
	// since; reading again and resending fixes it.
	Stale
	// Forbidden: the caller may not do this.
	Forbidden
	// GroundRules: a member has yet to acknowledge the ground rules in
	// force, and acknowledging them fixes it.
	GroundRules
	// Unauthenticated: nobody is signed in.
	Unauthenticated
	// BadCredentials: a sign-in with an email and password that do not
	// match.
	BadCredentials
	// RateLimited: too many attempts in a short time.
	RateLimited
	// LinkInvalid: a link from an email that is used, expired or replaced.
	LinkInvalid
	// TooLarge: a request body over the limit.
	TooLarge
)

// Kinds lists every kind, for tests that check a transport answers each.
var Kinds = []Kind{Internal, Invalid, NotFound, Conflict, Stale, Forbidden, GroundRules, Unauthenticated,
	BadCredentials, RateLimited, LinkInvalid, TooLarge}

var kindNames = [...]string{
	Internal: "internal", Invalid: "invalid", NotFound: "not found", Conflict: "conflict", Stale: "stale",
	Forbidden: "forbidden", GroundRules: "ground rules", Unauthenticated: "unauthenticated",
	BadCredentials: "bad credentials", RateLimited: "rate limited", LinkInvalid: "link invalid", TooLarge: "too large",
}

// String names the kind, for logs and test failures.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Error is an error with a kind, a message that is safe to show a person,
// and per-field messages.
type Error struct {
	Kind Kind
	// Message is written for the person who made the request. When it is
	// empty, the transport says what its table says for the Kind.
	Message string
	// Fields has a message per invalid field, keyed by the field's name.
	Fields map[string]string
	// Err is the cause, if any; it is for the log and for errors.Is.
	Err error
}

// Error describes e for the log.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" && len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + e.Fields[k]
		}
		msg = "invalid input: " + strings.Join(parts, "; ")
	}
	if msg == "" {
		msg = e.Kind.String()
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error of kind with a message for people.
func New(kind Kind, message string) *Error { return &Error{Kind: kind, Message: message} }

// Wrap returns an error of kind with a message for people whose cause is
// err: errors.Is finds err, and the log shows it.
func Wrap(kind Kind, message string, err error) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// Fields returns an Invalid error with a message per field.
func Fields(fields map[string]string) *Error { return &Error{Kind: Invalid, Fields: fields} }

// Field returns an Invalid error with one field's message.
func Field(field, message string) *Error { return Fields(map[string]string{field: message}) }

// As returns the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// KindOf returns the kind of the first *Error in err's chain, or Internal
// when there is none.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return Internal
}

// MessageOf returns the message of the first *Error in err's chain that has
// one, or "".
func MessageOf(err error) string {
	for err != nil {
		if e, ok := As(err); ok {
			if e.Message != "" {
				return e.Message
			}
			err = e.Err
			continue
		}
		return ""
	}
	return ""
}

// FieldsOf returns the field messages of the first Invalid *Error in err's
// chain, and whether there is one.
func FieldsOf(err error) (map[string]string, bool) {
	e, ok := As(err)
	if !ok || e.Kind != Invalid {
		return nil, false
	}
	return e.Fields, true
}
