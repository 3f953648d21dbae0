package strategy

import (
	"math"

	"github.com/tabot-functions/tabot/shared/indicator"
)

// FoxTrapReversal is fox_trap_reversal (Quantzed screenings 19 and 20),
// checked buy first:
//
//   - buy: close above EMA(8) above EMA(80), EMA(8) above EMA(20), the low
//     within 2% above EMA(8) or below it, a high above EMA(8) on one of
//     the two previous candles, and EMA(8) above EMA(80) on each of the
//     last six;
//   - sell: the mirror (close under EMA(8) and EMA(80), EMA(8) under
//     EMA(80), the high within 2% under EMA(8) or above it, a low under
//     EMA(8) on one of the two previous candles, EMA(8) under EMA(80) on
//     each of the last six). EMA(20) plays no part in a sell.
//
// The entry is a stop at the candle's high (buy) or low (sell), the stop
// the other extreme, the target twice the range beyond the entry.
// Confidence is 0.78, plus up to 0.08 for the EMA(8)/EMA(80) gap (full at
// 1/15), up to 0.06 for the EMA(8)/EMA(20) gap (full at 5%) and up to
// 0.05 for a trap extreme near EMA(8), capped at 0.92.
//
// The EMAs are the one SMA-seeded TA-Lib EMA; upstream used pandas'
// adjusted EMA here (UPSTREAM.md §7 item 10). History is 638 candles:
// EMA(80) settled five candles back.
type FoxTrapReversal struct{}

// ID returns "fox_trap_reversal".
func (FoxTrapReversal) ID() string { return "fox_trap_reversal" }

// History returns 638, EMA(80) settled five candles back.
func (FoxTrapReversal) History() int { return indicator.SettleEMA(80) + 5 }

// Evaluate implements Strategy.
func (FoxTrapReversal) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	e8, e20, e80 := in.EMA(8), in.EMA(20), in.EMA(80)
	cur := r.shape(in, 0)
	f0, m0, s0 := r.at("ema8", e8, 0), r.at("ema20", e20, 0),
		r.at("ema80", e80, 0)
	upTrend, downTrend := true, true
	for lag := 0; lag < 6; lag++ {
		f, s := r.at("ema8", e8, lag), r.at("ema80", e80, lag)
		upTrend = upTrend && f > s
		downTrend = downTrend && f < s
	}
	var highAbove, lowBelow bool
	for lag := 1; lag <= 2; lag++ {
		f := r.at("ema8", e8, lag)
		highAbove = highAbove || r.at("high", in.High, lag) > f
		lowBelow = lowBelow || r.at("low", in.Low, lag) < f
	}
	if r.err != nil {
		return nil, r.err
	}

	var action Action
	var entry, stop, trap float64
	var kind, origin string
	switch {
	case cur.close > f0 && f0 > s0 && f0 > m0 && cur.low <= 1.02*f0 &&
		highAbove && upTrend:
		action, entry, stop = Buy, cur.high, cur.low
		trap = math.Abs(cur.low-f0) / f0
		kind, origin = "bullish_fox_trap", "quantzed_screening_19"
	case cur.close < s0 && cur.close < f0 && f0 < s0 &&
		cur.high >= 0.98*f0 && lowBelow && downTrend:
		action, entry, stop = Sell, cur.low, cur.high
		trap = math.Abs(cur.high-f0) / f0
		kind, origin = "bearish_fox_trap", "quantzed_screening_20"
	default:
		return nil, nil
	}
	target := riskTarget(entry, stop, 2)

	separation := math.Abs(f0-s0) / s0
	separation20 := math.Abs(f0-m0) / m0
	trendQ := min(1, 15*separation)
	trapQ := max(0, 1-20*trap)
	conf := 0.78 + 0.08*trendQ + 0.06*min(1, 20*separation20) + 0.05*trapQ
	return newTrade(action, min(0.92, conf), entry, stop, target,
		map[string]any{
			"trap_type":             kind,
			"entry_price":           entry,
			"stop_loss":             stop,
			"take_profit":           target,
			"risk_reward_ratio":     2.0,
			"ema8":                  f0,
			"ema20":                 m0,
			"ema80":                 s0,
			"ema_separation":        separation,
			"ema8_ema20_separation": separation20,
			"trap_distance":         trap,
			"trend_quality":         trendQ,
			"trap_quality":          trapQ,
			"strategy_origin":       origin,
		}), nil
}
