package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/holdspace/holdspace/internal/api"
	"github.com/holdspace/holdspace/internal/live"
)

// roomWorld is a circle of three who have all acknowledged the ground
// rules, with a schedule, and the first meeting's room.
type roomWorld struct {
	*circleWorld
	meeting api.Meeting
	// byID is each member's client by user id, to act as the timekeeper
	// or the facilitator the room names.
	byID map[string]client
}

func mustRoomWorld(tb testing.TB, e *env) *roomWorld {
	tb.Helper()
	w := mustCreateCircle(tb, e, "Acme")
	w.acknowledge(tb, w.members...)
	meetings := w.mustSchedule(tb, w.members[0])
	rw := &roomWorld{circleWorld: w, meeting: meetings[0], byID: map[string]client{}}
	for i, c := range w.members {
		rw.byID[w.people[i].ID] = c
	}
	return rw
}

// room is a path under the first meeting's room.
func (w *roomWorld) room(suffix string) string {
	return w.path("/meetings/" + w.meeting.ID + "/room" + suffix)
}

// roles returns the clients of the timekeeper, the facilitator and the
// member who is neither, as the snapshot names them.
func (w *roomWorld) roles(tb testing.TB, snap api.RoomSnapshot) (timekeeper, facilitator, other client, otherID string) {
	tb.Helper()
	if snap.Timekeeper == snap.Facilitator {
		tb.Fatalf("one member holds both roles: %+v", snap)
	}
	for id := range w.byID {
		if id != snap.Timekeeper && id != snap.Facilitator {
			otherID = id
		}
	}
	tk, ok1 := w.byID[snap.Timekeeper]
	fac, ok2 := w.byID[snap.Facilitator]
	if !ok1 || !ok2 || otherID == "" {
		tb.Fatalf("roles %q and %q are not members", snap.Timekeeper, snap.Facilitator)
	}
	return tk, fac, w.byID[otherID], otherID
}

func (w *roomWorld) mustRoom(tb testing.TB, c client) api.Room {
	tb.Helper()
	var r api.Room
	c.do(tb, "GET", w.room(""), nil).want(tb, http.StatusOK, &r)
	return r
}

