// Package journal is the service of each person's private journal. Its
// one rule of access is that the caller is the owner: there is no path
// for an admin, an export of someone else, or a log line to read an
// entry. Each person's entries are sealed under a data key of their own,
// which the server key wraps; the store sees sealed bytes only.
package journal

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/journal"
	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/store"
)

// Service reads and writes journals.
type Service struct {
	DB *store.DB
	// Keys wraps each person's data key, and opens reflections; nil where
	// no journal is kept.
	Keys *seal.Ring
}

// Reflection is a person's reflection after a meeting, as their journal's
// timeline shows it.
type Reflection struct {
	MeetingID string
	CircleID  string
	MeetingAt time.Time
	Text      string
	UpdatedAt time.Time
}

// Item is one thing in a journal's timeline: an entry or a reflection.
type Item struct {
	Entry      *journal.Entry
	Reflection *Reflection
}

// At is when the item was written, which orders the timeline.
func (it Item) At() time.Time {
	if it.Entry != nil {
		return it.Entry.CreatedAt
	}
	return it.Reflection.UpdatedAt
}

func keyContext(orgID, userID string) string { return "journal-key/" + orgID + "/" + userID }

func entryContext(entryID, userID string) string { return "journal/" + entryID + "/" + userID }

func reflectionContext(meetingID, userID string) string {
	return "reflection/" + meetingID + "/" + userID
}

var errNoKeys = errors.New("journal: no server key configured")

// dataKey returns the Box of u's data key, creating the key on their first
// entry when create is set; without it, a person with no key has no
// entries and gets store.ErrNotFound.
func (s *Service) dataKey(ctx context.Context, u *account.User, create bool) (*seal.Box, error) {
	if s.Keys == nil {
		return nil, errNoKeys
	}
	k, err := s.DB.FindJournalKey(ctx, u.OrgID, u.ID)
	if errors.Is(err, store.ErrNotFound) && create {
		key := make([]byte, seal.KeySize)
		_, _ = rand.Read(key)
		id, wrapped := s.Keys.Seal(key, keyContext(u.OrgID, u.ID))
		if err := s.DB.CreateJournalKey(ctx, &store.JournalKey{OrgID: u.OrgID, UserID: u.ID, KeyID: id, Wrapped: wrapped}); err != nil {
			return nil, err
		}
		// Read it back: of two first entries at once, one key is kept.
		k, err = s.DB.FindJournalKey(ctx, u.OrgID, u.ID)
	}
	if err != nil {
		return nil, err
	}
	key, err := s.Keys.Open(k.KeyID, k.Wrapped, keyContext(u.OrgID, u.ID))
	if err != nil {
		return nil, fmt.Errorf("journal: open data key: %w", err)
	}
	return seal.New(key)
}

func open(box *seal.Box, e *store.JournalEntry) (*journal.Entry, error) {
	body, err := box.Open(e.Sealed, entryContext(e.ID, e.UserID))
	if err != nil {
		return nil, fmt.Errorf("journal: open entry: %w", err)
	}
	return &journal.Entry{ID: e.ID, OrgID: e.OrgID, UserID: e.UserID, Prompt: e.Prompt, Body: string(body),
		Version: e.Version, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}, nil
}

// Write adds an entry to u's own journal.
func (s *Service) Write(ctx context.Context, u *account.User, prompt, body string) (*journal.Entry, error) {
	e := journal.Entry{OrgID: u.OrgID, UserID: u.ID, Prompt: prompt, Body: body}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	box, err := s.dataKey(ctx, u, true)
	if err != nil {
		return nil, err
	}
	row := store.JournalEntry{ID: uuid.Must(uuid.NewV7()).String(), OrgID: u.OrgID, UserID: u.ID, Prompt: prompt}
	row.Sealed = box.Seal([]byte(body), entryContext(row.ID, u.ID))
	if err := s.DB.CreateJournalEntry(ctx, &row); err != nil {
		return nil, err
	}
	e.ID, e.Version, e.CreatedAt, e.UpdatedAt = row.ID, row.Version, row.CreatedAt, row.UpdatedAt
	return &e, nil
}

// Entry returns one entry of u's own journal; anyone else's is not found.
func (s *Service) Entry(ctx context.Context, u *account.User, id string) (*journal.Entry, error) {
	row, err := s.DB.FindJournalEntryByID(ctx, u.OrgID, u.ID, id)
	if err != nil {
		return nil, err
	}
	box, err := s.dataKey(ctx, u, false)
	if err != nil {
		return nil, err
	}
	return open(box, row)
}

