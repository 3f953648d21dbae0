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
// the new value before dropping the old one as TA-Lib does. It needs
// len(src) >= start+n.
func smaFrom(out, src []float64, n, start int) {
	fn := float64(n)
	var sum float64
	for _, v := range src[start : start+n-1] {
		sum += v
	}
	for i := start + n - 1; i < len(src); i++ {
		sum += src[i]
		out[i] = sum / fn
		sum -= src[i-n+1]
	}
}

// EMA is the exponential moving average with k = 2/(n+1), seeded with the
// SMA of the first n values at index n-1 (LookbackEMA), then
// ema = (x-prev)*k + prev, as TA-Lib does. Leading NaNs in src are
// skipped. The seed's weight decays as (1-k)^t: SettleEMA(n) candles make
// it negligible, about 10*n for long periods (1582 for EMA 200).
func EMA(src []float64, n int) []float64 {
	out := make([]float64, len(src))
	emaInto(out, src, n)
	return out
}

func emaInto(out, src []float64, n int) {
	start := firstValid(src)
	if n < 1 || len(src)-start < n {
		fillNaN(out)
		return
	}
	fillNaN(out[:start+n-1])
	emaFrom(out, src, n, start)
}

// emaFrom writes into out[start+n-1:] the EMA(n) of src[start:], seeded
// with the mean of src[start:start+n]. It needs len(src) >= start+n.
func emaFrom(out, src []float64, n, start int) {
	k := 2 / float64(n+1)
	prev := mean(src[start : start+n])
	out[start+n-1] = prev
	for i := start + n; i < len(src); i++ {
		prev = (src[i]-prev)*k + prev
		out[i] = prev
	}
}
