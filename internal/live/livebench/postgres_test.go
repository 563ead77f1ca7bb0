package livebench

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/store/storetest"
)

func TestRunPostgres(t *testing.T) {
	u := storetest.PostgresURL(t)
	if u == "" {
		t.Skip("HOLDSPACE_TEST_POSTGRES_URL is not set")
	}
	var out bytes.Buffer
	if err := RunPostgres(context.Background(), PostgresConfig{URL: u, Notifications: 50}, &out); err != nil {
		t.Fatalf("RunPostgres: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "| 50 |") {
		t.Errorf("output lacks the row of 50 notifications:\n%s", out.String())
	}
}
