package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserEmailsAccessible opens the HTML of every email Holdspace
// sends, as the mail package's golden files hold it, at a desk in the
// light scheme and on a phone in the dark one: axe checks each, as it
// checks every page.
func TestBrowserEmailsAccessible(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "internal", "mail", "testdata", "*.html.golden"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no emails to open: %v", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(filepath.Join("..", "..", "internal", "mail", "testdata", filepath.Base(r.URL.Path)+".html.golden"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	ctx := browser(t)
	for _, view := range []struct {
		w, h   int64
		scheme string
	}{{1280, 860, "light"}, {390, 844, "dark"}} {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: view.scheme}}})
		must(t, err)
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(view.w, view.h)))
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".html.golden")
			must(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+name)))
			checkPage(t, ctx)
		}
	}
}
