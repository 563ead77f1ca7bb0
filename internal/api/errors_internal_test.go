package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/go-cmp/cmp"
)

// TestErrorCodesDocumented keeps the code enum in the document in step with
// the codes the API answers with.
func TestErrorCodesDocumented(t *testing.T) {
	a := New(Deps{})
	schema := a.OpenAPI().Components.Schemas.Map()["ErrorBody"]
	if schema == nil {
		t.Fatal("no ErrorBody schema")
	}
	var documented []string
	for _, v := range schema.Properties["code"].Enum {
		documented = append(documented, v.(string))
	}
	var used []string
	for _, c := range codes {
		used = append(used, c)
	}
	used = append(used, codeGroundRules, codeStale)
	slices.Sort(documented)
	slices.Sort(used)
	if diff := cmp.Diff(used, documented); diff != "" {
		t.Errorf("error codes used (-) and documented (+):\n%s", diff)
	}
}

func TestFromHumaFieldNames(t *testing.T) {
	tests := []struct {
		loc, msg    string
		field, want string
	}{
		{"body.email", "expected length <= 254", "email", "Use at most 254 characters."},
		{"body", "expected required property password to be present", "password", "This field is required."},
		{"body.extra", "unexpected property", "extra", "This field is unknown; remove it."},
		{"query.limit", "expected number >= 1", "limit", "Use a number of at least 1."},
		{"path.id", "expected length <= 100", "id", "Use at most 100 characters."},
		{"body.role", `expected value to be one of "member, admin"`, "role", "Choose one of: member, admin."},
		{"body.email", "expected string to be RFC 5322 email: mail: missing '@'", "email", "Enter an email address like name@example.com."},
		{"body.items[2].name", "expected string", "items[2].name", "Use a string."},
		{"body.availability[0]", "expected array length <= 2", "availability[0]", "Use at most 2 items."},
		{"body.availability[1]", "expected array length >= 2", "availability[1]", "Use at least 2 items."},
		{"body.opt_in_opens", "expected string to be RFC 3339 date-time", "opt_in_opens", "Use a date and time such as 2026-03-01T09:00:00Z."},
		{"body", "invalid character 'x'", "", ""},
	}
	for _, tt := range tests {
		field, msg := fieldOf(&huma.ErrorDetail{Location: tt.loc, Message: tt.msg})
		if field != tt.field || msg != tt.want {
			t.Errorf("fieldOf(%q, %q) = %q, %q; want %q, %q", tt.loc, tt.msg, field, msg, tt.field, tt.want)
		}
	}
}

func TestSessionCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		a := New(Deps{Secure: secure})
		c := a.sessionCookie("hss_x", 60)
		want := "holdspace_session"
		if secure {
			want = "__Host-holdspace_session"
		}
		if c.Name != want || c.Secure != secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge != 60 {
			t.Errorf("secure=%v: cookie %+v", secure, c)
		}
	}
}

// TestClientGoneNotLogged: an operation that failed because its caller
// went away (its context cancelled, as in "find note: context canceled")
// is logged at debug level, not as an error; a real failure is an error.
func TestClientGoneNotLogged(t *testing.T) {
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := &API{}
	gone, cancel := context.WithCancel(context.WithValue(context.Background(), requestKey{}, &request{log: logger}))
	cancel()
	a.fail(gone, "get-room", fmt.Errorf("find note: %w", gone.Err()))
	if strings.Contains(log.String(), "level=ERROR") || !strings.Contains(log.String(), "level=DEBUG") {
		t.Errorf("an abandoned request is logged as:\n%s", log.String())
	}
	log.Reset()
	a.fail(context.WithValue(context.Background(), requestKey{}, &request{log: logger}), "get-room", errors.New("disk on fire"))
	if !strings.Contains(log.String(), "level=ERROR") {
		t.Errorf("a failure is logged as:\n%s", log.String())
	}
}
