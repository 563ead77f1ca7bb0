package journal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/journal"
	"github.com/holdspace/holdspace/internal/store"
)

func assessmentContext(id, userID string) string { return "assessment/" + id + "/" + userID }

func helpingContext(meetingID, presenterID, userID string) string {
	return "helping/" + meetingID + "/" + presenterID + "/" + userID
}

// assessed is what an assessment seals.
type assessed struct {
	Ratings []journal.Rating `json:"ratings"`
	Note    string           `json:"note,omitempty"`
}

func openAssessment(box interface {
	Open([]byte, string) ([]byte, error)
}, row *store.SelfAssessment) (*journal.Assessment, error) {
	plain, err := box.Open(row.Sealed, assessmentContext(row.ID, row.UserID))
	if err != nil {
		return nil, fmt.Errorf("journal: open self-assessment: %w", err)
	}
	var c assessed
	if err := json.Unmarshal(plain, &c); err != nil {
		return nil, fmt.Errorf("journal: read self-assessment: %w", err)
	}
	return &journal.Assessment{ID: row.ID, OrgID: row.OrgID, UserID: row.UserID, Ratings: c.Ratings, Note: c.Note,
		Version: row.Version, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}, nil
}

// Assess adds a self-assessment to u's own journal.
func (s *Service) Assess(ctx context.Context, u *account.User, ratings []journal.Rating, note string) (*journal.Assessment, error) {
	a := journal.Assessment{OrgID: u.OrgID, UserID: u.ID, Ratings: ratings, Note: note}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	box, err := s.dataKey(ctx, u, true)
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(assessed{Ratings: a.Ratings, Note: a.Note})
	if err != nil {
		return nil, err
	}
	row := store.SelfAssessment{ID: uuid.Must(uuid.NewV7()).String(), OrgID: u.OrgID, UserID: u.ID}
	row.Sealed = box.Seal(plain, assessmentContext(row.ID, u.ID))
	if err := s.DB.CreateSelfAssessment(ctx, &row); err != nil {
		return nil, err
	}
	a.ID, a.Version, a.CreatedAt, a.UpdatedAt = row.ID, row.Version, row.CreatedAt, row.UpdatedAt
	return &a, nil
}

