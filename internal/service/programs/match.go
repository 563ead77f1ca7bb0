package programs

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/holdspace/holdspace/internal/account"
	"github.com/holdspace/holdspace/internal/auth"
	"github.com/holdspace/holdspace/internal/fault"
	"github.com/holdspace/holdspace/internal/mail"
	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/program"
	"github.com/holdspace/holdspace/internal/queue"
	"github.com/holdspace/holdspace/internal/store"
)

// problem is one program's matching input with what is needed to turn
// the engine's answer back into circles.
type problem struct {
	program *program.Program
	input   *matching.Input
	users   map[string]account.User
}

// buildProblem gathers the people to match: everyone opted in, not
// snoozed and not already in an active or pending circle of the program,
// with the whole organisation's manager tree and the program's repeat
// rule. avoid adds vetoes, such as between a decliner and the circle they
// declined.
func (s *Service) buildProblem(ctx context.Context, orgID string, p *program.Program, avoid [][2]string) (*problem, error) {
	opts, err := s.DB.FindOptIns(ctx, orgID, p.ID)
	if err != nil {
		return nil, err
	}
	engaged, err := s.DB.FindEngaged(ctx, orgID, p.ID)
	if err != nil {
		return nil, err
	}
	users, err := s.DB.FindOptedInUsers(ctx, orgID, p.ID)
	if err != nil {
		return nil, err
	}
	lines, err := s.DB.FindReportingLines(ctx, orgID)
	if err != nil {
		return nil, err
	}
	in := &matching.Input{Format: string(p.Format), GroupSize: matching.SizeRange{Min: p.MinSize, Max: p.MaxSize},
		SessionMinutes: p.SessionMinutes, RepeatPolicy: matching.RepeatAllow}
	inRound := map[string]bool{}
	for _, o := range opts {
		// The opt-ins and their people are read apart: someone who
		// withdrew in between is left out, and saving the proposal
		// finds that they withdrew.
		if _, ok := users[o.UserID]; !ok || o.Snoozed || slices.Contains(engaged, o.UserID) {
			continue
		}
		inRound[o.UserID] = true
	}
	for _, o := range opts {
		if !inRound[o.UserID] {
			continue
		}
		u := users[o.UserID]
		part := matching.Participant{ID: u.ID, Department: u.Department, Manager: u.ManagerID, Level: u.Level, Topics: o.Topics,
			Availability: make([]matching.Interval, 0, len(o.Availability))}
		for _, iv := range o.Availability {
			part.Availability = append(part.Availability, matching.Interval(iv))
		}
		// People who have since left the organisation or the round drop
		// out of preferences; the engine would reject unknown ids.
		for _, id := range o.Prefer {
			if inRound[id] {
				part.Prefer = append(part.Prefer, id)
			}
		}
		for _, id := range o.Avoid {
			if inRound[id] {
				part.Avoid = append(part.Avoid, id)
			}
		}
		in.Participants = append(in.Participants, part)
	}
	for _, pr := range avoid {
		if !inRound[pr[0]] || !inRound[pr[1]] {
			continue
		}
		for i := range in.Participants {
			if in.Participants[i].ID == pr[0] && !slices.Contains(in.Participants[i].Avoid, pr[1]) {
				in.Participants[i].Avoid = append(in.Participants[i].Avoid, pr[1])
			}
		}
	}
	ids := make([]string, 0, len(lines))
	for id := range lines {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if !inRound[id] {
			in.NonParticipants = append(in.NonParticipants, matching.NonParticipant{ID: id, Manager: lines[id]})
		}
	}
	if !p.AllowRepeat {
		in.RepeatPolicy = matching.RepeatAvoid
		past, err := s.DB.PastPairs(ctx, orgID, p.ID)
		if err != nil {
			return nil, err
		}
		in.PastPairs = past
	}
	return &problem{program: p, input: in, users: users}, nil
}

// seed makes a round's matching reproducible: the same people in the same
// round get the same proposal.
func seed(programID string, round int) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", programID, round)
	return int64(h.Sum64() >> 1)
}

