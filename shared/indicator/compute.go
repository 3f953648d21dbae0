package indicator

// closePass computes EMA 9, 21, 50 and 200, MACD(12, 26, 9) and RSI(14)
// in one loop over the closes. Each is a recursion that waits on its own
// previous value; side by side in one loop they run in parallel on the
// processor, where one after the other they would wait in turn. Each
// takes the steps of its own function, so the values are the same.
func (set *Set) closePass(close []float64) {
	e9 := startEMA(set.EMA9, close, 9, 0)
	e21 := startEMA(set.EMA21, close, 21, 0)
	e50 := startEMA(set.EMA50, close, 50, 0)
	e200 := startEMA(set.EMA200, close, 200, 0)
	r := startRSI(set.RSI14, close, 14)
	gain, loss, w := r.gain, r.loss, r.w
	m := startMACD(set.MACD, close, 12, 26, 9)
	f, sl, sig := m.fast, m.slow, m.sig
	ema9, ema21, ema50, ema200 := set.EMA9, set.EMA21, set.EMA50, set.EMA200
	rsi, macd := set.RSI14, set.MACD
	for i := 1; i < len(close); i++ {
		x := close[i]
		if i >= e9.from {
			e9.v = emaStep(e9.v, x, e9.k)
			ema9[i] = e9.v
		}
		if i >= e21.from {
			e21.v = emaStep(e21.v, x, e21.k)
			ema21[i] = e21.v
		}
		if i >= e50.from {
			e50.v = emaStep(e50.v, x, e50.k)
			ema50[i] = e50.v
		}
		if i >= e200.from {
			e200.v = emaStep(e200.v, x, e200.k)
			ema200[i] = e200.v
		}
		if i >= r.from {
			d := x - close[i-1]
			gain = w.step(gain, max(d, 0))
			loss = w.step(loss, max(-d, 0))
			rsi[i] = rsiValue(gain, loss)
		}
		if i >= m.from {
			f.v = emaStep(f.v, x, f.k)
			sl.v = emaStep(sl.v, x, sl.k)
			line := f.v - sl.v
			macd.Line[i] = line
			if i > m.look {
				sig.v = emaStep(sig.v, line, sig.k)
				macd.Signal[i], macd.Hist[i] = sig.v, line-sig.v
			} else if i == m.look {
				sig = m.seedSignal(macd)
			}
		}
	}
	m.finish(macd)
}
