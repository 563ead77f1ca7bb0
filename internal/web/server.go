// Package web serves Holdspace's pages: server-rendered HTML from embedded
// templates, forms that work without JavaScript, and the operational
// endpoints. The JSON API is mounted here from package api.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/live"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/service"
	"github.com/prometheus/client_golang/prometheus"
)

//go:embed templates static
var files embed.FS

// Deps is what the server needs.
type Deps struct {
	// DB is what the operational endpoints ask of the database.
	DB Database
	// Services carry out everything a page does.
	*service.Services
	Logger *slog.Logger
	// API serves /api/v1/.
	API http.Handler
	// Secure marks cookies Secure (the site is served over TLS).
	Secure bool
	// TrustProxy takes client addresses from X-Forwarded-For.
	TrustProxy bool
	// Registry receives the HTTP and database metrics.
	Registry *prometheus.Registry
	// MetricsToken is the bearer token /metrics asks for. Empty, /metrics
	// answers 404 here and is served only by Metrics, on an address of
	// its own: the figures say how busy the instance is and which routes
	// fail, which is nobody's business but the operator's.
	MetricsToken string
	// Version is shown in the footer and /healthz.
	Version string
	// Hub feeds open meeting rooms their live state; nil turns the
	// stream off (pages then update on reload).
	Hub *live.Hub
}

// Database is what the operational endpoints need of the database:
// whether it can serve, for /readyz, and its connection pools, whose
// statistics /metrics reports. *store.DB is one.
type Database interface {
	Ready(ctx context.Context) error
	WriteDB() *sql.DB
	ReadDB() *sql.DB
}

// Server is the HTTP handler of the whole application.
type Server struct {
	Deps
	handler http.Handler
	pages   map[string]*template.Template
	assets  map[string]string // file name → content-hashed path
	cookie  string
	metrics *metrics
	// patterns lists the routes as registered, for Routes.
	patterns []string
}

// NewServer parses the templates, hashes the static files and builds the
// routes. It fails fast on a broken template.
func NewServer(d Deps) (*Server, error) {
	s := &Server{Deps: d, cookie: auth.CookieName(d.Secure)}
	if err := s.loadAssets(); err != nil {
		return nil, err
	}
	if err := s.loadTemplates(); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(d.Registry, d.DB)
	s.handler = s.routes()
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) loadAssets() error {
	s.assets = map[string]string{}
	return fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		s.assets[name] = "/static/" + hex.EncodeToString(sum[:6]) + "/" + name
		return nil
	})
}

// asset returns the content-hashed URL of a static file.
func (s *Server) asset(name string) (string, error) {
	p, ok := s.assets[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return p, nil
}

// handleStatic serves /static/{hash}/{name} with a year-long cache: the
// hash changes whenever the file does.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if s.assets[name] != r.URL.Path {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeFileFS(w, r, files, path.Join("static", name))
}

func (s *Server) loadTemplates() error {
	funcs := template.FuncMap{
		"asset":       s.asset,
		"initials":    initials,
		"possessive":  account.Possessive,
		"firstName":   account.FirstName,
		"date":        date,
		"datetime":    datetime,
		"dateInput":   dateInput,
		"month":       month,
		"add":         func(a, b int) int { return a + b },
		"num":         func(n int) string { return humanize.Comma(int64(n)) },
		"neg":         func(a int) int { return -a },
		"device":      device,
		"has":         slices.Contains[[]string],
		"cell":        cellKey,
		"closingDate": closingDate,
		"statusLabel": statusLabel,
		"answerLabel": answerLabel,
		"promptTitle": promptTitle,
		"roleName":    roleName,
		"pickLabel":   pickLabel,
		"counts":      counts,
		"offersFor":   offersFor,
		"tzdata":      tzData,
		"change": func(circleID string, members []program.Member, m meetingRow) meetingChange {
			return meetingChange{CircleID: circleID, Members: members, Meeting: m}
		},
		"cmd": func(base string, version int64, kind, label, class string) roomCommand {
			return roomCommand{Base: base, Version: version, Kind: kind, Label: label, Class: class}
		},
	}
	base, err := template.New("").Funcs(funcs).ParseFS(files, "templates/layout.html")
	if err != nil {
		return fmt.Errorf("parse layout: %w", err)
	}
	pages, err := fs.Glob(files, "templates/[a-z]*.html")
	if err != nil {
		return err
	}
	s.pages = map[string]*template.Template{}
	for _, p := range pages {
		if p == "templates/layout.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(files, p)
		if err != nil {
			return fmt.Errorf("parse %s: %w", p, err)
		}
		s.pages[strings.TrimSuffix(path.Base(p), ".html")] = t
	}
	return nil
}

// render writes a page, or an error page if the template fails. Output is
// buffered so that a failing template never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.serverError(w, r, fmt.Errorf("no template %q", name))
		return
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
		s.serverError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	if _, err := r.Cookie(flashCookie); err == nil {
		// The page shows the flash message once.
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// pageBuffers hold pages while they render, so that a page is not grown
// into a new buffer, doubling as it goes, on every request.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer bounds what a pooled buffer keeps: a rare huge page
// should not stay in memory.
const maxPooledBuffer = 256 << 10

func putPageBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	pageBuffers.Put(b)
}

// closingDate is the last day of a window that ends at the midnight after
// it (an opt-in, a program); zero stays zero.
func closingDate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(-time.Second)
}

// date writes the day of t in the viewer's zone loc (see Page.Loc).
func date(loc *time.Location, t time.Time) string {
	return inZone(loc, t).Format("2 Jan 2006")
}

// month names t's month in the viewer's zone loc.
func month(loc *time.Location, t time.Time) string {
	return inZone(loc, t).Format("January 2006")
}

// datetime writes t in the viewer's zone loc, naming the zone: a time
// without its zone leaves people guessing whose 16:00 it is.
func datetime(loc *time.Location, t time.Time) string {
	return inZone(loc, t).Format("2 Jan 2006, 15:04 MST")
}

// dateInput is the value of a date input for the day of t in loc.
func dateInput(loc *time.Location, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return inZone(loc, t).Format("2006-01-02")
}

func inZone(loc *time.Location, t time.Time) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc)
}

func initials(name string) string {
	var out []rune
	for _, f := range strings.Fields(name) {
		for _, r := range f {
			out = append(out, r)
			break
		}
		if len(out) == 2 {
			break
		}
	}
	return strings.ToUpper(string(out))
}

// tzMenu is the data of the time-zone menu: the offered zones, with the
// current one included even when it is not among them.
type tzMenu struct {
	Zones   []string
	Current string
}

func tzData(zones []string, current string) tzMenu {
	if current != "" && !slices.Contains(zones, current) {
		zones = append([]string{current}, zones...)
	}
	return tzMenu{Zones: zones, Current: current}
}

func statusLabel(s program.CircleStatus) string {
	switch s {
	case program.Proposed:
		return "draft"
	case program.Pending:
		return "waiting for answers"
	case program.Active:
		return "formed"
	case program.Dissolved:
		return "declined"
	}
	return string(s)
}
