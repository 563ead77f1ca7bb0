//go:build race

package matching_test

// raceEnabled is set when the tests run under the race detector, which
// slows the engine about tenfold: the largest cases then shrink.
const raceEnabled = true