// Propose runs the matching for a program and saves the result as a draft
// for the admin to review. With rematch it re-matches everyone not yet in
// an active or pending circle into the latest round, keeping the circles
// that stand; otherwise it starts a new round (or replaces the latest
// round's draft if nothing of it was published yet).
func (s *Service) Propose(ctx context.Context, admin *account.User, programID string, rematch bool) (*program.Round, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	p, err := s.DB.FindProgramByID(ctx, admin.OrgID, programID)
	if err != nil {
		return nil, err
	}
	if err := p.CanMatch(s.now()); err != nil {
		return nil, err
	}
	rounds, err := s.DB.FindRounds(ctx, admin.OrgID, p.ID)
	if err != nil {
		return nil, err
	}
	roundID, number := "", 1
	var avoid [][2]string
	if len(rounds) > 0 {
		latest := rounds[0]
		circles, err := s.DB.FindCircles(ctx, admin.OrgID, store.CircleFilter{RoundID: latest.ID})
		if err != nil {
			return nil, err
		}
		published := slices.ContainsFunc(circles, func(c program.Circle) bool { return c.Status != program.Proposed })
		if rematch || !published {
			roundID, number = latest.ID, latest.Number
		} else {
			number = latest.Number + 1
		}
		if rematch {
			// Whoever declined is not proposed the same people again,
			// whether their circle dissolved or went on without them.
			stepped, err := s.DB.FindRoundDeclines(ctx, admin.OrgID, latest.ID)
			if err != nil {
				return nil, err
			}
			avoid = append(avoid, stepped...)
			for _, c := range circles {
				if c.Status != program.Dissolved {
					continue
				}
				for _, m := range c.Members {
					if m.Response != program.Declined {
						continue
					}
					for _, o := range c.Members {
						if o.UserID != m.UserID {
							avoid = append(avoid, [2]string{m.UserID, o.UserID})
						}
					}
				}
			}
		}
	} else if rematch {
		return nil, fault.Fields(map[string]string{"round": "There is no round to re-match yet."})
	}
	pr, err := s.buildProblem(ctx, admin.OrgID, p, avoid)
	if err != nil {
		return nil, err
	}
	if len(pr.input.Participants) == 0 {
		return nil, fault.Fields(map[string]string{"program": "Nobody is waiting to be matched."})
	}
	out, err := matching.Run(ctx, pr.input, matching.Options{Seed: seed(p.ID, number), Budget: s.MatchBudget})
	if err != nil {
		return nil, fmt.Errorf("run matching: %w", err)
	}
	// People the round before left out come first in this one.
	first := map[string]bool{}
	for _, r := range rounds {
		if r.Number != number-1 {
			continue
		}
		waited, err := s.DB.FindUnmatched(ctx, admin.OrgID, r.ID)
		if err != nil {
			return nil, err
		}
		for _, u := range waited {
			if u.Told {
				first[u.UserID] = true
			}
		}
	}
	favoured := pr.favour(out, first)
	circles := make([]program.Circle, len(out.Groups))
	for i, g := range out.Groups {
		circles[i] = pr.circle(g)
	}
	unmatched := make([]program.Unmatched, len(out.Unmatched))
	for i, u := range out.Unmatched {
		unmatched[i] = program.Unmatched{UserID: u.ID, Reason: u.Reason}
	}
	s.Logger.Info("matching proposed", "org_id", admin.OrgID, "program_id", p.ID, "round", number, "participants", len(pr.input.Participants),
		"placed", out.Placed, "favoured", favoured, "score", out.Score, "upper_bound", out.UpperBound, "elapsed_ms", out.ElapsedMS)
	decidedOn := make([]string, len(pr.input.Participants))
	for i, part := range pr.input.Participants {
		decidedOn[i] = part.ID
	}
	return s.DB.SaveProposal(ctx, admin.OrgID, p.ID, roundID, circles, unmatched, decidedOn)
}

func (pr *problem) circle(g matching.Group) program.Circle {
	c := program.Circle{Score: g.Score, Reasons: g.Reasons, MaxScore: pr.maxScore(g.Members)}
	for _, iv := range g.CommonSlots {
		c.Slots = append(c.Slots, program.Interval(iv))
	}
	for _, id := range g.Members {
		u := pr.users[id]
		c.Members = append(c.Members, program.Member{UserID: id, Name: u.Name, Email: u.Email, Department: u.Department, Timezone: u.Timezone})
	}
	return c
}

