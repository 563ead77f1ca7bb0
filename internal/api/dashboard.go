package api

import (
	"context"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/service/dashboards"
)

type dashboardInput struct {
	Program string `query:"program" maxLength:"100" doc:"Only this program; all programs when left out."`
	Period  string `query:"period" maxLength:"10" doc:"3m, 6m or 12m: the last 3, 6 or 12 months, ending with this one (6m when left out)."`
}

// Dashboard is the program dashboard: counts by month, never a word
// anyone wrote.
type Dashboard struct {
	Program *string           `json:"program" doc:"The program's id; null for all programs."`
	Period  string            `json:"period"`
	Months  []string          `json:"months" nullable:"false" doc:"The months, oldest first, as 2026-03 in the caller's time zone."`
	Metrics []DashboardMetric `json:"metrics" nullable:"false"`
	Pulse   *PulseSummary     `json:"pulse" doc:"The pooled pulse of the circles' last finished rounds; null until at least 5 answered across at least 2 circles."`
	Fit     DashboardFit      `json:"fit_check"`
}

// DashboardFit is the circles' first-meeting fit checks, as counts alone.
type DashboardFit struct {
	Answered int               `json:"circles_answered" doc:"Circles where at least one member answered the fit check."`
	Concerns int               `json:"circles_with_concern" doc:"Circles where at least 2 members said the circle is not a good fit."`
	Pool     *DashboardFitPool `json:"pool" doc:"The answers of closed fit checks pooled; null until at least 5 answered across at least 2 circles."`
}

// DashboardFitPool is the pooled answers of closed fit checks.
type DashboardFitPool struct {
	Respondents int `json:"respondents"`
	Yes         int `json:"yes"`
	Unsure      int `json:"unsure"`
	No          int `json:"no"`
}

// DashboardMetric is one figure, a series or two of a value per month.
type DashboardMetric struct {
	Key         string            `json:"key"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Unit        string            `json:"unit" enum:"count,percent,score"`
	Series      []DashboardSeries `json:"series" nullable:"false"`
}

// DashboardSeries is a value per month; null where there is nothing to
// work it out from (a share of nothing).
type DashboardSeries struct {
	Key    string     `json:"key"`
	Name   string     `json:"name"`
	Values []*float64 `json:"values" nullable:"false"`
}

type dashboardOutput struct{ Body Dashboard }

func (a *API) handleDashboard(ctx context.Context, in *dashboardInput) (*dashboardOutput, error) {
	v, err := a.dashboards.Show(ctx, auth.UserFromContext(ctx), dashboards.Filter{Program: in.Program, Period: in.Period})
	if err != nil {
		return nil, err
	}
	out := Dashboard{Period: v.Period.Key, Months: []string{}, Metrics: []DashboardMetric{},
		Fit: DashboardFit{Answered: v.Fit.Answered, Concerns: v.Fit.Concerns}}
	if p := v.Fit.Pool; p != nil {
		out.Fit.Pool = &DashboardFitPool{Respondents: p.Respondents, Yes: p.Yes, Unsure: p.Unsure, No: p.No}
	}
	if v.Program != nil {
		out.Program = &v.Program.ID
	}
	for _, m := range v.Months {
		out.Months = append(out.Months, m.Key())
	}
	for _, m := range v.Metrics {
		dm := DashboardMetric{Key: m.Key, Name: m.Name, Description: m.Description, Unit: string(m.Unit), Series: []DashboardSeries{}}
		for _, s := range m.Series {
			ds := DashboardSeries{Key: s.Key, Name: s.Name, Values: []*float64{}}
			for _, val := range s.Values {
				if !val.Known {
					ds.Values = append(ds.Values, nil)
					continue
				}
				x := val.Value
				ds.Values = append(ds.Values, &x)
			}
			dm.Series = append(dm.Series, ds)
		}
		out.Metrics = append(out.Metrics, dm)
	}
	if v.Pulse != nil {
		s := newPulseSummary(*v.Pulse)
		out.Pulse = &s
	}
	return &dashboardOutput{Body: out}, nil
}
