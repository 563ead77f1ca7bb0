package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/holdspace/holdspace/internal/fault"
)

// Error is the one shape of every error the API answers with, whether a
// handler, huma's request validation or the router produced it.
type Error struct {
	status  int
	headers http.Header
	Body    ErrorBody `json:"error"`
}

// ErrorBody says what went wrong.
type ErrorBody struct {
	// Code is stable and meant for programs; the enum lists every code in
	// codes, codeGroundRules and codeStale.
	Code string `json:"code" enum:"bad_request,unauthenticated,forbidden,ground_rules_required,not_found,method_not_allowed,not_acceptable,request_timeout,conflict,stale_version,link_invalid,payload_too_large,unsupported_media_type,validation_failed,rate_limited,internal,unavailable" doc:"What went wrong, for programs."`
	// Message is a sentence to show a person. For server errors it is
	// generic; the cause is in the server's log.
	Message string `json:"message" doc:"What went wrong, for people."`
	// Fields has a message per invalid field, keyed by the field's JSON
	// name (or query or path parameter name). CSV imports key problems by
	// line and column, as in "line 3 email".
	Fields map[string]string `json:"fields,omitempty" doc:"A message per invalid field, keyed by its name; for CSV imports by line and column, as in \"line 3 email\"."`
}

// codes maps the statuses the API answers with to error codes.
var codes = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusUnauthorized:          "unauthenticated",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusNotAcceptable:         "not_acceptable",
	http.StatusRequestTimeout:        "request_timeout",
	http.StatusConflict:              "conflict",
	http.StatusGone:                  "link_invalid",
	http.StatusRequestEntityTooLarge: "payload_too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusUnprocessableEntity:   "validation_failed",
	http.StatusTooManyRequests:       "rate_limited",
	http.StatusInternalServerError:   "internal",
	http.StatusServiceUnavailable:    "unavailable",
}

// codeGroundRules refines a 403: the caller is a member of the circle but
// has yet to acknowledge the ground rules in force. Unlike every other
// code it shares its status, because a program can fix this one itself
// (by acknowledging) and must tell it apart from a plain refusal.
const codeGroundRules = "ground_rules_required"

// codeStale refines a 409: the caller sent a change based on a version of
// the meeting room (its state, or its shared note) that someone else has
// changed since. A program tells it apart from other conflicts because
// the fix is mechanical: read the room again and resend with the new
// version, if the change still makes sense.
const codeStale = "stale_version"

// Messages for errors that carry none of their own.
const (
	msgInvalid   = "Some fields are not valid; see fields."
	msgNotFound  = "Not found."
	msgTooLarge  = "The request body is too large."
	msgInternal  = "Something went wrong on our side. It has been logged; try again in a moment."
	msgForbidden = "You do not have access to this."
	msgStale     = "Someone changed the meeting first. Reload the room (GET " + Prefix + "/circles/{id}/meetings/{meeting}/room) " +
		"and send the command again with its version if it still makes sense."
	// The web app sends members to read the rules instead; the API says
	// where they are.
	msgGroundRules = "Acknowledge this circle's ground rules first: read them at GET " + Prefix + "/circles/{id}/ground-rules, " +
		"then send their version to POST " + Prefix + "/circles/{id}/ground-rules/acknowledge."
)

// Error returns the message.
func (e *Error) Error() string { return e.Body.Message }

// GetStatus returns the HTTP status; huma calls it.
func (e *Error) GetStatus() int { return e.status }

// GetHeaders returns headers to send with the error, such as Retry-After;
// huma calls it.
func (e *Error) GetHeaders() http.Header { return e.headers }

// newError builds an error. A status without a code of its own becomes 400,
// or 500 for server errors.
func newError(status int, message string, fields map[string]string) *Error {
	code, ok := codes[status]
	switch {
	case ok:
	case status >= 500 || status < 400:
		status, code = http.StatusInternalServerError, codes[http.StatusInternalServerError]
	default:
		status, code = http.StatusBadRequest, codes[http.StatusBadRequest]
	}
	if len(fields) == 0 {
		fields = nil
	}
	return &Error{status: status, Body: ErrorBody{Code: code, Message: message, Fields: fields}}
}

