package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/richtext"
	"github.com/holdspace/holdspace/internal/service"
)

type agreementPage struct {
	Page
	Circle    *program.Circle
	Versions  []agreementRow
	Adopted   *agreementRow
	Proposed  *agreementRow
	Waiting   []string // members yet to consent to the proposal
	IsPair    bool
	Consented bool
	// Fields are the form's sections: the draft's, the template's that
	// the draft lacks (empty, to add back), and one blank for a new one.
	Fields []sectionField
	// Changes compare version ChangesFrom (0: none) to ChangesTo.
	Changes     []sectionChange
	ChangesFrom int
	ChangesTo   int
	// Comments are the proposal's comments, oldest first.
	Comments     []commentRow
	CommentLimit int
}

type agreementRow struct {
	circle.AgreementVersion
	HTML template.HTML
}

// sectionField is one section of the agreement form. A section that the
// draft or the template names keeps its title; a new one is given one.
type sectionField struct {
	Index      int
	Title      string
	Text       string
	Prompt     string // the template's words for the section, as a hint
	NewSection bool
	TitleError string
	TextError  string
}

// sectionChange is one section that differs between two versions, with
// the words that changed marked on each side.
type sectionChange struct {
	circle.SectionChange
	Summary       string
	Before, After []wordSpan
}

type wordSpan struct {
	Text    string
	Changed bool
}

type commentRow struct {
	circle.AgreementComment
	When string // in the viewer's zone
}

func (s *Server) handleAgreement(w http.ResponseWriter, r *http.Request) {
	s.renderAgreement(w, r, http.StatusOK, s.page(r, "Working agreement"), nil)
}

// renderAgreement draws the agreement page; sent is the form as submitted
// when it is drawn again with errors.
func (s *Server) renderAgreement(w http.ResponseWriter, r *http.Request, status int, p Page, sent []circle.Section) {
	u := auth.UserFromContext(r.Context())
	// The agreement and its comments each let the reader in: once is
	// enough.
	ctx := service.Remember(r.Context())
	c, versions, err := s.Agreements.Agreement(ctx, u, r.PathValue("id"))
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	comments, err := s.Agreements.Comments(ctx, u, c.ID)
	if err != nil {
		s.circleFail(w, r, err)
		return
	}
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	to, _ := strconv.Atoi(r.URL.Query().Get("to"))
	data := newAgreementPage(p, c, versions, u.ID, from, to, sent)
	zone := userZone(u.Timezone)
	for _, cm := range comments {
		if data.Proposed != nil && cm.Version == data.Proposed.Version {
			data.Comments = append(data.Comments, commentRow{AgreementComment: cm, When: cm.At.In(zone).Format("Mon 2 Jan, 15:04")})
		}
	}
	s.render(w, r, status, "agreement", data)
}

// newAgreementPage is a circle's working agreement page for the member
// userID, comparing version from to version to (0 for the default), with
// the form drawn from sent if there is one.
func newAgreementPage(p Page, c *program.Circle, versions []circle.AgreementVersion, userID string, from, to int, sent []circle.Section) agreementPage {
	data := agreementPage{Page: p, Circle: c, IsPair: len(c.Members) == 2, CommentLimit: circle.MaxCommentLen}
	data.Nav = "circles"
	for _, v := range versions {
		data.Versions = append(data.Versions, agreementRow{AgreementVersion: v, HTML: richtext.Render(v.Body)})
	}
	for i := range data.Versions {
		switch data.Versions[i].Status {
		case circle.AgreementAdopted:
			data.Adopted = &data.Versions[i]
		case circle.AgreementProposed:
			data.Proposed = &data.Versions[i]
		}
	}
	if data.Proposed != nil {
		data.Consented = data.Proposed.Consented(userID)
		for _, m := range c.Members {
			if !data.Proposed.Consented(m.UserID) {
				data.Waiting = append(data.Waiting, m.Name)
			}
		}
	}
	// The draft starts from what was sent, else the open proposal, else
	// the agreement in force, else empty: the template's sections then
	// show their prompts as hints, not as words to agree to.
	draft := sent
	switch {
	case sent != nil:
	case data.Proposed != nil:
		draft = circle.Sections(data.Proposed.Body)
	case data.Adopted != nil:
		draft = circle.Sections(data.Adopted.Body)
	}
	data.Fields = sectionFields(draft, p.Errors)
	data.compare(versions, from, to)
	return data
}

// sectionFields lays out the form's sections: draft's, then the
// template's that draft lacks, then one blank for a new section (kept
// when it was sent with text).
func sectionFields(draft []circle.Section, errs map[string]string) []sectionField {
	prompts := map[string]string{}
	for _, t := range circle.TemplateSections() {
		prompts[strings.ToLower(t.Title)] = t.Text
	}
	var out []sectionField
	have := map[string]bool{}
	add := func(sec circle.Section, isNew bool) {
		i := len(out)
		out = append(out, sectionField{Index: i, Title: sec.Title, Text: sec.Text, Prompt: prompts[strings.ToLower(sec.Title)], NewSection: isNew,
			TitleError: errs[fmt.Sprintf("title.%d", i)], TextError: errs[fmt.Sprintf("text.%d", i)]})
		have[strings.ToLower(sec.Title)] = true
	}
	for _, sec := range draft {
		// A form drawn again sent its blank section last; it is added
		// again below, so the others keep their positions (and errors).
		if sec.Title == "" && sec.Text == "" {
			continue
		}
		add(sec, false)
	}
	for _, t := range circle.TemplateSections() {
		if !have[strings.ToLower(t.Title)] {
			add(circle.Section{Title: t.Title}, false)
		}
	}
	add(circle.Section{}, true)
	return out
}

