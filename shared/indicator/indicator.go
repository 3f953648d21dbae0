// Package indicator computes technical indicators with TA-Lib's
// conventions over float64 columns, oldest value first.
//
// Every function returns a slice as long as its input. An index that has
// no value yet (the indicator's lookback, or too little input) holds NaN;
// every other index holds a finite number, also on flat prices, zero-range
// candles and zero volume. Callers read the last value and treat NaN as
// "not enough data", never as a number. The package does no I/O and keeps
// no state between calls.
package indicator

import "math"

// nanSlice returns a slice of n NaN values.
func nanSlice(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = math.NaN()
	}
	return out
}

// SMA is the simple moving average of the last n values. Lookback n-1.
func SMA(src []float64, n int) []float64 {
	out := nanSlice(len(src))
	if n < 1 || len(src) < n {
		return out
	}
	var sum float64
	for i, v := range src {
		sum += v
		if i >= n {
			sum -= src[i-n]
		}
		if i >= n-1 {
			out[i] = sum / float64(n)
		}
	}
	return out
}

// EMA is the exponential moving average with k = 2/(n+1), seeded with the
// SMA of the first n values at index n-1, as TA-Lib does. Lookback n-1;
// the seed's weight decays as (1-k)^t, so EMA(200) needs about 1000
// values before it no longer depends on where the input starts.
func EMA(src []float64, n int) []float64 {
	out := nanSlice(len(src))
	if n < 1 || len(src) < n {
		return out
	}
	emaFrom(out, src, n, 0)
	return out
}

// emaFrom writes into out the EMA(n) of src[start:], seeded with the mean
// of src[start:start+n]. It needs len(src) >= start+n.
func emaFrom(out, src []float64, n, start int) {
	k := 2 / float64(n+1)
	var sum float64
	for _, v := range src[start : start+n] {
		sum += v
	}
	prev := sum / float64(n)
	out[start+n-1] = prev
	for i := start + n; i < len(src); i++ {
		prev = (src[i]-prev)*k + prev
		out[i] = prev
	}
}

// RSI is Wilder's relative strength index: the first value, at index n,
// uses the plain means of the first n changes, then each average is
// smoothed as (prev*(n-1)+x)/n. It is 0 when both averages are 0 (a flat
// window), as in TA-Lib. Lookback n.
func RSI(close []float64, n int) []float64 {
	out := nanSlice(len(close))
	if n < 1 || len(close) <= n {
		return out
	}
	var gain, loss float64
	for i := 1; i <= n; i++ {
		d := close[i] - close[i-1]
		if d > 0 {
			gain += d
		} else {
			loss -= d
		}
	}
	fn := float64(n)
	gain /= fn
	loss /= fn
	out[n] = rsiValue(gain, loss)
	for i := n + 1; i < len(close); i++ {
		d := close[i] - close[i-1]
		g, l := 0.0, 0.0
		if d > 0 {
			g = d
		} else {
			l = -d
		}
		gain = (gain*(fn-1) + g) / fn
		loss = (loss*(fn-1) + l) / fn
		out[i] = rsiValue(gain, loss)
	}
	return out
}

func rsiValue(gain, loss float64) float64 {
	sum := gain + loss
	if sum > -1e-8 && sum < 1e-8 {
		return 0
	}
	return 100 * gain / sum
}

// MACDResult holds the three MACD outputs.
type MACDResult struct {
	Line, Signal, Hist []float64
}

// MACD is TA-Lib's MACD: both EMAs are seeded at index slow-1 (the fast
// one with the SMA of the fast-1 values before it), and all three outputs
// start at index slow+signal-2. Lookback slow+signal-2.
func MACD(close []float64, fast, slow, signal int) MACDResult {
	n := len(close)
	r := MACDResult{Line: nanSlice(n), Signal: nanSlice(n), Hist: nanSlice(n)}
	if fast > slow {
		fast, slow = slow, fast
	}
	look := slow + signal - 2
	if fast < 1 || signal < 1 || n <= look {
		return r
	}
	fe, se := nanSlice(n), nanSlice(n)
	emaFrom(fe, close, fast, slow-fast)
	emaFrom(se, close, slow, 0)
	line := make([]float64, n)
	for i := slow - 1; i < n; i++ {
		line[i] = fe[i] - se[i]
	}
	sig := nanSlice(n)
	emaFrom(sig, line, signal, slow-1)
	for i := look; i < n; i++ {
		r.Line[i], r.Signal[i] = line[i], sig[i]
		r.Hist[i] = line[i] - sig[i]
	}
	return r
}

