package fault_test

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/api"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/card"
	"github.com/holdspace/holdspace/internal/circle"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/pulse"
	"github.com/holdspace/holdspace/internal/room"
	"github.com/holdspace/holdspace/internal/service/cards"
	"github.com/holdspace/holdspace/internal/service/directory"
	"github.com/holdspace/holdspace/internal/service/journal"
	"github.com/holdspace/holdspace/internal/service/meetings"
	"github.com/holdspace/holdspace/internal/service/programs"
	"github.com/holdspace/holdspace/internal/store"
	"github.com/holdspace/holdspace/internal/web"
)

// sentinels is every exported error variable of the domain packages, the
// services and the store, by its qualified name. TestSentinelsListed keeps it
// complete.
var sentinels = map[string]error{
	"auth.ErrBadCredentials":  auth.ErrBadCredentials,
	"auth.ErrRateLimited":     auth.ErrRateLimited,
	"auth.ErrUnauthenticated": auth.ErrUnauthenticated,
	"auth.ErrForbidden":       auth.ErrForbidden,

	"circle.ErrNotActive":        circle.ErrNotActive,
	"circle.ErrRulesChanged":     circle.ErrRulesChanged,
	"circle.ErrMeetingPast":      circle.ErrMeetingPast,
	"circle.ErrMeetingCancelled": circle.ErrMeetingCancelled,
	"circle.ErrNotBelowMinimum":  circle.ErrNotBelowMinimum,
	"circle.ErrGroundRules":      circle.ErrGroundRules,
	"circle.ErrNotProposed":      circle.ErrNotProposed,
	"circle.ErrNotProposer":      circle.ErrNotProposer,
	"circle.ErrUnchanged":        circle.ErrUnchanged,
	"circle.ErrAlreadyGiven":     circle.ErrAlreadyGiven,
	"circle.ErrNotOpen":          circle.ErrNotOpen,
	"circle.ErrAlreadyUndone":    circle.ErrAlreadyUndone,
	"circle.ErrUndoExpired":      circle.ErrUndoExpired,
	"circle.ErrChangedSince":     circle.ErrChangedSince,
	"circle.ErrNothingToRestore": circle.ErrNothingToRestore,
	"circle.ErrScheduleStale":    circle.ErrScheduleStale,
	"circle.ErrCommitmentClosed": circle.ErrCommitmentClosed,
	"circle.ErrDuePast":          circle.ErrDuePast,
	"circle.ErrRSVPClosed":       circle.ErrRSVPClosed,
	"circle.ErrPaused":           circle.ErrPaused,
	"circle.ErrNotPaused":        circle.ErrNotPaused,
	"circle.ErrLeft":             circle.ErrLeft,

	"program.ErrNotMember":        program.ErrNotMember,
	"program.ErrNotPending":       program.ErrNotPending,
	"program.ErrNotProposed":      program.ErrNotProposed,
	"program.ErrDraftChanged":     program.ErrDraftChanged,
	"program.ErrBadCell":          program.ErrBadCell,
	"program.ErrClosed":           program.ErrClosed,
	"program.ErrNotDraft":         program.ErrNotDraft,
	"program.ErrNotOpen":          program.ErrNotOpen,
	"program.ErrRemindedRecently": program.ErrRemindedRecently,
	"program.ErrProgramChanged":   program.ErrProgramChanged,
	"program.ErrMatched":          program.ErrMatched,
	"program.ErrOptInsChanged":    program.ErrOptInsChanged,

	"pulse.ErrAnswered":       pulse.ErrAnswered,
	"pulse.ErrShareAgreed":    pulse.ErrShareAgreed,
	"pulse.ErrShareNotAgreed": pulse.ErrShareNotAgreed,
	"pulse.ErrNoRound":        pulse.ErrNoRound,
	"pulse.ErrFitAnswered":    pulse.ErrFitAnswered,
	"pulse.ErrFitClosed":      pulse.ErrFitClosed,

	"journal.ErrAssessmentChanged": journal.ErrAssessmentChanged,

	"card.ErrChanged":     card.ErrChanged,
	"card.ErrNotReleased": card.ErrNotReleased,
	"card.ErrStep":        card.ErrStep,
	"card.ErrWidest":      card.ErrWidest,
	"cards.ErrCursor":     cards.ErrCursor,

	"room.ErrNoRitual":   room.ErrNoRitual,
	"room.ErrStale":      room.ErrStale,
	"room.ErrNotAllowed": room.ErrNotAllowed,
	"room.ErrInvalid":    room.ErrInvalid,

	"programs.ErrOptInClosed":     programs.ErrOptInClosed,
	"programs.ErrNotForYou":       programs.ErrNotForYou,
	"directory.ErrImportProblems": directory.ErrImportProblems,
	"directory.ErrDeactivateSelf": directory.ErrDeactivateSelf,
	"meetings.ErrNoteChanged":     meetings.ErrNoteChanged,
	"meetings.ErrEarlyStart":      meetings.ErrEarlyStart,
	"store.ErrNotFound":           store.ErrNotFound,
	"store.ErrConflict":           store.ErrConflict,
	"store.ErrLinkInvalid":        store.ErrLinkInvalid,
	"store.ErrPersonChanged":      store.ErrPersonChanged,
	"store.ErrAlreadyInvited":     store.ErrAlreadyInvited,
	"store.ErrTooManyInvitations": store.ErrTooManyInvitations,
}

