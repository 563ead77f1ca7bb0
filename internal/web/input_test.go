package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/store/storetest"
)

// multipartBody is a form with one uploaded file, as the import page sends.
type multipartBody struct {
	field, filename string
	data            []byte
}

// untypedBody is a request body sent without a Content-Type.
type untypedBody string

func (b *browser) untyped(method, path, body string) result {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.app.url+path, strings.NewReader(body))
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return result{status: res.StatusCode, body: string(raw), ctype: res.Header.Get("Content-Type")}
}

func (b *browser) upload(path string, body multipartBody) result {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile(body.field, body.filename)
	if err != nil {
		b.t.Fatal(err)
	}
	_, _ = fw.Write(body.data)
	mw.Close()
	req, _ := http.NewRequest("POST", b.app.url+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return result{status: res.StatusCode, body: string(raw), ctype: res.Header.Get("Content-Type")}
}

// TestBadTextRefusedAtTheEdge sends text that is not UTF-8, or holds a NUL,
// in every kind of input of several routes, as a party allowed to use
// them, and expects a 400 naming the field and nothing written, on both
// databases (PostgreSQL cannot store a NUL; SQLite would).
func TestBadTextRefusedAtTheEdge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		a := startApp(t, dbURL)
		w := buildWorld(t, a)
		circle := "/circles/" + w.ids["id:circle"]
		checkin := circle + "/meetings/" + w.meeting[0] + "/room/checkin"
		csv := func(bad string) string {
			return "name,email,department,manager_email,level,timezone\nNed " + bad + ",ned@acme.test,Sales,,3,Europe/London\n"
		}
		before := w.snapshot(t)
		tests := []struct {
			name, party, method, path string
			body                      any // url.Values, rawBody (JSON), csvBody, multipartBody or nil
			field                     string
		}{
			{"post, not UTF-8", "member", "POST", circle + "/posts", url.Values{"body": {"Caf\xe9 talk"}}, "body"},
			{"post, NUL", "member", "POST", circle + "/posts", url.Values{"body": {"a\x00b"}}, "body"},
			{"check-in, not UTF-8", "member", "POST", checkin, url.Values{"mood": {"good"}, "wins": {"\xff\xfe"}}, "wins"},
			{"check-in, NUL", "member", "POST", checkin, url.Values{"mood": {"good"}, "wins": {"won\x00"}}, "wins"},
			{"profile name, not UTF-8", "member", "POST", "/profile", url.Values{"name": {"Amy \xc3"}, "timezone": {"Europe/Berlin"}}, "name"},
			{"profile name, NUL", "member", "POST", "/profile", url.Values{"name": {"Amy\x00"}, "timezone": {"Europe/Berlin"}}, "name"},
			{"import pasted, not UTF-8", "admin", "POST", "/people/import", url.Values{"csv": {csv("N\xe9d")}}, "csv"},
			{"import pasted, NUL", "admin", "POST", "/people/import/confirm", url.Values{"csv": {csv("N\x00d")}}, "csv"},
			{"import file, NUL", "admin", "POST", "/people/import", multipartBody{"file", "people.csv", []byte(csv("N\x00d"))}, "file"},
			{"API import, not UTF-8", "admin", "POST", "/api/v1/people/import", csvBody(csv("N\xe9d")), "body"},
			{"API post, not UTF-8", "member", "POST", w.circle("/posts"), rawBody("{\"body\": \"Caf\xe9\"}"), "body"},
			{"API post, escaped NUL", "member", "POST", w.circle("/posts"), rawBody(`{"body": "a\u0000b"}`), "body"},
			{"API opt-in, nested", "member", "PUT", "/api/v1/programs/" + w.ids["id:program"] + "/opt-in",
				rawBody("{\"topics\": [\"Feedback\", \"F\xffx\"], \"goals\": \"g\", \"availability\": []}"), "topics[1]"},
			{"API key, not UTF-8", "member", "POST", w.circle("/posts"), rawBody("{\"b\xffdy\": \"x\"}"), `"b\ufffddy"`},
			{"API post, no content type", "member", "POST", w.circle("/posts"), untypedBody("{\"body\": \"a\xffb\"}"), "body"},
			{"path id, NUL", "member", "GET", "/circles/%00", nil, "id"},
			{"path id, not UTF-8, a form", "member", "POST", "/circles/%FF/posts", url.Values{"body": {"hello"}}, "id"},
			{"API path, NUL", "member", "GET", "/api/v1/circles/%00", nil, "path"},
			{"query, NUL", "admin", "GET", "/people?q=%00", nil, "q"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				b := w.as[tt.party]
				var r result
				if mp, ok := tt.body.(multipartBody); ok {
					r = b.upload(tt.path, mp)
				} else if raw, ok := tt.body.(untypedBody); ok {
					r = b.untyped(tt.method, tt.path, string(raw))
				} else {
					r = b.call(tt.method, tt.path, tt.body)
				}
				if r.status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400: %.500s", r.status, r.body)
				}
				if strings.HasPrefix(tt.path, "/api/") {
					var e struct {
						Error struct {
							Code   string
							Fields map[string]string
						}
					}
					if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error.Code != "bad_request" || e.Error.Fields[tt.field] == "" {
						t.Errorf("the answer does not name %q: %v %s", tt.field, err, r.body)
					}
					return
				}
				if !strings.Contains(r.body, tt.field+": ") || !strings.Contains(r.body, "This contains a NUL") && !strings.Contains(r.body, "This is not UTF-8") {
					t.Errorf("the page does not name %q: %.2000s", tt.field, r.body)
				}
			})
		}
		if after := w.snapshot(t); after != before {
			t.Errorf("bad text changed what is stored:\n%s", diffLines(before, after))
		}
		var me struct{ Name string }
		w.as["member"].must(200, "GET", "/api/v1/me", nil, &me)
		if me.Name != "Amy Member" {
			t.Errorf("the member's name is now %q", me.Name)
		}
		// Good text still goes through the same routes.
		w.as["member"].must(303, "POST", circle+"/posts", url.Values{"body": {"Café talk, ünïcødé and emoji 🌱"}}, nil)
		w.as["member"].must(201, "POST", w.circle("/posts"), map[string]string{"body": "Tab\tand newline\nare fine"}, nil)
	})
}