// Edit rewrites an entry of u's own journal, made on version. Anyone
// else's entry is not found, whatever they sent.
func (s *Service) Edit(ctx context.Context, u *account.User, id string, version int, prompt, body string) (*journal.Entry, error) {
	if _, err := s.DB.FindJournalEntryByID(ctx, u.OrgID, u.ID, id); err != nil {
		return nil, err
	}
	e := journal.Entry{OrgID: u.OrgID, UserID: u.ID, Prompt: prompt, Body: body}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	box, err := s.dataKey(ctx, u, false)
	if err != nil {
		return nil, err
	}
	row := store.JournalEntry{ID: id, OrgID: u.OrgID, UserID: u.ID, Prompt: prompt, Version: version,
		Sealed: box.Seal([]byte(body), entryContext(id, u.ID))}
	err = s.DB.UpdateJournalEntry(ctx, &row)
	if errors.Is(err, store.ErrConflict) {
		return nil, &fault.Error{Kind: fault.Stale, Err: err,
			Message: "This entry was changed elsewhere since you opened it. Open it again, then add your changes."}
	}
	if err != nil {
		return nil, err
	}
	return s.Entry(ctx, u, id)
}

// Delete removes an entry of u's own journal.
func (s *Service) Delete(ctx context.Context, u *account.User, id string) error {
	return s.DB.DeleteJournalEntry(ctx, u.OrgID, u.ID, id)
}

// Timeline returns u's own journal, newest first: their entries and
// their reflections after meetings, those holding every word of query
// when it is not empty. The search decrypts and reads each entry here;
// no index of the words exists anywhere.
func (s *Service) Timeline(ctx context.Context, u *account.User, query string) ([]Item, error) {
	if s.Keys == nil {
		return nil, errNoKeys
	}
	rows, err := s.DB.FindJournalEntries(ctx, u.OrgID, u.ID)
	if err != nil {
		return nil, err
	}
	var items []Item
	if len(rows) > 0 {
		box, err := s.dataKey(ctx, u, false)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			e, err := open(box, &rows[i])
			if err != nil {
				return nil, err
			}
			p, _ := journal.FindPrompt(e.Prompt)
			if journal.Matches(p.Title+"\n"+e.Body, query) {
				items = append(items, Item{Entry: e})
			}
		}
	}
	refs, err := s.DB.FindOwnReflections(ctx, u.OrgID, u.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		text, err := s.Keys.Box().Open(r.Sealed, reflectionContext(r.MeetingID, u.ID))
		if err != nil {
			return nil, fmt.Errorf("journal: open reflection: %w", err)
		}
		if journal.Matches(string(text), query) {
			items = append(items, Item{Reflection: &Reflection{MeetingID: r.MeetingID, CircleID: r.CircleID,
				MeetingAt: r.StartsAt, Text: string(text), UpdatedAt: r.UpdatedAt}})
		}
	}
	slices.SortStableFunc(items, func(a, b Item) int { return b.At().Compare(a.At()) })
	return items, nil
}

// Rotated counts what a rotation of the server key wrapped or sealed
// again.
type Rotated struct {
	Keys        int
	Reflections int
}

// rotateBatch is how many rows a rotation reads at a time.
const rotateBatch = 200

// Rotate puts everything still under the previous server key under the
// current one: each person's wrapped data key (the entries themselves do
// not change) and each reflection. Instances keep serving meanwhile,
// since each holds both keys; every row is rewritten only if it is still
// as read, so a rotation may be run again, or beside a second one.
func (s *Service) Rotate(ctx context.Context) (Rotated, error) {
	var done Rotated
	prevID, prev := s.Keys.Previous()
	if prev == nil {
		return done, errors.New("journal: rotating needs the previous key beside the new one")
	}
	for {
		ks, err := s.DB.FindJournalKeysByKey(ctx, prevID, rotateBatch)
		if err != nil {
			return done, err
		}
		if len(ks) == 0 {
			break
		}
		for _, k := range ks {
			key, err := prev.Open(k.Wrapped, keyContext(k.OrgID, k.UserID))
			if err != nil {
				return done, fmt.Errorf("journal: open the data key of %s: %w", k.UserID, err)
			}
			from := k.KeyID
			k.KeyID, k.Wrapped = s.Keys.Seal(key, keyContext(k.OrgID, k.UserID))
			switch err := s.DB.RewrapJournalKey(ctx, &k, from); {
			case err == nil:
				done.Keys++
			case !errors.Is(err, store.ErrConflict):
				return done, err
			}
		}
	}
	after := ""
	for {
		rs, err := s.DB.FindReflectionsAfter(ctx, after, rotateBatch)
		if err != nil {
			return done, err
		}
		if len(rs) == 0 {
			break
		}
		for _, r := range rs {
			after = r.ID
			c := reflectionContext(r.MeetingID, r.UserID)
			text, err := prev.Open(r.Sealed, c)
			if errors.Is(err, seal.ErrOpen) {
				// Sealed under the current key already (or it will not
				// open at all, which reading it reports).
				continue
			}
			_, sealed := s.Keys.Seal(text, c)
			switch err := s.DB.ResealReflection(ctx, r.ID, r.Sealed, sealed); {
			case err == nil:
				done.Reflections++
			case !errors.Is(err, store.ErrConflict):
				return done, err
			}
		}
	}
	return done, nil
}