// serverFaults are exported errors that are ours to fix, never the
// caller's: a transport answers them with a 500 and logs them.
var serverFaults = map[string]bool{
	"account.ErrBadHash": true, // a stored hash that does not parse
	"live.ErrClosed":     true, // a subscription ended inside the process
	"seal.ErrOpen":       true, // a sealed value that does not open with the key
	"seal.ErrUnknownKey": true, // a value sealed under a key this instance was not given
}

// scannedPackages lists every package under internal/ (relative to it),
// so that an error declared in a new package is found too.
func scannedPackages(t *testing.T) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			rel, err := filepath.Rel("..", filepath.Dir(path))
			if err != nil {
				return err
			}
			if !slices.Contains(dirs, rel) {
				dirs = append(dirs, rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// TestSentinelsListed fails when a package above declares an exported error
// variable that sentinels and serverFaults leave out, so a new one cannot be
// forgotten by the test below.
func TestSentinelsListed(t *testing.T) {
	var missing []string
	found := map[string]bool{}
	for _, dir := range scannedPackages(t) {
		for _, name := range exportedErrs(t, filepath.Join("..", dir)) {
			q := filepath.Base(dir) + "." + name
			found[q] = true
			if _, ok := sentinels[q]; !ok && !serverFaults[q] {
				missing = append(missing, q)
			}
		}
	}
	for q := range sentinels {
		if !found[q] {
			t.Errorf("%s is listed but the scan did not find it; was it removed?", q)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		t.Errorf("add these to sentinels (or serverFaults): %s", strings.Join(missing, ", "))
	}
}

// exportedErrs returns the names of the exported package-level variables
// named Err… in dir's non-test files.
func exportedErrs(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	fset := token.NewFileSet()
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				for _, n := range spec.(*ast.ValueSpec).Names {
					if strings.HasPrefix(n.Name, "Err") && n.IsExported() {
						names = append(names, n.Name)
					}
				}
			}
		}
	}
	return names
}

// TestEveryErrorAnswered drives every error a service can return through
// both transports' tables: none may be a server error, and both must answer
// it with the same status.
func TestEveryErrorAnswered(t *testing.T) {
	cases := map[string]error{}
	for name, err := range sentinels {
		cases[name] = err
		// Services wrap what they return with context.
		cases[name+" wrapped"] = fmt.Errorf("respond: %w", err)
	}
	var v account.Validator
	v.Add("email", "Enter an email address.")
	cases["account.Validator"] = v.Err()
	cases["fault.Fields"] = fault.Field("body", "Write something.")
	cases["request body too large"] = &http.MaxBytesError{Limit: 1}
	cases["offer taken twice"] = fault.Wrap(fault.Conflict, "You have taken this offer already.", store.ErrConflict)

	// The room's state machine builds its refusals with a reason.
	st, err := room.New(room.DefaultSettings(room.Forum), []string{"ana", "ben"}, "ana", "ben")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	_, cases["room: stale"] = st.Apply(room.Command{Kind: room.CmdStart, Version: st.Version + 1, By: "ana"}, now)
	_, cases["room: not allowed"] = st.Apply(room.Command{Kind: room.CmdStart, Version: st.Version, By: "eve"}, now)
	_, cases["room: invalid"] = st.Apply(room.Command{Kind: room.CmdPause, Version: st.Version, By: "ana"}, now)
	_, cases["room: help not allowed"] = st.Apply(room.Command{Kind: room.CmdHelp, Version: st.Version, By: "ben", Presenter: "ana", Help: room.HelpExpert}, now)
	_, err = room.New(room.DefaultSettings(room.Forum), []string{"ana"}, "ana", "ana")
	cases["room: new"] = err

	for name, err := range cases {
		t.Run(name, func(t *testing.T) {
			if err == nil {
				t.Fatal("no error")
			}
			apiStatus, code := api.Status(err)
			webStatus := web.ErrorStatus(err)
			if apiStatus >= 500 || webStatus >= 500 {
				t.Fatalf("%v: api %d %s, web %d; want a client error in both", err, apiStatus, code, webStatus)
			}
			if apiStatus != webStatus {
				t.Errorf("%v: api %d %s, web %d; want the same status", err, apiStatus, code, webStatus)
			}
		})
	}
}

// TestKinds checks that every kind but Internal is a client error in both
// transports, and Internal a server error in both.
func TestKinds(t *testing.T) {
	for _, k := range fault.Kinds {
		err := &fault.Error{Kind: k}
		apiStatus, _ := api.Status(err)
		webStatus := web.ErrorStatus(err)
		if k == fault.Internal {
			if apiStatus != 500 || webStatus != 500 {
				t.Errorf("%s: api %d, web %d; want 500", k, apiStatus, webStatus)
			}
			continue
		}
		if apiStatus >= 500 || webStatus >= 500 || apiStatus != webStatus {
			t.Errorf("%s: api %d, web %d; want the same client error", k, apiStatus, webStatus)
		}
	}
	if s, _ := api.Status(errors.New("disk on fire")); s != 500 {
		t.Errorf("an unknown error is %d in the API, want 500", s)
	}
	if s := web.ErrorStatus(errors.New("disk on fire")); s != 500 {
		t.Errorf("an unknown error is %d on the web, want 500", s)
	}
}
