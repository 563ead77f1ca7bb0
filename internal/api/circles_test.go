package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/holdspace/holdspace/internal/api"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/store/storetest"
)

// circleWorld is an organisation with an active group circle of people
// 0–2 and a colleague outside it, person 3.
type circleWorld struct {
	*team
	program  string
	circle   string
	members  []client
	outsider client
}

// mustCreateCircle forms the circle as people do: the admin proposes and
// publishes a round, and every member accepts.
func mustCreateCircle(tb testing.TB, e *env, name string) *circleWorld {
	tb.Helper()
	tm := mustCreateTeam(tb, e, name, 4)
	w := &circleWorld{team: tm, members: tm.api[:3], outsider: tm.api[3]}
	w.program = mustCreateProgram(tb, tm.adminAPI, programBody("Leadership circles", program.FormatGroup, 3, 3)).ID
	mustOptIn(tb, w.program, w.members...)
	var rv api.RoundReview
	tm.adminAPI.do(tb, "POST", "/api/v1/programs/"+w.program+"/rounds", nil).want(tb, http.StatusCreated, reset(&rv))
	if len(rv.Circles) != 1 || len(rv.Circles[0].Members) != 3 {
		tb.Fatalf("review = %+v", rv)
	}
	w.circle = rv.Circles[0].ID
	tm.adminAPI.do(tb, "POST", "/api/v1/rounds/"+rv.Round.ID+"/publish", nil).want(tb, http.StatusOK, nil)
	for _, c := range w.members {
		c.do(tb, "POST", w.path("/response"), map[string]bool{"accept": true}).want(tb, http.StatusOK, nil)
	}
	return w
}

// path is a path under the circle.
func (w *circleWorld) path(suffix string) string {
	return "/api/v1/circles/" + w.circle + suffix
}

// acknowledge has each of cs acknowledge the ground rules in force.
func (w *circleWorld) acknowledge(tb testing.TB, cs ...client) {
	tb.Helper()
	for _, c := range cs {
		var rules api.CircleGroundRules
		c.do(tb, "GET", w.path("/ground-rules"), nil).want(tb, http.StatusOK, reset(&rules))
		c.do(tb, "POST", w.path("/ground-rules/acknowledge"), map[string]int{"version": rules.Version}).want(tb, http.StatusOK, nil)
	}
}

// scheduleBody is a weekly schedule at 10:00 in Berlin from tomorrow
// there, and the weekday it falls on.
func scheduleBody(tb testing.TB) (map[string]any, time.Weekday) {
	tb.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		tb.Fatal(err)
	}
	day := time.Now().In(berlin).AddDate(0, 0, 1)
	return map[string]any{"freq": "weekly", "weekday": int(day.Weekday()), "time": "10:00", "starts_on": day.Format("2006-01-02"),
		"timezone": "Europe/Berlin", "duration_minutes": 60, "video_url": "https://meet.example.com/circle"}, day.Weekday()
}

// mustSchedule sets the circle's schedule and returns its meetings ahead.
func (w *circleWorld) mustSchedule(tb testing.TB, c client) []api.Meeting {
	tb.Helper()
	body, _ := scheduleBody(tb)
	c.do(tb, "PUT", w.path("/schedule"), body).want(tb, http.StatusOK, nil)
	var ms struct{ Upcoming, Past []api.Meeting }
	c.do(tb, "GET", w.path("/meetings"), nil).want(tb, http.StatusOK, reset(&ms))
	if len(ms.Upcoming) != circle.Upcoming {
		tb.Fatalf("%d meetings ahead, want %d", len(ms.Upcoming), circle.Upcoming)
	}
	return ms.Upcoming
}

// reset zeroes *p and returns p, so that decoding a response into a
// variable used before leaves no field of the earlier answer behind.
func reset[T any](p *T) *T {
	var zero T
	*p = zero
	return p
}

// wantCode fails unless res is an error with status and code.
func wantCode(tb testing.TB, res *response, status int, code string) {
	tb.Helper()
	res.want(tb, status, nil)
	if got, _ := errorShape(tb, res.body); got != code {
		tb.Errorf("code %q, want %q: %s", got, code, res.body)
	}
}