// Assessments returns u's own self-assessments, oldest first.
func (s *Service) Assessments(ctx context.Context, u *account.User) ([]journal.Assessment, error) {
	if s.Keys == nil {
		return nil, errNoKeys
	}
	rows, err := s.DB.FindSelfAssessments(ctx, u.OrgID, u.ID)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	box, err := s.dataKey(ctx, u, false)
	if err != nil {
		return nil, err
	}
	out := make([]journal.Assessment, 0, len(rows))
	for i := range rows {
		a, err := openAssessment(box, &rows[i])
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}

// Assessment returns one of u's own self-assessments; anyone else's is
// not found.
func (s *Service) Assessment(ctx context.Context, u *account.User, id string) (*journal.Assessment, error) {
	row, err := s.DB.FindSelfAssessmentByID(ctx, u.OrgID, u.ID, id)
	if err != nil {
		return nil, err
	}
	box, err := s.dataKey(ctx, u, false)
	if err != nil {
		return nil, err
	}
	return openAssessment(box, row)
}

// ErrAssessmentChanged means the self-assessment was saved elsewhere
// after the version an edit was made on.
var ErrAssessmentChanged = fault.New(fault.Stale,
	"This self-assessment was changed elsewhere since you opened it. Open it again, then add your changes.")

// EditAssessment rewrites one of u's own self-assessments, made on
// version. Anyone else's is not found, whatever they sent.
func (s *Service) EditAssessment(ctx context.Context, u *account.User, id string, version int, ratings []journal.Rating, note string) (*journal.Assessment, error) {
	if _, err := s.DB.FindSelfAssessmentByID(ctx, u.OrgID, u.ID, id); err != nil {
		return nil, err
	}
	a := journal.Assessment{OrgID: u.OrgID, UserID: u.ID, Ratings: ratings, Note: note}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	box, err := s.dataKey(ctx, u, false)
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(assessed{Ratings: a.Ratings, Note: a.Note})
	if err != nil {
		return nil, err
	}
	row := store.SelfAssessment{ID: id, OrgID: u.OrgID, UserID: u.ID, Version: version, Sealed: box.Seal(plain, assessmentContext(id, u.ID))}
	err = s.DB.UpdateSelfAssessment(ctx, &row)
	if errors.Is(err, store.ErrConflict) {
		return nil, &fault.Error{Kind: fault.Stale, Err: ErrAssessmentChanged, Message: ErrAssessmentChanged.Message}
	}
	if err != nil {
		return nil, err
	}
	return s.Assessment(ctx, u, id)
}

// DeleteAssessment removes one of u's own self-assessments.
func (s *Service) DeleteAssessment(ctx context.Context, u *account.User, id string) error {
	return s.DB.DeleteSelfAssessment(ctx, u.OrgID, u.ID, id)
}

// AssessmentDue reports whether a new self-assessment is suggested to u
// now, and when they made their last (zero before the first).
func (s *Service) AssessmentDue(list []journal.Assessment) (bool, time.Time) {
	var last time.Time
	if n := len(list); n > 0 {
		last = list[n-1].CreatedAt
	}
	return journal.Due(last, s.DB.Now()), last
}

// SaveHelpNote seals n, written by u, under u's own data key and stores
// it. It does not check that u may write on that counsel step: the
// meeting room asks it once it has.
func (s *Service) SaveHelpNote(ctx context.Context, u *account.User, n journal.HelpNote) error {
	if err := n.Validate(u.ID); err != nil {
		return err
	}
	box, err := s.dataKey(ctx, u, true)
	if err != nil {
		return err
	}
	plain, err := json.Marshal(n)
	if err != nil {
		return err
	}
	return s.DB.SaveHelpingNote(ctx, &store.HelpingNote{OrgID: u.OrgID, UserID: u.ID, MeetingID: n.MeetingID, PresenterID: n.PresenterID,
		Sealed: box.Seal(plain, helpingContext(n.MeetingID, n.PresenterID, u.ID))})
}

// DeleteHelpNote removes u's own note on the counsel step about
// presenterID's situation in meetingID.
func (s *Service) DeleteHelpNote(ctx context.Context, u *account.User, meetingID, presenterID string) error {
	return s.DB.DeleteHelpingNote(ctx, u.OrgID, u.ID, meetingID, presenterID)
}

// HelpNotes returns u's own helping notes, on one meeting when meetingID
// is not "", otherwise on every meeting, oldest first.
func (s *Service) HelpNotes(ctx context.Context, u *account.User, meetingID string) ([]journal.HelpNote, error) {
	if s.Keys == nil {
		return nil, errNoKeys
	}
	rows, err := s.DB.FindHelpingNotes(ctx, u.OrgID, u.ID, meetingID)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	box, err := s.dataKey(ctx, u, false)
	if err != nil {
		return nil, err
	}
	out := make([]journal.HelpNote, 0, len(rows))
	for _, r := range rows {
		plain, err := box.Open(r.Sealed, helpingContext(r.MeetingID, r.PresenterID, u.ID))
		if err != nil {
			return nil, fmt.Errorf("journal: open helping note: %w", err)
		}
		var n journal.HelpNote
		if err := json.Unmarshal(plain, &n); err != nil {
			return nil, fmt.Errorf("journal: read helping note: %w", err)
		}
		n.MeetingID, n.PresenterID, n.At = r.MeetingID, r.PresenterID, r.StartsAt
		out = append(out, n)
	}
	return out, nil
}

// Pattern is u's own helping pattern over time, by month in loc: drawn
// from their own notes alone.
func (s *Service) Pattern(ctx context.Context, u *account.User, loc *time.Location) (journal.Pattern, error) {
	notes, err := s.HelpNotes(ctx, u, "")
	if err != nil {
		return journal.Pattern{}, err
	}
	return journal.Summarise(u.ID, notes, loc), nil
}
