package indicator

import "math"

// RSI is Wilder's relative strength index, as TA-Lib computes it: the
// first value, at index n (LookbackRSI), uses the plain means of the gains
// and losses of the first n changes; after that each average is smoothed
// as (prev*(n-1)+x)/n, and RSI = 100*gain/(gain+loss). A window without
// any change since the start (both averages 0) gives 0, TA-Lib's value.
// RSI(2) is this same definition at period 2. Settles after SettleRSI(n)
// candles (264 for RSI 14, 30 for RSI 2).
func RSI(close []float64, n int) []float64 {
	out := make([]float64, len(close))
	rsiInto(out, close, n)
	return out
}

func rsiInto(out, close []float64, n int) {
	r := startRSI(out, close, n)
	gain, loss, w := r.gain, r.loss, r.w
	for i := r.from; i < len(close); i++ {
		d := close[i] - close[i-1]
		gain = w.step(gain, max(d, 0))
		loss = w.step(loss, max(-d, 0))
		out[i] = rsiValue(gain, loss)
	}
}

// rsiRun is an RSI under way: Wilder's average gain and loss at index
// from-1, from being the index of the next step, in which a change d of
// the close becomes gain = w.step(gain, max(d, 0)) and loss =
// w.step(loss, max(-d, 0)).
type rsiRun struct {
	gain, loss float64
	w          wilder
	from       int
}

// startRSI writes NaN over RSI(n)'s lookback and its first value, the
// plain means of the first n changes, into out, and returns the averages
// ready to step from n+1. With too few closes out is all NaN and there is
// no step to take (from is len(close)).
func startRSI(out, close []float64, n int) rsiRun {
	if n < 1 || len(close) <= n {
		fillNaN(out)
		return rsiRun{from: len(close)}
	}
	fillNaN(out[:n])
	var gain, loss float64
	for i := 1; i <= n; i++ {
		d := close[i] - close[i-1]
		gain += max(d, 0)
		loss += max(-d, 0)
	}
	r := rsiRun{gain: gain / float64(n), loss: loss / float64(n),
		w: newWilder(n), from: n + 1}
	out[n] = rsiValue(r.gain, r.loss)
	return r
}

// rsiValue is 100*gain/(gain+loss), and 0 when both are 0. Gains and
// losses are never negative, so only an exact zero needs the rule.
func rsiValue(gain, loss float64) float64 {
	sum := gain + loss
	if sum == 0 {
		return 0
	}
	return 100 * (gain / sum)
}

// MACDResult holds the three MACD outputs.
type MACDResult struct {
	Line, Signal, Hist []float64
}

// MACD is TA-Lib's MACD: both EMAs are seeded at index slow-1 (the slow
// one with the SMA of the first slow closes, the fast one with the SMA of
// the fast closes ending there, not at index fast-1 as a standalone EMA
// would be), the signal is the EMA(signal) of the line seeded at index
// slow+signal-2, hist = line - signal, and all three start at that index
// (LookbackMACD). Fast and slow are swapped if given the wrong way round.
// Settles after SettleMACD candles (306 for 12, 26, 9).
func MACD(close []float64, fast, slow, signal int) MACDResult {
	n := len(close)
	buf := make([]float64, 3*n)
	r := MACDResult{Line: buf[:n:n], Signal: buf[n : 2*n : 2*n],
		Hist: buf[2*n:]}
	macdInto(r, close, fast, slow, signal)
	return r
}

func macdInto(r MACDResult, close []float64, fast, slow, signal int) {
	m := startMACD(r, close, fast, slow, signal)
	f, sl, sig := m.fast, m.slow, m.sig
	for i := m.from; i < len(close); i++ {
		f.v = emaStep(f.v, close[i], f.k)
		sl.v = emaStep(sl.v, close[i], sl.k)
		line := f.v - sl.v
		r.Line[i] = line
		if i > m.look {
			sig.v = emaStep(sig.v, line, sig.k)
			r.Signal[i], r.Hist[i] = sig.v, line-sig.v
		} else if i == m.look {
			sig = m.seedSignal(r)
		}
	}
	m.finish(r)
}

// macdRun is a MACD under way: both EMAs at index from-1, from being the
// index of the next step, in which the line is fast - slow; the signal
// line is seeded at index look (seedSignal) and steps after it.
type macdRun struct {
	fast, slow, sig emaRun
	signal, look    int
	from            int
}