func TestCircleGroundRules(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		ann := w.members[0]

		// Before acknowledging, the circle is closed with a code of its
		// own that says what to do.
		for _, p := range []string{"", "/agreement", "/schedule", "/meetings", "/posts", "/commitments"} {
			res := ann.do(t, "GET", w.path(p), nil)
			wantCode(t, res, http.StatusForbidden, "ground_rules_required")
			if !strings.Contains(string(res.body), "ground rules") {
				t.Errorf("GET %s: the message does not mention the ground rules: %s", p, res.body)
			}
		}
		wantCode(t, ann.do(t, "POST", w.path("/posts"), map[string]string{"body": "Hello"}), http.StatusForbidden, "ground_rules_required")

		var list struct{ Circles []api.CircleSummary }
		ann.do(t, "GET", "/api/v1/circles", nil).want(t, http.StatusOK, reset(&list))
		if len(list.Circles) != 1 || list.Circles[0].ID != w.circle || !list.Circles[0].NeedsAcknowledgement ||
			list.Circles[0].ProgramName != "Leadership circles" || list.Circles[0].Format != program.FormatGroup || len(list.Circles[0].Members) != 3 {
			t.Fatalf("circles = %+v", list.Circles)
		}
		for _, m := range list.Circles[0].Members {
			if m.ID == "" || m.Name == "" || m.Department == "" || m.Timezone == "" {
				t.Errorf("member %+v", m)
			}
		}
		w.outsider.do(t, "GET", "/api/v1/circles", nil).want(t, http.StatusOK, reset(&list))
		if len(list.Circles) != 0 {
			t.Errorf("the outsider's circles = %+v", list.Circles)
		}

		res := ann.do(t, "GET", w.path("/ground-rules"), nil)
		var rules api.CircleGroundRules
		res.want(t, http.StatusOK, reset(&rules))
		if rules.Version != 1 || rules.Body != circle.DefaultGroundRules || rules.AcknowledgedAt != nil ||
			!strings.Contains(string(res.body), `"acknowledged_at":null`) {
			t.Errorf("ground rules = %s", res.body)
		}
		wantCode(t, ann.do(t, "POST", w.path("/ground-rules/acknowledge"), map[string]int{"version": 2}), http.StatusConflict, "conflict")
		ann.do(t, "POST", w.path("/ground-rules/acknowledge"), map[string]int{"version": 1}).want(t, http.StatusOK, reset(&rules))
		if rules.AcknowledgedAt == nil || rules.Version != 1 {
			t.Errorf("acknowledged = %+v", rules)
		}

		var home api.CircleHome
		ann.do(t, "GET", w.path(""), nil).want(t, http.StatusOK, reset(&home))
		if home.ID != w.circle || home.Program.ID != w.program || home.Program.MinSize != 3 || len(home.Members) != 3 || home.Schedule != nil ||
			home.GroundRulesVersion != 1 || home.BelowMinimum || home.Adopted != nil || home.Proposed != nil {
			t.Errorf("home = %+v", home)
		}
		ann.do(t, "GET", "/api/v1/circles", nil).want(t, http.StatusOK, reset(&list))
		if list.Circles[0].NeedsAcknowledgement {
			t.Error("still needs acknowledgement")
		}
		// Acknowledging is per circle and person: Ben has not.
		wantCode(t, w.members[1].do(t, "GET", w.path(""), nil), http.StatusForbidden, "ground_rules_required")

		// Only admins change the ground rules; a new version closes the
		// circle again until it is acknowledged.
		for _, c := range []client{ann, w.outsider} {
			wantCode(t, c.do(t, "PUT", "/api/v1/ground-rules", map[string]string{"body": "Be kind."}), http.StatusForbidden, "forbidden")
		}
		if f := errorFields(t, w.adminAPI.do(t, "PUT", "/api/v1/ground-rules", map[string]string{"body": "  "})); f["body"] == "" {
			t.Errorf("empty ground rules: want a message for body, got %v", f)
		}
		var g api.GroundRules
		w.adminAPI.do(t, "PUT", "/api/v1/ground-rules", map[string]string{"body": "Be kind.\r\nListen."}).want(t, http.StatusOK, reset(&g))
		if g.Version != 2 || g.Body != "Be kind.\nListen." || g.UpdatedAt == nil {
			t.Errorf("updated ground rules = %+v", g)
		}
		w.outsider.do(t, "GET", "/api/v1/ground-rules", nil).want(t, http.StatusOK, reset(&g))
		if g.Version != 2 {
			t.Errorf("ground rules as a member sees them = %+v", g)
		}
		wantCode(t, ann.do(t, "GET", w.path(""), nil), http.StatusForbidden, "ground_rules_required")
		w.acknowledge(t, ann)
		ann.do(t, "GET", w.path(""), nil).want(t, http.StatusOK, reset(&home))
		if home.GroundRulesVersion != 2 {
			t.Errorf("home's ground rules version %d, want 2", home.GroundRulesVersion)
		}
	})
}

func TestCircleAgreement(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		w.acknowledge(t, w.members...)
		ann, ben, cat := w.members[0], w.members[1], w.members[2]
		text := "## Purpose\nWe learn to give feedback.\n"

		if f := errorFields(t, ann.do(t, "POST", w.path("/agreement"), map[string]string{"body": " "})); f["body"] == "" {
			t.Errorf("an empty agreement: want a message for body, got %v", f)
		}
		var v api.AgreementVersion
		ann.do(t, "POST", w.path("/agreement"), map[string]string{"body": text, "note": "A first draft."}).want(t, http.StatusCreated, reset(&v))
		if v.Version != 1 || v.Status != circle.AgreementProposed || v.ProposedBy != w.people[0].ID || v.Note != "A first draft." ||
			len(v.Consents) != 1 || v.Consents[0].UserID != w.people[0].ID {
			t.Errorf("proposed = %+v", v)
		}
		var home api.CircleHome
		ben.do(t, "GET", w.path(""), nil).want(t, http.StatusOK, reset(&home))
		if home.Proposed == nil || home.Proposed.Version != 1 || home.Adopted != nil {
			t.Errorf("home while proposed: proposed %+v, adopted %+v", home.Proposed, home.Adopted)
		}
		wantCode(t, ann.do(t, "POST", w.path("/agreement/1/consent"), nil), http.StatusConflict, "conflict")
		ben.do(t, "POST", w.path("/agreement/1/consent"), nil).want(t, http.StatusOK, reset(&v))
		if v.Status != circle.AgreementProposed || len(v.Consents) != 2 {
			t.Errorf("after Ben's consent = %+v", v)
		}
		cat.do(t, "POST", w.path("/agreement/1/consent"), nil).want(t, http.StatusOK, reset(&v))
		if v.Status != circle.AgreementAdopted || v.AdoptedAt == nil || len(v.Consents) != 3 {
			t.Errorf("after everyone's consent = %+v", v)
		}
		ann.do(t, "GET", w.path(""), nil).want(t, http.StatusOK, reset(&home))
		if home.Adopted == nil || home.Adopted.Version != 1 || home.Adopted.Body != strings.TrimSpace(text) || home.Proposed != nil {
			t.Errorf("home once adopted: adopted %+v, proposed %+v", home.Adopted, home.Proposed)
		}
		wantCode(t, ann.do(t, "POST", w.path("/agreement/1/consent"), nil), http.StatusConflict, "conflict")
		wantCode(t, ann.do(t, "POST", w.path("/agreement/99/consent"), nil), http.StatusNotFound, "not_found")
		// The text in force is not a change.
		wantCode(t, ben.do(t, "POST", w.path("/agreement"), map[string]string{"body": text}), http.StatusConflict, "conflict")

		// Only the proposer withdraws, and only while it is open.
		ben.do(t, "POST", w.path("/agreement"), map[string]string{"body": text + "\n## Lateness\nWe say so.", "note": "Lateness."}).
			want(t, http.StatusCreated, &v)
		if v.Version != 2 || v.Status != circle.AgreementProposed {
			t.Errorf("second proposal = %+v", v)
		}
		wantCode(t, ann.do(t, "POST", w.path("/agreement/2/withdraw"), nil), http.StatusConflict, "conflict")
		ben.do(t, "POST", w.path("/agreement/2/withdraw"), nil).want(t, http.StatusOK, reset(&v))
		if v.Version != 2 || v.Status != circle.AgreementWithdrawn {
			t.Errorf("withdrawn = %+v", v)
		}
		wantCode(t, ben.do(t, "POST", w.path("/agreement/2/withdraw"), nil), http.StatusConflict, "conflict")
		wantCode(t, ann.do(t, "POST", w.path("/agreement/2/consent"), nil), http.StatusConflict, "conflict")

		var list struct{ Versions []api.AgreementVersion }
		cat.do(t, "GET", w.path("/agreement"), nil).want(t, http.StatusOK, reset(&list))
		var got []circle.AgreementStatus
		for _, v := range list.Versions {
			got = append(got, v.Status)
		}
		if diff := cmp.Diff([]circle.AgreementStatus{circle.AgreementWithdrawn, circle.AgreementAdopted}, got); diff != "" {
			t.Errorf("versions, newest first (-want +got):\n%s", diff)
		}
	})
}

