// Package agreements is what a circle's members agree on: the ground rules
// of confidentiality and care that each member acknowledges before they
// see anything inside the circle (an organisation's admins write them), and
// the working agreement every member consents to, version by version.
package agreements

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/richtext"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/store"
)

// Service carries out the agreement flows.
type Service struct {
	DB      *store.DB
	BaseURL *url.URL
	Logger  *slog.Logger
	// Circles answers who is inside a circle.
	Circles *circles.Service
}

func (s *Service) link(path string) string {
	u := *s.BaseURL
	u.Path = path
	return u.String()
}

// GroundRules returns the ground rules in force in u's organisation.
func (s *Service) GroundRules(ctx context.Context, u *account.User) (*circle.GroundRules, error) {
	return s.DB.FindGroundRules(ctx, u.OrgID)
}

// UpdateGroundRules saves an admin's new ground rules as a new version;
// every member acknowledges it before they next see inside their circle.
func (s *Service) UpdateGroundRules(ctx context.Context, admin *account.User, body string) (*circle.GroundRules, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	body = richtext.Normalize(body)
	var v account.Validator
	circle.CheckText(&v, "body", body, circle.MaxTextLen)
	if err := v.Err(); err != nil {
		return nil, err
	}
	cur, err := s.DB.FindGroundRules(ctx, admin.OrgID)
	if err != nil {
		return nil, err
	}
	if cur.Body == body {
		return cur, nil
	}
	return s.DB.CreateGroundRules(ctx, admin.OrgID, admin.ID, body)
}

// CircleRules returns the ground rules a member is asked to acknowledge in
// a circle and when they did, if they have.
func (s *Service) CircleRules(ctx context.Context, u *account.User, circleID string) (*program.Circle, *circle.GroundRules, *time.Time, error) {
	c, err := s.Circles.Member(ctx, u, circleID)
	if err != nil {
		return nil, nil, nil, err
	}
	rules, err := s.DB.FindGroundRules(ctx, u.OrgID)
	if err != nil {
		return nil, nil, nil, err
	}
	at, err := s.DB.FindAcknowledgement(ctx, u.OrgID, circleID, u.ID, rules.Version)
	if err != nil {
		return nil, nil, nil, err
	}
	return c, rules, at, nil
}

// AcknowledgeGroundRules records that a member read and accepts version of
// the ground rules. A version other than the one in force means the text
// changed while they read it.
func (s *Service) AcknowledgeGroundRules(ctx context.Context, u *account.User, circleID string, version int) error {
	if _, err := s.Circles.Member(ctx, u, circleID); err != nil {
		return err
	}
	rules, err := s.DB.FindGroundRules(ctx, u.OrgID)
	if err != nil {
		return err
	}
	if version != rules.Version {
		return circle.ErrRulesChanged
	}
	return s.DB.CreateAcknowledgement(ctx, u.OrgID, circleID, u.ID, version)
}

// Agreement returns every version of a circle's agreement, newest first.
func (s *Service) Agreement(ctx context.Context, u *account.User, circleID string) (*program.Circle, []circle.AgreementVersion, error) {
	c, err := s.Circles.Inside(ctx, u, circleID)
	if err != nil {
		return nil, nil, err
	}
	versions, err := s.DB.FindAgreement(ctx, u.OrgID, circleID)
	return c, versions, err
}

// ProposeAgreement puts a member's version of the agreement to the circle.
// The proposer consents by proposing; it takes effect when every member
// has consented. Everyone else is asked by email.
func (s *Service) ProposeAgreement(ctx context.Context, u *account.User, circleID, body, note string) (*circle.AgreementVersion, error) {
	if _, err := s.Circles.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	body, note = richtext.Normalize(body), strings.Join(strings.Fields(note), " ")
	var v account.Validator
	circle.CheckText(&v, "body", body, circle.MaxTextLen)
	v.Check(len([]rune(note)) <= circle.MaxNoteLen, "note", fmt.Sprintf("Keep the note under %d characters.", circle.MaxNoteLen))
	if err := v.Err(); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		st, err := s.DB.FindAgreementState(ctx, u.OrgID, circleID)
		if err != nil {
			return nil, err
		}
		if st.Circle.Member(u.ID) == nil {
			return nil, store.ErrNotFound
		}
		plan, err := circle.Propose(st.Versions, st.Circle.UserIDs(), u.ID, body)
		if err != nil {
			return nil, err
		}
		msgs, err := s.agreementMail(ctx, u, st.Circle, plan.Version, note, plan.Adopt)
		if err != nil {
			return nil, err
		}
		v, err := s.DB.ProposeAgreement(ctx, st, u.ID, body, note, plan, msgs)
		if errors.Is(err, store.ErrConflict) && attempt < changeAttempts {
			continue
		}
		return v, err
	}
}

