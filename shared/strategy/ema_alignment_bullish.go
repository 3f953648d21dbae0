package strategy

import "github.com/tabot-functions/tabot/shared/indicator"

// EMAAlignmentBullish is ema_alignment_bullish (Quantzed screening 01): a
// buy while the close is above EMA(8) and EMA(80), EMA(8) is above EMA(80)
// and both have risen on each of the last two candles. The stop is EMA(80)
// and the target 2.5 times that risk above the close. It reads state, not
// an event, so it fires on every candle of a steady uptrend.
//
// Both EMAs are the one SMA-seeded TA-Lib EMA; upstream used pandas'
// adjusted EMA here (UPSTREAM.md §7 item 10). History is 635 candles:
// EMA(80) settled two candles back.
type EMAAlignmentBullish struct{}

// ID returns "ema_alignment_bullish".
func (EMAAlignmentBullish) ID() string { return "ema_alignment_bullish" }

// History returns 635, EMA(80) settled two candles back.
func (EMAAlignmentBullish) History() int {
	return indicator.SettleEMA(80) + 2
}

// Evaluate implements Strategy.
func (EMAAlignmentBullish) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	e8, e80 := in.EMA(8), in.EMA(80)
	c := r.at("close", in.Close, 0)
	f0, f1, f2 := r.at("ema8", e8, 0), r.at("ema8", e8, 1), r.at("ema8", e8, 2)
	s0, s1, s2 := r.at("ema80", e80, 0), r.at("ema80", e80, 1),
		r.at("ema80", e80, 2)
	if r.err != nil {
		return nil, r.err
	}

	if !(c > f0 && c > s0 && f0 > s0) ||
		!(f0 > f1 && f1 > f2) || !(s0 > s1 && s1 > s2) {
		return nil, nil
	}

	trend := (f0 - s0) / s0
	distance := (c - f0) / f0
	stop, target := s0, riskTarget(c, s0, 2.5)
	conf := min(0.95, 0.74+min(0.10, 10*trend)+min(0.05, 20*distance))
	return newTrade(Buy, conf, c, stop, target,
		map[string]any{
			"ema8":                     f0,
			"ema80":                    s0,
			"trend_strength":           trend,
			"price_distance_from_ema8": distance,
			"ema8_momentum":            f0 > f1,
			"ema80_momentum":           s0 > s1,
			"strategy_origin":          "quantzed_screening_01",
			"stop_loss":                stop,
			"take_profit":              target,
			"risk_reward_ratio":        2.5,
		}), nil
}
