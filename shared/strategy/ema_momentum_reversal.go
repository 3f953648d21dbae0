package strategy

import (
	"math"

	"github.com/tabot-functions/tabot/shared/indicator"
)

// EMAMomentumReversal is ema_momentum_reversal (Quantzed screenings 13 to
// 16, "Setup 9"): a buy when one of four EMA(9) setups matches, first
// match wins; slope k is EMA(9) k candles back minus the one before it.
//
//   - 9.1 (base 0.76): slope 1 < 0 < slope 0 and the close above EMA(9).
//   - 9.2 (base 0.78), "capitulation": no low above EMA(9) and no rising
//     slope in the last five candles, and a close under the previous low.
//   - 9.3 (base 0.74): not every one of the last three lows above EMA(9),
//     at least three of the last five slopes falling, and the last two
//     closes under the one three candles back.
//   - 9.4 (base 0.80): not every low two to six candles back above EMA(9),
//     the previous close under its EMA(9), a higher low, and slope
//     1 < 0 < slope 0.
//
// What it really checks (STRATEGIES.md rule 9, UPSTREAM.md §7 item 21):
// 9.2 and 9.3 are bearish conditions (a market under a falling EMA that
// keeps making lower closes), so those two buy into a decline; only the
// entry, a stop at the candle's high, makes them reversal trades. The
// original Setup 9.2 and 9.3 are pullbacks within a rising EMA(9); the
// upstream rule is kept. 9.4 never fires: an EMA that rose on the last
// candle has the close above it, so whatever matches 9.4 matched 9.1.
// Likewise 9.2's "no low above EMA(9)" follows from "no rising slope": a
// candle wholly above its EMA lifts it.
//
// Entry at the high, stop at the low, target twice the range above the
// entry. Confidence is the base, plus the EMA(9) slope as a percentage of
// price up to 0.05 when rising (upstream: 100 times the raw slope in
// price units, always the full 0.05 for BTC and about nothing for a coin
// under a dollar, §7 item 14), minus 10 times the close's relative
// distance from EMA(9) up to 0.08, clamped to [0.60, 0.88]. EMA(9) is the
// SMA-seeded TA-Lib EMA (upstream: pandas' adjusted form, §7 item 10).
// History is 77 candles: EMA(9) settled six candles back.
type EMAMomentumReversal struct{}

// ID returns "ema_momentum_reversal".
func (EMAMomentumReversal) ID() string { return "ema_momentum_reversal" }

// History returns 77, EMA(9) settled six candles back.
func (EMAMomentumReversal) History() int {
	return indicator.SettleEMA(9) + 6
}

// Evaluate implements Strategy.
func (EMAMomentumReversal) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	e9 := in.EMA(9)
	var ema, low [7]float64
	for lag := range ema {
		ema[lag], low[lag] = r.at("ema9", e9, lag), r.at("low", in.Low, lag)
	}
	cur := r.shape(in, 0)
	c1, c2 := r.at("close", in.Close, 1), r.at("close", in.Close, 2)
	if r.err != nil {
		return nil, r.err
	}

	var slope [5]float64
	var rising, falling int
	for lag := range slope {
		slope[lag] = ema[lag] - ema[lag+1]
		if slope[lag] > 0 {
			rising++
		} else if slope[lag] < 0 {
			falling++
		}
	}
	// above counts the candles from..to whose low is above EMA(9).
	above := func(from, to int) int {
		n := 0
		for lag := from; lag <= to; lag++ {
			if low[lag] > ema[lag] {
				n++
			}
		}
		return n
	}
	turn := slope[1] < 0 && slope[0] > 0

	var base float64
	var setup, origin string
	switch {
	case turn && cur.close > ema[0]:
		base, setup = 0.76, "setup_9_1_slope_reversal"
		origin = "quantzed_screening_13"
	case above(0, 4) == 0 && rising == 0 && cur.close < low[1]:
		base, setup = 0.78, "setup_9_2_capitulation"
		origin = "quantzed_screening_14"
	case above(0, 2) < 3 && falling >= 3 && c1 < c2 && cur.close < c2:
		base, setup = 0.74, "setup_9_3_pattern_reversal"
		origin = "quantzed_screening_15"
	case above(2, 6) < 5 && c1 < ema[1] && cur.low > low[1] && turn:
		base, setup = 0.80, "setup_9_4_advanced_reversal"
		origin = "quantzed_screening_16"
	default:
		return nil, nil
	}

	entry, stop := cur.high, cur.low
	target := riskTarget(entry, stop, 2)
	bonus := 0.0
	if slope[0] > 0 {
		bonus = min(0.05, 100*slope[0]/ema[0])
	}
	distance := math.Abs(cur.close-ema[0]) / ema[0]
	conf := base + bonus - min(0.08, 10*distance)
	return newTrade(Buy, min(0.88, max(0.60, conf)), entry, stop, target,
		map[string]any{
			"setup_type":              setup,
			"entry_price":             entry,
			"stop_loss":               stop,
			"take_profit":             target,
			"risk_reward_ratio":       2.0,
			"ema9":                    ema[0],
			"ema9_momentum":           slope[0],
			"price_distance_from_ema": distance,
			"current_slope":           slope[0],
			"previous_slope":          slope[1],
			"strategy_origin":         origin,
		}), nil
}
