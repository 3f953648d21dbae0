package indicator

// Highest is the rolling maximum of the last n values, the current one
// included, from index n-1 (LookbackHighest). Leading NaNs in src are
// skipped. Exact from its first value.
func Highest(src []float64, n int) []float64 {
	out := make([]float64, len(src))
	rollingMaxInto(out, src, n)
	return out
}

// Lowest is the rolling minimum of the last n values, the current one
// included, from index n-1 (LookbackLowest). Leading NaNs in src are
// skipped. Exact from its first value.
func Lowest(src []float64, n int) []float64 {
	out := make([]float64, len(src))
	rollingMinInto(out, src, n)
	return out
}

// rollingMaxInto keeps the index of the window's maximum and rescans the
// window only when that index leaves it: O(len) on market data, O(len*n)
// on a strictly falling series. On a tie the later index wins, so it stays
// longer.
func rollingMaxInto(out, src []float64, n int) {
	start := firstValid(src)
	if n < 1 || len(src)-start < n {
		fillNaN(out)
		return
	}
	fillNaN(out[:start+n-1])
	best := -1
	for i := start + n - 1; i < len(src); i++ {
		if lo := i - n + 1; best < lo {
			best = lo
			for j := lo + 1; j <= i; j++ {
				if src[j] >= src[best] {
					best = j
				}
			}
		} else if src[i] >= src[best] {
			best = i
		}
		out[i] = src[best]
	}
}

// rollingMinInto is rollingMaxInto for the minimum.
func rollingMinInto(out, src []float64, n int) {
	start := firstValid(src)
	if n < 1 || len(src)-start < n {
		fillNaN(out)
		return
	}
	fillNaN(out[:start+n-1])
	best := -1
	for i := start + n - 1; i < len(src); i++ {
		if lo := i - n + 1; best < lo {
			best = lo
			for j := lo + 1; j <= i; j++ {
				if src[j] <= src[best] {
					best = j
				}
			}
		} else if src[i] <= src[best] {
			best = i
		}
		out[i] = src[best]
	}
}

// Swings is the latest confirmed swing point at each index.
type Swings struct {
	// Price is the swing bar's high (or low); NaN until the first swing
	// is confirmed.
	Price []float64
	// Bar is the index of the swing bar; -1 until the first swing is
	// confirmed.
	Bar []int
}

// SwingHighs finds swing highs of strength k: bar j is one when its high
// is strictly greater than the highs of the k bars before it and of the k
// bars after it. It is only known k bars later, so it is confirmed at
// index j+k, and the value at index t reads indices <= t only: the latest
// swing high confirmed by t, which is at least k bars old. The first
// swing can be confirmed at index 2k (LookbackSwing). Equal highs (a
// double top) make no swing.
func SwingHighs(high []float64, k int) Swings {
	return swings(high, k, func(a, b float64) bool { return a > b })
}

// SwingLows finds swing lows of strength k: bar j is one when its low is
// strictly below the lows of the k bars before and after it. It is
// confirmed at index j+k, as SwingHighs explains.
func SwingLows(low []float64, k int) Swings {
	return swings(low, k, func(a, b float64) bool { return a < b })
}

func swings(src []float64, k int, beyond func(a, b float64) bool) Swings {
	n := len(src)
	s := Swings{Price: nanSlice(n), Bar: make([]int, n)}
	last := -1
	for t := range src {
		if j := t - k; k >= 1 && j >= k && isSwing(src, j, k, beyond) {
			last = j
		}
		s.Bar[t] = last
		if last >= 0 {
			s.Price[t] = src[last]
		}
	}
	return s
}

// isSwing reports whether src[j] is beyond every other value within k of
// j; the caller ensures j-k >= 0 and j+k < len(src).
func isSwing(src []float64, j, k int, beyond func(a, b float64) bool) bool {
	for i := j - k; i <= j+k; i++ {
		if i != j && !beyond(src[j], src[i]) {
			return false
		}
	}
	return true
}
