package indicator

// Highest is the rolling maximum of the last n values, the current one
// included. Lookback n-1.
func Highest(src []float64, n int) []float64 {
	return rolling(src, n, func(a, b float64) bool { return a > b })
}

// Lowest is the rolling minimum of the last n values, the current one
// included. Lookback n-1.
func Lowest(src []float64, n int) []float64 {
	return rolling(src, n, func(a, b float64) bool { return a < b })
}

// rolling keeps the best of each n-value window by better, in O(len*n)
// worst case and O(len) on average: the best is only rescanned when it
// leaves the window.
func rolling(src []float64, n int, better func(a, b float64) bool) []float64 {
	out := nanSlice(len(src))
	if n < 1 || len(src) < n {
		return out
	}
	best := -1
	for i := n - 1; i < len(src); i++ {
		start := i - n + 1
		if best < start {
			best = start
			for j := start + 1; j <= i; j++ {
				if !better(src[best], src[j]) {
					best = j
				}
			}
		} else if !better(src[best], src[i]) {
			best = i
		}
		out[i] = src[best]
	}
	return out
}