// compare sets the page's comparison from version from to version to. It
// defaults to the open proposal against the agreement in force, or the
// newest version against the one before it.
func (data *agreementPage) compare(versions []circle.AgreementVersion, from, to int) {
	byVersion := map[int]string{}
	for _, v := range versions {
		byVersion[v.Version] = v.Body
	}
	if to == 0 && len(versions) > 0 {
		to = versions[0].Version
		if data.Proposed != nil && data.Adopted != nil {
			to, from = data.Proposed.Version, data.Adopted.Version
		}
	}
	if from == 0 {
		from = to - 1
	}
	newBody, ok := byVersion[to]
	if !ok || to == from {
		return
	}
	data.ChangesFrom, data.ChangesTo = from, to
	if _, ok := byVersion[from]; !ok {
		data.ChangesFrom = 0 // version 1 against nothing
	}
	for _, ch := range circle.CompareSections(circle.Sections(byVersion[from]), circle.Sections(newBody)) {
		sc := sectionChange{SectionChange: ch, Summary: ch.Summary()}
		if ch.Kind == circle.SectionChanged {
			for _, sp := range richtext.Words(ch.Old, ch.New) {
				if sp.Op != richtext.Insert {
					sc.Before = append(sc.Before, wordSpan{Text: sp.Text, Changed: sp.Op == richtext.Delete})
				}
				if sp.Op != richtext.Delete {
					sc.After = append(sc.After, wordSpan{Text: sp.Text, Changed: sp.Op == richtext.Insert})
				}
			}
		}
		data.Changes = append(data.Changes, sc)
	}
}

// formSections reads the agreement form's sections, paired by position.
func formSections(r *http.Request) []circle.Section {
	titles, texts := r.PostForm["title"], r.PostForm["text"]
	out := make([]circle.Section, 0, len(texts))
	for i, text := range texts {
		sec := circle.Section{Text: text}
		if i < len(titles) {
			sec.Title = titles[i]
		}
		out = append(out, sec)
	}
	return out
}

func (s *Server) handleAgreementPropose(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, err)
		return
	}
	sent := formSections(r)
	v, err := s.Agreements.ProposeSections(r.Context(), u, id, sent, r.PostFormValue("note"))
	if err != nil {
		s.form(w, r, err, "/circles/"+id+"/agreement", func(pr problem) {
			s.renderAgreement(w, r, pr.status, s.page(r, "Working agreement").withErrors(r, pr.Fields, "note"), sent)
		})
		return
	}
	msg := "Proposed. It takes effect when everyone has consented."
	if v.Status == circle.AgreementAdopted {
		msg = "Everyone has consented: the agreement is in force."
	}
	s.redirect(w, r, "/circles/"+id+"/agreement", msg)
}

func (s *Server) handleAgreementComment(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.PathValue("version"))
	_, err := s.Agreements.Comment(r.Context(), u, id, version, r.PostFormValue("body"))
	if err != nil {
		s.form(w, r, err, "/circles/"+id+"/agreement", func(pr problem) {
			p := s.page(r, "Working agreement").withErrors(r, map[string]string{"comment": pr.Fields["body"]}, "note")
			p.Form["comment"] = r.PostFormValue("body")
			s.renderAgreement(w, r, pr.status, p, nil)
		})
		return
	}
	s.redirect(w, r, "/circles/"+id+"/agreement#comments", "Your comment is added; everyone in the circle sees it before they consent.")
}

func (s *Server) handleAgreementConsent(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.PathValue("version"))
	v, err := s.Agreements.ConsentToAgreement(r.Context(), u, id, version)
	if err != nil {
		s.fail(w, r, err, "/circles/"+id+"/agreement")
		return
	}
	msg := "Thank you for your consent."
	if v.Status == circle.AgreementAdopted {
		msg = "Everyone has consented: version " + strconv.Itoa(v.Version) + " is in force."
	}
	s.redirect(w, r, "/circles/"+id+"/agreement", msg)
}

func (s *Server) handleAgreementWithdraw(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFromContext(r.Context())
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.PathValue("version"))
	err := s.Agreements.WithdrawAgreement(r.Context(), u, id, version)
	if err != nil {
		s.fail(w, r, err, "/circles/"+id+"/agreement")
		return
	}
	s.redirect(w, r, "/circles/"+id+"/agreement", "Your proposal is withdrawn.")
}

// userZone is the time zone named tz, or UTC if it does not load.
func userZone(tz string) *time.Location {
	loc, err := account.Location(tz)
	if err != nil {
		return time.UTC
	}
	return loc
}