func TestCircleSchedule(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		w.acknowledge(t, w.members...)
		ann := w.members[0]

		// Without a schedule, the form is a suggestion.
		var form api.ScheduleForm
		ann.do(t, "GET", w.path("/schedule"), nil).want(t, http.StatusOK, reset(&form))
		if form.Exists || form.Freq != "weekly" || form.DurationMinutes != 60 || form.Timezone != "UTC" || form.Time == "" || form.StartsOn == "" {
			t.Errorf("suggested schedule = %+v", form)
		}

		with := func(key string, v any) map[string]any {
			b, _ := scheduleBody(t)
			b[key] = v
			return b
		}
		for _, tt := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"too short", with("duration_minutes", 5), "duration_minutes"},
			{"not a time", with("time", "25:00"), "time"},
			{"in the past", with("starts_on", "2020-01-01"), "starts_on"},
			{"unknown zone", with("timezone", "Mars/Olympus"), "timezone"},
			{"unknown freq", with("freq", "daily"), "freq"},
			{"not a video call", with("video_url", "javascript:alert(1)"), "video_url"},
			{"monthly in week 7", func() map[string]any { b := with("freq", "monthly"); b["nth"] = 7; return b }(), "nth"},
		} {
			if f := errorFields(t, ann.do(t, "PUT", w.path("/schedule"), tt.body)); f[tt.field] == "" {
				t.Errorf("%s: want a message for %s, got %v", tt.name, tt.field, f)
			}
		}

		mailBefore := len(e.mail.Messages())
		body, weekday := scheduleBody(t)
		var sched api.Schedule
		ann.do(t, "PUT", w.path("/schedule"), body).want(t, http.StatusOK, reset(&sched))
		if sched.Freq != "weekly" || sched.Weekday != int(weekday) || sched.Timezone != "Europe/Berlin" || sched.DurationMinutes != 60 ||
			sched.Description != "Every "+weekday.String() || sched.VideoURL != "https://meet.example.com/circle" || sched.Sequence != 0 ||
			!sched.FirstStart.After(time.Now()) {
			t.Errorf("schedule = %+v", sched)
		}
		if n := len(e.mail.Messages()) - mailBefore; n != 3 {
			t.Errorf("%d invitations, want one per member", n)
		}
		ann.do(t, "GET", w.path("/schedule"), nil).want(t, http.StatusOK, reset(&form))
		if !form.Exists || form.Time != "10:00" || form.StartsOn != body["starts_on"] || form.Weekday != int(weekday) {
			t.Errorf("schedule form = %+v", form)
		}

		// The roles rotate: nobody holds both in one meeting, and the
		// first three meetings have three different facilitators.
		var ms struct{ Upcoming, Past []api.Meeting }
		w.members[1].do(t, "GET", w.path("/meetings"), nil).want(t, http.StatusOK, reset(&ms))
		if len(ms.Upcoming) != circle.Upcoming || len(ms.Past) != 0 {
			t.Fatalf("meetings = %+v", ms)
		}
		members := map[string]bool{w.people[0].ID: true, w.people[1].ID: true, w.people[2].ID: true}
		facilitators := map[string]bool{}
		for i, m := range ms.Upcoming {
			if m.Status != circle.Scheduled || m.FacilitatorID == m.TimekeeperID || !members[m.FacilitatorID] || !members[m.TimekeeperID] ||
				m.RolesChosen || m.Moved || m.EndsAt.Sub(m.StartsAt) != time.Hour {
				t.Errorf("meeting %d = %+v", i, m)
			}
			if i < 3 {
				facilitators[m.FacilitatorID] = true
			}
		}
		if len(facilitators) != 3 {
			t.Errorf("the first three meetings have facilitators %v, want three different people", facilitators)
		}
		var home api.CircleHome
		ann.do(t, "GET", w.path(""), nil).want(t, http.StatusOK, reset(&home))
		if home.Schedule == nil || home.Schedule.Description != sched.Description || len(home.Upcoming) != circle.Upcoming {
			t.Errorf("home's schedule %+v, %d meetings ahead", home.Schedule, len(home.Upcoming))
		}
		var list struct{ Circles []api.CircleSummary }
		ann.do(t, "GET", "/api/v1/circles", nil).want(t, http.StatusOK, reset(&list))
		if len(list.Circles) != 1 || list.Circles[0].NextMeeting == nil || list.Circles[0].NextMeeting.ID != ms.Upcoming[0].ID {
			t.Errorf("circles = %+v", list.Circles)
		}

		// Moving one meeting.
		meeting := func(m api.Meeting) string { return w.path("/meetings/" + m.ID) }
		second := ms.Upcoming[1]
		to := second.StartsAt.Add(2 * time.Hour)
		var moved api.Meeting
		ann.do(t, "POST", meeting(second)+"/move", map[string]any{"starts_at": to.Format(time.RFC3339), "duration_minutes": 90}).
			want(t, http.StatusOK, &moved)
		if moved.ID != second.ID || !moved.Moved || !moved.StartsAt.Equal(to) || !moved.EndsAt.Equal(to.Add(90*time.Minute)) ||
			!moved.OriginalStart.Equal(second.OriginalStart) {
			t.Errorf("moved = %+v", moved)
		}
		if f := errorFields(t, ann.do(t, "POST", meeting(second)+"/move", map[string]any{"starts_at": "2020-01-01T10:00:00Z", "duration_minutes": 60})); f["starts_at"] == "" {
			t.Errorf("moving into the past: want a message for starts_at, got %v", f)
		}
		if f := errorFields(t, ann.do(t, "POST", meeting(second)+"/move", map[string]any{"starts_at": "next week", "duration_minutes": 60})); f["starts_at"] == "" {
			t.Errorf("moving to no time: want a message for starts_at, got %v", f)
		}
		wantCode(t, ann.do(t, "POST", w.path("/meetings/nothing/move"), map[string]any{"starts_at": to, "duration_minutes": 60}), http.StatusNotFound, "not_found")

		// Cancelling one, and restoring it.
		third := ms.Upcoming[2]
		var cancelled api.Meeting
		ann.do(t, "POST", meeting(third)+"/cancel", nil).want(t, http.StatusOK, reset(&cancelled))
		if cancelled.Status != circle.Cancelled || cancelled.FacilitatorID != "" || cancelled.TimekeeperID != "" {
			t.Errorf("cancelled = %+v", cancelled)
		}
		ann.do(t, "POST", meeting(third)+"/cancel", nil).want(t, http.StatusOK, reset(&cancelled))
		if cancelled.Status != circle.Cancelled {
			t.Errorf("cancelled twice = %+v", cancelled)
		}
		if f := errorFields(t, ann.do(t, "POST", meeting(third)+"/move", map[string]any{"starts_at": to, "duration_minutes": 60})); f["meeting"] == "" {
			t.Errorf("moving a cancelled meeting: want a message for meeting, got %v", f)
		}
		w.members[2].do(t, "GET", w.path("/meetings"), nil).want(t, http.StatusOK, reset(&ms))
		if ms.Upcoming[2].ID != third.ID || ms.Upcoming[2].Status != circle.Cancelled {
			t.Errorf("meetings after cancelling = %+v", ms.Upcoming)
		}
		var restored api.Meeting
		ann.do(t, "POST", meeting(third)+"/restore", nil).want(t, http.StatusOK, reset(&restored))
		if restored.Status != circle.Scheduled || restored.FacilitatorID == "" || restored.FacilitatorID == restored.TimekeeperID {
			t.Errorf("restored = %+v", restored)
		}

		// Choosing the roles.
		roles := func(f, k string) map[string]string { return map[string]string{"facilitator_id": f, "timekeeper_id": k} }
		if f := errorFields(t, ann.do(t, "PUT", meeting(third)+"/roles", roles(w.people[3].ID, w.people[0].ID))); f["facilitator_id"] == "" {
			t.Errorf("a facilitator from outside: want a message for facilitator_id, got %v", f)
		}
		var chosen api.Meeting
		ann.do(t, "PUT", meeting(third)+"/roles", roles(w.people[2].ID, w.people[0].ID)).want(t, http.StatusOK, reset(&chosen))
		if !chosen.RolesChosen || chosen.FacilitatorID != w.people[2].ID || chosen.TimekeeperID != w.people[0].ID {
			t.Errorf("chosen roles = %+v", chosen)
		}

		// A meeting as a calendar file.
		first := ms.Upcoming[0]
		res := w.members[1].do(t, "GET", meeting(first)+"/ics", nil)
		res.want(t, http.StatusOK, nil)
		if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Errorf("Content-Type %q", ct)
		}
		if !strings.HasPrefix(string(res.body), "BEGIN:VCALENDAR") || !strings.Contains(string(res.body), "circle-"+w.circle+"@") {
			t.Errorf("calendar file:\n%s", res.body)
		}
		wantCode(t, ann.do(t, "GET", w.path("/meetings/nothing/ics"), nil), http.StatusNotFound, "not_found")

		// Clearing the schedule cancels the meetings ahead.
		ann.do(t, "DELETE", w.path("/schedule"), nil).want(t, http.StatusNoContent, nil)
		ann.do(t, "GET", w.path("/schedule"), nil).want(t, http.StatusOK, reset(&form))
		if form.Exists {
			t.Error("the schedule still exists")
		}
		ann.do(t, "GET", w.path("/meetings"), nil).want(t, http.StatusOK, reset(&ms))
		if len(ms.Upcoming) != 0 {
			t.Errorf("meetings ahead after clearing = %+v", ms.Upcoming)
		}
		wantCode(t, ann.do(t, "GET", meeting(first)+"/ics", nil), http.StatusNotFound, "not_found")
		wantCode(t, ann.do(t, "POST", meeting(first)+"/cancel", nil), http.StatusNotFound, "not_found")
	})
}