// Bands holds Bollinger Bands.
type Bands struct {
	Upper, Middle, Lower []float64
}

// BBands are Bollinger Bands around the SMA(n) at k population standard
// deviations (divided by n, not n-1). Lookback n-1.
func BBands(close []float64, n int, k float64) Bands {
	l := len(close)
	b := Bands{Upper: nanSlice(l), Middle: SMA(close, n), Lower: nanSlice(l)}
	if n < 1 || l < n {
		return b
	}
	var sum, sq float64
	for i, v := range close {
		sum += v
		sq += v * v
		if i >= n {
			old := close[i-n]
			sum -= old
			sq -= old * old
		}
		if i < n-1 {
			continue
		}
		mean := sum / float64(n)
		variance := sq/float64(n) - mean*mean
		sd := 0.0
		if variance >= 1e-8 {
			sd = math.Sqrt(variance)
		}
		b.Upper[i] = b.Middle[i] + k*sd
		b.Lower[i] = b.Middle[i] - k*sd
	}
	return b
}

// TrueRange is Wilder's true range, max(h-l, |h-prevC|, |l-prevC|), from
// index 1. Lookback 1.
func TrueRange(high, low, close []float64) []float64 {
	out := nanSlice(len(close))
	for i := 1; i < len(close); i++ {
		out[i] = trueRange(high[i], low[i], close[i-1])
	}
	return out
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

// ATR is the average true range: the mean of the first n true ranges at
// index n, then Wilder smoothing. Lookback n.
func ATR(high, low, close []float64, n int) []float64 {
	out := nanSlice(len(close))
	if n < 1 || len(close) <= n {
		return out
	}
	var sum float64
	for i := 1; i <= n; i++ {
		sum += trueRange(high[i], low[i], close[i-1])
	}
	fn := float64(n)
	prev := sum / fn
	out[n] = prev
	for i := n + 1; i < len(close); i++ {
		prev = (prev*(fn-1) + trueRange(high[i], low[i], close[i-1])) / fn
		out[i] = prev
	}
	return out
}

// DMIResult holds Wilder's directional movement outputs.
type DMIResult struct {
	PlusDI, MinusDI, ADX []float64
}

// DMI computes +DI and -DI (lookback n) and ADX (lookback 2n-1) with
// TA-Lib's Wilder sums.
func DMI(high, low, close []float64, n int) DMIResult {
	l := len(close)
	r := DMIResult{PlusDI: nanSlice(l), MinusDI: nanSlice(l), ADX: nanSlice(l)}
	if n < 1 || l <= n {
		return r
	}
	fn := float64(n)
	var sp, sm, st float64
	dx := nanSlice(l)
	for i := 1; i < l; i++ {
		up := high[i] - high[i-1]
		down := low[i-1] - low[i]
		pdm, mdm := 0.0, 0.0
		if up > down && up > 0 {
			pdm = up
		} else if down > up && down > 0 {
			mdm = down
		}
		tr := trueRange(high[i], low[i], close[i-1])
		if i < n {
			sp += pdm
			sm += mdm
			st += tr
			continue
		}
		sp = sp - sp/fn + pdm
		sm = sm - sm/fn + mdm
		st = st - st/fn + tr
		pdi, mdi := 0.0, 0.0
		if st != 0 {
			pdi = 100 * sp / st
			mdi = 100 * sm / st
		}
		r.PlusDI[i], r.MinusDI[i] = pdi, mdi
		dx[i] = 0
		if s := pdi + mdi; s != 0 {
			dx[i] = 100 * math.Abs(pdi-mdi) / s
		}
	}
	first := 2*n - 1
	if l <= first {
		return r
	}
	var sum float64
	for i := n; i <= first; i++ {
		sum += dx[i]
	}
	prev := sum / fn
	r.ADX[first] = prev
	for i := first + 1; i < l; i++ {
		prev = (prev*(fn-1) + dx[i]) / fn
		r.ADX[i] = prev
	}
	return r
}
