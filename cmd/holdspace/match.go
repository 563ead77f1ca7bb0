package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/holdspace/holdspace/internal/matching"
	"github.com/holdspace/holdspace/internal/matching/matchgen"
	"github.com/holdspace/holdspace/internal/matching/yardstick"
)

const matchUsage = `Usage: holdspace match --in participants.json --out result.json [--seconds S] [--seed N]

Proposes pairs or circles for the participants in the input file, as
described in docs/matching.md. "-" reads standard input or writes standard
output. An invalid input file exits with status 2 and writes nothing.
`

// matchCommand is `holdspace match`.
func matchCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("match", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, matchUsage)
		fs.PrintDefaults()
	}
	inPath := fs.String("in", "", "input JSON `file` (- for standard input)")
	outPath := fs.String("out", "", "output JSON `file` (- for standard output)")
	seconds := fs.Float64("seconds", 0, "time budget in seconds (0: the engine picks, at most 7 s)")
	seed := fs.Int64("seed", 0, "random seed: the same input, seed and budget give the same output")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Errorf("match: unexpected argument %q", fs.Arg(0))}
	case *inPath == "" || *outPath == "":
		fs.Usage()
		return usageError{errors.New("match: --in and --out are required")}
	case *seconds < 0 || math.IsNaN(*seconds) || math.IsInf(*seconds, 0):
		return usageError{fmt.Errorf("match: --seconds %v is not a duration", *seconds)}
	}

	var data []byte
	var err error
	if *inPath == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(*inPath)
	}
	if err != nil {
		return usageError{fmt.Errorf("match: %w", err)}
	}
	in, err := matching.ParseInput(data)
	if err != nil {
		return usageError{fmt.Errorf("match: invalid input %s:\n%w", *inPath, err)}
	}
	data = nil // let the collector have it

	out, err := matching.Run(ctx, in, matching.Options{Seed: *seed, Budget: time.Duration(*seconds * float64(time.Second))})
	if err != nil {
		return fmt.Errorf("match: %w", err)
	}
	if out.BudgetExceeded {
		fmt.Fprintln(stderr, "holdspace match: the time budget ran out before the planned work was done; the proposal keeps every rule but may differ between runs")
	}
	if err := writeJSON(*outPath, stdout, out); err != nil {
		return fmt.Errorf("match: %w", err)
	}
	ratio := 0.0
	if out.UpperBound > 0 {
		ratio = out.Score / out.UpperBound
	}
	fmt.Fprintf(stderr, "holdspace match: placed %d of %d in %d groups; score %.2f, upper bound %.2f (%.1f%%); %d ms\n",
		out.Placed, len(in.Participants), len(out.Groups), out.Score, out.UpperBound, 100*ratio, out.ElapsedMS)
	return nil
}

