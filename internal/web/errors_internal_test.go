package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/holdspace/holdspace/internal/store/storetest"
)

// TestClientGoneIsNoServerError: a request whose browser went away fails
// with its own context's cancellation (the store says "find note: context
// canceled"). That is logged as an ordinary request, not as a server
// error; a real failure still is one.
func TestClientGoneIsNoServerError(t *testing.T) {
	var log bytes.Buffer
	s, err := NewServer(Deps{DB: storetest.Open(t, storetest.Engines(t)[0].URL(t)), Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	h := s.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cause := r.Context().Err()
		if cause == nil {
			cause = errors.New("disk on fire")
		}
		s.Error(w, r, fmt.Errorf("find note: %w", cause))
	}))

	gone, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/circles/c/meetings/m/room", nil).WithContext(gone))
	if rec.Code != statusClientClosed {
		t.Errorf("an abandoned request answers %d, want %d", rec.Code, statusClientClosed)
	}
	if strings.Contains(log.String(), "level=ERROR") || !strings.Contains(log.String(), "level=INFO msg=request") ||
		!strings.Contains(log.String(), "status=499") {
		t.Errorf("an abandoned request is logged as:\n%s", log.String())
	}

	// A deadline of the server's own is a server error.
	log.Reset()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/circles/c/meetings/m/room", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(log.String(), "level=ERROR") {
		t.Errorf("a failure answers %d and is logged as:\n%s", rec.Code, log.String())
	}
}
