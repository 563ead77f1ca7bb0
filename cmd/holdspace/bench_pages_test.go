package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchPages runs the whole benchmark on a small organisation for a
// moment per page, profiling each: every page must answer 200 for it to
// finish.
func TestBenchPages(t *testing.T) {
	if testing.Short() {
		t.Skip("loads two organisations and drives every page")
	}
	dir := t.TempDir()
	var out bytes.Buffer
	err := run(context.Background(), []string{"bench", "pages", "--people", "60", "--circles", "8", "--conns", "2",
		"--duration", "30ms", "--warmup", "0s", "--cpuprofile", dir}, func(string) string { return "" }, nil, &out, io.Discard)
	if err != nil {
		t.Fatalf("bench pages: %v\n%s", err, out.String())
	}
	for _, want := range []string{"## SQLite", "| bare net/http handler | 43 |", "| home | 43 |", "| home | 103 |", "| org-chart | 103 |",
		"| room-running | 103 |", "| api-people | 103 |", "| api-circles | 103 |", "Targets met: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}
	for _, name := range []string{"sqlite-43-circle.pprof", "sqlite-103-round-review.pprof"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("profile %s: %v", name, err)
		}
	}
}
