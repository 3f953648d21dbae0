package strategy

import (
	"math"
	"testing"
)

func goldenTrendSpec() ruleSpec {
	type v = goldenTrendValues
	return specOf(GoldenTrendSync{}, GoldenTrendSync{}.read, specRule[v]{
		action: Buy,
		conds: []specCond[v]{
			{"ema21 > ema50", func(v v) bool { return v.ema21 > v.ema50 }},
			{"within 2% of ema21", func(v v) bool {
				return math.Abs(v.close-v.ema21)/v.ema21 <= 0.02
			}},
			{"close > open", func(v v) bool { return v.close > v.open }},
		},
		levels: func(v v) (float64, float64, float64) {
			return v.close, v.ema50, v.close + 2*math.Abs(v.close-v.ema50)
		},
		conf: fixedConf[v](0.70),
	})
}

func TestGoldenTrendSyncDecide(t *testing.T) {
	fire := goldenTrendValues{ema21: 100, ema50: 97, open: 100, close: 101}
	runDecide(t, []decideCase[goldenTrendValues]{
		{"fires", fire, &Decision{Action: Buy, Confidence: 0.70, Price: 101,
			StopLoss: 97, TakeProfit: 109, Metadata: map[string]any{
				"ema21": 100.0, "ema50": 97.0, "pullback_distance": 0.01,
				"stop_loss": 97.0, "take_profit": 109.0,
				"risk_reward_ratio": 2.0}}},
		{"close 2% above ema21",
			with(fire, func(v *goldenTrendValues) { v.close = 102 }),
			wantBuy(0.70, 102, 97, 112)},
		{"close 2% under ema21", with(fire, func(v *goldenTrendValues) {
			v.open, v.close = 97.5, 98
		}), wantBuy(0.70, 98, 97, 100)},
		{"close too far above",
			with(fire, func(v *goldenTrendValues) { v.close = 102.1 }), nil},
		{"emas equal",
			with(fire, func(v *goldenTrendValues) { v.ema50 = 100 }), nil},
		{"ema21 under ema50", with(fire, func(v *goldenTrendValues) {
			v.ema21, v.ema50 = 100, 100.5
		}), nil},
		{"falling candle",
			with(fire, func(v *goldenTrendValues) { v.open = 101.5 }), nil},
		{"doji",
			with(fire, func(v *goldenTrendValues) { v.open = 101 }), nil},
		{"close under ema50: stop above entry",
			with(fire, func(v *goldenTrendValues) {
				v.ema50, v.open, v.close = 99.5, 98.5, 99
			}), nil},
	})
}

func TestGoldenTrendSyncWindow(t *testing.T) {
	// The first candle both this code and the old bot fired on in the BTC
	// set; the stop is TA-Lib's EMA(50) over the whole file.
	btc := datasetOf(t, "btc")
	in, row, v := readWindow(t, btc, 1637434800000, // 2021-11-20 19:00 UTC
		GoldenTrendSync{}.read)
	price := btc.series.Close[row]
	stop := btc.ref(t, "ema_50", row)
	checkRefs(t, btc, row, price, map[string][2]float64{
		"ema21": {v.ema21, btc.ref(t, "ema_21", row)},
		"ema50": {v.ema50, stop},
		"open":  {v.open, btc.series.Open[row]},
	})
	checkWindow(t, GoldenTrendSync{}, in,
		wantBuy(0.70, price, stop, price+2*(price-stop)), 1e-9)
}
