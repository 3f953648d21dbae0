//go:build !linux

package indicator

import "time"

// threadCPU is not measured outside Linux.
func threadCPU() time.Duration { return 0 }
