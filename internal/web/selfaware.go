package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/journal"
)

// The chart of a capability's ratings: its box and the plot inside it.
const (
	sparkW, sparkH                             = 320, 120
	sparkLeft, sparkRight, sparkTop, sparkBase = 28, 12, 10, 96
)

// chartPoint is one rating on a capability's chart.
type chartPoint struct {
	X, Y  string
	Score int
	Pick  journal.Pick
}

// capabilityChart is one capability's ratings over time, drawn as a line.
type capabilityChart struct {
	journal.Capability
	Points []chartPoint
	Path   string
	// First and Last are when the first and last ratings were made.
	First, Last time.Time
}

// gridLine is a rating's horizontal line in the charts.
type gridLine struct {
	Y     string
	Score int
}

// assessmentCell is a capability's rating in one assessment, for the
// table behind the charts.
type assessmentCell struct {
	journal.Rating
	Picked bool
}

type assessmentRow struct {
	journal.Capability
	Cells []assessmentCell
}

type assessmentsPage struct {
	Page
	Assessments []journal.Assessment
	Charts      []capabilityChart
	Grid        []gridLine
	Rows        []assessmentRow
	Due         bool
	Last        time.Time
	ChartW      int
	ChartH      int
	PlotRight   int
	AxisY       int
}

func fmtCoord(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func scoreY(score int) float64 {
	return sparkTop + float64(5-score)/4*(sparkBase-sparkTop)
}

// assessmentCharts draws each capability ever picked in list (oldest
// first) on a line of its own, placed along the time the assessments
// were made.
func assessmentCharts(list []journal.Assessment) ([]capabilityChart, []assessmentRow) {
	var charts []capabilityChart
	var rows []assessmentRow
	if len(list) == 0 {
		return nil, nil
	}
	t0, tn := list[0].CreatedAt, list[len(list)-1].CreatedAt
	span := tn.Sub(t0).Seconds()
	x := func(t time.Time) float64 {
		if span <= 0 {
			return (sparkLeft + sparkW - sparkRight) / 2
		}
		return sparkLeft + 8 + t.Sub(t0).Seconds()/span*(sparkW-sparkRight-sparkLeft-16)
	}
	for _, c := range journal.Capabilities {
		ch := capabilityChart{Capability: c}
		row := assessmentRow{Capability: c}
		var path strings.Builder
		for _, a := range list {
			r, ok := a.Score(c.Key)
			row.Cells = append(row.Cells, assessmentCell{Rating: r, Picked: ok})
			if !ok {
				continue
			}
			px, py := fmtCoord(x(a.CreatedAt)), fmtCoord(scoreY(r.Score))
			if path.Len() == 0 {
				path.WriteString("M" + px + " " + py)
				ch.First = a.CreatedAt
			} else {
				path.WriteString(" L" + px + " " + py)
			}
			ch.Last = a.CreatedAt
			ch.Points = append(ch.Points, chartPoint{X: px, Y: py, Score: r.Score, Pick: r.Pick})
		}
		if len(ch.Points) == 0 {
			continue
		}
		ch.Path = path.String()
		charts = append(charts, ch)
		rows = append(rows, row)
	}
	return charts, rows
}

func chartGrid() []gridLine {
	var g []gridLine
	for score := 5; score >= 1; score-- {
		g = append(g, gridLine{Y: fmtCoord(scoreY(score)), Score: score})
	}
	return g
}

func (s *Server) handleAssessments(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	list, err := s.Journal.Assessments(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := s.page(r, "Your self-assessments")
	p.Nav = "journal"
	data := assessmentsPage{Page: p, Assessments: list, Grid: chartGrid(), ChartW: sparkW, ChartH: sparkH,
		PlotRight: sparkW - sparkRight, AxisY: sparkBase}
	data.Charts, data.Rows = assessmentCharts(list)
	data.Due, data.Last = s.Journal.AssessmentDue(list)
	s.render(w, r, http.StatusOK, "assessments", data)
}

// ratingChoice is one capability in the assessment form.
type ratingChoice struct {
	journal.Capability
	Pick  journal.Pick
	Score int
	Error string
}

type assessmentFormPage struct {
	Page
	// Assessment is the one edited; nil for a new one.
	Assessment *journal.Assessment
	Choices    []ratingChoice
	Note       string
	Scores     []int
	MaxPicks   int
}

func (s *Server) renderAssessmentForm(w http.ResponseWriter, r *http.Request, status int, page Page, a *journal.Assessment, ratings []journal.Rating, note string) {
	page.Nav = "journal"
	data := assessmentFormPage{Page: page, Assessment: a, Note: note, Scores: []int{1, 2, 3, 4, 5}, MaxPicks: journal.MaxPicks}
	picked := journal.Assessment{Ratings: ratings}
	for _, c := range journal.Capabilities {
		ch := ratingChoice{Capability: c, Error: page.Errors["rating-"+c.Key]}
		if rt, ok := picked.Score(c.Key); ok {
			ch.Pick, ch.Score = rt.Pick, rt.Score
		}
		data.Choices = append(data.Choices, ch)
	}
	s.render(w, r, status, "assessment_form", data)
}

// ratingsFrom reads the assessment form: a capability counts as picked
// when it is marked a strength or growth area. "Not now" leaves it out
// whatever its rating, since a chosen radio button cannot be cleared.
func ratingsFrom(r *http.Request) []journal.Rating {
	var out []journal.Rating
	for _, c := range journal.Capabilities {
		pick, score := r.PostFormValue("pick-"+c.Key), r.PostFormValue("score-"+c.Key)
		if pick == "" {
			continue
		}
		n, _ := strconv.Atoi(score)
		out = append(out, journal.Rating{Capability: c.Key, Pick: journal.Pick(pick), Score: n})
	}
	return out
}

func (s *Server) handleAssessmentNew(w http.ResponseWriter, r *http.Request) {
	list, err := s.Journal.Assessments(r.Context(), auth.UserFromContext(r.Context()))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// A new assessment starts from the last one's picks, so that the
	// same capabilities are rated again and the charts can follow them.
	var start []journal.Rating
	if n := len(list); n > 0 {
		start = list[n-1].Ratings
	}
	s.renderAssessmentForm(w, r, http.StatusOK, s.page(r, "A new self-assessment"), nil, start, "")
}

func (s *Server) handleAssessmentCreate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	ratings, note := ratingsFrom(r), r.PostFormValue("note")
	if _, err := s.Journal.Assess(r.Context(), u, ratings, note); err != nil {
		s.form(w, r, err, "", func(pr problem) {
			s.renderAssessmentForm(w, r, pr.status, s.page(r, "A new self-assessment").withErrors(r, pr.Fields), nil, ratings, note)
		})
		return
	}
	s.redirect(w, r, "/journal/assessments", "Saved. Only you can see it.")
}

func (s *Server) handleAssessmentEdit(w http.ResponseWriter, r *http.Request) {
	a, err := s.Journal.Assessment(r.Context(), auth.UserFromContext(r.Context()), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderAssessmentForm(w, r, http.StatusOK, s.page(r, "Edit a self-assessment"), a, a.Ratings, a.Note)
}

func (s *Server) handleAssessmentUpdate(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	ratings, note := ratingsFrom(r), r.PostFormValue("note")
	if _, err := s.Journal.EditAssessment(r.Context(), u, id, version, ratings, note); err != nil {
		s.form(w, r, err, "/journal/assessments/"+id+"/edit", func(pr problem) {
			a, ferr := s.Journal.Assessment(r.Context(), u, id)
			if ferr != nil {
				s.Error(w, r, ferr)
				return
			}
			s.renderAssessmentForm(w, r, pr.status, s.page(r, "Edit a self-assessment").withErrors(r, pr.Fields), a, ratings, note)
		})
		return
	}
	s.redirect(w, r, "/journal/assessments", "Saved.")
}

func (s *Server) handleAssessmentDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Journal.DeleteAssessment(r.Context(), auth.UserFromContext(r.Context()), r.PathValue("id")); err != nil {
		s.Error(w, r, err)
		return
	}
	s.redirect(w, r, "/journal/assessments", "Self-assessment deleted.")
}

type helpingPage struct {
	Page
	Pattern  journal.Pattern
	Sentence string
	Roles    []journal.Role
}

func (s *Server) handleHelping(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "Your helping pattern")
	pat, err := s.Journal.Pattern(r.Context(), auth.UserFromContext(r.Context()), p.Loc)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p.Nav = "journal"
	s.render(w, r, http.StatusOK, "helping", helpingPage{Page: p, Pattern: pat, Sentence: pat.Sentence(), Roles: journal.Roles})
}

