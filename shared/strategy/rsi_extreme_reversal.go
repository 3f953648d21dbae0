package strategy

import "github.com/tabot-functions/tabot/shared/indicator"

// RSIExtremeReversal is rsi_extreme_reversal (Quantzed screenings 08 and
// 09): a buy when RSI(2) is under 2 ("extreme", base confidence 0.82) or
// under 25 ("oversold", 0.72). A rising RSI adds 0.02 per point up to
// 0.08, one falling by more than 2 points takes 0.05, and the result is
// clamped to [0.55, 0.90]. The stop is the lower of the five-candle low
// and 1% under the close, the target twice that risk above the close
// (upstream's floor of 0.5% of the close on the risk never binds).
//
// RSI(2) is Wilder's RSI at period 2, TA-Lib's; upstream computed its
// own form, which smooths with the same 1/2 and differs only in the
// seed, gone after 30 candles. It
// runs on every interval: upstream skipped 1m, 3m and 5m, which left
// the default 5m deployment without it (UPSTREAM.md §7 item 30). A flat
// market, where TA-Lib reports an RSI of 0 for want of any movement
// (upstream: NaN), gives no signal. History is 31 candles: RSI(2)
// settled one candle back.
type RSIExtremeReversal struct{}

// ID returns "rsi_extreme_reversal".
func (RSIExtremeReversal) ID() string { return "rsi_extreme_reversal" }

// History returns 31, RSI(2) settled one candle back.
func (RSIExtremeReversal) History() int { return indicator.SettleRSI(2) + 1 }

// Evaluate implements Strategy.
func (RSIExtremeReversal) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	rsi := in.RSI(2)
	v0, v1 := r.at("rsi2", rsi, 0), r.at("rsi2", rsi, 1)
	c0, c1 := r.at("close", in.Close, 0), r.at("close", in.Close, 1)
	support := r.at("low", in.Low, 0)
	for lag := 1; lag < 5; lag++ {
		support = min(support, r.at("low", in.Low, lag))
	}
	if r.err != nil {
		return nil, r.err
	}

	if v0 == 0 && c0 == c1 {
		return nil, nil // no movement to measure, not oversold
	}
	var base float64
	var strength, threshold, origin string
	switch {
	case v0 < 2:
		base, strength, threshold = 0.82, "extreme", "extreme"
		origin = "quantzed_screening_08"
	case v0 < 25:
		base, strength, threshold = 0.72, "strong", "oversold"
		origin = "quantzed_screening_09"
	default:
		return nil, nil
	}

	momentum, adjust := v0-v1, 0.0
	if momentum > 0 {
		adjust = min(0.08, 0.02*momentum)
	} else if momentum < -2 {
		adjust = -0.05
	}
	if !(support > 0) {
		support = 0.99 * c0
	}
	stop := min(support, 0.99*c0)
	target := c0 + 2*max(c0-stop, 0.005*c0)
	return newTrade(Buy, min(0.90, max(0.55, base+adjust)), c0, stop, target,
		map[string]any{
			"rsi_2":           v0,
			"rsi_momentum":    momentum,
			"signal_strength": strength,
			"extremeness":     max(0, (25-v0)/25),
			"threshold_type":  threshold,
			"strategy_origin": origin,
			"stop_loss":       stop,
			"take_profit":     target,
		}), nil
}