func TestRoomOpenAndCommands(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustRoomWorld(t, e)
		res := w.members[0].do(t, "GET", w.room(""), nil)
		var r api.Room
		res.want(t, http.StatusOK, &r)
		snap := r.Snapshot
		if snap.Phase != "ready" || snap.Version != 1 || snap.Seq < 1 || snap.Step != 0 || snap.EndsAt != nil || snap.ServerNow.IsZero() ||
			len(snap.Names) != 3 || len(snap.Agenda) == 0 || snap.Agenda[0].Kind != "opening" || snap.RemainingMS <= 0 ||
			len(snap.Order) != 3 || len(snap.Present) != 0 || len(snap.Offers) != 0 {
			t.Fatalf("a new room: %s", res.body)
		}
		if r.Meeting.ID != w.meeting.ID || r.Note.Version != 0 || r.Note.Body != "" || len(r.Checkins) != 0 || len(r.LeastRecent) != 3 {
			t.Errorf("a new room: %+v", r)
		}
		// Lists are never null, except presenters until they are chosen.
		for _, key := range []string{`"present":[]`, `"offers":[]`, `"checkins":[]`, `"commitments":[]`} {
			if !strings.Contains(string(res.body), key) {
				t.Errorf("want %s in %s", key, res.body)
			}
		}
		// Opening it again keeps the one state.
		if again := w.mustRoom(t, w.members[1]); again.Snapshot.Version != 1 || again.Snapshot.Seq != snap.Seq {
			t.Errorf("reopened: %+v", again.Snapshot)
		}

		tk, fac, other, otherID := w.roles(t, snap)
		start := map[string]any{"kind": "start", "version": snap.Version}
		res = other.do(t, "POST", w.room("/commands"), start)
		wantCode(t, res, http.StatusForbidden, "forbidden")
		if !strings.Contains(string(res.body), "timekeeper") {
			t.Errorf("refused start: %s", res.body)
		}
		// Nobody says who sends a command: naming the timekeeper is refused
		// before anything is applied.
		f := errorFields(t, other.do(t, "POST", w.room("/commands"), map[string]any{"kind": "start", "version": snap.Version, "by": snap.Timekeeper}))
		if f["by"] == "" {
			t.Errorf("a command with by: fields %v", f)
		}
		if f := errorFields(t, tk.do(t, "POST", w.room("/commands"), map[string]any{"kind": "fly", "version": snap.Version})); f["kind"] == "" {
			t.Errorf("an unknown kind: fields %v", f)
		}

		// The meeting is tomorrow: starting it now is asked about first,
		// and changes nothing until confirmed.
		res = tk.do(t, "POST", w.room("/commands"), start)
		wantCode(t, res, http.StatusConflict, "conflict")
		if !strings.Contains(string(res.body), "Start the meeting of ") || !strings.Contains(string(res.body), "moves it to now") {
			t.Errorf("an early start without confirming: %s", res.body)
		}
		start["confirm"] = true
		var s1 api.RoomSnapshot
		tk.do(t, "POST", w.room("/commands"), start).want(t, http.StatusOK, &s1)
		if s1.Phase != "running" || s1.Version != snap.Version+1 || s1.Seq <= snap.Seq || s1.EndsAt == nil || len(s1.Names) != 3 {
			t.Fatalf("started: %+v", s1)
		}
		// The facilitator pressed next on the version before the start.
		res = fac.do(t, "POST", w.room("/commands"), map[string]any{"kind": "next", "version": snap.Version})
		wantCode(t, res, http.StatusConflict, "stale_version")
		if !strings.Contains(string(res.body), "Someone changed the meeting first") {
			t.Errorf("stale: %s", res.body)
		}
		res = tk.do(t, "POST", w.room("/commands"), map[string]any{"kind": "start", "version": s1.Version})
		wantCode(t, res, http.StatusConflict, "conflict")
		if !strings.Contains(string(res.body), "The meeting has already started.") {
			t.Errorf("starting twice: %s", res.body)
		}
		// Only a presenter says what help they want.
		res = other.do(t, "POST", w.room("/commands"), map[string]any{"kind": "help", "version": s1.Version, "presenter": snap.Timekeeper, "help": "expert"})
		wantCode(t, res, http.StatusForbidden, "forbidden")
		if !strings.Contains(string(res.body), "presenter") {
			t.Errorf("help for someone else: %s", res.body)
		}

		var s2 api.RoomSnapshot
		fac.do(t, "POST", w.room("/commands"), map[string]any{"kind": "extend", "version": s1.Version, "seconds": 120}).want(t, http.StatusOK, &s2)
		if s2.Version != s1.Version+1 || !s2.EndsAt.Equal(s1.EndsAt.Add(2*time.Minute)) {
			t.Errorf("extended by two minutes: %v, then %v", s1.EndsAt, s2.EndsAt)
		}
		fac.do(t, "POST", w.room("/commands"), map[string]any{"kind": "timekeeper", "version": s2.Version, "timekeeper": otherID}).want(t, http.StatusOK, &s2)
		if s2.Timekeeper != otherID {
			t.Errorf("timekeeper handed over: %+v", s2)
		}
		fac.do(t, "POST", w.room("/commands"), map[string]any{"kind": "presenters", "version": s2.Version, "presenters": []string{otherID}}).want(t, http.StatusOK, &s2)
		if !slices.Equal(s2.Presenters, []string{otherID}) {
			t.Errorf("presenters: %v", s2.Presenters)
		}
		// The presenter says for themselves, without naming themselves.
		other.do(t, "POST", w.room("/commands"), map[string]any{"kind": "help", "version": s2.Version, "help": "doctor"}).want(t, http.StatusOK, &s2)
		i := slices.IndexFunc(s2.Agenda, func(st api.RoomStep) bool { return st.Kind == "present" && st.Presenter == otherID })
		if i < 0 || s2.Agenda[i].Help != "doctor" {
			t.Errorf("help: %+v", s2.Agenda)
		}
		if got := w.mustRoom(t, w.members[0]).Snapshot; got.Version != s2.Version || got.Timekeeper != otherID {
			t.Errorf("the room as it is read back: %+v", got)
		}
	})
}

