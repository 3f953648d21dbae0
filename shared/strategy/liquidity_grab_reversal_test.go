package strategy

import (
	"slices"
	"testing"
)

func liquidityGrabSpec() ruleSpec {
	type v = liquidityGrabValues
	triples := [][3]int{{4, 3, 2}, {3, 2, 1}, {2, 1, 0}}
	// grab reports whether the candle c of a triple is a rejected sweep
	// of level, and the two after it closed back on the right side.
	grab := func(v v, bull bool) bool {
		for _, t := range triples {
			c, n, k := t[0], t[1], t[2]
			rng := v.high[c] - v.low[c]
			ok := rng > 0 && v.vol[c] > 1.5*v.volAvg
			if bull {
				ok = ok && v.low[c] <= 1.005*v.support &&
					(v.close[c]-v.low[c])/rng > 0.3 &&
					v.close[c] > v.open[c] &&
					v.close[n] > v.support && v.close[k] > v.support
			} else {
				ok = ok && v.high[c] >= 0.995*v.resistance &&
					(v.high[c]-v.close[c])/rng > 0.3 &&
					v.close[c] < v.open[c] &&
					v.close[n] < v.resistance && v.close[k] < v.resistance
			}
			if ok {
				return true
			}
		}
		return false
	}
	conf := func(div func(v) bool) func(v) float64 {
		return func(v v) float64 {
			c := 0.75
			if v.vol[0]/v.volumeSMA > 2 {
				c += 0.05
			}
			if div(v) {
				c += 0.05
			}
			return c
		}
	}
	levels := func(stop func(v) float64) func(v) (float64, float64, float64) {
		return func(v v) (float64, float64, float64) {
			s := stop(v)
			return v.close[0], s, v.close[0] + 2*(v.close[0]-s)
		}
	}
	return specOf(LiquidityGrabReversal{}, LiquidityGrabReversal{}.read,
		specRule[v]{
			action: Buy,
			conds: []specCond[v]{{"bullish grab", func(v v) bool {
				return grab(v, true)
			}}},
			levels: levels(func(v v) float64 { return 0.995 * v.support }),
			conf: conf(func(v v) bool {
				return v.close[0] < v.close[4] && v.rsi > v.rsi4
			}),
		},
		specRule[v]{
			action: Sell,
			conds: []specCond[v]{{"bearish grab", func(v v) bool {
				return grab(v, false)
			}}},
			levels: levels(func(v v) float64 { return 1.005 * v.resistance }),
			conf: conf(func(v v) bool {
				return v.close[0] > v.close[4] && v.rsi < v.rsi4
			}),
		})
}

