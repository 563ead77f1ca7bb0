package service_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/dashboard"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/service/dashboards"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// exec writes a row the dashboard reads but whose own feature is not at
// hand here (RSVPs, learning cards, guests), on either engine.
func (w *world) exec(q string, args ...any) {
	w.t.Helper()
	if w.db.Engine() == store.SQLite {
		q = strings.ReplaceAll(q, "$", "?")
	}
	if _, err := w.db.WriteDB().ExecContext(ctx, q, args...); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
}

// ints reads one row of integers.
func (w *world) ints(q string, args []any, dest ...*int) {
	w.t.Helper()
	if w.db.Engine() == store.SQLite {
		q = strings.ReplaceAll(q, "$", "?")
	}
	ds := make([]any, len(dest))
	for i, d := range dest {
		ds[i] = d
	}
	if err := w.db.ReadDB().QueryRowContext(ctx, q, args...).Scan(ds...); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
}

// keptCountsHold checks the counts circles and meetings keep against the
// rows they count: every circle's accepted members, declines and
// departures, and who was recorded at every meeting.
func (w *world) keptCountsHold() {
	w.t.Helper()
	var circles, meetings int
	w.ints(`SELECT
		(SELECT COUNT(*) FROM circles c WHERE c.org_id = $1 AND (
			c.accepted <> (SELECT COUNT(*) FROM circle_members m WHERE m.circle_id = c.id AND m.response = 'accepted')
			OR c.declined <> (SELECT COUNT(*) FROM circle_declines d WHERE d.circle_id = c.id)
			OR c.departed <> (SELECT COUNT(*) FROM circle_departures d WHERE d.circle_id = c.id))),
		(SELECT COUNT(*) FROM meetings m WHERE m.org_id = $1 AND (
			m.present <> (SELECT COUNT(*) FROM meeting_presence k WHERE k.meeting_id = m.id)
			OR (m.present = 0 AND m.expected <> 0)))`, []any{w.org.ID}, &circles, &meetings)
	if circles != 0 || meetings != 0 {
		w.t.Errorf("counts kept wrong on %d circles and %d meetings", circles, meetings)
	}
}

func (w *world) dashboard(programID, period string) *dashboards.View {
	w.t.Helper()
	v, err := (&dashboards.Service{DB: w.db}).Show(ctx, w.admin, dashboards.Filter{Program: programID, Period: period})
	if err != nil {
		w.t.Fatal(err)
	}
	return v
}

// series returns a series' values by month, as the CSV writes them
// ("" where unknown).
func series(t *testing.T, v *dashboards.View, key string) []string {
	t.Helper()
	for _, m := range v.Metrics {
		for _, s := range m.Series {
			if s.Key != key {
				continue
			}
			var out []string
			for _, val := range s.Values {
				if !val.Known {
					out = append(out, "")
					continue
				}
				out = append(out, dashboard.Format(m.Unit, math.Round(val.Value*10)/10))
			}
			return out
		}
	}
	t.Fatalf("no series %s", key)
	return nil
}

