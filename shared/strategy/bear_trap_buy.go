package strategy

import (
	"math"

	"github.com/tabot-functions/tabot/shared/indicator"
)

// BearTrapBuy is bear_trap_buy (Quantzed screening 21): a buy when the
// candle's low dips under EMA(80) and it closes back above it, with the
// close above EMA(80) on each of the last four candles. The entry is a
// stop at the high, the stop the low, the target twice the range above
// the entry. Confidence is 0.60 plus 0.25 times where the close sits in
// the candle's range, capped at 0.85. History is 636 candles: EMA(80)
// settled three candles back.
type BearTrapBuy struct{}

// ID returns "bear_trap_buy".
func (BearTrapBuy) ID() string { return "bear_trap_buy" }

// History returns 636, EMA(80) settled three candles back.
func (BearTrapBuy) History() int { return indicator.SettleEMA(80) + 3 }

// Evaluate implements Strategy.
func (BearTrapBuy) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	e80 := in.EMA(80)
	cur := r.shape(in, 0)
	s0 := r.at("ema80", e80, 0)
	held := true
	for lag := 0; lag < 4; lag++ {
		held = held && r.at("close", in.Close, lag) > r.at("ema80", e80, lag)
	}
	if r.err != nil {
		return nil, r.err
	}

	if !(cur.low < s0 && cur.close > s0 && held) {
		return nil, nil
	}

	entry, stop := cur.high, cur.low
	target := riskTarget(entry, stop, 2)
	recovery := (cur.close - cur.low) / cur.span
	return newTrade(Buy, min(0.85, 0.60+0.25*recovery), entry, stop, target,
		map[string]any{
			"ema80":             s0,
			"trap_depth":        math.Abs(cur.low - s0),
			"recovery_strength": recovery,
			"risk_reward_ratio": 2.0,
			"pattern":           "bear_trap_reversal",
			"entry_price":       entry,
		}), nil
}