func TestCircleSpace(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		w.acknowledge(t, w.members...)
		ann, ben := w.members[0], w.members[1]

		if f := errorFields(t, ann.do(t, "POST", w.path("/posts"), map[string]string{"body": "\n"})); f["body"] == "" {
			t.Errorf("an empty post: want a message for body, got %v", f)
		}
		var post api.Post
		ann.do(t, "POST", w.path("/posts"), map[string]string{"body": "  Thank you for today.  "}).want(t, http.StatusCreated, reset(&post))
		if post.ID == "" || post.AuthorID != w.people[0].ID || post.AuthorName != w.people[0].Name || post.Body != "Thank you for today." {
			t.Errorf("post = %+v", post)
		}
		var posts struct{ Posts []api.Post }
		ben.do(t, "GET", w.path("/posts"), nil).want(t, http.StatusOK, reset(&posts))
		if len(posts.Posts) != 1 || posts.Posts[0].ID != post.ID {
			t.Errorf("posts = %+v", posts.Posts)
		}
		// Only the author removes a post.
		wantCode(t, ben.do(t, "DELETE", w.path("/posts/"+post.ID), nil), http.StatusNotFound, "not_found")
		ann.do(t, "DELETE", w.path("/posts/"+post.ID), nil).want(t, http.StatusNoContent, nil)
		res := ben.do(t, "GET", w.path("/posts"), nil)
		res.want(t, http.StatusOK, nil)
		if string(res.body) != `{"posts":[]}`+"\n" {
			t.Errorf("posts after removing = %s", res.body)
		}

		var c api.Commitment
		ben.do(t, "POST", w.path("/commitments"), map[string]string{"body": "Ask my team for feedback."}).want(t, http.StatusCreated, reset(&c))
		if c.ID == "" || c.UserID != w.people[1].ID || c.UserName != w.people[1].Name || c.Done || c.DoneAt != nil {
			t.Errorf("commitment = %+v", c)
		}
		if f := errorFields(t, ben.do(t, "POST", w.path("/commitments"), map[string]string{"body": strings.Repeat("x", 501)})); f["body"] == "" {
			t.Errorf("a long commitment: want a message for body, got %v", f)
		}
		wantCode(t, ann.do(t, "PUT", w.path("/commitments/"+c.ID), map[string]bool{"done": true}), http.StatusNotFound, "not_found")
		ben.do(t, "PUT", w.path("/commitments/"+c.ID), map[string]bool{"done": true}).want(t, http.StatusNoContent, nil)
		var cs struct{ Commitments []api.Commitment }
		ann.do(t, "GET", w.path("/commitments"), nil).want(t, http.StatusOK, reset(&cs))
		if len(cs.Commitments) != 1 || !cs.Commitments[0].Done || cs.Commitments[0].DoneAt == nil {
			t.Errorf("commitments = %+v", cs.Commitments)
		}
		ben.do(t, "PUT", w.path("/commitments/"+c.ID), map[string]bool{"done": false}).want(t, http.StatusNoContent, nil)
		var home api.CircleHome
		ann.do(t, "GET", w.path(""), nil).want(t, http.StatusOK, reset(&home))
		if len(home.Commitments) != 1 || home.Commitments[0].Done || len(home.Posts) != 0 {
			t.Errorf("home's commitments %+v, posts %+v", home.Commitments, home.Posts)
		}
	})
}