func TestRoomCheckinOffersNote(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustRoomWorld(t, e)
		r := w.mustRoom(t, w.members[0])
		tk, fac, other, otherID := w.roles(t, r.Snapshot)

		// Check-in, with progress on one's own commitment.
		var com api.Commitment
		other.do(t, "POST", w.path("/commitments"), map[string]string{"body": "Ask for feedback."}).want(t, http.StatusCreated, &com)
		var theirs api.Commitment
		tk.do(t, "POST", w.path("/commitments"), map[string]string{"body": "Delegate more."}).want(t, http.StatusCreated, &theirs)
		if f := errorFields(t, other.do(t, "POST", w.room("/checkin"), map[string]any{"mood": "grumpy"})); f["mood"] == "" {
			t.Errorf("an unknown mood: fields %v", f)
		}
		dup := []map[string]string{{"commitment_id": com.ID, "progress": "done"}, {"commitment_id": com.ID, "progress": "partly"}}
		if f := errorFields(t, other.do(t, "POST", w.room("/checkin"), map[string]any{"progress": dup})); f["progress[1].commitment_id"] == "" {
			t.Errorf("a commitment named twice: fields %v", f)
		}
		// Someone else's commitment is not the caller's to report on.
		wantCode(t, other.do(t, "POST", w.room("/checkin"), map[string]any{"progress": []map[string]string{{"commitment_id": theirs.ID, "progress": "done"}}}),
			http.StatusNotFound, "not_found")
		seq := r.Snapshot.Seq
		other.do(t, "POST", w.room("/checkin"), map[string]any{"mood": "good", "wins": "Shipped it.", "tabled": "Hiring.",
			"progress": []map[string]string{{"commitment_id": com.ID, "progress": "done", "learned": "People like being asked."}}}).
			want(t, http.StatusOK, &r)
		if !slices.Equal(r.Snapshot.Present, []string{otherID}) || r.Snapshot.Seq <= seq || len(r.Checkins) != 1 ||
			r.Checkins[0].Mood != "good" || r.Checkins[0].Tabled != "Hiring." || r.Checkins[0].Name == "" {
			t.Errorf("checked in: %+v, %+v", r.Snapshot, r.Checkins)
		}
		// Done, it is no longer among the room's open commitments.
		if slices.ContainsFunc(r.Commitments, func(c api.Commitment) bool { return c.ID == com.ID }) {
			t.Errorf("a done commitment in the room: %+v", r.Commitments)
		}
		var list struct{ Commitments []api.Commitment }
		other.do(t, "GET", w.path("/commitments"), nil).want(t, http.StatusOK, &list)
		i := slices.IndexFunc(list.Commitments, func(c api.Commitment) bool { return c.ID == com.ID })
		if i < 0 || !list.Commitments[i].Done || list.Commitments[i].Progress != "done" || list.Commitments[i].Learned != "People like being asked." {
			t.Errorf("progress reported: %+v", list.Commitments)
		}

		// Offers: made to a presenter, taken only by them.
		if f := errorFields(t, fac.do(t, "POST", w.room("/offers"), map[string]string{"presenter_id": w.admin.ID, "body": "Hi"})); f["presenter_id"] == "" {
			t.Errorf("an offer to someone outside the circle: fields %v", f)
		}
		if f := errorFields(t, fac.do(t, "POST", w.room("/offers"), map[string]string{"presenter_id": otherID, "body": "Too early"})); f["presenter_id"] == "" {
			t.Errorf("an offer to someone not presenting today: fields %v", f)
		}
		var chosen api.RoomSnapshot
		fac.do(t, "POST", w.room("/commands"), map[string]any{"kind": "presenters", "version": r.Snapshot.Version, "presenters": []string{otherID}}).want(t, http.StatusOK, &chosen)
		fac.do(t, "POST", w.room("/offers"), map[string]string{"presenter_id": otherID, "body": "Ask your team first."}).want(t, http.StatusCreated, &r)
		if len(r.Snapshot.Offers) != 1 {
			t.Fatalf("offers: %+v", r.Snapshot.Offers)
		}
		offer := r.Snapshot.Offers[0]
		if offer.PresenterID != otherID || offer.AuthorID != r.Snapshot.Facilitator || offer.AuthorName == "" || offer.Taken || offer.ID == "" {
			t.Errorf("the offer: %+v", offer)
		}
		take := w.room("/offers/" + offer.ID + "/take")
		for _, c := range []client{tk, fac} {
			wantCode(t, c.do(t, "POST", take, map[string]string{"body": "Mine now."}), http.StatusNotFound, "not_found")
		}
		if f := errorFields(t, other.do(t, "POST", take, map[string]string{"body": "  "})); f["body"] == "" {
			t.Errorf("taking in no words: fields %v", f)
		}
		var taken api.Commitment
		other.do(t, "POST", take, map[string]string{"body": " Ask my team before deciding. "}).want(t, http.StatusCreated, &taken)
		if taken.ID == "" || taken.UserID != otherID || taken.UserName == "" || taken.MeetingID != w.meeting.ID ||
			taken.Body != "Ask my team before deciding." || taken.Done {
			t.Errorf("taken: %+v", taken)
		}
		wantCode(t, other.do(t, "POST", take, map[string]string{"body": "Again."}), http.StatusConflict, "conflict")
		r = w.mustRoom(t, tk)
		if !r.Snapshot.Offers[0].Taken || !slices.ContainsFunc(r.Commitments, func(c api.Commitment) bool { return c.ID == taken.ID }) {
			t.Errorf("after taking: %+v, %+v", r.Snapshot.Offers, r.Commitments)
		}

		// The shared note: a save based on an old version is refused.
		var n api.MeetingNote
		tk.do(t, "GET", w.room("/note"), nil).want(t, http.StatusOK, &n)
		if n.Version != 0 || n.Body != "" || n.UpdatedAt != nil {
			t.Errorf("no note yet: %+v", n)
		}
		tk.do(t, "PUT", w.room("/note"), map[string]any{"body": "Hiring\r\n- ask the team", "version": 0}).want(t, http.StatusOK, &n)
		if n.Version != 1 || n.Body != "Hiring\n- ask the team" || n.UpdatedBy != r.Snapshot.Timekeeper || n.UpdatedAt == nil {
			t.Errorf("saved: %+v", n)
		}
		res := fac.do(t, "PUT", w.room("/note"), map[string]any{"body": "Mine instead", "version": 0})
		wantCode(t, res, http.StatusConflict, "stale_version")
		if !strings.Contains(string(res.body), "version 1") {
			t.Errorf("a stale save: %s", res.body)
		}
		fac.do(t, "PUT", w.room("/note"), map[string]any{"body": "Hiring, and mine", "version": 1}).want(t, http.StatusOK, &n)
		other.do(t, "GET", w.room("/note"), nil).want(t, http.StatusOK, reset(&n))
		if n.Version != 2 || n.Body != "Hiring, and mine" {
			t.Errorf("read back: %+v", n)
		}
		if r := w.mustRoom(t, other); r.Note.Version != 2 {
			t.Errorf("the room's note: %+v", r.Note)
		}
	})
}