// A small organisation's history, counted month by month for its admin:
// every figure, the filters, and the pulse at its thresholds' edges
// (four answers across two circles hidden, five shown; five in a
// program's one circle hidden).
func TestDashboardFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		// q is a program of one circle.
		q := &program.Program{Name: "Leads", Format: program.FormatGroup, MinSize: 3, MaxSize: 6,
			OptInOpens: w.now.Add(-time.Hour), OptInCloses: w.now.Add(14 * 24 * time.Hour)}
		if err := w.programs.CreateProgram(ctx, w.admin, q); err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{"u01", "u02", "u03", "u04", "u05", "u06", "u07"} {
			w.optIn(w.user(u), p, "Feedback")
		}
		a := w.scheduled(p, "u01", "u02", "u03")
		b := w.scheduled(p, "u04", "u05", "u06")
		c := w.scheduled(q, "u01", "u02", "u03", "u04", "u05")
		for id, u := range map[string]string{a: "u01", b: "u04", c: "u01"} {
			if err := w.pulses.SetCadence(ctx, w.user(u), id, 2); err != nil {
				t.Fatal(err)
			}
		}
		meetings := w.meetings(a)
		present := map[int][]string{0: {"u01", "u02", "u03"}, 1: {"u01"}}
		for i, who := range present {
			for _, u := range who {
				if _, err := w.db.RecordPresence(ctx, w.org.ID, meetings[i].ID, u); err != nil {
					t.Fatal(err)
				}
			}
		}
		w.now = fortnightlyStarts[0].Add(24 * time.Hour) // 11 March
		kept, err := w.circles.AddCommitment(ctx, w.user("u01"), a, "PLANTED-DASHBOARD-COMMITMENT", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.circles.CompleteCommitment(ctx, w.user("u01"), a, kept.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := w.circles.AddCommitment(ctx, w.user("u02"), a, "PLANTED-DASHBOARD-COMMITMENT", nil); err != nil {
			t.Fatal(err)
		}
		mid := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
		w.exec(`INSERT INTO meeting_rsvps (org_id, meeting_id, user_id, answer, updated_at) VALUES ($1, $2, $3, 'coming', $4)`, w.org.ID, meetings[1].ID, "u01", mid)
		w.exec(`INSERT INTO meeting_rsvps (org_id, meeting_id, user_id, answer, updated_at) VALUES ($1, $2, $3, 'not_coming', $4)`, w.org.ID, meetings[1].ID, "u02", mid)
		for i, card := range []struct {
			audience string
			at       time.Time
		}{{"program", mid}, {"circle", mid}, {"org", time.Date(2026, 4, 2, 12, 0, 0, 0, time.UTC)}, {"draft", mid}} {
			w.exec(`INSERT INTO learning_cards (id, org_id, circle_id, program_id, author_id, title, body, audience, created_at, updated_at, released_at)
				VALUES ($1, $2, $3, $4, 'u01', 'PLANTED-DASHBOARD-CARD', 'PLANTED-DASHBOARD-CARD', $5, $6, $6, $6)`,
				fmt.Sprintf("card%d", i), w.org.ID, a, p.ID, card.audience, card.at)
		}
		w.exec(`INSERT INTO guests (id, org_id, circle_id, meeting_id, user_id, token_hash, created_at, accepted_at) VALUES ('g1', $1, $2, $3, 'u07', 'g1hash', $4, $4)`,
			w.org.ID, a, meetings[1].ID, mid)
		w.exec(`INSERT INTO guests (id, org_id, circle_id, meeting_id, user_id, token_hash, created_at) VALUES ('g2', $1, $2, $3, 'u00', 'g2hash', $4)`,
			w.org.ID, a, meetings[1].ID, mid)

		// Round 1 of the pulse: three in a, one in b, five in c.
		answerAll := func(id string, number int, users ...string) {
			t.Helper()
			for _, u := range users {
				if err := w.pulses.Answer(ctx, w.user(u), id, number, answer(5)); err != nil {
					t.Fatal(err)
				}
			}
		}
		w.now = fortnightlyStarts[1].Add(time.Hour)
		w.pulse(a, "u01")
		w.pulse(b, "u04")
		w.pulse(c, "u01")
		answerAll(a, 1, "u01", "u02", "u03")
		answerAll(b, 1, "u04")
		answerAll(c, 1, "u01", "u02", "u03", "u04", "u05")

		w.now = time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
		if err := w.circles.Leave(ctx, w.user("u03"), a, "PLANTED-DASHBOARD-LEAVENOTE"); err != nil {
			t.Fatal(err)
		}
		// Round 2 opens, so round 1 closes and is pooled.
		w.now = fortnightlyStarts[3].Add(time.Hour) // 21 April
		w.pulse(a, "u01")
		w.pulse(b, "u04")
		w.pulse(c, "u01")

		w.keptCountsHold()
		v := w.dashboard(p.ID, "3m")
		if v.Program == nil || v.Program.ID != p.ID || v.Period.Key != "3m" || len(v.Months) != 3 || v.Months[0].Key() != "2026-02" {
			t.Fatalf("filter: program %v, period %s, months %v", v.Program, v.Period.Key, v.Months)
		}
		for key, want := range map[string][]string{
			"opt_in_rate":        {"0.0", "77.8", "77.8"}, // 7 of everyone (9)
			"matched_share":      {"", "85.7", "85.7"},    // 6 places for 7 opt-ins
			"accepted_share":     {"", "100.0", "100.0"},
			"active_circles":     {"0", "2", "2"},
			"meetings_scheduled": {"0", "4", "4"},
			"meetings_held":      {"0", "2", "0"},
			"attendance":         {"", "66.7", ""}, // 4 of a's 3+3 at its two meetings held
			"rsvps_coming":       {"0", "1", "0"},
			"rsvps_not_coming":   {"0", "1", "0"},
			"commitments_made":   {"0", "2", "0"},
			"commitments_kept":   {"0", "1", "0"},
			"retention":          {"", "100.0", "83.3"}, // u03 left a in April
			"cards_promoted":     {"0", "1", "1"},
			"guests":             {"0", "1", "0"},
		} {
			if got := series(t, v, key); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: %v, want %v", key, got, want)
			}
		}
		if v.Pulse != nil {
			t.Errorf("four answers across two circles are shown: %+v", v.Pulse)
		}
		if v := w.dashboard(q.ID, "3m"); v.Pulse != nil {
			t.Errorf("five answers in a program's one circle are shown: %+v", v.Pulse)
		}
		all := w.dashboard("", "")
		if all.Period.Key != dashboard.DefaultPeriod || len(all.Months) != 6 || all.Pulse == nil || all.Pulse.Respondents != 9 {
			t.Errorf("all programs: period %s, %d months, pulse %+v", all.Period.Key, len(all.Months), all.Pulse)
		}
		if got := series(t, all, "active_circles"); got[len(got)-1] != "3" {
			t.Errorf("all programs' active circles: %v", got)
		}

		// Round 2: two in a, three in b: five across two circles.
		answerAll(a, 2, "u01", "u02")
		answerAll(b, 2, "u04", "u05", "u06")
		answerAll(c, 2, "u01", "u02", "u04", "u05")
		w.now = fortnightlyStarts[5].Add(time.Hour)
		w.pulse(a, "u01")
		w.pulse(b, "u04")
		w.pulse(c, "u01")
		if v := w.dashboard(p.ID, "12m"); v.Pulse == nil || v.Pulse.Respondents != 5 || v.Pulse.Mean != 5 {
			t.Errorf("five across two circles: %+v", v.Pulse)
		}
		if v := w.dashboard(q.ID, "12m"); v.Pulse != nil {
			t.Errorf("a program's one circle is shown: %+v", v.Pulse)
		}

		// The file: a row per metric per month, the pulse and the fit
		// check; numbers only.
		rows := w.dashboard(p.ID, "6m").Rows()
		var perMonth int
		for _, m := range v.Metrics {
			perMonth += len(m.Series)
		}
		if len(rows) != 1+perMonth*6+4 || strings.Join(rows[0], ",") != "metric,period,value,unit,note" {
			t.Errorf("%d rows, header %v", len(rows), rows[0])
		}
		last := rows[len(rows)-4:]
		if last[0][0] != "pulse_mean" || last[0][2] != "5.0" || last[1][0] != "fit_circles_answered" || last[2][0] != "fit_concerns" ||
			last[3][0] != "fit_no_share" || last[3][2] != "" || last[3][4] != dashboard.FitNote {
			t.Errorf("pulse and fit rows: %v", last)
		}
		for _, r := range rows {
			if strings.Contains(strings.Join(r, ","), "PLANTED") {
				t.Errorf("a row carries private text: %v", r)
			}
		}

		// Months after everything above: the counts up to a month's end
		// still hold the opt-ins, places and departures that came before
		// the period.
		w.now = time.Date(2026, 8, 10, 9, 0, 0, 0, time.UTC)
		later := w.dashboard(p.ID, "3m")
		for key, want := range map[string][]string{
			"opt_in_rate":    {"77.8", "77.8", "77.8"},
			"matched_share":  {"85.7", "85.7", "85.7"},
			"accepted_share": {"100.0", "100.0", "100.0"},
			"active_circles": {"2", "2", "2"},
			"retention":      {"83.3", "83.3", "83.3"},
			"guests":         {"0", "0", "0"},
		} {
			if got := series(t, later, key); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("June to August, %s: %v, want %v", key, got, want)
			}
		}
	})
}

