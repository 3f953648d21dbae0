package indicator

import "math"

// Bands holds Bollinger Bands.
type Bands struct {
	Upper, Middle, Lower []float64
}

// BBands are Bollinger Bands: the middle band is the SMA(n), the others
// lie k population standard deviations (divided by n, not n-1) above and
// below; from index n-1 (LookbackBBands). Like TA-Lib it takes the
// variance from running sums, mean(x²) - mean²; where that loses digits
// (below 1e-9 of mean², a near-flat window) the window's variance is
// recomputed in two passes, so a flat window gives bands equal to the
// middle and tiny prices keep their precision. Exact from its first value.
func BBands(close []float64, n int, k float64) Bands {
	l := len(close)
	buf := make([]float64, 3*l)
	b := Bands{Upper: buf[:l:l], Middle: buf[l : 2*l : 2*l],
		Lower: buf[2*l:]}
	bbandsInto(b, close, n, k)
	return b
}

func bbandsInto(b Bands, close []float64, n int, k float64) {
	if n < 1 || len(close) < n {
		fillNaN(b.Upper)
		fillNaN(b.Middle)
		fillNaN(b.Lower)
		return
	}
	fillNaN(b.Upper[:n-1])
	fillNaN(b.Middle[:n-1])
	fillNaN(b.Lower[:n-1])
	fn, inv := float64(n), 1/float64(n)
	var sum, sq float64
	for _, v := range close[:n-1] {
		sum += v
		sq += v * v
	}
	for i := n - 1; i < len(close); i++ {
		v := close[i]
		sum += v
		sq += v * v
		mid := sum / fn
		variance := sq*inv - mid*mid
		if variance < 1e-9*mid*mid {
			variance = variance2(close[i-n+1 : i+1])
		}
		sd := k * math.Sqrt(variance)
		b.Middle[i], b.Upper[i], b.Lower[i] = mid, mid+sd, mid-sd
		old := close[i-n+1]
		sum -= old
		sq -= old * old
	}
}

// variance2 is the population variance of w in two passes, exactly 0 for
// a flat window.
func variance2(w []float64) float64 {
	if flat(w) {
		return 0
	}
	m := mean(w)
	var sq float64
	for _, v := range w {
		sq += (v - m) * (v - m)
	}
	return sq / float64(len(w))
}

// TrueRange is Wilder's true range, max(h-l, |h-prevC|, |l-prevC|), from
// index 1 (LookbackTrueRange).
func TrueRange(high, low, close []float64) []float64 {
	out := make([]float64, shortest(high, low, close))
	trueRangeInto(out, high, low, close)
	return out
}

func trueRangeInto(out, high, low, close []float64) {
	if len(out) == 0 {
		return
	}
	out[0] = math.NaN()
	for i := 1; i < len(out); i++ {
		out[i] = trueRange(high[i], low[i], close[i-1])
	}
}

func trueRange(h, l, prevClose float64) float64 {
	tr := h - l
	if d := math.Abs(h - prevClose); d > tr {
		tr = d
	}
	if d := math.Abs(l - prevClose); d > tr {
		tr = d
	}
	return tr
}

// ATR is the average true range: the mean of the first n true ranges
// (indices 1..n) at index n (LookbackATR), then Wilder smoothing
// (prev*(n-1)+tr)/n. Settles after SettleATR(n) candles (202 for ATR 14).
func ATR(high, low, close []float64, n int) []float64 {
	out := make([]float64, shortest(high, low, close))
	atrInto(out, high, low, close, n)
	return out
}

func atrInto(out, high, low, close []float64, n int) {
	if n < 1 || len(out) <= n {
		fillNaN(out)
		return
	}
	fillNaN(out[:n])
	var sum float64
	for i := 1; i <= n; i++ {
		sum += trueRange(high[i], low[i], close[i-1])
	}
	prev := sum / float64(n)
	out[n] = prev
	w := newWilder(n)
	for i := n + 1; i < len(out); i++ {
		prev = w.step(prev, trueRange(high[i], low[i], close[i-1]))
		out[i] = prev
	}
}