// At the close each member answers "did we get what we wanted today?";
// before the closing there is nothing to answer.
func TestRoomClosingAnswers(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustRoomWorld(t, e)
		r := w.mustRoom(t, w.members[0])
		tk, _, other, otherID := w.roles(t, r.Snapshot)
		if f := errorFields(t, other.do(t, "POST", w.room("/closing"), map[string]string{"answer": "yes"})); f["answer"] == "" {
			t.Errorf("answering before the closing: fields %v", f)
		}
		var snap api.RoomSnapshot
		tk.do(t, "POST", w.room("/commands"), map[string]any{"kind": "start", "version": r.Snapshot.Version, "confirm": true}).want(t, http.StatusOK, &snap)
		tk.do(t, "POST", w.room("/commands"), map[string]any{"kind": "end", "version": snap.Version}).want(t, http.StatusOK, &snap)
		if f := errorFields(t, other.do(t, "POST", w.room("/closing"), map[string]string{"answer": "maybe"})); f["body.answer"] == "" && f["answer"] == "" {
			t.Errorf("an unknown answer: fields %v", f)
		}
		other.do(t, "POST", w.room("/closing"), map[string]string{"answer": "partly", "note": "Counsel ran short."}).want(t, http.StatusOK, &r)
		if len(r.Answers) != 1 || r.Answers[0].UserID != otherID || r.Answers[0].Answer != "partly" || r.Answers[0].Note != "Counsel ran short." ||
			r.Answers[0].Name == "" {
			t.Errorf("answered: %+v", r.Answers)
		}
		if r := w.mustRoom(t, tk); len(r.Answers) != 1 {
			t.Errorf("another member sees %+v", r.Answers)
		}
	})
}

