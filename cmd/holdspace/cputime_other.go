//go:build !unix

package main

import "time"

// cpuTime is not measured here: the benchmark prints 0 CPU seconds.
func cpuTime() time.Duration { return 0 }
