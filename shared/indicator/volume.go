package indicator

// OBV is on-balance volume as TA-Lib computes it: OBV[0] = volume[0] (not
// 0), then the volume is added when the close rose, subtracted when it
// fell, and the total kept when it is unchanged. From index 0
// (LookbackOBV). OBV is a running total: its level depends on where the
// input starts, only its changes compare across windows.
func OBV(close, volume []float64) []float64 {
	out := make([]float64, shortest(close, volume))
	obvInto(out, close, volume)
	return out
}

func obvInto(out, close, volume []float64) {
	if len(out) == 0 {
		return
	}
	obv := volume[0]
	out[0] = obv
	for i := 1; i < len(out); i++ {
		if close[i] > close[i-1] {
			obv += volume[i]
		} else if close[i] < close[i-1] {
			obv -= volume[i]
		}
		out[i] = obv
	}
}

// msPerDay is the length of a UTC calendar day in milliseconds.
const msPerDay = 24 * 60 * 60 * 1000

// VWAP is the volume-weighted average of the typical price (h+l+c)/3,
// anchored to the UTC calendar day of each candle's open time
// (milliseconds since the epoch): sum(TP*volume)/sum(volume) over the
// candles of the day so far, the current one included. While the day has
// traded no volume it is the plain mean of the day's typical prices, so
// it is never 0/0. From index 0 (LookbackVWAP); it needs only the
// candles of the current day, so a window settles once it holds them.
func VWAP(openTime []int64, high, low, close, volume []float64) []float64 {
	n := min(len(openTime), shortest(high, low, close, volume))
	out := make([]float64, n)
	var day int64
	var pv, vol, tps float64
	var count int
	for i := range out {
		if d := floorDiv(openTime[i], msPerDay); i == 0 || d != day {
			day, pv, vol, tps, count = d, 0, 0, 0, 0
		}
		tp := (high[i] + low[i] + close[i]) / 3
		pv += tp * volume[i]
		vol += volume[i]
		tps += tp
		count++
		if vol > 0 {
			out[i] = pv / vol
		} else {
			out[i] = tps / float64(count)
		}
	}
	return out
}

// floorDiv is a/b rounded down, also for times before 1970.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}