// maxScore is the most members could score together: each one's best pair
// score shares every topic they chose, comes from another department and
// is a mutual wish, and a member's satisfaction (a mean of pair scores) is
// at most their best.
func (pr *problem) maxScore(members []string) float64 {
	w := matching.DefaultWeights()
	if pr.input.Weights != nil {
		w = *pr.input.Weights
	}
	topics := make(map[string]int, len(pr.input.Participants))
	for _, part := range pr.input.Participants {
		topics[part.ID] = len(part.Topics)
	}
	var sum float64
	for _, id := range members {
		sum += w.SharedTopic*float64(topics[id]) + w.DepartmentDiversity + w.MutualPreference
	}
	return sum
}

// Review is a round as its admin sees it.
type Review struct {
	Round   *program.Round
	Program *program.Program
	// Circles are one page of the round's circles, in order; the first is
	// circle number First (from 1).
	Circles []program.Circle
	First   int
	// Total counts the round's circles, Counts them by status, and
	// Waiting counts the people of its dissolved circles.
	Total     int
	Counts    map[program.CircleStatus]int
	Waiting   int
	Unmatched []program.Unmatched
	// Declines counts the reasons given for declining in the program,
	// never saying whose they are, and only once there are enough of them
	// (store.DB.DeclineCounts).
	Declines map[program.DeclineReason]int
}

// ReviewPage is how many circles a round's review shows at a time: each
// card lists its members with a form to move each, so a page is priced by
// its cards, and a dozen keeps a round of a thousand circles as cheap to
// review, page by page, as a small one.
const ReviewPage = 12

// Review returns page (from 1) of a round for its admin.
func (s *Service) Review(ctx context.Context, admin *account.User, roundID string, page int) (*Review, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return nil, err
	}
	r, err := s.DB.FindRoundByID(ctx, admin.OrgID, roundID)
	if err != nil {
		return nil, err
	}
	p, err := s.DB.FindProgramByID(ctx, admin.OrgID, r.ProgramID)
	if err != nil {
		return nil, err
	}
	rv := &Review{Round: r, Program: p}
	if rv.Counts, rv.Waiting, err = s.DB.CountRoundCircles(ctx, admin.OrgID, r.ID); err != nil {
		return nil, err
	}
	for _, n := range rv.Counts {
		rv.Total += n
	}
	pages := max(1, (rv.Total+ReviewPage-1)/ReviewPage)
	page = min(max(page, 1), pages)
	rv.First = (page-1)*ReviewPage + 1
	if rv.Circles, err = s.DB.FindCircles(ctx, admin.OrgID, store.CircleFilter{RoundID: r.ID, Limit: ReviewPage, Offset: rv.First - 1}); err != nil {
		return nil, err
	}
	if rv.Unmatched, err = s.DB.FindUnmatched(ctx, admin.OrgID, r.ID); err != nil {
		return nil, err
	}
	if rv.Declines, err = s.DB.DeclineCounts(ctx, admin.OrgID, p.ID); err != nil {
		return nil, err
	}
	return rv, nil
}

// wholeRound is a round with all its circles, for the changes that
// decide over the whole draft: moving someone, publishing it.
func (s *Service) wholeRound(ctx context.Context, admin *account.User, roundID string) (*Review, error) {
	rv, err := s.Review(ctx, admin, roundID, 1)
	if err != nil {
		return nil, err
	}
	if rv.Circles, err = s.DB.FindCircles(ctx, admin.OrgID, store.CircleFilter{RoundID: roundID}); err != nil {
		return nil, err
	}
	// Read after the circles: a close that dropped the draft as they were
	// read shows here, and the change is refused as closed rather than
	// decided on circles emptied under it.
	if rv.Program, err = s.DB.FindProgramByID(ctx, admin.OrgID, rv.Program.ID); err != nil {
		return nil, err
	}
	return rv, nil
}

