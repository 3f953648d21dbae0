//go:build !unix

package event_test

import "time"

// processCPU is not measured outside Unix.
func processCPU() time.Duration { return 0 }
