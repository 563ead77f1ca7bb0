// Package dashboards shows an organisation's admins the program
// dashboard: counts of what happens in their programs, month by month,
// and the pulse pooled across circles only as far as its thresholds
// allow. It reads counts alone, never a circle's or a person's words.
package dashboards

import (
	"context"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/dashboard"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
)

// Service builds dashboards.
type Service struct {
	DB *store.DB
}

// Filter is what an admin asks to see: a program's id ("" for all
// programs) and a period's key ("" for dashboard.DefaultPeriod).
type Filter struct {
	Program string
	Period  string
}

// View is a dashboard with what its filter chose.
type View struct {
	dashboard.Dashboard
	// Program is the program chosen, nil for all of them.
	Program *program.Program
	// Programs are the organisation's programs, to choose from.
	Programs []program.Program
}

// Show builds the dashboard an admin asked for, its months in the admin's
// time zone. An unknown program or period is refused naming its field,
// with a View holding only the programs to choose from.
func (s *Service) Show(ctx context.Context, admin *account.User, f Filter) (*View, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	var v account.Validator
	period, err := dashboard.ParsePeriod(f.Period)
	if err != nil {
		fields, _ := fault.FieldsOf(err)
		v.Add("period", fields["period"])
	}
	programs, err := s.DB.FindPrograms(ctx, admin.OrgID)
	if err != nil {
		return nil, err
	}
	view := &View{Programs: programs}
	if f.Program != "" {
		for i := range programs {
			if programs[i].ID == f.Program {
				view.Program = &programs[i]
			}
		}
		if view.Program == nil {
			v.Add("program", "Choose one of your organisation’s programs, or all of them.")
		}
	}
	if err := v.Err(); err != nil {
		// The programs come back with the refusal, so that the filter
		// can be drawn again with what was wrong.
		return view, err
	}

	chosen := programs
	if view.Program != nil {
		chosen = []program.Program{*view.Program}
	}
	// Programs for the same departments (most often everyone) have the
	// same audience: it is counted once.
	eligible := 0
	audience := map[string]int{}
	for _, p := range chosen {
		key := strings.Join(p.Departments, "\x00")
		n, ok := audience[key]
		if !ok {
			if n, err = s.DB.CountAudience(ctx, admin.OrgID, p.Departments); err != nil {
				return nil, err
			}
			audience[key] = n
		}
		eligible += n
	}
	loc, err := account.Location(admin.Timezone)
	if err != nil {
		loc = time.UTC
	}
	months := period.MonthsAt(s.DB.Now(), loc)
	counts, err := s.DB.FindDashboard(ctx, admin.OrgID, f.Program, dashboard.Bounds(months), s.DB.Now())
	if err != nil {
		return nil, err
	}
	counts.Eligible = eligible
	// The pulse's pool: each circle's last closed round, shown only from
	// pulse.PoolMinimum respondents across pulse.PoolMinCircles circles,
	// so a program of one circle never shows that circle's pulse.
	if counts.Pulse, err = s.DB.FindPulsePool(ctx, admin.OrgID, f.Program); err != nil {
		return nil, err
	}
	// The fit checks as counts alone: how many circles answered and have
	// a concern, and the answers pooled only as pulse.FitPool allows.
	checks, err := s.DB.FindFitChecks(ctx, admin.OrgID, f.Program)
	if err != nil {
		return nil, err
	}
	for _, c := range checks {
		counts.Fit = append(counts.Fit, c.Counts)
	}
	view.Dashboard = dashboard.Build(period, months, counts)
	return view, nil
}