// ProposeSections puts a member's version of the agreement to the circle,
// written section by section: a section left empty is left out. It is
// stored as Markdown under one heading per section, and otherwise
// proposed as ProposeAgreement does.
func (s *Service) ProposeSections(ctx context.Context, u *account.User, circleID string, sections []circle.Section, note string) (*circle.AgreementVersion, error) {
	var v account.Validator
	clean := circle.CheckSections(&v, sections)
	body := circle.Compose(clean)
	v.Check(len([]rune(body)) <= circle.MaxTextLen, "sections", fmt.Sprintf("Keep the whole agreement under %d characters.", circle.MaxTextLen))
	v.Check(len([]rune(strings.Join(strings.Fields(note), " "))) <= circle.MaxNoteLen, "note", fmt.Sprintf("Keep the note under %d characters.", circle.MaxNoteLen))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.ProposeAgreement(ctx, u, circleID, body, note)
}

// Comments lists the comments on every version of a circle's agreement,
// oldest first; only its members may read them.
func (s *Service) Comments(ctx context.Context, u *account.User, circleID string) ([]circle.AgreementComment, error) {
	if _, err := s.Circles.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	return s.DB.FindAgreementComments(ctx, u.OrgID, circleID)
}

// Comment adds a member's comment on a version that waits for consent, for
// the others to read before they consent.
func (s *Service) Comment(ctx context.Context, u *account.User, circleID string, version int, body string) (*circle.AgreementComment, error) {
	if _, err := s.Circles.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	body = strings.TrimSpace(richtext.Normalize(body))
	var v account.Validator
	circle.CheckText(&v, "body", body, circle.MaxCommentLen)
	if err := v.Err(); err != nil {
		return nil, err
	}
	versions, err := s.DB.FindAgreement(ctx, u.OrgID, circleID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(versions, func(v circle.AgreementVersion) bool { return v.Version == version })
	switch {
	case i < 0:
		return nil, store.ErrNotFound
	case versions[i].Status != circle.AgreementProposed:
		return nil, circle.ErrNotOpen
	}
	c, err := s.DB.CreateAgreementComment(ctx, u.OrgID, circleID, version, u.ID, body)
	if errors.Is(err, store.ErrConflict) {
		// The version was adopted or withdrawn, or u left, since it was
		// read.
		return nil, circle.ErrNotOpen
	}
	return c, err
}

// ConsentToAgreement records a member's consent to the open proposal.
func (s *Service) ConsentToAgreement(ctx context.Context, u *account.User, circleID string, version int) (*circle.AgreementVersion, error) {
	if _, err := s.Circles.Inside(ctx, u, circleID); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		st, err := s.DB.FindAgreementState(ctx, u.OrgID, circleID)
		if err != nil {
			return nil, err
		}
		if st.Circle.Member(u.ID) == nil {
			return nil, store.ErrNotFound
		}
		i := slices.IndexFunc(st.Versions, func(v circle.AgreementVersion) bool { return v.Version == version })
		if i < 0 {
			return nil, store.ErrNotFound
		}
		adopt, err := circle.AfterConsent(&st.Versions[i], st.Circle.UserIDs(), u.ID)
		if err != nil {
			return nil, err
		}
		var msgs []store.Job
		if adopt {
			if msgs, err = s.agreementMail(ctx, u, st.Circle, version, "", true); err != nil {
				return nil, err
			}
		}
		v, err := s.DB.ConsentToAgreement(ctx, st, u.ID, version, adopt, msgs)
		if errors.Is(err, store.ErrConflict) && attempt < changeAttempts {
			continue
		}
		return v, err
	}
}

// WithdrawAgreement withdraws the member's own open proposal.
func (s *Service) WithdrawAgreement(ctx context.Context, u *account.User, circleID string, version int) error {
	if _, err := s.Circles.Inside(ctx, u, circleID); err != nil {
		return err
	}
	return s.DB.WithdrawAgreement(ctx, u.OrgID, circleID, u.ID, version)
}

// changeAttempts bounds how often a change to an agreement is decided
// again because another change to the circle came first.
const changeAttempts = 5

// agreementMail builds the emails for a change to c's agreement by u:
// version (with note) proposed, or adopted.
func (s *Service) agreementMail(ctx context.Context, u *account.User, c *program.Circle, version int, note string, adopted bool) ([]store.Job, error) {
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID)
	if err != nil {
		return nil, err
	}
	link := s.link("/circles/" + c.ID + "/agreement")
	rd, err := s.Circles.Readers(ctx, u.OrgID, c.ID, program.Label(p))
	if err != nil {
		return nil, err
	}
	var msgs []mail.Message
	for _, m := range c.Members {
		switch {
		case adopted:
			msgs = append(msgs, rd.Mail(m.UserID, mail.AgreementAdopted(m.Email, m.Name, program.Label(p), version, link)))
		case m.UserID != u.ID:
			msgs = append(msgs, rd.Mail(m.UserID, mail.AgreementProposed(m.Email, m.Name, u.Name, program.Label(p), note, link)))
		}
	}
	return queue.Mails(msgs), nil
}
