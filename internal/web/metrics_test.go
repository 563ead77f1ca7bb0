package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/service"
	"github.com/holdspace/holdspace/internal/service/accounts"
	"github.com/holdspace/holdspace/internal/store/storetest"
	"github.com/holdspace/holdspace/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

func TestMetricsAccess(t *testing.T) {
	const token = "0123456789abcdef0123"
	tests := []struct {
		name     string
		token    string // configured
		separate bool   // asked of the handler of a separate address
		header   string
		want     int
	}{
		{"main address, no token configured", "", false, "", 404},
		{"main address, no token configured, a guess", "", false, "Bearer anything", 404},
		{"main address, no token sent", token, false, "", 401},
		{"main address, wrong token", token, false, "Bearer 0123456789abcdef0124", 401},
		{"main address, a prefix of the token", token, false, "Bearer 0123456789", 401},
		{"main address, not a bearer", token, false, "Basic " + token, 401},
		{"main address, the token", token, false, "Bearer " + token, 200},
		{"own address without a token configured", "", true, "", 200},
		{"own address, token configured, none sent", token, true, "", 401},
		{"own address, the token", token, true, "Bearer " + token, 200},
	}
	db := storetest.Open(t, storetest.SQLiteURL(t))
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	base, _ := url.Parse("http://localhost")
	svc := service.New(service.Config{DB: db, BaseURL: base, Logger: logger, Limiter: accounts.NewLimiter(time.Minute, 5)})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := web.NewServer(web.Deps{DB: db, Services: svc, Logger: logger, Registry: prometheus.NewRegistry(), Version: "test",
				MetricsToken: tt.token})
			if err != nil {
				t.Fatal(err)
			}
			var h http.Handler = srv
			if tt.separate {
				h = srv.Metrics()
			}
			req := httptest.NewRequest("GET", "/metrics", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			body := rec.Body.String()
			if tt.want == 200 && !strings.Contains(body, "go_sql_open_connections") {
				t.Errorf("no metrics in the answer:\n%.500s", body)
			}
			if tt.want != 200 && strings.Contains(body, "go_sql_open_connections") {
				t.Error("a refusal carries the metrics")
			}
			if tt.want == 401 && rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("a 401 without WWW-Authenticate")
			}
		})
	}
}