func TestCircleLeave(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		other := mustCreateTeam(t, e, "Other", 1)
		// Cat never acknowledges: leaving needs no acknowledgement.
		w.acknowledge(t, w.members[:2]...)
		ann, cat := w.members[0], w.members[2]

		wantCode(t, ann.do(t, "POST", w.path("/return-to-pool"), nil), http.StatusForbidden, "forbidden")
		wantCode(t, w.adminAPI.do(t, "POST", w.path("/return-to-pool"), nil), http.StatusConflict, "conflict")
		if f := errorFields(t, cat.do(t, "POST", w.path("/leave"), map[string]string{"note": strings.Repeat("x", 1001)})); f["note"] == "" {
			t.Errorf("a long note: want a message for note, got %v", f)
		}

		ahead := w.mustSchedule(t, ann)
		held := false
		for _, m := range ahead {
			held = held || m.FacilitatorID == w.people[2].ID || m.TimekeeperID == w.people[2].ID
		}
		if !held {
			t.Fatalf("the rotation gives Cat no role: %+v", ahead)
		}

		cat.do(t, "POST", w.path("/leave"), map[string]string{"note": "Too busy this quarter."}).want(t, http.StatusNoContent, nil)
		wantCode(t, cat.do(t, "GET", w.path("/ground-rules"), nil), http.StatusNotFound, "not_found")
		wantCode(t, cat.do(t, "POST", w.path("/leave"), nil), http.StatusNotFound, "not_found")
		var list struct{ Circles []api.CircleSummary }
		cat.do(t, "GET", "/api/v1/circles", nil).want(t, http.StatusOK, reset(&list))
		if len(list.Circles) != 0 {
			t.Errorf("the leaver's circles = %+v", list.Circles)
		}
		var home api.CircleHome
		ann.do(t, "GET", w.path(""), nil).want(t, http.StatusOK, reset(&home))
		if len(home.Members) != 2 || !home.BelowMinimum {
			t.Errorf("home after leaving: %d members, below minimum %v", len(home.Members), home.BelowMinimum)
		}
		// Her roles go round the others.
		for _, m := range home.Upcoming {
			if m.FacilitatorID == w.people[2].ID || m.TimekeeperID == w.people[2].ID || m.FacilitatorID == m.TimekeeperID {
				t.Errorf("meeting after Cat left = %+v", m)
			}
		}

		// The note is for admins only.
		res := ann.do(t, "GET", w.path(""), nil)
		if strings.Contains(string(res.body), "Too busy") {
			t.Errorf("the circle sees the leaving note: %s", res.body)
		}
		wantCode(t, ann.do(t, "GET", "/api/v1/programs/"+w.program+"/departures", nil), http.StatusForbidden, "forbidden")
		wantCode(t, other.adminAPI.do(t, "GET", "/api/v1/programs/"+w.program+"/departures", nil), http.StatusNotFound, "not_found")
		var deps struct{ Departures []api.Departure }
		w.adminAPI.do(t, "GET", "/api/v1/programs/"+w.program+"/departures", nil).want(t, http.StatusOK, reset(&deps))
		if len(deps.Departures) != 1 || deps.Departures[0].UserID != w.people[2].ID || deps.Departures[0].CircleID != w.circle ||
			deps.Departures[0].Note != "Too busy this quarter." {
			t.Errorf("departures = %+v", deps.Departures)
		}

		// Below its minimum, the circle can go back to the pool.
		wantCode(t, other.adminAPI.do(t, "POST", w.path("/return-to-pool"), nil), http.StatusNotFound, "not_found")
		w.adminAPI.do(t, "POST", w.path("/return-to-pool"), nil).want(t, http.StatusNoContent, nil)
		wantCode(t, ann.do(t, "GET", w.path(""), nil), http.StatusNotFound, "not_found")
		wantCode(t, w.adminAPI.do(t, "POST", w.path("/return-to-pool"), nil), http.StatusConflict, "conflict")
		var matches struct{ Circles []api.Match }
		ann.do(t, "GET", "/api/v1/matches", nil).want(t, http.StatusOK, reset(&matches))
		if len(matches.Circles) != 1 || matches.Circles[0].Status != program.Dissolved {
			t.Errorf("matches after returning to the pool = %+v", matches.Circles)
		}
	})
}