// CircleAt returns the id of the round's circle named by number n, for an
// admin moving someone there.
func (s *Service) CircleAt(ctx context.Context, admin *account.User, roundID string, n int) (string, error) {
	if err := auth.RequireAdmin(admin); err != nil {
		return "", err
	}
	if n < 1 {
		return "", fault.Field("to", "Give the number of a circle of this round.")
	}
	cs, err := s.DB.FindCircles(ctx, admin.OrgID, store.CircleFilter{RoundID: roundID, Number: n})
	if err != nil {
		return "", err
	}
	if len(cs) == 0 {
		return "", fault.Field("to", fmt.Sprintf("This round has no circle %d.", n))
	}
	return cs[0].ID, nil
}

// Move puts a person of a round's draft into another draft circle, or
// out of every circle when toCircleID is empty. The changed circles are
// checked against every hard rule again and re-scored; a move that breaks
// a rule is refused with the rule it breaks. The move applies to the draft
// as read: if it changed meanwhile, the move is refused with
// program.ErrDraftChanged.
func (s *Service) Move(ctx context.Context, admin *account.User, roundID, userID, toCircleID string) error {
	rv, err := s.wholeRound(ctx, admin, roundID)
	if err != nil {
		return err
	}
	var from, to *program.Circle
	for i := range rv.Circles {
		c := &rv.Circles[i]
		if c.Member(userID) != nil {
			from = c
		}
		if c.ID == toCircleID {
			to = c
		}
	}
	inUnmatched := slices.ContainsFunc(rv.Unmatched, func(u program.Unmatched) bool { return u.UserID == userID })
	switch {
	case from == nil && !inUnmatched:
		return store.ErrNotFound
	case toCircleID != "" && to == nil:
		return store.ErrNotFound
	case from != nil && from.Status != program.Proposed, to != nil && to.Status != program.Proposed:
		return program.ErrNotProposed
	case from == to:
		return nil
	}
	pr, err := s.buildProblem(ctx, admin.OrgID, rv.Program, nil)
	if err != nil {
		return err
	}
	var changed []program.Circle
	unmatched := slices.DeleteFunc(slices.Clone(rv.Unmatched), func(u program.Unmatched) bool { return u.UserID == userID })
	if from != nil {
		ids := slices.DeleteFunc(from.UserIDs(), func(id string) bool { return id == userID })
		c, err := pr.evaluate(from.ID, ids, false)
		if err != nil {
			return err
		}
		changed = append(changed, c)
	}
	if to != nil {
		c, err := pr.evaluate(to.ID, append(to.UserIDs(), userID), true)
		if err != nil {
			return err
		}
		changed = append(changed, c)
	} else {
		unmatched = append(unmatched, program.Unmatched{UserID: userID, Reason: "Taken out of the proposal by an admin."})
	}
	for i := range changed {
		changed[i].OrgID, changed[i].ProgramID, changed[i].RoundID = admin.OrgID, rv.Program.ID, roundID
		changed[i].Status, changed[i].Origin, changed[i].CreatedAt = program.Proposed, program.FromMatching, s.now()
	}
	return draftChanged(s.DB.ReplaceDraft(ctx, admin.OrgID, roundID, rv.Round.Version, changed, unmatched))
}

// draftChanged says in a round's words that its draft changed under a
// change decided on it.
func draftChanged(err error) error {
	if errors.Is(err, store.ErrConflict) {
		return program.ErrDraftChanged
	}
	return err
}

// evaluate scores a draft circle with fixed members. A circle that loses
// a member may fall below the minimum size: it stays in the draft so that
// the admin can fill it, and publishing refuses it until then. strict
// refuses any broken rule, for the circle someone is moved into.
func (pr *problem) evaluate(id string, members []string, strict bool) (program.Circle, error) {
	if len(members) == 0 {
		return program.Circle{ID: id}, nil
	}
	g, violations, err := matching.Evaluate(pr.input, members)
	if err != nil {
		return program.Circle{}, err
	}
	if strict && len(violations) > 0 {
		return program.Circle{}, fault.Fields(map[string]string{"circle": "That move breaks a rule: " + pr.explain(violations[0])})
	}
	c := pr.circle(g)
	c.ID = id
	return c, nil
}