// writeError answers with e outside huma: for unknown routes and refused
// callers.
func writeError(w http.ResponseWriter, e *Error) {
	for k, vs := range e.headers {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	b, err := json.Marshal(e)
	if err != nil {
		b = []byte(`{"error":{"code":"internal","message":"` + msgInternal + `"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_, _ = w.Write(append(b, '\n'))
}

// answer is how the API answers one kind of error.
type answer struct {
	status int
	// code refines the status's code where a program must tell the
	// error apart from others with the same status; "" means the
	// status's code.
	code string
	// message is for errors that carry none of their own; a server
	// error always says it.
	message string
	headers http.Header
}

// answers is the one table from an error's kind to the API's answer. A
// kind it lacks is a server error.
var answers = map[fault.Kind]answer{
	fault.Invalid: {status: http.StatusUnprocessableEntity, message: msgInvalid},
	// Also what anything in another organisation looks like: the answer
	// never tells that it exists.
	fault.NotFound: {status: http.StatusNotFound, message: msgNotFound},
	// A rule of a thing's life, such as consenting twice or moving a
	// meeting that has begun, says its own message.
	fault.Conflict:    {status: http.StatusConflict, message: "This changed at the same time as your request. Reload and try again."},
	fault.Stale:       {status: http.StatusConflict, code: codeStale, message: msgStale},
	fault.Forbidden:   {status: http.StatusForbidden, message: msgForbidden},
	fault.GroundRules: {status: http.StatusForbidden, code: codeGroundRules, message: msgGroundRules},
	fault.Unauthenticated: {status: http.StatusUnauthorized, message: "Sign in to continue.",
		headers: http.Header{"WWW-Authenticate": {`Bearer realm="Holdspace"`}}},
	fault.BadCredentials: {status: http.StatusUnauthorized, message: "That email and password do not match an account.",
		headers: http.Header{"WWW-Authenticate": {`Bearer realm="Holdspace"`}}},
	fault.RateLimited: {status: http.StatusTooManyRequests, message: "Too many attempts; wait a minute and try again.",
		headers: http.Header{"Retry-After": {"60"}}},
	fault.LinkInvalid: {status: http.StatusGone, message: "This link is invalid, already used or expired."},
	fault.TooLarge:    {status: http.StatusRequestEntityTooLarge, message: msgTooLarge},
	fault.Internal:    {status: http.StatusInternalServerError, message: msgInternal},
}

// Status returns the status and code the API answers err with.
func Status(err error) (status int, code string) {
	e := toError(err)
	return e.status, e.Body.Code
}

// toError turns what a handler returned into an answer by the kind of
// error it is, from the one table.
func toError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	kind := fault.KindOf(err)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		kind = fault.TooLarge
	}
	a, ok := answers[kind]
	if !ok {
		a = answers[fault.Internal]
	}
	msg := a.message
	if own := fault.MessageOf(err); own != "" && a.status < 500 {
		msg = own
	}
	var fields map[string]string
	if f, ok := fault.FieldsOf(err); ok && a.status == http.StatusUnprocessableEntity {
		fields = f
	}
	e = newError(a.status, msg, fields)
	if a.code != "" {
		e.Body.Code = a.code
	}
	e.headers = a.headers.Clone()
	return e
}

// fieldNames renames, by operation, the fields a service names after the
// web form's where the request body names them differently.
var fieldNames = map[string]map[string]string{
	"create-topic":    {"topic": "name"},
	"save-reflection": {"reflection": "body"},
	"save-help-note":  {"presenter_id": "presenter"},
}

// fail is the one place that turns what a handler returned into an answer.
// People see a safe message; a server error's cause goes to the log.
func (a *API) fail(ctx context.Context, operation string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	switch e = toError(err); {
	case e.status >= 500 && errors.Is(err, context.Canceled) && errors.Is(ctx.Err(), context.Canceled):
		// The client went away before the answer: nobody's fault, and
		// nobody reads the answer.
		requestFrom(ctx).log.DebugContext(ctx, "client went away", "operation", operation, "err", err)
	case e.status >= 500:
		requestFrom(ctx).log.ErrorContext(ctx, "api error", "operation", operation, "err", err)
	}
	if names := fieldNames[operation]; len(names) > 0 && len(e.Body.Fields) > 0 {
		renamed := make(map[string]string, len(e.Body.Fields))
		for k, v := range e.Body.Fields {
			if to, ok := names[k]; ok {
				k = to
			}
			renamed[k] = v
		}
		e.Body.Fields = renamed
	}
	return e
}

// sentence starts s with a capital letter and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// Huma builds its own errors (for request validation, bodies it cannot
// read, unsupported content types) through these package variables, so
// replacing them is how those errors take the API's shape. They are set once
// here rather than in New because huma offers no per-API hook and New may
// run concurrently in tests.
func init() {
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return fromHuma(status, msg, errs)
	}
	huma.NewErrorWithContext = func(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		e := fromHuma(status, msg, errs)
		if e.status >= 500 {
			op := ""
			if o := ctx.Operation(); o != nil {
				op = o.OperationID
			}
			requestFrom(ctx.Context()).log.ErrorContext(ctx.Context(), "api error", "operation", op,
				"err", fmt.Errorf("%s: %w", msg, errors.Join(errs...)))
		}
		return e
	}
}

// fromHuma turns one of huma's errors into the API's: details that point
// into the request become field messages named like the JSON field.
func fromHuma(status int, msg string, errs []error) *Error {
	fields := map[string]string{}
	var notes []string
	for _, err := range errs {
		var tooBig *http.MaxBytesError
		var d huma.ErrorDetailer
		switch {
		case err == nil:
		case errors.As(err, &tooBig):
			return newError(http.StatusRequestEntityTooLarge, msgTooLarge, nil)
		case errors.As(err, &d):
			detail := d.ErrorDetail()
			if field, message := fieldOf(detail); field != "" {
				if _, dup := fields[field]; !dup {
					fields[field] = message
				}
				continue
			}
			notes = append(notes, detail.Message)
		default:
			notes = append(notes, err.Error())
		}
	}
	switch {
	case status >= 500 || status == 0:
		return newError(http.StatusInternalServerError, msgInternal, nil)
	case status == http.StatusRequestEntityTooLarge:
		return newError(status, msgTooLarge, nil)
	case status == http.StatusUnprocessableEntity && len(fields) > 0:
		return newError(status, msgInvalid, fields)
	case status == http.StatusBadRequest && len(notes) == 0 && msg != "" && msg != "validation failed":
		return newError(status, sentence(msg), fields)
	case status == http.StatusBadRequest:
		return newError(status, "The request body could not be read as JSON. "+sentence(strings.Join(notes, "; ")), fields)
	case status == http.StatusUnsupportedMediaType:
		return newError(status, "Send the request body as application/json.", fields)
	case len(notes) > 0:
		return newError(status, sentence(strings.Join(notes, "; ")), fields)
	}
	return newError(status, sentence(strings.ToLower(http.StatusText(status))), fields)
}

// requiredRE matches huma's message for a missing property, which it
// reports at the enclosing object.
var requiredRE = regexp.MustCompile(`^expected required property (\S+) to be present$`)

// fieldOf names the field a huma error detail is about ("body.email" and
// "query.limit" become "email" and "limit") and says what is wrong in the
// words the rest of Holdspace uses. It returns "" for details about the
// request as a whole, such as JSON that does not parse.
func fieldOf(d *huma.ErrorDetail) (field, message string) {
	loc := d.Location
	for _, p := range []string{"body", "query", "path", "header", "cookie"} {
		if rest, ok := strings.CutPrefix(loc, p); ok && (rest == "" || rest[0] == '.') {
			loc = strings.TrimPrefix(rest, ".")
			break
		}
	}
	if m := requiredRE.FindStringSubmatch(d.Message); m != nil {
		if loc != "" {
			return loc + "." + m[1], "This field is required."
		}
		return m[1], "This field is required."
	}
	if loc == "" {
		return "", ""
	}
	return loc, humanize(d.Message)
}

// humanMessages rewrite huma's validation messages; %s stands for the
// number or list in the original.
var humanMessages = []struct {
	re  *regexp.Regexp
	out string
}{
	{regexp.MustCompile(`^unexpected property$`), "This field is unknown; remove it."},
	{regexp.MustCompile(`^expected length <= (\d+)$`), "Use at most %s characters."},
	{regexp.MustCompile(`^expected length >= (\d+)$`), "Use at least %s characters."},
	{regexp.MustCompile(`^expected number >= (\S+)$`), "Use a number of at least %s."},
	{regexp.MustCompile(`^expected number <= (\S+)$`), "Use a number of at most %s."},
	{regexp.MustCompile(`^expected value to be one of "(.*)"$`), "Choose one of: %s."},
	{regexp.MustCompile(`^expected string to be RFC 5322 email`), "Enter an email address like name@example.com."},
	{regexp.MustCompile(`^expected string$`), "Use a string."},
	{regexp.MustCompile(`^expected (integer|number)$|^invalid integer$`), "Use a whole number."},
	{regexp.MustCompile(`^expected boolean$|^invalid boolean$`), "Use true or false."},
	{regexp.MustCompile(`^expected object$`), "Use an object."},
	{regexp.MustCompile(`^expected array$`), "Use a list."},
	{regexp.MustCompile(`^expected array length <= (\d+)$`), "Use at most %s items."},
	{regexp.MustCompile(`^expected array length >= (\d+)$`), "Use at least %s items."},
	{regexp.MustCompile(`^expected string to be RFC 3339 date-time$`), "Use a date and time such as 2026-03-01T09:00:00Z."},
}

func humanize(msg string) string {
	for _, h := range humanMessages {
		if m := h.re.FindStringSubmatch(msg); m != nil {
			if strings.Contains(h.out, "%s") && len(m) > 1 {
				return fmt.Sprintf(h.out, m[1])
			}
			return h.out
		}
	}
	return sentence(msg)
}