func TestLiquidityGrabReversalDecide(t *testing.T) {
	// A bullish grab at lag 2: it dips to the support of 100 and closes
	// up near its high on heavy volume; the candles after close above.
	bull := liquidityGrabValues{rsi: 45, rsi4: 40, volumeSMA: 10,
		support: 100, resistance: 120, volAvg: 10,
		open:  [5]float64{102, 101, 100.5, 103, 105},
		high:  [5]float64{103.5, 102.5, 102, 104, 106},
		low:   [5]float64{101.5, 100.5, 99.5, 102, 104},
		close: [5]float64{103, 102, 101.5, 103, 104.5},
		vol:   [5]float64{10, 10, 20, 10, 10}}
	// The mirror: a bearish grab at lag 2 of the resistance of 120.
	bear := liquidityGrabValues{rsi: 55, rsi4: 60, volumeSMA: 10,
		support: 100, resistance: 120, volAvg: 10,
		open:  [5]float64{118, 119, 119.5, 117, 115},
		high:  [5]float64{118.5, 119.5, 120.5, 118, 116},
		low:   [5]float64{116.5, 117.5, 118, 116, 114},
		close: [5]float64{117, 118, 118.5, 117, 115.5},
		vol:   [5]float64{10, 10, 20, 10, 10}}
	runDecide(t, []decideCase[liquidityGrabValues]{
		{"buys after a sweep of support", bull, &Decision{Action: Buy,
			Confidence: 0.80, Price: 103, StopLoss: 99.5, TakeProfit: 110,
			Metadata: map[string]any{"rsi": 45.0, "volume_ratio": 1.0,
				"signal_type":    "liquidity_grab_bullish",
				"liquidity_grab": true, "rsi_divergence": true,
				"stop_loss": 99.5, "take_profit": 110.0,
				"risk_reward_ratio": 2.0}}},
		{"sells after a sweep of resistance", bear, &Decision{Action: Sell,
			Confidence: 0.80, Price: 117, StopLoss: 120.6,
			TakeProfit: 109.8, Metadata: map[string]any{"rsi": 55.0,
				"volume_ratio": 1.0, "signal_type": "liquidity_grab_bearish",
				"liquidity_grab": true, "rsi_divergence": true,
				"stop_loss": 120.6, "take_profit": 109.8,
				"risk_reward_ratio": 2.0}}},
		{"grab at lag 4 still counts", with(bull, func(v *liquidityGrabValues) {
			v.open[4], v.high[4], v.low[4], v.close[4], v.vol[4] =
				100.5, 102, 99.5, 101.5, 20
			v.vol[2] = 10
		}), wantBuy(0.75, 103, 99.5, 110)},
		{"low not near support", with(bull, func(v *liquidityGrabValues) {
			v.low[2] = 100.6
		}), nil},
		{"closes in the lower 30%", with(bull, func(v *liquidityGrabValues) {
			v.open[2], v.close[2] = 99.7, 100.1
		}), nil},
		{"closes down", with(bull, func(v *liquidityGrabValues) {
			v.open[2] = 101.8
		}), nil},
		{"next close under support", with(bull, func(v *liquidityGrabValues) {
			v.close[1], v.low[1] = 99.9, 99.8
		}), nil},
		{"volume exactly 1.5 times", with(bull, func(v *liquidityGrabValues) {
			v.vol[2] = 15
		}), nil},
		{"zero-range candle", with(bull, func(v *liquidityGrabValues) {
			v.open[2], v.high[2], v.low[2], v.close[2] = 100, 100, 100, 100
		}), nil},
		{"volume over twice its mean: +0.05",
			with(bull, func(v *liquidityGrabValues) { v.vol[0] = 21 }),
			wantBuy(0.85, 103, 99.5, 110)},
		{"no divergence", with(bull, func(v *liquidityGrabValues) {
			v.rsi4 = 45
		}), wantBuy(0.75, 103, 99.5, 110)},
		{"no volume mean: ratio 0", with(bull, func(v *liquidityGrabValues) {
			v.volumeSMA = 0
		}), wantBuy(0.80, 103, 99.5, 110)},
		{"bullish checked first", with(bull, func(v *liquidityGrabValues) {
			v.resistance = 104.1
			v.open[3], v.close[3], v.vol[3] = 104, 102.5, 20
		}), wantBuy(0.80, 103, 99.5, 110)},
		{"close already under the stop", with(bull, func(v *liquidityGrabValues) {
			v.open[0], v.high[0], v.low[0], v.close[0] = 100, 100, 99, 99.2
			v.open[2], v.high[2], v.low[2], v.close[2], v.vol[2] =
				101, 101, 101, 101, 10 // grab only at lag 4
			v.open[4], v.high[4], v.low[4], v.close[4], v.vol[4] =
				100.5, 102, 99.5, 101.5, 20
		}), nil},
	})
}

func TestLiquidityGrabReversalWindow(t *testing.T) {
	// Levels from the raw candles, RSI from TA-Lib; both fired upstream.
	for _, tc := range []windowCase{
		{"btc", 1636819200000, Buy},  // 2021-11-13 16:00
		{"btc", 1636830000000, Sell}, // 2021-11-13 19:00
	} {
		t.Run(string(tc.action), func(t *testing.T) {
			d := datasetOf(t, tc.set)
			in, row, v := readWindow(t, d, tc.open, LiquidityGrabReversal{}.read)
			s := d.series
			price := s.Close[row]
			sup := slices.Min(lagRange(s.Low, row, 5, 19))
			res := slices.Max(lagRange(s.High, row, 5, 19))
			rsi, rsi4 := d.ref(t, "rsi_14", row), d.ref(t, "rsi_14", row-4)
			checkRefs(t, d, row, price, map[string][2]float64{
				"support":    {v.support, sup},
				"resistance": {v.resistance, res},
				"vol_avg":    {v.volAvg, mean(lagRange(s.Volume, row, 5, 19))},
				"rsi":        {v.rsi, rsi},
				"rsi4":       {v.rsi4, rsi4},
			})
			ratio := s.Volume[row] / mean(lagRange(s.Volume, row, 0, 19))
			stop, div := 0.995*sup, price < s.Close[row-4] && rsi > rsi4
			if tc.action == Sell {
				stop, div = 1.005*res, price > s.Close[row-4] && rsi < rsi4
			}
			want := &Decision{Action: tc.action,
				Confidence: 0.75 + 0.05*float64(countTrue(ratio > 2, div)),
				Price:      price, StopLoss: stop,
				TakeProfit: price + 2*(price-stop)}
			checkWindow(t, LiquidityGrabReversal{}, in, want, 1e-9)
		})
	}
}