// roleName names a helping role as the book does.
func roleName(r journal.Role) string {
	switch r {
	case journal.Expert:
		return "Expert"
	case journal.Doctor:
		return "Doctor"
	case journal.Process:
		return "Process consultant"
	}
	return string(r)
}

func (s *Server) handleRoomHelp(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, err)
		return
	}
	n := journal.HelpNote{PresenterID: r.PostFormValue("presenter_id"), Took: journal.Role(r.PostFormValue("took"))}
	for _, h := range r.PostForm["helped"] {
		n.Helped = append(n.Helped, journal.Role(h))
	}
	err := s.Meetings.NoteHelp(r.Context(), u, r.PathValue("id"), r.PathValue("meeting"), n)
	s.roomBack(w, r, err, "Noted for yourself. It shows in your journal’s helping pattern.")
}

// pickLabel is how a pick reads in the table.
func pickLabel(p journal.Pick) string {
	switch p {
	case journal.Strength:
		return "strength"
	case journal.Growth:
		return "growth area"
	}
	return string(p)
}

// roleCount is how often a role came up, as a page lists it.
type roleCount struct {
	Role journal.Role
	N    int
}

// counts lists the roles of c that came up, in roles' order.
func counts(c journal.Counts, roles []journal.Role) []roleCount {
	var out []roleCount
	for _, r := range roles {
		if c[r] > 0 {
			out = append(out, roleCount{r, c[r]})
		}
	}
	return out
}