// The filter is checked, and only admins see a dashboard.
func TestDashboardFilterAndAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		svc := &dashboards.Service{DB: w.db}
		for _, tt := range []struct {
			f     dashboards.Filter
			field string
		}{
			{dashboards.Filter{Period: "7m"}, "period"},
			{dashboards.Filter{Period: "6M"}, "period"},
			{dashboards.Filter{Program: "no-such-program"}, "program"},
		} {
			v, err := svc.Show(ctx, w.admin, tt.f)
			if fieldMessage(err, tt.field) == "" || v == nil || len(v.Programs) != 1 || v.Metrics != nil {
				t.Errorf("%+v: %v, view %+v", tt.f, err, v)
			}
		}
		if _, err := svc.Show(ctx, w.user("u01"), dashboards.Filter{Program: p.ID}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("a member: %v", err)
		}
	})
}

// A meeting keeps who was recorded at it and whom it expected, for the
// dashboard to add up: the count moves once per member, what it expected
// is the circle at the first of them (counting whoever had left since the
// meeting began), whoever joins afterwards, and both go back to nothing
// when the record does.
func TestMeetingCountsKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		a := w.scheduled(p, "u01", "u02", "u03")
		ms := w.meetings(a)
		first, second := ms[0], ms[1]
		check := func(step string, m circle.Meeting, present, expected int) {
			t.Helper()
			var gotPresent, gotExpected int
			w.ints(`SELECT present, expected FROM meetings WHERE org_id = $1 AND id = $2`, []any{w.org.ID, m.ID}, &gotPresent, &gotExpected)
			if gotPresent != present || gotExpected != expected {
				t.Errorf("%s: present %d, expected %d; want %d and %d", step, gotPresent, gotExpected, present, expected)
			}
		}
		record := func(m circle.Meeting, u string) {
			t.Helper()
			if _, err := w.db.RecordPresence(ctx, w.org.ID, m.ID, u); err != nil {
				t.Fatal(err)
			}
		}
		check("nobody recorded", first, 0, 0)

		// u03 leaves an hour into the first meeting, before anyone is
		// recorded at it: they were expected there.
		w.now = first.Start.Add(time.Hour)
		if err := w.circles.Leave(ctx, w.user("u03"), a, ""); err != nil {
			t.Fatal(err)
		}
		record(first, "u01")
		check("the first member recorded", first, 1, 3)
		record(first, "u01")
		check("the same member again", first, 1, 3)

		// u04 joins afterwards: the first meeting did not expect them,
		// the next one does, and no longer expects u03.
		w.exec(`INSERT INTO circle_members (org_id, circle_id, user_id, response) VALUES ($1, $2, 'u04', 'accepted')`, w.org.ID, a)
		record(first, "u02")
		check("a second member", first, 2, 3)
		record(second, "u04")
		check("the next meeting", second, 1, 3)

		w.exec(`DELETE FROM meeting_presence WHERE org_id = $1 AND meeting_id = $2 AND user_id = 'u02'`, w.org.ID, first.ID)
		check("a record gone", first, 1, 3)
		w.exec(`DELETE FROM meeting_presence WHERE org_id = $1 AND meeting_id = $2`, w.org.ID, first.ID)
		check("every record gone", first, 0, 0)
		check("the next meeting untouched", second, 1, 3)
		w.keptCountsHold()
	})
}

