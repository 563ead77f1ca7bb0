package web

import (
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/dashboard"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/service/dashboards"
)

// dashboardPage is the program dashboard: a chart per figure, each with
// its table, filtered by program and period.
type dashboardPage struct {
	Page
	*dashboards.View
	Periods []dashboard.Period
	// Chosen are the filter's values as asked, to keep in the form.
	ChosenProgram, ChosenPeriod string
	Charts                      []chart
	// CSV is the address of the same figures as a file.
	CSV            string
	PulseNote      string
	PoolMinimum    int
	PoolMinCircles int
}

func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	q := r.URL.Query()
	f := dashboards.Filter{Program: q.Get("program"), Period: q.Get("period")}
	p := s.page(r, "Program dashboard")
	p.Nav = "programs"
	data := dashboardPage{Page: p, Periods: dashboard.Periods, ChosenProgram: f.Program, ChosenPeriod: f.Period,
		PulseNote: dashboard.PulseNote, PoolMinimum: pulse.PoolMinimum, PoolMinCircles: pulse.PoolMinCircles}
	if data.ChosenPeriod == "" {
		data.ChosenPeriod = dashboard.DefaultPeriod
	}
	v, err := s.Dashboards.Show(r.Context(), u, f)
	if fields, ok := fault.FieldsOf(err); ok && v != nil {
		// The filter is drawn again with what was wrong, over no figures.
		data.View, data.Errors = v, fields
		s.render(w, r, ErrorStatus(err), "dashboard", data)
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data.View = v
	for _, m := range v.Metrics {
		data.Charts = append(data.Charts, newChart(m, v.Months))
	}
	data.CSV = "/dashboard.csv?" + url.Values{"program": {f.Program}, "period": {v.Period.Key}}.Encode()
	s.render(w, r, http.StatusOK, "dashboard", data)
}

func (s *Server) handleDashboardCSV(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	q := r.URL.Query()
	v, err := s.Dashboards.Show(r.Context(), u, dashboards.Filter{Program: q.Get("program"), Period: q.Get("period")})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	name := "holdspace-dashboard-all-programs-" + v.Period.Key + ".csv"
	if v.Program != nil {
		name = "holdspace-dashboard-" + fileSlug(v.Program) + "-" + v.Period.Key + ".csv"
	}
	var b strings.Builder
	cw := csv.NewWriter(&b)
	if err := cw.WriteAll(v.Rows()); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(b.String()))
}

// fileSlug is a program's name as a part of a file name: letters and
// digits, the rest as dashes.
func fileSlug(p *program.Program) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(p.Name) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	if s := strings.Trim(b.String(), "-"); s != "" {
		return s
	}
	return "program"
}

// chart is a metric drawn as bars, a group per month, in a viewBox the
// page scales to its width; its colours come from the stylesheet, so it
// reads in the light and the dark scheme.
type chart struct {
	dashboard.Metric
	Months  []dashboard.Month
	ViewBox string
	Bars    []chartBar
	Ticks   []chartTick
	XLabels []chartLabel
	// BaseY, Left and Right frame the plot; TickX and LabelY place the
	// axes' labels.
	BaseY, Left, Right, TickX, LabelY float64
	// Latest says the newest month's figures in words.
	Latest string
	// Cells are the table's rows: a month and its values as shown.
	Cells []chartRow
}

type chartBar struct {
	X, Y, W, H float64
	Series     int
}

type chartTick struct {
	Y     float64
	Label string
}

type chartLabel struct {
	X     float64
	Label string
}

type chartRow struct {
	Month  string
	Values []string
}

// The chart's frame, in viewBox units: about a phone's width, so that
// its labels stay readable when it is drawn that wide.
const (
	chartWidth  = 360.0
	chartHeight = 200.0
	chartLeft   = 40.0
	chartRight  = 8.0
	chartTop    = 10.0
	chartBottom = 24.0
)

func newChart(m dashboard.Metric, months []dashboard.Month) chart {
	c := chart{Metric: m, Months: months, ViewBox: fmt.Sprintf("0 0 %g %g", chartWidth, chartHeight),
		BaseY: chartHeight - chartBottom, Left: chartLeft, Right: chartWidth - chartRight,
		TickX: chartLeft - 5, LabelY: chartHeight - chartBottom + 16}
	top := 100.0
	if m.Unit != dashboard.Percent {
		var most float64
		for _, s := range m.Series {
			for _, v := range s.Values {
				most = max(most, v.Value)
			}
		}
		top = niceCeiling(most)
	}
	plotH := c.BaseY - chartTop
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		// Ticks fall on whole numbers: a quarter of 100%, or of a
		// ceiling that four divides.
		label := strconv.FormatFloat(v, 'f', 0, 64)
		if m.Unit == dashboard.Percent {
			label += "%"
		}
		c.Ticks = append(c.Ticks, chartTick{Y: round2(c.BaseY - plotH*float64(i)/4), Label: label})
	}
	n := len(months)
	if n == 0 {
		return c
	}
	slot := (c.Right - c.Left) / float64(n)
	gap := slot * 0.2
	barW := (slot - gap) / float64(max(len(m.Series), 1))
	for i, mo := range months {
		x := c.Left + slot*float64(i)
		// With many months, every other label keeps them apart.
		if n <= 6 || i%2 == (n-1)%2 {
			c.XLabels = append(c.XLabels, chartLabel{X: round2(x + slot/2), Label: mo.Short()})
		}
		row := chartRow{Month: mo.Label()}
		for j, s := range m.Series {
			v := s.Values[i]
			row.Values = append(row.Values, valueText(m.Unit, v))
			if !v.Known {
				continue
			}
			h := plotH * math.Min(v.Value/top, 1)
			c.Bars = append(c.Bars, chartBar{X: round2(x + gap/2 + barW*float64(j)), Y: round2(c.BaseY - h), W: round2(barW), H: round2(h), Series: j})
		}
		c.Cells = append(c.Cells, row)
	}
	last := c.Cells[n-1]
	var parts []string
	for j, s := range m.Series {
		parts = append(parts, s.Name+" "+last.Values[j])
	}
	c.Latest = months[n-1].Label() + ": " + strings.Join(parts, ", ")
	return c
}

// valueText is a value as the table and the summary show it.
func valueText(u dashboard.Unit, v dashboard.Value) string {
	if !v.Known {
		return "—"
	}
	s := dashboard.Format(u, v.Value)
	if u == dashboard.Percent {
		s += "%"
	}
	return s
}

// niceCeiling is the smallest of 4, 8, 20, 40, 80, 200, … (steps of
// four ticks of 1, 2 or 5 times a power of ten) at or above v.
func niceCeiling(v float64) float64 {
	if v <= 4 {
		return 4
	}
	step := v / 4
	mag := math.Pow(10, math.Floor(math.Log10(step)))
	for _, f := range []float64{1, 2, 5, 10} {
		if f*mag >= step {
			return 4 * f * mag
		}
	}
	return 4 * 10 * mag
}

// round2 keeps two decimals of a coordinate, which is finer than a pixel.
func round2(v float64) float64 { return math.Round(v*100) / 100 }