func TestRoomReflection(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustRoomWorld(t, e)
		ann, ben := w.members[0], w.members[1]
		var ref api.Reflection
		ann.do(t, "GET", w.room("/reflection"), nil).want(t, http.StatusOK, &ref)
		if ref.Body != "" || ref.UpdatedAt != nil {
			t.Errorf("none yet: %+v", ref)
		}
		if f := errorFields(t, ann.do(t, "PUT", w.room("/reflection"), map[string]string{"body": " "})); f["body"] == "" {
			t.Errorf("an empty reflection: fields %v", f)
		}
		ann.do(t, "PUT", w.room("/reflection"), map[string]string{"body": "I listened more than I talked."}).want(t, http.StatusOK, reset(&ref))
		if ref.Body != "I listened more than I talked." || ref.UpdatedAt == nil {
			t.Errorf("saved: %+v", ref)
		}
		ann.do(t, "GET", w.room("/reflection"), nil).want(t, http.StatusOK, reset(&ref))
		if ref.Body != "I listened more than I talked." {
			t.Errorf("read back: %+v", ref)
		}
		// Ben reads his own, which he has not written.
		res := ben.do(t, "GET", w.room("/reflection"), nil)
		res.want(t, http.StatusOK, reset(&ref))
		if ref.Body != "" || ref.UpdatedAt != nil || strings.Contains(string(res.body), "listened") {
			t.Errorf("another member's: %s", res.body)
		}
		// Nothing else shows it either.
		if res := ann.do(t, "GET", w.room(""), nil); strings.Contains(string(res.body), "listened") {
			t.Errorf("the room shows the reflection: %s", res.body)
		}
	})
}

