package strategy

import "github.com/tabot-functions/tabot/shared/indicator"

// BearTrapSell is bear_trap_sell (Quantzed screening 34), the mirror of
// bear_trap_buy: a sell when the candle's high pokes above EMA(80) and it
// closes back under it, with the close under EMA(80) on each of the last
// four candles (upstream also tested the previous close separately, which
// that already covers). The entry is a stop at the low, the stop the
// high, the target twice the range under the entry. Confidence is 0.60
// plus 0.25 times the failure ratio, how far the close fell under EMA(80)
// against how far the high rose above it, capped at 0.85. History is 636
// candles: EMA(80) settled three candles back.
type BearTrapSell struct{}

// ID returns "bear_trap_sell".
func (BearTrapSell) ID() string { return "bear_trap_sell" }

// History returns 636, EMA(80) settled three candles back.
func (BearTrapSell) History() int { return indicator.SettleEMA(80) + 3 }

// Evaluate implements Strategy.
func (BearTrapSell) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	e80 := in.EMA(80)
	cur := r.shape(in, 0)
	s0 := r.at("ema80", e80, 0)
	held := true
	for lag := 0; lag < 4; lag++ {
		held = held && r.at("close", in.Close, lag) < r.at("ema80", e80, lag)
	}
	if r.err != nil {
		return nil, r.err
	}

	if !(cur.high > s0 && cur.close < s0 && held) {
		return nil, nil
	}

	entry, stop := cur.low, cur.high
	target := riskTarget(entry, stop, 2)
	height, failure := cur.high-s0, s0-cur.close
	ratio := 1.0
	if height > 0 {
		ratio = failure / height
	}
	return newTrade(Sell, min(0.85, 0.60+0.25*ratio), entry, stop, target,
		map[string]any{
			"ema80":                     s0,
			"false_breakout_height":     height,
			"breakout_failure_distance": failure,
			"failure_ratio":             ratio,
			"risk_reward_ratio":         2.0,
			"pattern":                   "bear_trap_sell_reversal",
			"entry_price":               entry,
		}), nil
}