// Publish sends a round's draft to everyone in it and asks each member to
// accept or decline. A draft with a circle that breaks a rule is refused,
// naming the circle and the rule.
func (s *Service) Publish(ctx context.Context, admin *account.User, roundID string) (int, error) {
	rv, err := s.wholeRound(ctx, admin, roundID)
	if err != nil {
		return 0, err
	}
	if err := rv.Program.CanMatch(s.now()); err != nil {
		return 0, err
	}
	if err := program.CheckPublishable(rv.Program, rv.Circles); err != nil {
		return 0, err
	}
	var msgs []mail.Message
	for _, c := range rv.Circles {
		if c.Status != program.Proposed {
			continue
		}
		for _, m := range c.Members {
			msgs = append(msgs, mail.CircleProposed(m.Email, m.Name, rv.Program.Name,
				otherNames(c, m.UserID), slotLines(c.Slots, m.Timezone, s.now()), s.link("/matches")))
		}
	}
	// Whoever the round leaves out hears it when everyone else hears of
	// their circle, with why and what they could change.
	for _, u := range rv.Unmatched {
		if u.Told {
			continue
		}
		e := program.Explain(program.Unplaced{Reason: u.Reason}, rv.Program)
		msgs = append(msgs, mail.NotPlaced(u.Email, u.Name, rv.Program.Name, e.Why, e.Change, e.First, s.link("/matches")))
	}
	n, err := s.DB.PublishRound(ctx, admin.OrgID, roundID, rv.Round.Version, queue.Mails(msgs))
	return n, draftChanged(err)
}

func otherNames(c program.Circle, self string) []string {
	var out []string
	for _, m := range c.Members {
		if m.UserID != self {
			out = append(out, m.Name)
		}
	}
	return out
}

// slotLines describes common times in a member's own time zone.
func slotLines(slots []program.Interval, tz string, ref time.Time) []string {
	loc, err := account.Location(tz)
	if err != nil {
		loc = time.UTC
	}
	out := make([]string, 0, len(slots))
	for _, iv := range slots {
		out = append(out, program.Describe(iv, loc, ref)+" ("+tz+")")
	}
	return out
}

// MyMatches lists the person's circles in every program that are waiting
// for answers or active, with what was proposed.
func (s *Service) MyMatches(ctx context.Context, u *account.User) ([]program.Circle, error) {
	circles, err := s.DB.FindCircles(ctx, u.OrgID, store.CircleFilter{UserID: u.ID,
		Status: []program.CircleStatus{program.Pending, program.Active, program.Dissolved}})
	for i := range circles {
		circles[i].Reasons = program.MemberReasons(circles[i].Reasons)
		hideAnswers(&circles[i], u.ID)
	}
	return circles, err
}

// hideAnswers leaves out of c what its other members answered once their
// answers no longer decide anything (c dissolved), and any other member's
// no: a decline is the decliner's own to know, and the others learn only
// that the proposal won't go ahead.
func hideAnswers(c *program.Circle, me string) {
	for i, m := range c.Members {
		if m.UserID != me && (c.Status == program.Dissolved || m.Response == program.Declined) {
			c.Members[i].Response, c.Members[i].RespondedAt = "", nil
		}
	}
}

// Respond records the person's answer to a pending circle. When the last
// member accepts, everyone hears the circle is formed. A decline takes the
// decliner out if the others still meet the program's minimum: the circle
// goes ahead without them once the others have accepted, and they wait for
// the next round. Otherwise the circle dissolves: the others hear it won't
// go ahead (never who or why) and the program's admin that people wait for
// a re-match.
func (s *Service) Respond(ctx context.Context, u *account.User, circleID string, accept bool, reason program.DeclineReason) (*program.Circle, error) {
	if !program.ValidDeclineReason(reason) {
		return nil, fault.Fields(map[string]string{"reason": "Choose one of the offered reasons, or none."})
	}
	if accept {
		reason = ""
	}
	for attempt := 1; ; attempt++ {
		c, err := s.respond(ctx, u, circleID, accept, reason)
		if errors.Is(err, store.ErrConflict) && attempt < changeAttempts {
			continue
		}
		if c != nil {
			c.Reasons = program.MemberReasons(c.Reasons)
		}
		return c, err
	}
}

// changeAttempts bounds how often an answer is decided again because
// another answer to the circle came first.
const changeAttempts = 5

