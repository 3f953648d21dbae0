package strategy

import "math"

// GoldenTrendSync buys a rising candle near EMA(21) while EMA(21) is above
// EMA(50): the close is within 2% of EMA(21) and above the open. Despite
// its name it checks the state EMA(21) > EMA(50), not a golden cross, so
// it fires on every such candle of a trend. The stop is EMA(50), the target
// twice that risk above the close; confidence is a fixed 0.70. A close at
// or under EMA(50) would put the stop above the entry: no signal.
//
// History is 396 candles, what EMA(50) needs to settle: its last value is
// then within 1e-6 of its value over any longer history.
type GoldenTrendSync struct{}

// ID returns "golden_trend_sync".
func (GoldenTrendSync) ID() string { return "golden_trend_sync" }

// History returns 396.
func (GoldenTrendSync) History() int { return 396 }

// Evaluate returns a buy on a rising candle near EMA(21) in an uptrend.
func (s GoldenTrendSync) Evaluate(in *Input) (*Decision, error) {
	return decided(s.read(in))
}

type goldenTrendValues struct {
	ema21, ema50, open, close float64
}

func (s GoldenTrendSync) read(in *Input) (goldenTrendValues, error) {
	if err := needCandles(in, s.History()); err != nil {
		return goldenTrendValues{}, err
	}
	var r lagReader
	v := goldenTrendValues{
		ema21: r.at("ema21", in.EMA(21), 0),
		ema50: r.at("ema50", in.EMA(50), 0),
		open:  r.at("open", in.Open, 0),
		close: r.at("close", in.Close, 0),
	}
	return v, r.err
}

func (v goldenTrendValues) decide() *Decision {
	pullback := math.Abs(v.close-v.ema21) / v.ema21
	if v.ema21 <= v.ema50 || pullback > 0.02 || v.close <= v.open {
		return nil
	}
	stop, target := v.ema50, riskTarget(v.close, v.ema50, 2)
	return newTrade(Buy, 0.70, v.close, stop, target,
		map[string]any{
			"stop_loss":         stop,
			"take_profit":       target,
			"ema21":             v.ema21,
			"ema50":             v.ema50,
			"pullback_distance": pullback,
			"risk_reward_ratio": 2.0,
		})
}
