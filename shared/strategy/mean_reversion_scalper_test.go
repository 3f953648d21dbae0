package strategy

import (
	"math"
	"testing"
)

func meanReversionSpec() ruleSpec {
	type v = meanReversionValues
	dev := func(v v) float64 { return math.Abs(v.close[0]-v.ema21) / v.ema21 }
	far := specCond[v]{"2% from ema21", func(v v) bool { return dev(v) >= 0.02 }}
	conf := func(reversing func(v) bool) func(v) float64 {
		return func(v v) float64 {
			c := 0.70
			if reversing(v) {
				c += 0.05
			}
			if dev(v) > 0.03 {
				c += 0.05
			}
			if dev(v) > 0.04 {
				c += 0.05
			}
			return c
		}
	}
	return specOf(MeanReversionScalper{}, MeanReversionScalper{}.read,
		specRule[v]{
			action: Buy,
			conds: []specCond[v]{far,
				{"rsi < 30", func(v v) bool { return v.rsi < 30 }},
				{"close < lower", func(v v) bool { return v.close[0] < v.lower }},
			},
			levels: func(v v) (float64, float64, float64) {
				return v.close[0], 0.985 * v.lower, v.ema21
			},
			conf: conf(func(v v) bool {
				return v.close[0] > v.close[1] && v.close[1] > v.close[2]
			}),
		},
		specRule[v]{
			action: Sell,
			conds: []specCond[v]{far,
				{"rsi > 70", func(v v) bool { return v.rsi > 70 }},
				{"close > upper", func(v v) bool { return v.close[0] > v.upper }},
			},
			levels: func(v v) (float64, float64, float64) {
				return v.close[0], 1.015 * v.upper, v.ema21
			},
			conf: conf(func(v v) bool {
				return v.close[0] < v.close[1] && v.close[1] < v.close[2]
			}),
		})
}

func TestMeanReversionScalperDecide(t *testing.T) {
	buy := meanReversionValues{ema21: 100, rsi: 25, lower: 98.5, upper: 110,
		close: [3]float64{97.5, 97, 99}}
	sell := meanReversionValues{ema21: 100, rsi: 75, lower: 90, upper: 102,
		close: [3]float64{102.5, 103, 101}}
	runDecide(t, []decideCase[meanReversionValues]{
		{"buys", buy, &Decision{Action: Buy, Confidence: 0.70, Price: 97.5,
			StopLoss: 97.0225, TakeProfit: 100, Metadata: map[string]any{
				"deviation_from_ema": 0.025, "rsi": 25.0, "ema21": 100.0,
				"bb_lower": 98.5, "bb_upper": 110.0,
				"signal_type": "oversold_reversal", "mean_reversion": true,
				"stop_loss": 97.0225, "take_profit": 100.0,
				"target": "ema21"}}},
		{"sells", sell, &Decision{Action: Sell, Confidence: 0.70,
			Price: 102.5, StopLoss: 103.53, TakeProfit: 100,
			Metadata: map[string]any{
				"deviation_from_ema": 0.025, "rsi": 75.0, "ema21": 100.0,
				"bb_lower": 90.0, "bb_upper": 102.0,
				"signal_type": "overbought_reversal", "mean_reversion": true,
				"stop_loss": 103.53, "take_profit": 100.0,
				"target": "ema21"}}},
		{"exactly 2% from ema21", with(buy, func(v *meanReversionValues) {
			v.close[0] = 98
		}), wantBuy(0.70, 98, 97.0225, 100)},
		{"under 2% from ema21", with(buy, func(v *meanReversionValues) {
			v.close[0], v.lower = 98.1, 98.5
		}), nil},
		{"rsi 30 is not oversold",
			with(buy, func(v *meanReversionValues) { v.rsi = 30 }), nil},
		{"close at the lower band",
			with(buy, func(v *meanReversionValues) { v.lower = 97.5 }), nil},
		{"rsi 70 is not overbought",
			with(sell, func(v *meanReversionValues) { v.rsi = 70 }), nil},
		{"close at the upper band",
			with(sell, func(v *meanReversionValues) { v.upper = 102.5 }), nil},
		{"buy turning up: +0.05", with(buy, func(v *meanReversionValues) {
			v.close = [3]float64{97.5, 97, 96}
		}), wantBuy(0.75, 97.5, 97.0225, 100)},
		{"sell turning down: +0.05", with(sell, func(v *meanReversionValues) {
			v.close = [3]float64{102.5, 103, 104}
		}), wantSell(0.75, 102.5, 103.53, 100)},
		{"3.5% away: +0.05", with(buy, func(v *meanReversionValues) {
			v.close[0], v.lower = 96.5, 97.5
		}), wantBuy(0.75, 96.5, 96.0375, 100)},
		{"all bonuses: 0.85", with(buy, func(v *meanReversionValues) {
			v.close, v.lower = [3]float64{95, 94, 93}, 96
		}), wantBuy(0.85, 95, 94.56, 100)},
		{"1.5% beyond the band: stop above entry",
			with(buy, func(v *meanReversionValues) { v.lower = 99 }), nil},
		{"above ema21 while under the band: target under entry",
			with(buy, func(v *meanReversionValues) { v.ema21 = 95 }), nil},
		{"sell 1.5% beyond the band: stop under entry",
			with(sell, func(v *meanReversionValues) { v.upper = 100.9 }), nil},
	})
}

func TestMeanReversionScalperWindow(t *testing.T) {
	// EMA(21), RSI and bands from TA-Lib; both fired upstream too.
	for _, tc := range []windowCase{
		{"btc", 1637020800000, Buy},  // 2021-11-16 00:00
		{"btc", 1636934400000, Sell}, // 2021-11-15 00:00
	} {
		t.Run(string(tc.action), func(t *testing.T) {
			d := datasetOf(t, tc.set)
			in, row, v := readWindow(t, d, tc.open, MeanReversionScalper{}.read)
			c := d.series.Close[row-2 : row+1]
			price := c[2]
			ema := d.ref(t, "ema_21", row)
			lower, upper := d.ref(t, "bb_lower", row), d.ref(t, "bb_upper", row)
			checkRefs(t, d, row, price, map[string][2]float64{
				"ema21":    {v.ema21, ema},
				"rsi":      {v.rsi, d.ref(t, "rsi_14", row)},
				"bb_lower": {v.lower, lower},
				"bb_upper": {v.upper, upper},
			})
			dev := math.Abs(price-ema) / ema
			conf := 0.70 + 0.05*float64(countTrue(dev > 0.03, dev > 0.04))
			want := wantBuy(conf, price, 0.985*lower, ema)
			if c[2] > c[1] && c[1] > c[0] {
				want.Confidence += 0.05
			}
			if tc.action == Sell {
				want = wantSell(conf, price, 1.015*upper, ema)
				if c[2] < c[1] && c[1] < c[0] {
					want.Confidence += 0.05
				}
			}
			checkWindow(t, MeanReversionScalper{}, in, want, 1e-9)
		})
	}
}