// startMACD seeds both EMAs of MACD(fast, slow, signal) at index slow-1
// and writes the line there (and the signal, for a signal period of 1),
// ready to step from slow. With too few closes every output is all NaN
// and there is no step to take.
func startMACD(r MACDResult, close []float64, fast, slow, signal int) macdRun {
	if fast > slow {
		fast, slow = slow, fast
	}
	look := LookbackMACD(fast, slow, signal)
	if fast < 1 || signal < 1 || len(close) <= look {
		fillNaN(r.Line)
		fillNaN(r.Signal)
		fillNaN(r.Hist)
		return macdRun{from: len(close)}
	}
	m := macdRun{fast: seedEMA(close, fast, slow-fast),
		slow: seedEMA(close, slow, 0), signal: signal, look: look,
		from: slow}
	r.Line[slow-1] = m.fast.v - m.slow.v
	if look == slow-1 {
		m.sig = m.seedSignal(r)
	}
	return m
}

// seedSignal seeds the signal line at index look with the mean of the
// signal lines ending there, and writes it and the histogram.
func (m macdRun) seedSignal(r MACDResult) emaRun {
	sig := seedEMA(r.Line, m.signal, m.look-m.signal+1)
	r.Signal[m.look] = sig.v
	r.Hist[m.look] = r.Line[m.look] - sig.v
	return sig
}

// finish writes NaN over the lookback, where the line was kept only to
// seed the signal line (look is 0 when there was no output at all).
func (m macdRun) finish(r MACDResult) {
	if m.look > 0 {
		fillNaN(r.Line[:m.look])
		fillNaN(r.Signal[:m.look])
		fillNaN(r.Hist[:m.look])
	}
}

// StochResult holds the slow stochastic: %K and its SMA %D.
type StochResult struct {
	K, D []float64
}

// Stoch is TA-Lib's STOCH with SMA smoothing: fast %K =
// 100*(close-LL)/(HH-LL) over fastK candles, %K = SMA(slowK) of fast %K,
// %D = SMA(slowD) of %K; both start at index fastK+slowK+slowD-3
// (LookbackStoch), as in TA-Lib. A zero range (HH == LL) gives fast %K = 0,
// TA-Lib's value: a dead market reads as "oversold", so a strategy must
// not take 0 alone as a buy signal. Exact from its first value.
func Stoch(high, low, close []float64, fastK, slowK, slowD int) StochResult {
	n := shortest(high, low, close)
	buf := make([]float64, 4*n)
	r := StochResult{K: buf[:n:n], D: buf[n : 2*n : 2*n]}
	hh, ll := buf[2*n:3*n:3*n], buf[3*n:]
	rollingMaxInto(hh, high[:n], fastK)
	rollingMinInto(ll, low[:n], fastK)
	stochInto(r, hh, ll, close[:n], fastK, slowK, slowD)
	return r
}

// stochInto computes the stochastic from the rolling extremes of fastK
// candles, holding fast %K in r.D until %D replaces it.
func stochInto(r StochResult, hh, ll, close []float64,
	fastK, slowK, slowD int) {
	n := len(close)
	look := LookbackStoch(fastK, slowK, slowD)
	if fastK < 1 || slowK < 1 || slowD < 1 || n <= look {
		fillNaN(r.K)
		fillNaN(r.D)
		return
	}
	fk := r.D
	for i := fastK - 1; i < n; i++ {
		fk[i] = 0
		if diff := (hh[i] - ll[i]) / 100; diff != 0 {
			fk[i] = (close[i] - ll[i]) / diff
		}
	}
	smaFrom(r.K, fk, slowK, fastK-1)
	smaFrom(r.D, r.K, slowD, fastK+slowK-2)
	fillNaN(r.K[:look])
	fillNaN(r.D[:look])
}

// WillR is Williams' %R over n candles, -100*(HH-close)/(HH-LL), from
// index n-1 (LookbackWillR). A zero range gives 0, TA-Lib's value. Exact
// from its first value.
func WillR(high, low, close []float64, n int) []float64 {
	l := shortest(high, low, close)
	buf := make([]float64, 2*l)
	out, ll := buf[:l:l], buf[l:]
	rollingMaxInto(out, high[:l], n)
	rollingMinInto(ll, low[:l], n)
	willRInto(out, out, ll, close[:l], n)
	return out
}

// willRInto computes %R from the rolling extremes of n candles; out may
// be hh.
func willRInto(out, hh, ll, close []float64, n int) {
	if n < 1 || len(close) < n {
		fillNaN(out)
		return
	}
	fillNaN(out[:n-1])
	for i := n - 1; i < len(close); i++ {
		r := 0.0
		if diff := (hh[i] - ll[i]) / -100; diff != 0 {
			r = (hh[i] - close[i]) / diff
		}
		out[i] = r
	}
}

