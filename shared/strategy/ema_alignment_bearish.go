package strategy

import (
	"math"

	"github.com/tabot-functions/tabot/shared/indicator"
)

// EMAAlignmentBearish is ema_alignment_bearish (Quantzed screening 29): a
// sell while the close is under EMA(8) and EMA(80) and both have fallen on
// each of the last two candles (EMA(8) under EMA(80) is not required). The
// entry is the close, the stop the higher of EMA(8) and the candle's
// high, the target 1.5 times that risk under the entry. Confidence is
// 0.60 plus 10 and 5 times the close's relative distances under EMA(8) and
// EMA(80) plus 20 times the EMAs' last moves relative to the close, capped
// at 0.85. It reads state, not an event, so it fires on every candle of a
// steady downtrend. History is 635 candles: EMA(80) settled two candles
// back.
type EMAAlignmentBearish struct{}

// ID returns "ema_alignment_bearish".
func (EMAAlignmentBearish) ID() string { return "ema_alignment_bearish" }

// History returns 635, EMA(80) settled two candles back.
func (EMAAlignmentBearish) History() int {
	return indicator.SettleEMA(80) + 2
}

// Evaluate implements Strategy.
func (EMAAlignmentBearish) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	e8, e80 := in.EMA(8), in.EMA(80)
	cur := r.shape(in, 0)
	f0, f1, f2 := r.at("ema8", e8, 0), r.at("ema8", e8, 1), r.at("ema8", e8, 2)
	s0, s1, s2 := r.at("ema80", e80, 0), r.at("ema80", e80, 1),
		r.at("ema80", e80, 2)
	if r.err != nil {
		return nil, r.err
	}

	df1, df2, ds1, ds2 := f0-f1, f1-f2, s0-s1, s1-s2
	c := cur.close
	if !(c < f0 && c < s0) || !(df1 < 0 && df2 < 0) || !(ds1 < 0 && ds2 < 0) {
		return nil, nil
	}

	stop := max(f0, cur.high)
	target := riskTarget(c, stop, 1.5)
	dist8, dist80 := (f0-c)/c, (s0-c)/c
	slopes := (math.Abs(df1) + math.Abs(ds1)) / c
	conf := min(0.85, 0.60+10*dist8+5*dist80+20*slopes)
	return newTrade(Sell, conf, c, stop, target,
		map[string]any{
			"ema8":                 f0,
			"ema80":                s0,
			"ema8_slope_1":         df1,
			"ema8_slope_2":         df2,
			"ema80_slope_1":        ds1,
			"ema80_slope_2":        ds2,
			"price_distance_ema8":  dist8,
			"price_distance_ema80": dist80,
			"ema_separation":       math.Abs(f0-s0) / c,
			"risk_reward_ratio":    1.5,
			"pattern":              "bearish_ema_alignment",
		}), nil
}