// TestRoomNotMember: colleagues outside the circle, admins included, and
// people of another organisation get 404 on every room operation; a
// member who has not acknowledged the ground rules gets 403.
func TestRoomNotMember(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustCreateCircle(t, e, "Alpha")
		w.acknowledge(t, w.members[:2]...)
		rw := &roomWorld{circleWorld: w, meeting: w.mustSchedule(t, w.members[0])[0]}
		var before api.Room
		w.members[1].do(t, "POST", rw.room("/offers"), map[string]string{"presenter_id": w.people[0].ID, "body": "Try it."}).
			want(t, http.StatusCreated, &before)
		offer := before.Snapshot.Offers[0].ID

		b := mustCreateTeam(t, e, "Beta", 1)
		bWeb := client{e: e, session: mustSession(t, e, b.admin)}
		routes := []route{
			{"GET", rw.room(""), nil},
			{"POST", rw.room("/commands"), map[string]any{"kind": "start", "version": before.Snapshot.Version}},
			{"POST", rw.room("/checkin"), map[string]any{"mood": "good"}},
			{"POST", rw.room("/offers"), map[string]string{"presenter_id": w.people[0].ID, "body": "Mine."}},
			{"POST", rw.room("/offers/" + offer + "/take"), map[string]string{"body": "Mine."}},
			{"GET", rw.room("/note"), nil},
			{"PUT", rw.room("/note"), map[string]any{"body": "Mine.", "version": 0}},
			{"GET", rw.room("/reflection"), nil},
			{"PUT", rw.room("/reflection"), map[string]string{"body": "Mine."}},
			{"POST", rw.room("/closing"), map[string]string{"answer": "yes"}},
			{"GET", rw.room("/events"), nil},
		}
		for _, c := range []client{w.outsider, w.adminAPI, b.adminAPI, bWeb} {
			for _, r := range routes {
				wantCode(t, c.do(t, r.method, r.path, r.body), http.StatusNotFound, "not_found")
			}
		}
		// A meeting of another circle, or none, is not found either.
		wantCode(t, w.members[0].do(t, "GET", w.path("/meetings/00000000-0000-0000-0000-000000000000/room"), nil), http.StatusNotFound, "not_found")
		for _, r := range routes {
			wantCode(t, w.members[2].do(t, r.method, r.path, r.body), http.StatusForbidden, "ground_rules_required")
		}
		after := rw.mustRoom(t, w.members[0])
		if after.Snapshot.Seq != before.Snapshot.Seq || after.Snapshot.Version != before.Snapshot.Version || len(after.Checkins) != 0 ||
			after.Note.Version != 0 || len(after.Snapshot.Offers) != 1 || after.Snapshot.Offers[0].Taken {
			t.Errorf("the room changed:\nbefore %+v\nafter  %+v", before, after)
		}
		if n := e.hub.Len(); n != 0 {
			t.Errorf("%d subscriptions left open by refused streams", n)
		}
	})
}

// sseEvent is one block of an event stream.
type sseEvent struct {
	id, name, data string
	retry          bool
}

// eventStream reads a room's event stream as a client would.
type eventStream struct {
	events <-chan sseEvent
	cancel context.CancelFunc
	header http.Header
}

// openStream opens GET path as c, sending lastID as Last-Event-ID unless
// it is empty.
func (c client) openStream(tb testing.TB, path, lastID string) *eventStream {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.e.srv.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	if c.session != "" {
		req.AddCookie(&http.Cookie{Name: cookieName, Value: c.session})
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	res, err := c.e.srv.Client().Do(req)
	if err != nil {
		cancel()
		tb.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		res.Body.Close()
		tb.Fatalf("stream: status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	ch := make(chan sseEvent, 16)
	go func() {
		defer close(ch)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		var ev sseEvent
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if data != nil || ev.retry {
					ev.data = strings.Join(data, "\n")
					ch <- ev
				}
				ev, data = sseEvent{}, nil
			case strings.HasPrefix(line, ":"):
			case strings.HasPrefix(line, "id: "):
				ev.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = append(data, strings.TrimPrefix(line, "data: "))
			case strings.HasPrefix(line, "retry: "):
				ev.retry = true
			}
		}
	}()
	s := &eventStream{events: ch, cancel: cancel, header: res.Header}
	tb.Cleanup(s.close)
	return s
}

func (s *eventStream) close() { s.cancel() }

// next returns the next event that carries data.
func (s *eventStream) next(tb testing.TB) sseEvent {
	tb.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				tb.Fatal("the stream ended")
			}
			if ev.data != "" {
				return ev
			}
		case <-timeout:
			tb.Fatal("no event within 10s")
		}
	}
}

