package indicator

import "math"

// DMIResult holds Wilder's directional movement outputs.
type DMIResult struct {
	PlusDI, MinusDI, ADX []float64
}

// DMI computes +DI and -DI (from index n, LookbackDI) and ADX (from index
// 2n-1, LookbackADX) as TA-Lib does. With up = h-prevH and down = prevL-l,
// +DM = up when up > down and up > 0 (-DM the mirror; both 0 on a tie);
// DM and true range are summed over indices 1..n-1, then each sum S
// becomes S - S/n + x; DI = 100*S_DM/S_TR; DX = 100*|+DI - -DI|/(+DI + -DI);
// ADX at 2n-1 is the mean of DX over n..2n-1, then (prev*(n-1)+DX)/n.
//
// Degenerate windows follow TA-Lib: a zero true-range sum gives DI 0;
// where DX is undefined (no range, or no directional movement since the
// start) it counts as 0 in the ADX seed and leaves the ADX unchanged
// after. Settles after SettleDMI(n) candles (306 for period 14).
func DMI(high, low, close []float64, n int) DMIResult {
	l := shortest(high, low, close)
	buf := make([]float64, 3*l)
	r := DMIResult{PlusDI: buf[:l:l], MinusDI: buf[l : 2*l : 2*l],
		ADX: buf[2*l:]}
	dmiInto(r, nil, high[:l], low[:l], close[:l], n)
	return r
}

// dmiInto computes the DMI, and the ATR of the same period into atr
// unless it is nil: one pass, one true range for both.
func dmiInto(r DMIResult, atr, high, low, close []float64, n int) {
	l := len(close)
	if n < 1 || l <= n {
		fillNaN(r.PlusDI)
		fillNaN(r.MinusDI)
		fillNaN(r.ADX)
		if atr != nil {
			fillNaN(atr)
		}
		return
	}
	if atr != nil {
		fillNaN(atr[:n])
	}
	first := LookbackADX(n)
	fillNaN(r.PlusDI[:n])
	fillNaN(r.MinusDI[:n])
	fillNaN(r.ADX[:min(first, l)])
	w := newWilder(n)
	var sp, sm, st, sumDX, adx, a float64
	for i := 1; i < l; i++ {
		tr := trueRange(high[i], low[i], close[i-1])
		up := high[i] - high[i-1]
		down := low[i-1] - low[i]
		pdm, mdm := 0.0, 0.0
		if down > 0 && up < down {
			mdm = down
		} else if up > 0 && up > down {
			pdm = up
		}
		if i < n {
			sp += pdm
			sm += mdm
			st += tr
			continue
		}
		if atr != nil {
			if i == n {
				a = (st + tr) / float64(n) // the mean of TR over 1..n
			} else {
				a = w.step(a, tr)
			}
			atr[i] = a
		}
		sp = w.sum(sp, pdm)
		sm = w.sum(sm, mdm)
		st = w.sum(st, tr)
		pdi, mdi, dx, ok := directional(sp, sm, st)
		r.PlusDI[i], r.MinusDI[i] = pdi, mdi
		switch {
		case i < first:
			sumDX += dx
		case i == first:
			adx = (sumDX + dx) / float64(n)
			r.ADX[i] = adx
		default:
			if ok {
				adx = w.step(adx, dx)
			}
			r.ADX[i] = adx
		}
	}
}

// directional turns the Wilder sums into +DI, -DI and DX; ok is false
// where DX is undefined (then dx is 0).
func directional(sp, sm, st float64) (pdi, mdi, dx float64, ok bool) {
	if st == 0 {
		return 0, 0, 0, false
	}
	pdi, mdi = 100*(sp/st), 100*(sm/st)
	s := mdi + pdi
	if s == 0 {
		return pdi, mdi, 0, false
	}
	return pdi, mdi, 100 * (math.Abs(mdi-pdi) / s), true
}

// IchimokuResult holds the Ichimoku lines, without the Chikou span, which
// is the close 26 candles in the future and has no value at the last one.
type IchimokuResult struct {
	Tenkan, Kijun, SpanA, SpanB []float64
}

// Ichimoku computes the Ichimoku lines from the midpoint of the highest
// high and the lowest low over a period: Tenkan over tenkan candles (9),
// Kijun over kijun candles (26); Span A at index t is (Tenkan+Kijun)/2 as
// computed at t-kijun, and Span B at t is the midpoint over senkou candles
// (52) as computed at t-kijun, so the cloud under the last candle is the
// one projected kijun candles ago. Only indices <= t are read. First
// values: tenkan-1, kijun-1, 2*kijun-1 (Span A, for tenkan <= kijun),
// senkou+kijun-1 (Span B, LookbackIchimoku: 77 for 9, 26, 52). Exact from
// its first value.
func Ichimoku(high, low []float64, tenkan, kijun, senkou int) IchimokuResult {
	l := shortest(high, low)
	buf := make([]float64, 6*l)
	r := IchimokuResult{Tenkan: buf[:l:l], Kijun: buf[l : 2*l : 2*l],
		SpanA: buf[2*l : 3*l : 3*l], SpanB: buf[3*l : 4*l : 4*l]}
	hh, ll := buf[4*l:5*l:5*l], buf[5*l:]
	high, low = high[:l], low[:l]

	midpointInto(r.Tenkan, hh, ll, high, low, tenkan)
	midpointInto(r.Kijun, hh, ll, high, low, kijun)
	midpointInto(hh, hh, ll, high, low, senkou) // Span B before its shift
	fillNaN(r.SpanA)
	fillNaN(r.SpanB)
	if kijun < 1 {
		return r
	}
	for t := kijun; t < l; t++ {
		r.SpanA[t] = (r.Tenkan[t-kijun] + r.Kijun[t-kijun]) / 2
		r.SpanB[t] = hh[t-kijun]
	}
	return r
}

// midpointInto writes (HH+LL)/2 over n candles into out, using hh and ll
// as scratch; out may be hh.
func midpointInto(out, hh, ll, high, low []float64, n int) {
	rollingMaxInto(hh, high, n)
	rollingMinInto(ll, low, n)
	for i := range out {
		out[i] = (hh[i] + ll[i]) / 2
	}
}