// TestCircleNotMember: colleagues outside the circle, admins included, and
// people of another organisation get the same 404 as for a circle that
// does not exist, and change nothing.
func TestCircleNotMember(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Alpha")
		w.acknowledge(t, w.members...)
		ann := w.members[0]
		meetings := w.mustSchedule(t, ann)
		ann.do(t, "POST", w.path("/agreement"), map[string]string{"body": "We listen."}).want(t, http.StatusCreated, nil)
		var post api.Post
		ann.do(t, "POST", w.path("/posts"), map[string]string{"body": "Hello."}).want(t, http.StatusCreated, reset(&post))
		var commitment api.Commitment
		ann.do(t, "POST", w.path("/commitments"), map[string]string{"body": "Ask."}).want(t, http.StatusCreated, reset(&commitment))
		snapshot := func() string {
			res := ann.do(t, "GET", w.path(""), nil)
			res.want(t, http.StatusOK, nil)
			return string(res.body)
		}
		before := snapshot()

		b := mustCreateTeam(t, e, "Beta", 1)
		bWeb := client{e: e, session: mustSession(t, e, b.admin)}
		body, _ := scheduleBody(t)
		m := "/meetings/" + meetings[0].ID
		routes := []route{
			{"GET", w.path(""), nil},
			{"GET", w.path("/ground-rules"), nil},
			{"POST", w.path("/ground-rules/acknowledge"), map[string]int{"version": 1}},
			{"GET", w.path("/agreement"), nil},
			{"POST", w.path("/agreement"), map[string]string{"body": "Mine now."}},
			{"POST", w.path("/agreement/1/consent"), nil},
			{"POST", w.path("/agreement/1/withdraw"), nil},
			{"GET", w.path("/schedule"), nil},
			{"PUT", w.path("/schedule"), body},
			{"DELETE", w.path("/schedule"), nil},
			{"GET", w.path("/meetings"), nil},
			{"POST", w.path(m + "/move"), map[string]any{"starts_at": meetings[0].StartsAt.Add(time.Hour), "duration_minutes": 60}},
			{"POST", w.path(m + "/cancel"), nil},
			{"POST", w.path(m + "/restore"), nil},
			{"PUT", w.path(m + "/roles"), map[string]string{"facilitator_id": w.people[0].ID, "timekeeper_id": w.people[1].ID}},
			{"GET", w.path(m + "/ics"), nil},
			{"GET", w.path("/posts"), nil},
			{"POST", w.path("/posts"), map[string]string{"body": "Hi."}},
			{"DELETE", w.path("/posts/" + post.ID), nil},
			{"GET", w.path("/commitments"), nil},
			{"POST", w.path("/commitments"), map[string]string{"body": "Mine."}},
			{"PUT", w.path("/commitments/" + commitment.ID), map[string]bool{"done": true}},
			{"POST", w.path("/leave"), nil},
		}
		for _, c := range []client{w.outsider, w.adminAPI, b.adminAPI, bWeb} {
			for _, r := range routes {
				wantCode(t, c.do(t, r.method, r.path, r.body), http.StatusNotFound, "not_found")
			}
		}
		// Admin operations on another organisation's circle.
		wantCode(t, b.adminAPI.do(t, "POST", w.path("/return-to-pool"), nil), http.StatusNotFound, "not_found")
		if after := snapshot(); after != before {
			t.Errorf("the circle changed:\nbefore %s\nafter  %s", before, after)
		}
		if n := len(e.mail.Messages()); n == 0 {
			t.Error("no mail at all: the setup did not run")
		}
	})
}

