package web

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
)

// Request body limits. A CSV import is the largest thing anyone sends.
const (
	maxBody       = 1 << 20
	maxImportBody = 3 << 20
)

// reqInfo is filled in as a request passes through the middleware, so that
// the one log line written at the end knows who asked.
type reqInfo struct {
	id     string
	userID string
	orgID  string
	// route is the pattern the mux matched. Middleware that derives a new
	// request (identify adds the user) hides the mux's r.Pattern from
	// observe, so the mux reports it here.
	route string
}

type reqInfoKey struct{}

func requestInfo(ctx context.Context) *reqInfo {
	ri, _ := ctx.Value(reqInfoKey{}).(*reqInfo)
	if ri == nil {
		return &reqInfo{}
	}
	return ri
}

// statusWriter records the status code and keeps http.ResponseController
// working through Unwrap.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack hands the connection to a handler that writes its own response
// (a room's event stream, which answers 200), and records that status.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil && w.status == 0 {
		w.status = http.StatusOK
	}
	return conn, rw, err
}

// observe gives each request an id, logs one line when it ends, counts it
// in the metrics, and turns a panic into a 500.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: r.Header.Get("X-Request-Id")}
		if ri.id == "" || len(ri.id) > 64 {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			ri.id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", ri.id)
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, ri))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Logger.Error("panic", "request_id", ri.id, "panic", p)
				if sw.status == 0 {
					http.Error(sw, "Internal Server Error", http.StatusInternalServerError)
				}
			}
			d := time.Since(start)
			route := ri.route
			if route == "" {
				route = "unmatched"
			}
			s.metrics.observe(route, sw.status, d)
			level := slog.LevelInfo
			if sw.status >= 500 {
				level = slog.LevelError
			}
			path := r.URL.Path
			if strings.Contains(route, "{token}") {
				// Secrets in a path stay out of the log.
				path = route
			}
			s.Logger.LogAttrs(r.Context(), level, "request",
				slog.String("request_id", ri.id), slog.String("method", r.Method), slog.String("path", path),
				slog.String("route", route), slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
				slog.Duration("duration", d), slog.String("user_id", ri.userID), slog.String("org_id", ri.orgID),
				slog.String("ip", s.clientIP(r)))
		}()
		next.ServeHTTP(sw, r)
	})
}

// secure sets the security headers and limits request bodies.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.Secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		limit := int64(maxBody)
		if strings.HasPrefix(r.URL.Path, "/people/import") || strings.HasPrefix(r.URL.Path, "/api/v1/people/import") {
			limit = maxImportBody
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// identify finds who is asking; it does not require anyone.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var cookie string
		if c, err := r.Cookie(s.cookie); err == nil {
			cookie = c.Value
		}
		id, err := s.Accounts.Identify(r.Context(), r.Header.Get("Authorization"), cookie)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if id != nil {
			ri := requestInfo(r.Context())
			ri.userID, ri.orgID = id.User.ID, id.User.OrgID
			r = r.WithContext(auth.WithIdentity(r.Context(), id))
		}
		next.ServeHTTP(w, r)
	})
}

// signedIn wraps page handlers that need a signed-in person; others are
// sent to sign in and brought back afterwards.
func (s *Server) signedIn(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.UserFromContext(r.Context()) == nil {
			s.Error(w, r, auth.ErrUnauthenticated)
			return
		}
		h(w, r)
	})
}

// admin wraps page handlers for organisation admins.
func (s *Server) admin(h http.HandlerFunc) http.Handler {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request) {
		if !auth.UserFromContext(r.Context()).IsAdmin() {
			s.Error(w, r, auth.ErrForbidden)
			return
		}
		h(w, r)
	})
}

func (s *Server) clientIP(r *http.Request) string { return ClientIP(s.TrustProxy)(r) }

// ClientIP returns how to find the address that rate limits and logs use:
// the last hop of X-Forwarded-For behind a trusted proxy, else the peer.
func ClientIP(trustProxy bool) func(*http.Request) string {
	return func(r *http.Request) string { return clientIP(r, trustProxy) }
}

func clientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
