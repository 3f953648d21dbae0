package indicator

// SMA is the simple moving average of the last n values. Lookback n-1
// (LookbackSMA); exact from its first value. Leading NaNs in src are
// skipped: the first value is then n-1 after the first number.
func SMA(src []float64, n int) []float64 {
	out := make([]float64, len(src))
	smaInto(out, src, n)
	return out
}

func smaInto(out, src []float64, n int) {
	start := firstValid(src)
	if n < 1 || len(src)-start < n {
		fillNaN(out)
		return
	}
	fillNaN(out[:start+n-1])
	smaFrom(out, src, n, start)
}

// smaFrom writes into out[start+n-1:] the SMA(n) of src[start:], adding
// the new value before dropping the old one as TA-Lib does. It counts the
// window's non-zero values so a window of zeros (no volume, %K on a zero
// range) averages to exactly 0, not to the residue of the running sum. It
// needs len(src) >= start+n.
func smaFrom(out, src []float64, n, start int) {
	fn := float64(n)
	var sum float64
	nonzero := 0
	for _, v := range src[start : start+n-1] {
		sum += v
		if v != 0 {
			nonzero++
		}
	}
	for i := start + n - 1; i < len(src); i++ {
		if v := src[i]; v != 0 {
			sum += v
			nonzero++
		}
		if nonzero == 0 {
			sum = 0
		}
		out[i] = sum / fn
		if v := src[i-n+1]; v != 0 {
			sum -= v
			nonzero--
		}
	}
}

// EMA is the exponential moving average with k = 2/(n+1), seeded with the
// SMA of the first n values at index n-1 (LookbackEMA), then
// ema = (x-prev)*k + prev, as TA-Lib does. Leading NaNs in src are
// skipped. The seed's weight decays as (1-k)^t: SettleEMA(n) candles make
// it negligible (396 for EMA 50, 1582 for EMA 200: more than the default
// window of 1000, over which EMA 200 is off by up to 2e-5 relative).
func EMA(src []float64, n int) []float64 {
	out := make([]float64, len(src))
	emaInto(out, src, n)
	return out
}

func emaInto(out, src []float64, n int) {
	e := startEMA(out, src, n, firstValid(src))
	for i := e.from; i < len(src); i++ {
		e.v = emaStep(e.v, src[i], e.k)
		out[i] = e.v
	}
}

// emaRun is an EMA under way: its smoothing factor k and its value v at
// index from-1, from being the index of the next step.
type emaRun struct {
	k, v float64
	from int
}

// seedEMA returns EMA(n) of src[start:] at its seed, the mean of
// src[start:start+n], ready to step from start+n; it needs
// len(src) >= start+n.
func seedEMA(src []float64, n, start int) emaRun {
	return emaRun{k: 2 / float64(n+1), v: mean(src[start : start+n]),
		from: start + n}
}

// startEMA seeds EMA(n) of src[start:], writes NaN before the seed and the
// seed into out. With too few values out is all NaN and the EMA has no
// step to take (from is len(src)).
func startEMA(out, src []float64, n, start int) emaRun {
	if n < 1 || len(src)-start < n {
		fillNaN(out)
		return emaRun{from: len(src)}
	}
	e := seedEMA(src, n, start)
	fillNaN(out[:e.from-1])
	out[e.from-1] = e.v
	return e
}

// emaStep is one EMA step with smoothing factor k, in TA-Lib's form.
func emaStep(prev, x, k float64) float64 { return (x-prev)*k + prev }

// wilder holds Wilder's smoothing over n values, (prev*(n-1)+x)/n,
// computed as prev*keep + x*take so that each step of the recursion waits
// on a multiplication and an addition, not on a division.
type wilder struct{ keep, take float64 }

func newWilder(n int) wilder {
	return wilder{keep: float64(n-1) / float64(n), take: 1 / float64(n)}
}

// step is one step of Wilder's average: prev*(n-1)/n + x/n.
func (w wilder) step(prev, x float64) float64 { return prev*w.keep + x*w.take }

// sum is one step of Wilder's running sum: prev - prev/n + x.
func (w wilder) sum(prev, x float64) float64 { return prev*w.keep + x }
