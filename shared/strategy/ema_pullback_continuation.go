package strategy

import (
	"math"

	"github.com/tabot-functions/tabot/shared/indicator"
)

// EMAPullbackContinuation is ema_pullback_continuation (Quantzed
// screenings 11 and 12), checked buy first:
//
//   - buy: EMA(20) above EMA(30), the low within 1% above EMA(20) or
//     below it, and the close above EMA(20) on each of the last four
//     candles;
//   - sell: EMA(9) below EMA(20), the high within 1% under EMA(20) or
//     above it, a high above the previous one, and the close below EMA(20)
//     on each of the last four candles.
//
// The entry is a stop at the candle's high (buy) or low (sell), the stop
// the other extreme, the target twice the range beyond the entry.
// Confidence is 0.74, plus up to 0.08 for the EMA(20)/EMA(30) gap (full
// at 5%), plus up to 0.06 for a close near EMA(20), capped at 0.88.
//
// The EMAs are the one SMA-seeded TA-Lib EMA; upstream used pandas'
// adjusted EMA here (UPSTREAM.md §7 item 10). History is 238 candles:
// EMA(30) settled.
type EMAPullbackContinuation struct{}

// ID returns "ema_pullback_continuation".
func (EMAPullbackContinuation) ID() string { return "ema_pullback_continuation" }

// History returns 238, EMA(30) settled.
func (EMAPullbackContinuation) History() int {
	return max(indicator.SettleEMA(30), indicator.SettleEMA(20)+3)
}

// Evaluate implements Strategy.
func (EMAPullbackContinuation) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	e9, e20, e30 := in.EMA(9), in.EMA(20), in.EMA(30)
	cur := r.shape(in, 0)
	prevHigh := r.at("high", in.High, 1)
	n9, n20, n30 := r.at("ema9", e9, 0), r.at("ema20", e20, 0),
		r.at("ema30", e30, 0)
	above, below := true, true
	for lag := 0; lag < 4; lag++ {
		c, e := r.at("close", in.Close, lag), r.at("ema20", e20, lag)
		above = above && c > e
		below = below && c < e
	}
	if r.err != nil {
		return nil, r.err
	}

	var action Action
	var entry, stop float64
	var setup, origin string
	switch {
	case n20 > n30 && cur.low <= 1.01*n20 && above:
		action, entry, stop = Buy, cur.high, cur.low
		setup, origin = "bullish_pullback", "quantzed_screening_11"
	case n9 < n20 && cur.high >= 0.99*n20 && cur.high > prevHigh && below:
		action, entry, stop = Sell, cur.low, cur.high
		setup, origin = "bearish_pullback", "quantzed_screening_12"
	default:
		return nil, nil
	}
	target := riskTarget(entry, stop, 2)

	separation := math.Abs(n20-n30) / n30
	depth := math.Abs(cur.close-n20) / n20
	trendQ := min(1, 20*separation)
	pullbackQ := max(0, 1-10*depth)
	conf := min(0.88, 0.74+0.08*trendQ+0.06*pullbackQ)
	return newTrade(action, conf, entry, stop, target,
		map[string]any{
			"setup_type":        setup,
			"entry_price":       entry,
			"stop_loss":         stop,
			"take_profit":       target,
			"risk_reward_ratio": 2.0,
			"ema9":              n9,
			"ema20":             n20,
			"ema30":             n30,
			"ema_separation":    separation,
			"pullback_depth":    depth,
			"trend_quality":     trendQ,
			"pullback_quality":  pullbackQ,
			"strategy_origin":   origin,
		}), nil
}
