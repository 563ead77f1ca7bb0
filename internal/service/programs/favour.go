package programs

import (
	"slices"

	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/program"
)

// favourChecks bounds the circles checked for each person who waited, so
// that a large round stays quick: each check is a handful of people.
const favourChecks = 500

// favour makes good on the promise to people a round left out that they
// come first in the next one. The engine places as many people as it can
// and weighs nobody above anyone else, so of two people who could take
// the last place it may leave out the one who waited before. For each
// person in first the engine left out, favour looks for a circle they can
// join without breaking any hard rule (matching.Evaluate decides, on just
// the people concerned): one with room, or else one where they can take
// the place of someone who did not wait, keeping the best-scoring such
// circle. Whoever gives up their place waits in turn, with
// program.ReasonMadeRoom, and comes first next time. It changes out in
// place and returns how many people it placed.
func (pr *problem) favour(out *matching.Output, first map[string]bool) int {
	if len(first) == 0 {
		return 0
	}
	byID := make(map[string]*matching.Participant, len(pr.input.Participants))
	for i := range pr.input.Participants {
		byID[pr.input.Participants[i].ID] = &pr.input.Participants[i]
	}
	manager := make(map[string]string, len(pr.input.Participants)+len(pr.input.NonParticipants))
	for _, q := range pr.input.Participants {
		manager[q.ID] = q.Manager
	}
	for _, q := range pr.input.NonParticipants {
		manager[q.ID] = q.Manager
	}
	maxSize := pr.program.MaxSize
	placed := 0
	for k := 0; k < len(out.Unmatched); k++ {
		waiting := out.Unmatched[k]
		me := byID[waiting.ID]
		if !first[waiting.ID] || me == nil {
			continue
		}
		var best *matching.Group
		bestAt, bestOut, bestRoom := -1, "", false
		checks := 0
		for gi := range out.Groups {
			g := &out.Groups[gi]
			if checks >= favourChecks {
				break
			}
			if !shareTime(g.CommonSlots, me.Availability, pr.input.SessionMinutes) {
				continue
			}
			try := func(members []string, leaving string) {
				checks++
				got, violations, err := matching.Evaluate(pr.subInput(members, byID, manager), members)
				if err != nil || len(violations) > 0 {
					return
				}
				room := leaving == ""
				if best == nil || (room && !bestRoom) || (room == bestRoom && got.Score > best.Score) {
					best, bestAt, bestOut, bestRoom = &got, gi, leaving, room
				}
			}
			if len(g.Members) < maxSize {
				try(append(slices.Clone(g.Members), me.ID), "")
			}
			for _, x := range g.Members {
				if !first[x] {
					try(append(slices.DeleteFunc(slices.Clone(g.Members), func(id string) bool { return id == x }), me.ID), x)
				}
			}
		}
		if best == nil {
			continue
		}
		out.Groups[bestAt] = *best
		out.Unmatched = slices.Delete(out.Unmatched, k, k+1)
		k--
		placed++
		if bestOut != "" {
			out.Unmatched = append(out.Unmatched, matching.Unmatched{ID: bestOut, Reason: program.ReasonMadeRoom})
		}
	}
	return placed
}

// subInput is the round's input cut down to members: their preferences
// among themselves and the reporting lines above them, which is all that
// checking and scoring one circle reads.
func (pr *problem) subInput(members []string, byID map[string]*matching.Participant, manager map[string]string) *matching.Input {
	in := *pr.input
	in.Participants, in.NonParticipants = nil, nil
	inside := func(ids []string) []string {
		return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return !slices.Contains(members, id) })
	}
	for _, id := range members {
		q := *byID[id]
		q.Prefer, q.Avoid = inside(q.Prefer), inside(q.Avoid)
		in.Participants = append(in.Participants, q)
	}
	known := map[string]bool{}
	for _, id := range members {
		known[id] = true
	}
	for _, id := range members {
		for m := manager[id]; m != "" && !known[m]; m = manager[m] {
			known[m] = true
			in.NonParticipants = append(in.NonParticipants, matching.NonParticipant{ID: m, Manager: manager[m]})
		}
	}
	past := in.PastPairs[:0:0]
	for _, pp := range pr.input.PastPairs {
		if slices.Contains(members, pp[0]) && slices.Contains(members, pp[1]) {
			past = append(past, pp)
		}
	}
	in.PastPairs = past
	return &in
}

// shareTime reports whether someone available at avail (nil: always)
// could join a circle whose common slots are slots: a slot and one of
// their intervals overlap for a whole session.
func shareTime(slots []matching.Interval, avail []matching.Interval, session int) bool {
	if avail == nil {
		return len(slots) > 0
	}
	for _, s := range slots {
		for _, a := range avail {
			if min(s[1], a[1])-max(s[0], a[0]) >= session {
				return true
			}
		}
	}
	return false
}