// snapshot decodes a state event strictly and checks that its data is
// exactly what RoomSnapshot describes: decoding it into the documented
// type and encoding it again gives the same JSON.
func (ev sseEvent) snapshot(tb testing.TB) api.RoomSnapshot {
	tb.Helper()
	if ev.name != "state" {
		tb.Fatalf("event %q, want state", ev.name)
	}
	dec := json.NewDecoder(strings.NewReader(ev.data))
	dec.DisallowUnknownFields()
	var snap api.RoomSnapshot
	if err := dec.Decode(&snap); err != nil {
		tb.Fatalf("decode %s: %v", ev.data, err)
	}
	again, err := json.Marshal(snap)
	if err != nil {
		tb.Fatal(err)
	}
	var sent, documented any
	if err := json.Unmarshal([]byte(ev.data), &sent); err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(again, &documented); err != nil {
		tb.Fatal(err)
	}
	if diff := cmp.Diff(sent, documented); diff != "" {
		tb.Errorf("the event's data and the documented snapshot differ (-sent +documented):\n%s", diff)
	}
	if ev.id != strconv.FormatInt(snap.Seq, 10) {
		tb.Errorf("event id %q, snapshot seq %d", ev.id, snap.Seq)
	}
	return snap
}

// publish does what the relay does after a change: it loads the room and
// hands it to the hub.
func (w *roomWorld) publish(tb testing.TB, e *env) {
	tb.Helper()
	snap, err := e.meetings.LoadRoom(context.Background(), w.meeting.ID)
	if err != nil {
		tb.Fatal(err)
	}
	ev, err := live.StateEvent(snap.Seq, snap)
	if err != nil {
		tb.Fatal(err)
	}
	e.hub.Publish(w.meeting.ID, ev)
}

func TestRoomEvents(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustRoomWorld(t, e)
		// The stream opens the room like the room itself.
		tk, _, other, _ := w.roles(t, w.mustRoom(t, w.members[0]).Snapshot)
		r := w.mustRoom(t, w.members[1])

		for _, c := range w.members[:2] { // by token, then by session cookie
			s := c.openStream(t, w.room("/events"), "")
			if cc := s.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			first := s.next(t).snapshot(t)
			if first.Seq != r.Snapshot.Seq || first.Version != r.Snapshot.Version || first.Phase != "ready" {
				t.Errorf("the first event: %+v, want the room %+v", first, r.Snapshot)
			}
			if diff := cmp.Diff(r.Snapshot, first, cmpSnapshot); diff != "" {
				t.Errorf("the stream's and get-room's snapshots differ (-room +stream):\n%s", diff)
			}
			s.close()
		}

		s := other.openStream(t, w.room("/events"), "")
		first := s.next(t).snapshot(t)
		var started api.RoomSnapshot
		tk.do(t, "POST", w.room("/commands"), map[string]any{"kind": "start", "version": first.Version, "confirm": true}).want(t, http.StatusOK, &started)
		w.publish(t, e)
		got := s.next(t).snapshot(t)
		if got.Seq != started.Seq || got.Version != started.Version || got.Phase != "running" || got.EndsAt == nil || !got.EndsAt.Equal(*started.EndsAt) {
			t.Errorf("after the start: %+v, want %+v", got, started)
		}
		s.close()

		// A client that reconnects with an older id gets the room as it
		// stands first.
		s = other.openStream(t, w.room("/events"), strconv.FormatInt(first.Seq, 10))
		if got := s.next(t).snapshot(t); got.Seq != started.Seq || got.Phase != "running" {
			t.Errorf("reconnected from %d: %+v", first.Seq, got)
		}
		s.close()
		// One that already has the current state is not sent it again:
		// the next event is the next change. (Reconnecting while the
		// meeting runs marked the member present, a change of its own.)
		w.publish(t, e)
		current := w.mustRoom(t, other).Snapshot.Seq
		s = other.openStream(t, w.room("/events"), strconv.FormatInt(current, 10))
		var checked api.Room
		other.do(t, "POST", w.room("/checkin"), map[string]any{"mood": "okay"}).want(t, http.StatusOK, &checked)
		w.publish(t, e)
		// Present: the timekeeper who started the meeting, and the member
		// in its room since.
		if got := s.next(t).snapshot(t); got.Seq != checked.Snapshot.Seq || got.Seq <= current || len(got.Present) != 2 {
			t.Errorf("reconnected with the current id, then a check-in: %+v", got)
		}
		s.close()
	})
}

