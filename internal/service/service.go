package service

import (
	"context"
	"log/slog"
	"net/url"
	"time"

	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/service/accounts"
	"github.com/holdspace/holdspace/internal/service/agreements"
	"github.com/holdspace/holdspace/internal/service/cards"
	"github.com/holdspace/holdspace/internal/service/circles"
	"github.com/holdspace/holdspace/internal/service/dashboards"
	"github.com/holdspace/holdspace/internal/service/directory"
	"github.com/holdspace/holdspace/internal/service/journal"
	"github.com/holdspace/holdspace/internal/service/meetings"
	"github.com/holdspace/holdspace/internal/service/programs"
	"github.com/holdspace/holdspace/internal/service/pulses"
	"github.com/holdspace/holdspace/internal/store"
)

// Config is what the services share.
type Config struct {
	DB *store.DB
	// BaseURL is the public address emailed links point at.
	BaseURL *url.URL
	Logger  *slog.Logger
	// Limiter limits sign-in, sign-up and reset attempts.
	Limiter *accounts.Limiter
	// Live tells every instance that a meeting's room changed; nil where
	// no room page is open.
	Live meetings.Notifier
	// Keys are the server keys that seal private reflections and wrap
	// each person's journal key; nil where neither is written.
	Keys *seal.Ring
	// MatchBudget limits one run of the matching; 0 lets the engine pick.
	MatchBudget time.Duration
}

// Services is every service, built on one store.
type Services struct {
	Accounts   *accounts.Service
	Directory  *directory.Service
	Programs   *programs.Service
	Circles    *circles.Service
	Agreements *agreements.Service
	Meetings   *meetings.Service
	Journal    *journal.Service
	Pulses     *pulses.Service
	Cards      *cards.Service
	Dashboards *dashboards.Service
}

// New builds the services. Each gets only what it uses.
func New(c Config) *Services {
	circleSvc := &circles.Service{DB: c.DB, BaseURL: c.BaseURL, Logger: c.Logger}
	var box *seal.Box
	if c.Keys != nil {
		box = c.Keys.Box()
	}
	journalSvc := &journal.Service{DB: c.DB, Keys: c.Keys}
	dir := &directory.Service{DB: c.DB, BaseURL: c.BaseURL, Logger: c.Logger, Circles: circleSvc}
	return &Services{
		Accounts:  &accounts.Service{DB: c.DB, BaseURL: c.BaseURL, Limiter: c.Limiter, Logger: c.Logger},
		Directory: dir,
		Programs: &programs.Service{DB: c.DB, BaseURL: c.BaseURL, Logger: c.Logger, MatchBudget: c.MatchBudget,
			ReleaseHeld: dir.ReleaseHeld},
		Circles:    circleSvc,
		Agreements: &agreements.Service{DB: c.DB, BaseURL: c.BaseURL, Logger: c.Logger, Circles: circleSvc},
		Meetings: &meetings.Service{DB: c.DB, BaseURL: c.BaseURL, Logger: c.Logger, Circles: circleSvc, Live: c.Live, Seal: box,
			Notes: journalSvc},
		Journal:    journalSvc,
		Pulses:     &pulses.Service{DB: c.DB, Logger: c.Logger, Circles: circleSvc},
		Cards:      &cards.Service{DB: c.DB, Circles: circleSvc},
		Dashboards: &dashboards.Service{DB: c.DB},
	}
}

// Remember returns ctx with the memos of a page that only reads: the
// circles its reader was let into, the ground rules checked and the
// programs read are each read once however many services the page calls.
// A change made under it is not seen by a later read.
func Remember(ctx context.Context) context.Context {
	return circles.Remember(store.Remember(ctx))
}
