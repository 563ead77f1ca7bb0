// Package matching is the matching engine: it proposes coaching pairs and
// circles from the people who opted in to a round. It is pure — no I/O, no
// clock except the one passed in — and implements the contract of
// docs/matching.md to the letter: the input and output JSON, the four hard
// rules (sizes, no reporting line inside a group, avoid is a veto, a
// common slot of a session's length), the size-neutral objective (each
// member's mean pair score, summed) and its lexicographic order: place as
// many people as possible, then score as high as possible.
//
// # Beyond matching.md
//
// Two optional input fields serve programs that run several rounds:
// "past_pairs", a list of id pairs who were in a group together before,
// and "repeat_policy", "avoid" (the default) or "allow". Under "avoid" a
// past pair is a veto exactly like an avoid entry — a simple promise to
// people: "you won't be matched with anyone from an earlier circle". Ids
// in past_pairs that are not participants of this round are ignored.
//
// The output adds "worst_group_score", the fairness of a proposal: the
// lowest mean satisfaction of any group's members (group score ÷ size),
// which compares a pair, a circle of four and a circle of six on the same
// footing, as the objective does.
//
// The week wraps around: [10020, 10080) and [0, 60) are one two-hour slot
// from Sunday 23:00 to Monday 01:00 UTC, as matching.md's rule for
// intervals across the week's end implies; common_slots gives such a slot
// as two intervals, the way the input does.
//
// Group reasons name shared topics, departments, levels and mutual
// preferences ("you both asked to be matched with each other"); they never
// reveal one-way preferences or avoid lists, which are private.
//
// # How it works
//
// People who can meet form time components: two people are linked when
// their sets of possible meeting start minutes intersect (found by one
// sweep over all intervals), and no group can span two components. A
// component of up to 1,200 people (400 in inputs of more than 20,000) is
// one block; a larger one is sorted by time of day and topics and cut
// into blocks. Blocks are
// solved in parallel, each with its own random stream, on a dense matrix
// of pair scores and a bit matrix of pairwise compatibility:
//
//   - Blocks of at most 12 people are solved exactly, by dynamic
//     programming over subsets.
//   - Groups: a greedy construction (hardest people first, each seed
//     gathering the compatible people who add most), a repair that places
//     leftovers (insert, form new groups with spare members of larger
//     groups, take someone's place who moves on, or re-solve the person
//     with a few nearby groups exactly), simulated annealing with moves
//     and best-of-group swaps proposed along each person's best partners
//     (16 of them; all of them in blocks of up to 200 people), a pass
//     that re-solves each group together with a neighbouring group
//     exactly, which can also change the number of groups, and a search
//     for exchange cycles (up to ten people, each taking the next one's
//     place in another group) that improve the score, which annealing
//     seldom finds because their first steps lose (not for inputs above
//     20,000 people, whose budget goes to annealing their many blocks).
//     Per-group sums of each person's pair scores make every move's score
//     change a few lookups.
//   - Pairs: a maximum-cardinality matching of the block's compatibility
//     graph by Edmonds' blossom algorithm, then annealing over 2-opt
//     exchanges that keep the count, so weight improves while cardinality
//     stays maximum, and exact re-solves of four pairs at a time.
//
// Then people left over in one block are tried against groups of the
// other blocks of their component (repair blocks of the left-over people
// and the groups most likely to take them). For pairs the engine finally
// searches augmenting paths on the full compatibility graph of each
// component, from every unplaced person, unless the number unplaced is
// already what isolation and parity force; when none is left (Berge) the
// pairing is a maximum matching of the whole compatibility graph. The
// search has a work bound that realistic inputs do not reach;
// MaxPairs computes the maximum without one, for the benchmark.
//
// # Upper bound
//
// A placed person's satisfaction is a mean over at least min-1 compatible
// partners, so it is at most the mean of their best min-1 pair scores with
// compatible people; unplaced people add nothing. The sum of these per
// person means (or 0) bounds every proposal. Where a time component fits
// in one block the engine computes them exactly from the block's
// matrices; in larger components it bounds them without looking at
// pairs, from counts of topic subsets (see upperBound).
//
// # Determinism and time
//
// Same input, seed and budget give the same output. The budget is turned
// into a fixed amount of work (annealing moves per person) before the run
// starts; the clock is only a safety stop for a slow or busy machine, and
// Output.BudgetExceeded says when it fired. Blocks run in parallel but
// each has its own random stream and results are merged in a fixed order;
// no decision depends on map iteration order; groups and members come out
// in input order.
package matching