// cmpSnapshot compares snapshots taken at different moments.
var cmpSnapshot = cmp.FilterPath(func(p cmp.Path) bool {
	name := p.Last().String()
	return name == ".ServerNow" || name == ".RemainingMS"
}, cmp.Ignore())

// TestRoomEventsOff: without a hub the stream answers 503, after the
// same checks of who is asking.
func TestRoomEventsOff(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	w := mustRoomWorld(t, e)
	off := api.New(api.Deps{Services: e.svc, CookieName: cookieName})
	srv := httptest.NewServer(identify(e.accounts, off))
	t.Cleanup(srv.Close)
	eoff := *e
	eoff.srv = srv
	member := w.members[0]
	member.e = &eoff
	wantCode(t, member.do(t, "GET", w.room("/events"), nil), http.StatusServiceUnavailable, "unavailable")
	member.do(t, "GET", w.room(""), nil).want(t, http.StatusOK, nil)
}

// TestRoomEventsDocumented: the document describes the stream, which huma
// cannot derive from the handler.
func TestRoomEventsDocumented(t *testing.T) {
	t.Parallel()
	e := newSQLiteEnv(t)
	res := e.anon().do(t, "GET", "/api/v1/openapi.json", nil)
	res.want(t, http.StatusOK, nil)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string }
			Responses  map[string]struct {
				Content map[string]struct {
					Schema struct {
						Items struct {
							OneOf []struct {
								Properties map[string]struct {
									Ref  string   `json:"$ref"`
									Enum []string `json:"enum"`
								}
							} `json:"oneOf"`
						}
					}
				}
			}
		}
	}
	if err := json.NewDecoder(bytes.NewReader(res.body)).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	op := doc.Paths["/api/v1/circles/{id}/meetings/{meeting}/room/events"]["get"]
	if !slices.ContainsFunc(op.Parameters, func(p struct{ Name, In string }) bool { return p.Name == "Last-Event-ID" && p.In == "header" }) {
		t.Errorf("no Last-Event-ID header: %+v", op.Parameters)
	}
	stream, ok := op.Responses["200"].Content["text/event-stream"]
	if !ok || len(op.Responses["200"].Content) != 1 {
		t.Fatalf("200 content: %+v", op.Responses["200"].Content)
	}
	state := stream.Schema.Items.OneOf[0].Properties
	if state["data"].Ref != "#/components/schemas/RoomSnapshot" || !slices.Equal(state["event"].Enum, []string{"state"}) {
		t.Errorf("the state event: %+v", state)
	}
}

// TestRoomVideoURL: the room gives the circle's video call, so that a
// client can offer to join it from there, and follows the schedule when
// the call is taken away.
func TestRoomVideoURL(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		w := mustRoomWorld(t, e)
		res := w.members[1].do(t, "GET", w.room(""), nil)
		var r api.Room
		res.want(t, http.StatusOK, &r)
		if r.VideoURL != "https://meet.example.com/circle" {
			t.Errorf("the room's call is %q: %s", r.VideoURL, res.body)
		}
		body, _ := scheduleBody(t)
		body["video_url"] = ""
		w.members[0].do(t, "PUT", w.path("/schedule"), body).want(t, http.StatusOK, nil)
		// The new schedule makes new meetings: the room is the next one's.
		var ms struct{ Upcoming []api.Meeting }
		w.members[1].do(t, "GET", w.path("/meetings"), nil).want(t, http.StatusOK, &ms)
		if len(ms.Upcoming) == 0 {
			t.Fatal("no meeting ahead after the schedule changed")
		}
		w.meeting = ms.Upcoming[0]
		res = w.members[1].do(t, "GET", w.room(""), nil)
		res.want(t, http.StatusOK, reset(&r))
		if r.VideoURL != "" || !strings.Contains(string(res.body), `"video_url":""`) {
			t.Errorf("without a call the room still gives one: %s", res.body)
		}
	})
}
