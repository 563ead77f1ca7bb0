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
// sweep over all intervals), and no group can span two components.
//
// # Pairs
//
// For pairs (format "pair", or groups of exactly two) the engine finds
// the optimum of the objective and proves it. The pairing is a
// maximum-weight matching, by Edmonds' primal–dual blossom algorithm, of
// the graph of pairs who may meet, each pair weighing C + w̃(i,j): w̃ is
// w scaled by a power of two S and rounded to a whole number, and the
// offset C is more than the number of participants times the largest
// |w̃|, so that a matching with one pair more always weighs more. The
// matching therefore places as many people as possible and then has the
// highest total score, even where level gaps make scores negative. S is
// the largest power of two that keeps every sum below 2^53 (2^31 for ten
// thousand people with the default weights): any weight that is a
// multiple of 1/S, as whole numbers, halves, quarters and the like are,
// is taken exactly, and other weights are rounded by less than 1/S.
//
// A time component of up to PairWhole (12,000) people is paired as a
// whole. Its graph holds tens of millions of pairs at ten thousand
// people, so the matching is first found on a sparse part of it (each
// person's best partners among people close in time of day and topics,
// and every pair with a preference), and every other pair is then priced
// against the optimal duals: a pair with negative slack, or one close to
// tight, joins the graph and the matching is found again, until no pair
// is left with negative slack, when the duals prove the matching optimal
// on the whole graph. An odd component gets a dummy partner of weight C
// for everyone, so that its graph has a perfect matching. The duals are
// the certificate of Output.Certificate (see Certificate), which the
// tests check, with code written apart from the engine, on every
// pairing they make.
//
// A larger component is cut into blocks of 2,000 people, each paired
// exactly; then the people left unpaired are paired again exactly
// together with a few compatible partners each (the nearest in time of
// day and topics) and those partners' mates, which finds every short
// augmenting path through them. No certificate is given then, and a
// placeable person whom only a long augmenting path would place may stay
// unplaced (30 of a hundred thousand in the benchmark's instance).
//
// Pairs are not annealed: the budget and the seed do not change them.
//
// # Groups
//
// A component of up to 1,200 people (400 in inputs of more than 20,000)
// is one block; a larger one is sorted by time of day and topics and cut
// into blocks. Blocks are solved in parallel, each with its own random
// stream, on a dense matrix of pair scores and a bit matrix of pairwise
// compatibility:
//
//   - Blocks of at most 12 people are solved exactly, by dynamic
//     programming over subsets.
//   - Larger blocks: a greedy construction (hardest people first, each
//     seed gathering the compatible people who add most), a repair that
//     places leftovers (insert, form new groups with spare members of
//     larger groups, take someone's place who moves on, or re-solve the
//     person with a few nearby groups exactly), simulated annealing with
//     moves and best-of-group swaps proposed along each person's best
//     partners (16 of them; all of them in blocks of up to 200 people), a
//     pass that re-solves each group together with a neighbouring group
//     exactly, which can also change the number of groups, and a search
//     for exchange cycles (up to ten people, each taking the next one's
//     place in another group) that improve the score, which annealing
//     seldom finds because their first steps lose (not for inputs above
//     20,000 people, whose budget goes to annealing their many blocks).
//     Per-group sums of each person's pair scores make every move's score
//     change a few lookups.
//
// Then people left over in one block are tried against groups of the
// other blocks of their component (repair blocks of the left-over people
// and the groups most likely to take them).
//
// # Upper bound
//
// A placed person's satisfaction is a mean over at least min-1 compatible
// partners, so it is at most the mean of their best min-1 pair scores with
// compatible people; unplaced people add nothing. The sum of these per
// person means (or 0) bounds every proposal. Where a time component fits
// in one block (for pairs: is paired as a whole) the engine computes them
// exactly; in larger components it bounds them without looking at pairs,
// from counts of topic subsets (see upperBound).
//
// For pairs the proven optimum is the score itself; upper_bound stays
// this bound, which also says how far the best pairing is from giving
// everyone their best partner, and Output.Certificate carries the proof.
//
// # Determinism and time
//
// Same input, seed and budget give the same output. For groups the
// budget is turned into a fixed amount of work (annealing moves per
// person) before the run starts; the clock is only a safety stop for a slow or busy machine, and
// Output.BudgetExceeded says when it fired. Blocks run in parallel but
// each has its own random stream and results are merged in a fixed order;
// no decision depends on map iteration order; groups and members come out
// in input order.
package matching
