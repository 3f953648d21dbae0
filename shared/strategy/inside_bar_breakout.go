package strategy

import "github.com/tabot-functions/tabot/shared/indicator"

// InsideBarBreakout is inside_bar_breakout (Quantzed screening 10): a buy
// on a strict inside bar (high and low inside the previous candle's) in an
// uptrend: close above EMA(8) above EMA(80), the close above EMA(8) on
// each of the last four candles, both EMAs rising on each of the last
// two. The entry is a stop above the inside bar's high, the stop its low
// and the target twice its range above the entry. Confidence is 0.76,
// plus 0.1 times how much smaller the inside bar is than the one before,
// plus 5 times the EMAs' relative gap (at most 0.08), capped at 0.92.
//
// Both EMAs are the one SMA-seeded TA-Lib EMA; upstream used pandas'
// adjusted EMA here (UPSTREAM.md §7 item 10). History is 635 candles:
// EMA(80) settled two candles back.
type InsideBarBreakout struct{}

// ID returns "inside_bar_breakout".
func (InsideBarBreakout) ID() string { return "inside_bar_breakout" }

// History returns 635, EMA(80) settled two candles back.
func (InsideBarBreakout) History() int {
	return max(indicator.SettleEMA(80)+2, indicator.SettleEMA(8)+3)
}

// Evaluate implements Strategy.
func (InsideBarBreakout) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	e8, e80 := in.EMA(8), in.EMA(80)
	cur, prev := r.shape(in, 0), r.shape(in, 1)
	f0, f1, f2 := r.at("ema8", e8, 0), r.at("ema8", e8, 1), r.at("ema8", e8, 2)
	s0, s1, s2 := r.at("ema80", e80, 0), r.at("ema80", e80, 1),
		r.at("ema80", e80, 2)
	above := true
	for lag := 0; lag < 4; lag++ {
		if !(r.at("close", in.Close, lag) > r.at("ema8", e8, lag)) {
			above = false
		}
	}
	if r.err != nil {
		return nil, r.err
	}

	inside := cur.high < prev.high && cur.low > prev.low
	if !inside || !(cur.close > f0 && f0 > s0) || !above ||
		!(f0 > f1 && f1 > f2) || !(s0 > s1 && s1 > s2) {
		return nil, nil
	}

	entry, stop := cur.high, cur.low
	target := riskTarget(entry, stop, 2)
	quality := 0.5
	if prev.span > 0 {
		quality = min(1, max(0, 1-cur.span/prev.span))
	}
	trend := (f0 - s0) / s0
	conf := min(0.92, 0.76+0.1*quality+min(0.08, 5*trend))
	return newTrade(Buy, conf, entry, stop, target,
		map[string]any{
			"entry_price":       entry,
			"stop_loss":         stop,
			"take_profit":       target,
			"risk_reward_ratio": 2.0,
			"inside_bar_high":   cur.high,
			"inside_bar_low":    cur.low,
			"previous_high":     prev.high,
			"previous_low":      prev.low,
			"pattern_quality":   quality,
			"ema8":              f0,
			"ema80":             s0,
			"trend_strength":    above,
			"strategy_origin":   "quantzed_screening_10",
		}), nil
}
