//go:build !linux

package detect

import "time"

var benchStart = time.Now()

// threadCPU falls back to wall time where RUSAGE_THREAD is not available.
func threadCPU() time.Duration { return time.Since(benchStart) }