// CCI is the commodity channel index over n candles: with TP =
// (high+low+close)/3, CCI = (TP - SMA(TP))/(0.015*MD), MD the mean absolute
// deviation of the n TPs around their SMA; from index n-1 (LookbackCCI).
// It is 0 when TP equals its SMA or every TP of the window is the same,
// TA-Lib's value for a zero MD. Exact from its first value.
func CCI(high, low, close []float64, n int) []float64 {
	l := shortest(high, low, close)
	buf := make([]float64, 2*l)
	out, tp := buf[:l:l], buf[l:]
	typicalInto(tp, high, low, close)
	cciInto(out, tp, n)
	return out
}

// typicalInto writes the typical price (h+l+c)/3 of each candle into tp.
func typicalInto(tp, high, low, close []float64) {
	for i := range tp {
		tp[i] = (high[i] + low[i] + close[i]) / 3
	}
}

func cciInto(out, tp []float64, n int) {
	if n < 1 || len(tp) < n {
		fillNaN(out)
		return
	}
	fillNaN(out[:n-1])
	fn := float64(n)
	var sum float64
	for _, v := range tp[:n-1] {
		sum += v
	}
	for i := n - 1; i < len(tp); i++ {
		sum += tp[i]
		w := tp[i-n+1 : i+1]
		avg := sum / fn
		md := absDev(w, avg) / fn
		if md <= 1e-9*math.Abs(avg) {
			// Near or at zero the running sum's residue matters:
			// recompute the window exactly.
			avg = mean(w)
			md = absDev(w, avg) / fn
			if flat(w) {
				md = 0
			}
		}
		out[i] = 0
		if d := tp[i] - avg; d != 0 && md != 0 {
			out[i] = d / (0.015 * md)
		}
		sum -= tp[i-n+1]
	}
}

// absDev is the sum of |v-avg| over w, with four running sums so the
// additions do not wait on each other.
func absDev(w []float64, avg float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(w); i += 4 {
		s0 += math.Abs(w[i] - avg)
		s1 += math.Abs(w[i+1] - avg)
		s2 += math.Abs(w[i+2] - avg)
		s3 += math.Abs(w[i+3] - avg)
	}
	for ; i < len(w); i++ {
		s0 += math.Abs(w[i] - avg)
	}
	return (s0 + s1) + (s2 + s3)
}

// MFI is the money flow index over n candles: with TP = (h+l+c)/3 and the
// raw flow TP*volume, a candle's flow is positive when TP rose, negative
// when it fell and ignored when unchanged; MFI = 100*pos/(pos+neg) over
// the last n candles, from index n (LookbackMFI). A window without flow
// (flat TP or zero volume) gives 0, TA-Lib's value. TA-Lib also gives 0
// whenever pos+neg < 1.0, in quote currency; this package does not, so a
// coin at 0.00000123 keeps its MFI. Exact from its first value.
func MFI(high, low, close, volume []float64, n int) []float64 {
	l := shortest(high, low, close, volume)
	buf := make([]float64, 2*l)
	out, tp := buf[:l:l], buf[l:]
	typicalInto(tp, high, low, close)
	mfiInto(out, tp, volume[:l], n)
	return out
}

// mfiInto keeps running sums of the window's positive and negative flows,
// and counts the flows in each so a side without any is exactly 0 rather
// than the residue of its additions and subtractions.
func mfiInto(out, tp, volume []float64, n int) {
	if n < 1 || len(tp) <= n {
		fillNaN(out)
		return
	}
	fillNaN(out[:n])
	var pos, neg float64
	var npos, nneg int
	for i := 1; i < len(tp); i++ {
		if f := tp[i] * volume[i]; f != 0 {
			if tp[i] > tp[i-1] {
				pos += f
				npos++
			} else if tp[i] < tp[i-1] {
				neg += f
				nneg++
			}
		}
		if j := i - n; j >= 1 {
			if f := tp[j] * volume[j]; f != 0 {
				if tp[j] > tp[j-1] {
					pos -= f
					npos--
				} else if tp[j] < tp[j-1] {
					neg -= f
					nneg--
				}
			}
		}
		if npos == 0 {
			pos = 0
		}
		if nneg == 0 {
			neg = 0
		}
		if i >= n {
			out[i] = mfiValue(pos, neg)
		}
	}
}

// mfiValue is 100*pos/(pos+neg) kept within [0, 100], and 0 without flow.
func mfiValue(pos, neg float64) float64 {
	sum := pos + neg
	if sum <= 0 {
		return 0
	}
	return min(max(100*(pos/sum), 0), 100)
}
