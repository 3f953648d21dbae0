package strategy

import (
	"math"

	"github.com/tabot-functions/tabot/shared/indicator"
)

// EMASlopeReversalSell is ema_slope_reversal_sell (Quantzed screening 30,
// Setup 9.1 sell): a sell when EMA(9) turns down, its previous step up and
// its last step down, with the close under it. The entry is a stop at the
// candle's low, the stop its high, the target twice its range under the
// entry. Confidence is 0.55 plus 50 times the change of slope relative to
// the close plus 10 times the close's relative distance under EMA(9),
// capped at 0.80; under the default MIN_CONFIDENCE of 0.6 the weakest
// are dropped downstream (UPSTREAM.md §7 item 29), counted, not here.
// History is 73 candles: EMA(9) settled two candles back.
type EMASlopeReversalSell struct{}

// ID returns "ema_slope_reversal_sell".
func (EMASlopeReversalSell) ID() string { return "ema_slope_reversal_sell" }

// History returns 73, EMA(9) settled two candles back.
func (EMASlopeReversalSell) History() int {
	return indicator.SettleEMA(9) + 2
}

// Evaluate implements Strategy.
func (EMASlopeReversalSell) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	e9 := in.EMA(9)
	cur := r.shape(in, 0)
	n0, n1, n2 := r.at("ema9", e9, 0), r.at("ema9", e9, 1), r.at("ema9", e9, 2)
	if r.err != nil {
		return nil, r.err
	}

	slope, prevSlope := n0-n1, n1-n2
	if !(prevSlope > 0 && slope < 0 && cur.close < n0) {
		return nil, nil
	}

	entry, stop := cur.low, cur.high
	target := riskTarget(entry, stop, 2)
	change := math.Abs(slope - prevSlope)
	distance := (n0 - cur.close) / cur.close
	conf := min(0.80, 0.55+50*change/cur.close+10*distance)
	return newTrade(Sell, conf, entry, stop, target,
		map[string]any{
			"ema9":                    n0,
			"current_inclination":     slope,
			"previous_inclination":    prevSlope,
			"slope_change":            change,
			"price_distance_from_ema": distance,
			"normalized_slope_change": change / cur.close,
			"risk_reward_ratio":       2.0,
			"pattern":                 "ema9_slope_reversal_bearish",
			"entry_price":             entry,
		}), nil
}
