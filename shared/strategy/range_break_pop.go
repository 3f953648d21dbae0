package strategy

// RangeBreakPop buys a wide candle after two rising closes: the candle's
// range (high - low) is more than 1.5 times ATR(14), its volume is not
// zero, and the close rose on each of the last two candles. Its name and
// the upstream docstring promise more (a tight 10-candle range, a falling
// ATR, RSI near 50, a volume surge): none of that was ever checked, and it
// is not checked here. The stop is 1% under the lowest low of the last 10
// candles, the target twice that risk above the close; confidence is a
// fixed 0.68.
//
// History is 202 candles, what ATR(14) needs to settle: its last value is
// then within 1e-6 of its value over any longer history.
type RangeBreakPop struct{}

// ID returns "range_break_pop".
func (RangeBreakPop) ID() string { return "range_break_pop" }

// History returns 202.
func (RangeBreakPop) History() int { return 202 }

// Evaluate returns a buy on a wide candle in a run of rising closes.
func (s RangeBreakPop) Evaluate(in *Input) (*Decision, error) {
	return decided(s.read(in))
}

type rangeBreakValues struct {
	atr, high, low, volume float64
	lowest10               float64
	close                  [3]float64 // lags 0..2
}

func (s RangeBreakPop) read(in *Input) (rangeBreakValues, error) {
	if err := needCandles(in, s.History()); err != nil {
		return rangeBreakValues{}, err
	}
	var r lagReader
	v := rangeBreakValues{
		atr:      r.at("atr", in.ATR(14), 0),
		high:     r.at("high", in.High, 0),
		low:      r.at("low", in.Low, 0),
		volume:   r.at("volume", in.Volume, 0),
		lowest10: r.at("lowest_low_10", in.Lowest(10), 0),
	}
	r.span("close", in.Close, v.close[:])
	return v, r.err
}

func (v rangeBreakValues) decide() *Decision {
	c := v.close
	size := v.high - v.low
	if size <= 1.5*v.atr || v.volume <= 0 || c[0] <= c[1] || c[1] <= c[2] {
		return nil
	}
	stop := 0.99 * v.lowest10
	target := riskTarget(c[0], stop, 2)
	return newTrade(Buy, 0.68, c[0], stop, target,
		map[string]any{
			"stop_loss":         stop,
			"take_profit":       target,
			"atr":               v.atr,
			"range_size":        size,
			"volume":            v.volume,
			"momentum":          true,
			"risk_reward_ratio": 2.0,
		})
}
