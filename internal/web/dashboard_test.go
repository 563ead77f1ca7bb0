package web_test

import (
	"strings"
	"testing"

	"github.com/holdspace/holdspace/internal/store/storetest"
)

// The dashboard draws a chart with its table for every figure, refuses a
// filter it does not know with the filter drawn again, and gives the same
// figures as a CSV file.
func TestDashboardPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		admin := e.signUp("Acme", "Ada Admin", "ada@acme.test")
		admin.get("/home").expect(t, 200, `href="/dashboard"`)
		r := admin.get("/dashboard")
		r.expect(t, 200, "Program dashboard", "Opt-in rate", "Meetings held against the schedule", "Retention",
			`<svg class="bars"`, `aria-hidden="true"`, "<summary>Table of Attendance</summary>", `<th scope="row">`,
			"Fit check", "No circle has answered", "Not shown: fewer than 5 people across 2 circles", `href="/dashboard.csv?period=6m&amp;program="`)
		if n := strings.Count(r.body, "<figure"); n != 10 {
			t.Errorf("%d charts, want 10", n)
		}

		bad := admin.get("/dashboard?period=5y&program=nope")
		bad.expect(t, 422, "Choose a period of 3m, 6m or 12m", "Choose one of your organisation’s programs", `<select id="period"`)
		if strings.Contains(bad.body, "<figure") {
			t.Error("a refused filter shows figures")
		}

		csv := admin.get("/dashboard.csv?period=3m")
		csv.expect(t, 200, "metric,period,value,unit,note\n", "opt_in_rate,", "pulse_mean,latest closed rounds,,score,", "fit_concerns,first meetings,0,count,", "fit_no_share,closed fit checks,,percent,answers not shown")
		if ct := csv.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("content type %q", ct)
		}
		if cd := csv.header.Get("Content-Disposition"); !strings.Contains(cd, "holdspace-dashboard-all-programs-3m.csv") {
			t.Errorf("content disposition %q", cd)
		}
		admin.get("/dashboard.csv?period=forever").expect(t, 422, "period")
	})
}