// A circle keeps how many of its members accepted, declined and departed
// through every way a row changes: a member added with or without a yes,
// an answer changed, a member moved to another circle or removed, and a
// decline or departure written or taken back.
func TestCircleAnswersCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		w, p := newCircleWorld(t, dbURL)
		a := w.formCircle(p, "u01", "u02", "u03")
		b := w.formCircle(p, "u04", "u05", "u06")
		check := func(step, circleID string, size, accepted, declined, departed int) {
			t.Helper()
			var s, ac, de, dp int
			w.ints(`SELECT size, accepted, declined, departed FROM circles WHERE org_id = $1 AND id = $2`, []any{w.org.ID, circleID}, &s, &ac, &de, &dp)
			if s != size || ac != accepted || de != declined || dp != departed {
				t.Errorf("%s: size %d, accepted %d, declined %d, departed %d; want %d, %d, %d, %d", step, s, ac, de, dp, size, accepted, declined, departed)
			}
		}
		check("every member said yes", a, 3, 3, 0, 0)
		w.exec(`UPDATE circle_members SET response = 'pending' WHERE org_id = $1 AND circle_id IN ($2, $3)`, w.org.ID, a, b)
		check("all pending", a, 3, 0, 0, 0)
		w.exec(`UPDATE circle_members SET response = 'accepted' WHERE org_id = $1 AND circle_id = $2 AND user_id IN ('u01', 'u02')`, w.org.ID, a)
		check("two said yes", a, 3, 2, 0, 0)
		w.exec(`UPDATE circle_members SET response = 'declined' WHERE org_id = $1 AND circle_id = $2 AND user_id = 'u02'`, w.org.ID, a)
		check("a yes turned no", a, 3, 1, 0, 0)
		w.exec(`DELETE FROM circle_members WHERE org_id = $1 AND circle_id = $2 AND user_id = 'u02'`, w.org.ID, a)
		w.exec(`INSERT INTO circle_declines (org_id, circle_id, user_id, declined_at) VALUES ($1, $2, 'u02', $3)`, w.org.ID, a, w.now)
		check("the no went on without them", a, 2, 1, 1, 0)
		w.exec(`INSERT INTO circle_members (org_id, circle_id, user_id, response) VALUES ($1, $2, 'u07', 'accepted')`, w.org.ID, a)
		check("a member added with a yes", a, 3, 2, 1, 0)
		w.exec(`UPDATE circle_members SET circle_id = $1 WHERE org_id = $2 AND circle_id = $3 AND user_id = 'u07'`, b, w.org.ID, a)
		check("moved out", a, 2, 1, 1, 0)
		check("moved in", b, 4, 1, 0, 0)
		w.exec(`DELETE FROM circle_members WHERE org_id = $1 AND circle_id = $2 AND user_id = 'u01'`, w.org.ID, a)
		w.exec(`INSERT INTO circle_departures (org_id, circle_id, user_id, left_at) VALUES ($1, $2, 'u01', $3)`, w.org.ID, a, w.now)
		check("a member left", a, 1, 0, 1, 1)
		w.exec(`DELETE FROM circle_departures WHERE org_id = $1 AND circle_id = $2`, w.org.ID, a)
		w.exec(`DELETE FROM circle_declines WHERE org_id = $1 AND circle_id = $2`, w.org.ID, a)
		check("records taken back", a, 1, 0, 0, 0)
		w.keptCountsHold()
	})
}
