package strategy

// DivergenceTrap buys a regular bullish divergence while oversold: the
// low is under the low of 4 candles earlier while RSI(14) is above its
// value then, RSI(14) is under 30, and the close rose on the last candle.
// It compares two fixed candles, not swing lows. Upstream labelled this
// "hidden_bullish"; a lower price low with a higher RSI low is a regular
// divergence, and divergence_type says so. The stop is 1% under the lowest
// low of the last 10 candles, the target twice that risk above the close;
// confidence is a fixed 0.66.
//
// History is 268 candles: RSI(14) needs 264 to settle (its value is then
// within 1e-6 of its value over any longer history), and it is read 4
// candles back.
type DivergenceTrap struct{}

// ID returns "divergence_trap".
func (DivergenceTrap) ID() string { return "divergence_trap" }

// History returns 268.
func (DivergenceTrap) History() int { return 268 }

// Evaluate returns a buy on an oversold bullish divergence.
func (s DivergenceTrap) Evaluate(in *Input) (*Decision, error) {
	return decided(s.read(in))
}

type divergenceValues struct {
	rsi, rsi4, low, low4 float64
	close, prevClose     float64
	lowest10             float64
}

func (s DivergenceTrap) read(in *Input) (divergenceValues, error) {
	if err := needCandles(in, s.History()); err != nil {
		return divergenceValues{}, err
	}
	rsi := in.RSI(14)
	var r lagReader
	v := divergenceValues{
		rsi:       r.at("rsi", rsi, 0),
		rsi4:      r.at("rsi", rsi, 4),
		low:       r.at("low", in.Low, 0),
		low4:      r.at("low", in.Low, 4),
		close:     r.at("close", in.Close, 0),
		prevClose: r.at("close", in.Close, 1),
		lowest10:  r.at("lowest_low_10", in.Lowest(10), 0),
	}
	return v, r.err
}

func (v divergenceValues) decide() *Decision {
	if v.low >= v.low4 || v.rsi <= v.rsi4 || v.rsi >= 30 ||
		v.close <= v.prevClose {
		return nil
	}
	stop := 0.99 * v.lowest10
	target := riskTarget(v.close, stop, 2)
	return newTrade(Buy, 0.66, v.close, stop, target,
		map[string]any{
			"stop_loss":         stop,
			"take_profit":       target,
			"rsi":               v.rsi,
			"divergence_type":   "regular_bullish",
			"oversold":          true,
			"momentum":          true,
			"risk_reward_ratio": 2.0,
		})
}