func TestReminderPrefs(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		w.acknowledge(t, w.members...)
		ann := w.members[0]
		w.mustSchedule(t, ann)

		var p api.ReminderPrefs
		ann.do(t, "GET", "/api/v1/me/reminders", nil).want(t, http.StatusOK, reset(&p))
		on, off := true, false
		if diff := cmp.Diff(api.ReminderPrefs{Offsets: []int{1440, 60}, Nudges: true, Digest: &on}, p); diff != "" {
			t.Errorf("default prefs (-want +got):\n%s", diff)
		}
		jobsBefore := len(e.jobs.Pending())
		ann.do(t, "PUT", "/api/v1/me/reminders", map[string]any{"offsets": []int{60, 15, 60, 10080}, "nudges": false}).want(t, http.StatusOK, reset(&p))
		if diff := cmp.Diff(api.ReminderPrefs{Offsets: []int{10080, 60, 15}, Nudges: false, Digest: &on}, p); diff != "" {
			t.Errorf("saved prefs (-want +got):\n%s", diff)
		}
		// The digest turns off when asked, and stays as it is when left out.
		ann.do(t, "PUT", "/api/v1/me/reminders", map[string]any{"offsets": []int{60}, "nudges": true, "digest": false}).want(t, http.StatusOK, reset(&p))
		if p.Digest == nil || *p.Digest {
			t.Errorf("digest after turning it off: %v", p.Digest)
		}
		ann.do(t, "PUT", "/api/v1/me/reminders", map[string]any{"offsets": []int{60, 15, 60, 10080}, "nudges": false}).want(t, http.StatusOK, reset(&p))
		if diff := cmp.Diff(api.ReminderPrefs{Offsets: []int{10080, 60, 15}, Nudges: false, Digest: &off}, p); diff != "" {
			t.Errorf("digest left out (-want +got):\n%s", diff)
		}
		if after := len(e.jobs.Pending()); after <= jobsBefore {
			t.Errorf("%d reminder jobs after asking for more reminders, %d before", after, jobsBefore)
		}
		ann.do(t, "GET", "/api/v1/me/reminders", nil).want(t, http.StatusOK, reset(&p))
		if !cmp.Equal(p.Offsets, []int{10080, 60, 15}) || p.Nudges {
			t.Errorf("prefs read back = %+v", p)
		}
		if f := errorFields(t, ann.do(t, "PUT", "/api/v1/me/reminders", map[string]any{"offsets": []int{60, 7}, "nudges": true})); f["offsets"] == "" {
			t.Errorf("an offset not offered: want a message for offsets, got %v", f)
		}
		if f := errorFields(t, ann.do(t, "PUT", "/api/v1/me/reminders", map[string]any{"offsets": []int{60}})); f["nudges"] == "" {
			t.Errorf("no nudges: want a message for nudges, got %v", f)
		}
		res := ann.do(t, "PUT", "/api/v1/me/reminders", map[string]any{"offsets": []int{}, "nudges": true})
		res.want(t, http.StatusOK, nil)
		if !strings.Contains(string(res.body), `"offsets":[]`) {
			t.Errorf("no reminders = %s", res.body)
		}
		// Settings are each person's own.
		w.members[1].do(t, "GET", "/api/v1/me/reminders", nil).want(t, http.StatusOK, reset(&p))
		if !cmp.Equal(p.Offsets, []int{1440, 60}) {
			t.Errorf("Ben's prefs = %+v", p)
		}
	})
}

func TestCalendarFeed(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		w.acknowledge(t, w.members...)
		ann := w.members[0]
		w.mustSchedule(t, ann)
		ctx := context.Background()

		var status api.CalendarFeedStatus
		ann.do(t, "GET", "/api/v1/me/calendar-feed", nil).want(t, http.StatusOK, reset(&status))
		if status.Exists {
			t.Error("a feed exists before it is created")
		}
		var feed api.CalendarFeed
		ann.do(t, "POST", "/api/v1/me/calendar-feed", nil).want(t, http.StatusCreated, reset(&feed))
		token := feedToken(t, feed.URL)
		ann.do(t, "GET", "/api/v1/me/calendar-feed", nil).want(t, http.StatusOK, reset(&status))
		if !status.Exists {
			t.Error("no feed after creating one")
		}
		// The web server serves the feed at that address; the API tests
		// have no web server, so read it from the service it calls.
		ics, err := e.circles.Feed(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(ics), "BEGIN:VCALENDAR") || !strings.Contains(string(ics), "circle-"+w.circle+"@") {
			t.Errorf("feed:\n%s", ics)
		}

		// Creating it again replaces the address.
		var again api.CalendarFeed
		ann.do(t, "POST", "/api/v1/me/calendar-feed", nil).want(t, http.StatusCreated, reset(&again))
		if again.URL == feed.URL {
			t.Error("the address did not change")
		}
		if _, err := e.circles.Feed(ctx, token); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the old address: err %v, want ErrNotFound", err)
		}
		ann.do(t, "DELETE", "/api/v1/me/calendar-feed", nil).want(t, http.StatusNoContent, nil)
		ann.do(t, "GET", "/api/v1/me/calendar-feed", nil).want(t, http.StatusOK, reset(&status))
		if status.Exists {
			t.Error("the feed still exists")
		}
		if _, err := e.circles.Feed(ctx, feedToken(t, again.URL)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a deleted feed: err %v, want ErrNotFound", err)
		}
	})
}

// feedToken returns the secret in a feed address such as
// http://holdspace.test/calendar/hsc_….ics.
func feedToken(tb testing.TB, raw string) string {
	tb.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Host != "holdspace.test" || !strings.HasPrefix(u.Path, "/calendar/hsc_") || !strings.HasSuffix(u.Path, ".ics") {
		tb.Fatalf("feed address %q", raw)
	}
	return strings.TrimSuffix(path.Base(u.Path), ".ics")
}

// clock is a settable time for the store, for tests in which meetings
// take place.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// forEachDBWithClock is forEachDB with the store's clock in the test's
// hands. The clock is set before the server starts, so that nothing reads
// the store's Now while it changes.
func forEachDBWithClock(t *testing.T, fn func(t *testing.T, e *env, clk *clock)) {
	t.Helper()
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			clk := &clock{t: time.Now().UTC()}
			fn(t, newEnv(t, eng.URL(t), store.WithClock(clk.Now)), clk)
		})
	}
}

