package api_test

import (
	"net/http"
	"testing"

	"github.com/holdspace/holdspace/internal/api"
)

// Through the API: the admin reads the dashboard as counts by month for a
// program and period, an unknown period or program is refused naming it,
// and a member is forbidden.
func TestDashboard(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		var d api.Dashboard
		w.adminAPI.do(t, "GET", "/api/v1/dashboard?program="+w.program+"&period=3m", nil).want(t, http.StatusOK, reset(&d))
		if d.Program == nil || *d.Program != w.program || d.Period != "3m" || len(d.Months) != 3 || len(d.Metrics) != 10 || d.Pulse != nil || d.Fit.Pool != nil || d.Fit.Concerns != 0 {
			t.Errorf("dashboard %+v", d)
		}
		for _, m := range d.Metrics {
			for _, s := range m.Series {
				if len(s.Values) != 3 {
					t.Errorf("%s has %d values, want one per month", s.Key, len(s.Values))
				}
			}
		}
		var circles *float64
		for _, m := range d.Metrics {
			if m.Key == "circles" {
				circles = m.Series[0].Values[2]
			}
		}
		if circles == nil || *circles != 1 {
			t.Errorf("active circles this month: %v, want 1", circles)
		}
		if f := errorFields(t, w.adminAPI.do(t, "GET", "/api/v1/dashboard?period=2w&program=nope", nil)); f["period"] == "" || f["program"] == "" {
			t.Errorf("an unknown period and program: fields %v", f)
		}
		w.members[0].do(t, "GET", "/api/v1/dashboard", nil).want(t, http.StatusForbidden, nil)
		w.outsider.do(t, "GET", "/api/v1/dashboard?program="+w.program, nil).want(t, http.StatusForbidden, nil)
	})
}
