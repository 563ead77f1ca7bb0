package matching

import (
	"context"
	"math"
	"sync/atomic"
	"time"
)

// Options tune a run. The zero value is a good default.
type Options struct {
	// Seed makes the run reproducible: same input, seed and budget give
	// the same output (unless the budget's clock stops the work, see
	// Output.BudgetExceeded).
	Seed int64
	// Budget is the time allowed for the run; 0 lets the engine pick
	// (1 s up to 1,000 people, growing to 7 s at 100,000). The budget is
	// turned into a fixed amount of work — annealing moves per person —
	// before the run starts, so the output does not depend on the speed
	// of the machine; the clock only stops work that overruns. Pairs are
	// solved exactly, whatever the budget.
	Budget time.Duration
	// Now is the clock for the elapsed time and the safety stop; nil
	// means time.Now. It is called from several goroutines.
	Now func() time.Time
	// Certificate asks for the proof that a pairing is optimal
	// (Output.Certificate), for checks and benchmarks.
	Certificate bool
}

// plan is the amount of work a run does, fixed before it starts.
type plan struct {
	movesPerPerson float64 // annealing moves per person in a block
	heat           float64 // starting temperature ÷ mean worsening
	cool           float64 // final temperature ÷ starting temperature
	blockSize      int     // most people in one block
	polishPasses   int     // passes re-solving neighbouring groups exactly after annealing
	polishTries    int     // re-solves per group and pass
	polishLimit    int     // most people re-solved at once
	cycles         bool    // look for exchange cycles after annealing groups
	limit          time.Duration
}

// defaultLimit is the engine's own budget for n people.
func defaultLimit(n int) time.Duration {
	const lo, hi = 1 * time.Second, 7 * time.Second
	if n <= 1000 {
		return lo
	}
	if n >= 100000 {
		return hi
	}
	return lo + time.Duration(float64(hi-lo)*float64(n-1000)/99000)
}

// baseMoves is the default number of annealing moves per person: at least
// two million moves in all for small inputs (a fraction of a second, and
// small programs are the common case), 3,500 per person around a thousand
// people, and fewer per person as inputs grow, so that the default run
// fits its budget on a two-core machine.
func baseMoves(n int) float64 {
	const most, least, small = 3500.0, 80.0, 2e6
	if n <= 1000 {
		return math.Max(most, math.Min(100000, small/float64(max(n, 1))))
	}
	return math.Max(least, most*math.Pow(1000/float64(n), 0.8))
}

// blockSize is the most people in one block: large enough for a
// thousand people to be solved as one, smaller for very large inputs,
// where the tables of a block are rebuilt many times.
func blockSize(n int) int {
	if n > 20000 {
		return 400
	}
	return 1200
}

// makePlan turns a budget into work for n people in pairs or groups. An
// explicit budget scales the default work by budget ÷ default budget: more
// time, a longer and slower anneal (one long anneal does better than
// several short ones).
func makePlan(n int, pairs bool, budget time.Duration) plan {
	pl := plan{
		movesPerPerson: baseMoves(n),
		heat:           0.15,
		cool:           0.2,
		blockSize:      blockSize(n),
		polishPasses:   2,
		polishTries:    4,
		polishLimit:    8,
		cycles:         !pairs && n <= 20000,
		limit:          defaultLimit(n),
	}
	if pl.cycles {
		// The exchange cycles gain in a tenth of a second more than
		// the last fifth of the annealing would.
		pl.movesPerPerson *= 0.8
	}
	if budget > 0 {
		scale := budget.Seconds() / pl.limit.Seconds()
		pl.movesPerPerson *= scale
		pl.limit = budget
	}
	switch {
	case n > 20000:
		// Hundreds of blocks: the budget goes to annealing them, not
		// to exchange cycles.
		pl.polishPasses, pl.polishTries, pl.polishLimit = 1, 1, 8
	case n > 2000:
		pl.polishPasses, pl.polishTries, pl.polishLimit = 1, 3, 8
	}
	return pl
}

// Run proposes groups for a valid input (Run validates it first and
// returns an *InputError otherwise). It returns ctx.Err() if the context
// ends first.
func Run(ctx context.Context, in *Input, opts Options) (*Output, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p := newProblem(in)
	pl := makePlan(p.n, p.max == 2, opts.Budget)
	deadline := start.Add(pl.limit)
	var stopped atomic.Bool
	stop := func() bool {
		if stopped.Load() {
			return true
		}
		if ctx.Err() != nil || now().After(deadline) {
			stopped.Store(true)
			return true
		}
		return false
	}
	done := func() bool { return ctx.Err() != nil }
	sv := &solver{p: p, plan: pl, seed: opts.Seed, stop: stop, done: done, pairs: p.max == 2, certify: opts.Certificate}
	sv.solve()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ub := sv.upperBound()
	out := p.output(sv.groups)
	out.UpperBound = ub
	out.BudgetExceeded = stopped.Load()
	out.Certificate = sv.cert
	out.ElapsedMS = now().Sub(start).Milliseconds()
	return out, nil
}