// TestCircleMeetingsHeld: once a meeting has begun it can no longer change
// (409), it is listed among those held with its roles, and the circle
// plans the next ones around it.
func TestCircleMeetingsHeld(t *testing.T) {
	forEachDBWithClock(t, func(t *testing.T, e *env, clk *clock) {
		w := mustCreateCircle(t, e, "Acme")
		w.acknowledge(t, w.members...)
		ann := w.members[0]
		ahead := w.mustSchedule(t, ann)
		held := ahead[0]
		clk.Set(held.EndsAt.Add(time.Hour))

		var ms struct{ Upcoming, Past []api.Meeting }
		ann.do(t, "GET", w.path("/meetings"), nil).want(t, http.StatusOK, reset(&ms))
		if len(ms.Past) != 1 || ms.Past[0].ID != held.ID || ms.Past[0].FacilitatorID != held.FacilitatorID ||
			ms.Past[0].TimekeeperID != held.TimekeeperID || len(ms.Upcoming) != circle.Upcoming-1 {
			t.Fatalf("meetings after the first = %+v", ms)
		}
		meeting := w.path("/meetings/" + held.ID)
		for _, r := range []route{
			{"POST", meeting + "/move", map[string]any{"starts_at": clk.Now().Add(24 * time.Hour), "duration_minutes": 60}},
			{"POST", meeting + "/cancel", nil},
			{"PUT", meeting + "/roles", map[string]string{"facilitator_id": w.people[0].ID, "timekeeper_id": w.people[1].ID}},
		} {
			res := ann.do(t, r.method, r.path, r.body)
			wantCode(t, res, http.StatusConflict, "conflict")
			if !strings.Contains(string(res.body), "already begun") {
				t.Errorf("%s %s: %s", r.method, r.path, res.body)
			}
		}
		ann.do(t, "GET", meeting+"/ics", nil).want(t, http.StatusOK, nil)

		// A change plans ahead again, and the rotation goes on from the
		// meeting held: its facilitator is not the next one's.
		next := ms.Upcoming[0]
		var chosen api.Meeting
		ann.do(t, "PUT", w.path("/meetings/"+next.ID+"/roles"), map[string]string{"facilitator_id": next.FacilitatorID, "timekeeper_id": next.TimekeeperID}).
			want(t, http.StatusOK, reset(&chosen))
		if !chosen.RolesChosen || chosen.FacilitatorID == held.FacilitatorID {
			t.Errorf("chosen = %+v, held = %+v", chosen, held)
		}
		ann.do(t, "GET", w.path("/meetings"), nil).want(t, http.StatusOK, reset(&ms))
		if len(ms.Upcoming) != circle.Upcoming || len(ms.Past) != 1 {
			t.Errorf("%d meetings ahead and %d held, want %d and 1", len(ms.Upcoming), len(ms.Past), circle.Upcoming)
		}

		// Changing the schedule keeps what was held.
		body, _ := scheduleBody(t)
		body["starts_on"] = clk.Now().Add(48 * time.Hour).Format("2006-01-02")
		body["weekday"] = int(clk.Now().Add(48 * time.Hour).Weekday())
		body["duration_minutes"] = 45
		var sched api.Schedule
		ann.do(t, "PUT", w.path("/schedule"), body).want(t, http.StatusOK, reset(&sched))
		if sched.Sequence != 1 || sched.DurationMinutes != 45 {
			t.Errorf("changed schedule = %+v", sched)
		}
		var home api.CircleHome
		ann.do(t, "GET", w.path(""), nil).want(t, http.StatusOK, reset(&home))
		if len(home.Past) != 1 || home.Past[0].ID != held.ID || len(home.Upcoming) != circle.Upcoming {
			t.Fatalf("home: %d held, %d ahead", len(home.Past), len(home.Upcoming))
		}
		for _, m := range home.Upcoming {
			if m.EndsAt.Sub(m.StartsAt) != 45*time.Minute || m.FacilitatorID == m.TimekeeperID {
				t.Errorf("meeting ahead = %+v", m)
			}
		}
	})
}

var sequenceRE = regexp.MustCompile(`(?m)^SEQUENCE:(\d+)\r?$`)

// maxSequence is the highest SEQUENCE in an iCalendar object, or -1.
func maxSequence(ics []byte) int {
	n := -1
	for _, m := range sequenceRE.FindAllSubmatch(ics, -1) {
		if v, err := strconv.Atoi(string(m[1])); err == nil && v > n {
			n = v
		}
	}
	return n
}

// TestScheduleClearedAndSetAgain: clearing a schedule cancels its meetings
// in everyone's calendar without telling anyone they left, and a schedule
// set afterwards must outrank that cancellation, or calendar apps keep the
// series cancelled and drop the new invitation as outdated (RFC 5546).
func TestScheduleClearedAndSetAgain(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Acme")
		w.acknowledge(t, w.members...)
		ann := w.members[0]
		w.mustSchedule(t, ann)

		before := len(e.mail.Messages())
		ann.do(t, "DELETE", w.path("/schedule"), nil).want(t, http.StatusNoContent, nil)
		sent := e.mail.Messages()[before:]
		if len(sent) != len(w.members) {
			t.Fatalf("%d messages on clearing the schedule, want one per member", len(sent))
		}
		cancelled := -1
		for _, m := range sent {
			if m.CalendarMethod != "CANCEL" || len(m.Calendar) == 0 {
				t.Errorf("message to %s carries no cancellation: method %q", m.To, m.CalendarMethod)
			}
			if strings.Contains(m.Subject, "left") || strings.Contains(m.Text, "you've left") {
				t.Errorf("message to %s says they left the circle, though they did not: %q", m.To, m.Subject)
			}
			cancelled = max(cancelled, maxSequence(m.Calendar))
		}

		before = len(e.mail.Messages())
		body, _ := scheduleBody(t)
		var sched api.Schedule
		ann.do(t, "PUT", w.path("/schedule"), body).want(t, http.StatusOK, reset(&sched))
		if sched.Sequence <= cancelled {
			t.Errorf("the new schedule has sequence %d, not above the cancellation's %d", sched.Sequence, cancelled)
		}
		for _, m := range e.mail.Messages()[before:] {
			if seq := maxSequence(m.Calendar); m.CalendarMethod != "REQUEST" || seq <= cancelled {
				t.Errorf("invitation to %s: method %q, SEQUENCE %d, want REQUEST above %d", m.To, m.CalendarMethod, seq, cancelled)
			}
		}
	})
}
