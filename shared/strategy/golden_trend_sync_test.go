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
	with := func(f func(*goldenTrendValues)) goldenTrendValues {
		v := fire
		f(&v)
		return v
	}
	tests := []struct {
		name string
		v    goldenTrendValues
		want *Decision
	}{
		{"fires", fire, &Decision{Action: Buy, Confidence: 0.70, Price: 101,
			StopLoss: 97, TakeProfit: 109, Metadata: map[string]any{
				"ema21": 100.0, "ema50": 97.0, "pullback_distance": 0.01,
				"stop_loss": 97.0, "take_profit": 109.0,
				"risk_reward_ratio": 2.0}}},
		{"close 2% above ema21",
			with(func(v *goldenTrendValues) { v.close = 102 }),
			wantBuy(0.70, 102, 97, 112)},
		{"close 2% under ema21", with(func(v *goldenTrendValues) {
			v.open, v.close = 97.5, 98
		}), wantBuy(0.70, 98, 97, 100)},
		{"close too far above",
			with(func(v *goldenTrendValues) { v.close = 102.1 }), nil},
		{"emas equal",
			with(func(v *goldenTrendValues) { v.ema50 = 100 }), nil},
		{"ema21 under ema50", with(func(v *goldenTrendValues) {
			v.ema21, v.ema50 = 100, 100.5
		}), nil},
		{"falling candle",
			with(func(v *goldenTrendValues) { v.open = 101.5 }), nil},
		{"doji",
			with(func(v *goldenTrendValues) { v.open = 101 }), nil},
		{"close under ema50: stop above entry", with(func(v *goldenTrendValues) {
			v.ema50, v.open, v.close = 99.5, 98.5, 99
		}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDecide(t, tt.v.decide(), tt.want)
		})
	}
}

func TestGoldenTrendSyncWindow(t *testing.T) {
	// The first candle both this code and the old bot fired on in the BTC
	// set; the stop is TA-Lib's EMA(50) over the whole file.
	btc := datasetOf(t, "btc")
	row := btc.rowAt(t, 1637434800000) // 2021-11-20 19:00 UTC
	in := btc.window(row, windowSize)
	v, err := GoldenTrendSync{}.read(in)
	if err != nil {
		t.Fatal(err)
	}
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