// writeJSON writes v to path ("-": w). A file is written next to its final
// name and renamed into place, so a reader never sees half a file.
func writeJSON(path string, w io.Writer, v any) error {
	if path == "-" {
		bw := bufio.NewWriter(w)
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		return bw.Flush()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a successful rename, a no-op
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	// CreateTemp makes the file private; a result is an ordinary file.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

const benchUsage = `Usage: holdspace bench match [--sizes 1000,10000:pair,100000] [--seed N] [--reference] [--write-instance DIR]
       holdspace bench live [--sizes 1000,10000] [--rounds 5] [--postgres URL]
       holdspace bench pages [--people 10000] [--conns 16] [--duration 3s] [--postgres URL]

Generates realistic instances (matchgen) and prints a table: size, format,
seconds for parse + match + encode, peak memory, placed, score, upper bound
and their ratio. For group cases up to 5,000 people it adds a random
feasible grouping as a baseline; for pair cases it checks the engine's
certificate of optimality (yardstick.CheckPairs) and prints the proven
optimum. --reference measures the first group case (on seeds 1 and 2 by
default) against the engine's own 60 s run and the yardstick's 60 s search
(yardstick.SearchGroups, written apart from the engine) and prints the
ratios.
`

// benchCommand is `holdspace bench match`.
func benchCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "live" {
		return benchLive(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "pages" {
		return benchPages(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "match" {
		fmt.Fprint(stderr, benchUsage)
		return usageError{errors.New(`bench: the benchmarks are "match", "live" and "pages"`)}
	}
	fs := flag.NewFlagSet("bench match", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, benchUsage)
		fs.PrintDefaults()
	}
	sizes := fs.String("sizes", "1000,10000:pair,100000", "cases: people, optionally :pair or :group (default group 4–6)")
	seed := fs.Uint64("seed", 1, "seed of the generated instances and of the engine")
	reference := fs.Bool("reference", false, "also measure the first group case against the engine's own long run and the yardstick's long search, on the reference seeds")
	refSeconds := fs.Float64("reference-seconds", 60, "budget of the engine's long run and of the yardstick")
	refSeeds := fs.String("reference-seeds", "1,2", "seeds of the instances (and runs) measured by --reference")
	write := fs.String("write-instance", "", "also write each generated instance as JSON into this `directory`")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	var cases []benchCase
	for _, f := range strings.Split(*sizes, ",") {
		num, format, _ := strings.Cut(strings.TrimSpace(f), ":")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 {
			return usageError{fmt.Errorf("bench: bad size %q", f)}
		}
		switch format {
		case "":
			format = matching.FormatGroup
		case matching.FormatGroup, matching.FormatPair:
		default:
			return usageError{fmt.Errorf("bench: bad format %q", format)}
		}
		cases = append(cases, benchCase{n, format})
	}

	fmt.Fprintf(stdout, "holdspace bench match: %d CPUs (GOMAXPROCS %d), %s, seed %d\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), *seed)
	fmt.Fprintln(stdout, "seconds: parse JSON + match + encode JSON (match alone in brackets); peak: Go heap and runtime memory mapped during the case, sampled every 5 ms")
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "| size | format | seconds | peak memory | placed | score | upper bound | ratio | worst group | notes |\n")
	fmt.Fprintf(stdout, "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	var firstGroup *benchCase
	for _, c := range cases {
		if err := ctx.Err(); err != nil {
			return err
		}
		in := matchgen.Realistic(matchgen.Config{People: c.n, Format: c.format, Seed: *seed})
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		if *write != "" {
			name := filepath.Join(*write, fmt.Sprintf("participants-%d-%s.json", c.n, c.format))
			if err := os.WriteFile(name, data, 0o644); err != nil {
				return err
			}
		}
		var out *matching.Output
		var runTime time.Duration
		pairs := c.format == matching.FormatPair
		peak, total, err := measure(func() error {
			parsed, err := matching.ParseInput(data)
			if err != nil {
				return err
			}
			start := time.Now()
			out, err = matching.Run(ctx, parsed, matching.Options{Seed: int64(*seed), Certificate: pairs})
			runTime = time.Since(start)
			if err != nil {
				return err
			}
			_, err = json.Marshal(out)
			return err
		})
		if err != nil {
			return fmt.Errorf("bench %d %s: %w", c.n, c.format, err)
		}
		var notes []string
		if out.BudgetExceeded {
			notes = append(notes, "budget ran out")
		}
		switch {
		case pairs && out.Certificate == nil:
			notes = append(notes, fmt.Sprintf("no certificate: time components above %d people are paired in blocks", matching.PairWhole))
		case pairs:
			// The optimum as the certificate proves it, checked by code
			// written apart from the engine.
			opt, err := yardstick.CheckPairs(in, out.Certificate)
			if err != nil {
				return fmt.Errorf("bench %d pair: certificate: %w", c.n, err)
			}
			verdict := "reached"
			if err := opt.Reached(out); err != nil {
				verdict = "not reached: " + err.Error()
			}
			notes = append(notes, fmt.Sprintf("optimum (certificate checked): placed %d, score %.1f; engine ÷ optimum %.3f, %s", opt.Placed, opt.Score, out.Score/opt.Score, verdict))
		case c.n <= 5000:
			base, err := matching.RandomProposal(in, int64(*seed))
			if err != nil {
				return err
			}
			notes = append(notes, fmt.Sprintf("random feasible grouping: placed %d, score %.1f; engine/random %.2f×", base.Placed, base.Score, out.Score/base.Score))
		}
		if c.format == matching.FormatGroup && firstGroup == nil {
			firstGroup = &c
		}
		fmt.Fprintf(stdout, "| %d | %s | %.2f (%.2f) | %s | %d of %d | %.1f | %.1f | %.3f | %.2f | %s |\n",
			c.n, formatName(in), total.Seconds(), runTime.Seconds(), mib(peak), out.Placed, len(in.Participants),
			out.Score, out.UpperBound, out.Score/out.UpperBound, out.WorstGroupScore, strings.Join(notes, "; "))
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "process peak resident memory (VmHWM, whole run including generation): %s\n", vmHWM())
	if *reference && firstGroup != nil {
		return benchReference(ctx, stdout, firstGroup, *refSeeds, time.Duration(*refSeconds*float64(time.Second)))
	}
	return nil
}

type benchCase struct {
	n      int
	format string
}

// benchReference measures the engine on group instances of one size, one
// per seed: its default run, its own run with a long budget, and the
// yardstick's search (written apart from the engine) for as long, all
// scored again by the yardstick's own check of the rules.
func benchReference(ctx context.Context, stdout io.Writer, c *benchCase, seeds string, budget time.Duration) error {
	if c.n > yardstick.MaxGroupPeople {
		return fmt.Errorf("bench: the yardstick takes at most %d people", yardstick.MaxGroupPeople)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "reference: %d people, %s, the engine's default run and its own %v run against the yardstick (yardstick.SearchGroups: annealing, then iterated tabu search; %v); each score checked and recomputed by yardstick.ScoreGroups\n\n", c.n, c.format, budget, budget)
	fmt.Fprintln(stdout, "times: wall seconds / CPU seconds of the process (on a busy machine a run gets less than its budget of CPU; the engine's clock then stops its planned work early)")
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "| seed | engine default: score (placed; wall/CPU s) | engine long: score (placed; wall/CPU s) | yardstick: score (placed; wall/CPU s; best found at s; steps, shakes) | engine ÷ yardstick | engine ÷ engine long | engine long ÷ yardstick |")
	fmt.Fprintln(stdout, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, f := range strings.Split(seeds, ",") {
		seed, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return usageError{fmt.Errorf("bench: bad reference seed %q", f)}
		}
		in := matchgen.Realistic(matchgen.Config{People: c.n, Format: c.format, Seed: seed})
		check := func(out *matching.Output) (int, float64, error) {
			groups := make([][]string, len(out.Groups))
			for k, g := range out.Groups {
				groups[k] = g.Members
			}
			return yardstick.ScoreGroups(in, groups)
		}
		run := func(b time.Duration) (*matching.Output, string, error) {
			t := startTimes()
			out, err := matching.Run(ctx, in, matching.Options{Seed: int64(seed), Budget: b})
			return out, t.String(), err
		}
		def, defTime, err := run(0)
		if err != nil {
			return err
		}
		long, longTime, err := run(budget)
		if err != nil {
			return err
		}
		refClock := startTimes()
		ref, err := yardstick.SearchGroups(ctx, in, yardstick.GroupOptions{Seed: seed, Budget: budget})
		if err != nil {
			return err
		}
		refTime := refClock.String()
		var scores [2]float64
		for k, out := range []*matching.Output{def, long} {
			placed, score, err := check(out)
			if err != nil {
				return fmt.Errorf("bench: seed %d: the engine broke a rule: %w", seed, err)
			}
			if placed != out.Placed || math.Abs(score-out.Score) > 1e-6*math.Max(1, math.Abs(score)) {
				return fmt.Errorf("bench: seed %d: the engine reports placed %d, score %v; recomputed: %d, %v", seed, out.Placed, out.Score, placed, score)
			}
			scores[k] = score
		}
		note := func(out *matching.Output) string {
			if out.BudgetExceeded {
				return ", clock ran out"
			}
			return ""
		}
		fmt.Fprintf(stdout, "| %d | %.1f (%d; %s%s) | %.1f (%d; %s%s) | %.1f (%d; %s; %.1f; %d, %d) | %.4f | %.4f | %.4f |\n",
			seed, scores[0], def.Placed, defTime, note(def), scores[1], long.Placed, longTime, note(long),
			ref.Score, ref.Placed, refTime, ref.FoundAt.Seconds(), ref.Steps, ref.Shakes,
			scores[0]/ref.Score, scores[0]/scores[1], scores[1]/ref.Score)
	}
	return nil
}

// times is the start of a measured run: wall clock and process CPU time.
type times struct {
	wall time.Time
	cpu  time.Duration
}

func startTimes() times { return times{time.Now(), cpuTime()} }

// String is the wall and CPU seconds since the start.
func (t times) String() string {
	return fmt.Sprintf("%.2f/%.2f", time.Since(t.wall).Seconds(), (cpuTime() - t.cpu).Seconds())
}

func formatName(in *matching.Input) string {
	if in.Format == matching.FormatPair {
		return "pair"
	}
	return fmt.Sprintf("group %d–%d", in.GroupSize.Min, in.GroupSize.Max)
}

// measure runs f after a collection and reports the peak of the memory the
// Go runtime has mapped and not returned (heap, stacks, metadata), sampled
// every 5 ms, and how long f took.
func measure(f func() error) (peak uint64, took time.Duration, err error) {
	runtime.GC()
	debug.FreeOSMemory()
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	read := func() uint64 {
		metrics.Read(samples)
		return samples[0].Value.Uint64() - samples[1].Value.Uint64()
	}
	var mu sync.Mutex
	peak = read()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				v := read()
				mu.Lock()
				peak = max(peak, v)
				mu.Unlock()
			}
		}
	}()
	start := time.Now()
	err = f()
	took = time.Since(start)
	close(done)
	wg.Wait()
	peak = max(peak, read())
	return peak, took, err
}

func mib(b uint64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// vmHWM reads the process's peak resident set size from /proc.
func vmHWM() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