// respond reads the circle, has the domain decide what u's answer does to
// it, and has the store save the answer with the emails it calls for if
// the circle is still as read.
func (s *Service) respond(ctx context.Context, u *account.User, circleID string, accept bool, reason program.DeclineReason) (*program.Circle, error) {
	c, version, err := s.DB.FindVersionedCircle(ctx, u.OrgID, circleID)
	if err != nil {
		return nil, err
	}
	if c.Member(u.ID) == nil {
		return nil, store.ErrNotFound
	}
	p, err := s.DB.FindProgramByID(ctx, u.OrgID, c.ProgramID)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	var a program.Answer
	if accept {
		a, err = c.Accept(u.ID, now)
	} else {
		a, err = c.Decline(u.ID, p.MinSize, now)
	}
	if err != nil {
		return nil, err
	}
	var msgs []mail.Message
	switch c.Status {
	case program.Active:
		for _, m := range c.Members {
			others, link := otherNames(*c, m.UserID), s.link("/circles/"+c.ID)
			if c.SteppedOut > 0 {
				msgs = append(msgs, mail.CircleGoingAhead(m.Email, m.Name, program.Label(p), others, link))
			} else {
				msgs = append(msgs, mail.CircleFormed(m.Email, m.Name, program.Label(p), others, link))
			}
		}
	case program.Dissolved:
		for _, m := range c.Members {
			if m.UserID != u.ID {
				msgs = append(msgs, mail.CircleDissolved(m.Email, m.Name, program.Label(p)))
			}
		}
		admin, err := s.DB.FindUserByID(ctx, u.OrgID, p.CreatedBy)
		switch {
		case err == nil:
			msgs = append(msgs, mail.MatchDeclined(admin.Email, admin.Name, p.Name, s.link("/programs/"+p.ID)))
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
	}
	if err := s.DB.RespondToCircle(ctx, c, version, a, reason, queue.Mails(msgs)); err != nil {
		return nil, err
	}
	return c, nil
}

// Unplaced is where a person stands in a program whose last round went
// ahead without them, with its explanation in their words.
type Unplaced struct {
	program.Unplaced
	program.Explanation
	// OptInOpen says the program's opt-in is still open, so the person
	// can change what they told the matching before the next round.
	OptInOpen bool
}

// MyUnplaced lists the programs in which u waits for the next round:
// a published round left them out, or they declined a circle that went
// on without them. A program in which they are in a circle (waiting for
// answers or active) since then is not listed.
func (s *Service) MyUnplaced(ctx context.Context, u *account.User) ([]Unplaced, error) {
	rows, err := s.DB.FindUnplaced(ctx, u.OrgID, u.ID)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	ms, err := s.DB.FindMemberships(ctx, u.OrgID, u.ID)
	if err != nil {
		return nil, err
	}
	var out []Unplaced
	seen := map[string]bool{}
	for _, r := range rows {
		m, ok := ms[r.ProgramID]
		if seen[r.ProgramID] || !ok || !m.OptedIn || m.Matched {
			continue
		}
		seen[r.ProgramID] = true
		p, err := s.DB.FindProgramByID(ctx, u.OrgID, r.ProgramID)
		if err != nil {
			return nil, err
		}
		out = append(out, Unplaced{Unplaced: r, Explanation: program.Explain(r, p), OptInOpen: p.OptInOpen(s.now())})
	}
	return out, nil
}

// explain words a broken rule for an admin. An avoid names nobody: whose
// list it is on is private.
func (pr *problem) explain(v matching.Violation) string {
	names := make([]string, len(v.Members))
	for i, id := range v.Members {
		names[i] = pr.users[id].Name
	}
	switch v.Rule {
	case matching.RuleSize:
		return fmt.Sprintf("a circle has %d to %d people.", pr.program.MinSize, pr.program.MaxSize)
	case matching.RuleReportingLine:
		return fmt.Sprintf("%s and %s are in one reporting line.", names[0], names[1])
	case matching.RuleAvoid:
		return "it conflicts with a private preference of someone involved."
	case matching.RulePastGroup:
		return fmt.Sprintf("%s and %s were in a circle together before, and this program avoids repeats.", names[0], names[1])
	case matching.RuleCommonTime:
		return fmt.Sprintf("they would share no time of %d minutes to meet.", pr.program.SessionMinutes)
	}
	return string(v.Rule)
}
