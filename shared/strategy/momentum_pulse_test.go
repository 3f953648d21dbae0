package strategy

import (
	"testing"
)

func momentumPulseSpec() ruleSpec {
	type v = momentumPulseValues
	return specOf(MomentumPulse{}, MomentumPulse{}.read, specRule[v]{
		action: Buy,
		conds: []specCond[v]{
			{"histogram crosses up", func(v v) bool {
				return v.prevHist <= 0 && v.hist > 0
			}},
			{"rsi >= 50", func(v v) bool { return v.rsi >= 50 }},
			{"rsi <= 65", func(v v) bool { return v.rsi <= 65 }},
			{"adx > 20", func(v v) bool { return v.adx > 20 }},
			{"close > ema21", func(v v) bool { return v.close > v.ema21 }},
			{"close > ema50", func(v v) bool { return v.close > v.ema50 }},
		},
		levels: func(v v) (float64, float64, float64) {
			return v.close, v.ema50, v.close + 2.5*(v.close-v.ema50)
		},
		conf:     fixedConf[v](0.74),
		notAlone: []string{"close > ema21"},
	})
}

func TestMomentumPulseDecide(t *testing.T) {
	fire := momentumPulseValues{hist: 5, prevHist: -3, signal: 10, rsi: 55,
		adx: 25, ema21: 100, ema50: 98, close: 101, volume: 7}
	runDecide(t, []decideCase[momentumPulseValues]{
		{"fires", fire, &Decision{Action: Buy, Confidence: 0.74, Price: 101,
			StopLoss: 98, TakeProfit: 108.5, Metadata: map[string]any{
				"macd_hist": 5.0, "macd_signal": 10.0, "rsi": 55.0,
				"volume": 7.0, "stop_loss": 98.0, "take_profit": 108.5,
				"risk_reward_ratio": 2.5}}},
		{"previous histogram exactly 0",
			with(fire, func(v *momentumPulseValues) { v.prevHist = 0 }),
			wantBuy(0.74, 101, 98, 108.5)},
		{"histogram 0 is no cross",
			with(fire, func(v *momentumPulseValues) { v.hist = 0 }), nil},
		{"histogram already positive",
			with(fire, func(v *momentumPulseValues) { v.prevHist = 0.1 }), nil},
		{"rsi 50 inclusive",
			with(fire, func(v *momentumPulseValues) { v.rsi = 50 }),
			wantBuy(0.74, 101, 98, 108.5)},
		{"rsi 65 inclusive",
			with(fire, func(v *momentumPulseValues) { v.rsi = 65 }),
			wantBuy(0.74, 101, 98, 108.5)},
		{"rsi below 50",
			with(fire, func(v *momentumPulseValues) { v.rsi = 49.9 }), nil},
		{"rsi above 65",
			with(fire, func(v *momentumPulseValues) { v.rsi = 65.1 }), nil},
		{"adx 20 is not a trend",
			with(fire, func(v *momentumPulseValues) { v.adx = 20 }), nil},
		{"close at ema21",
			with(fire, func(v *momentumPulseValues) { v.ema21 = 101 }), nil},
		{"close below ema50 (stop would be above)",
			with(fire, func(v *momentumPulseValues) { v.ema50 = 101.5 }), nil},
		{"ema order not checked",
			with(fire, func(v *momentumPulseValues) {
				v.ema21, v.ema50 = 97, 99
			}),
			wantBuy(0.74, 101, 99, 106)},
	})
}

func TestMomentumPulseWindow(t *testing.T) {
	// The first candle both this code and the old bot fired on in the BTC
	// set; the stop is TA-Lib's EMA(50) over the whole file.
	btc := datasetOf(t, "btc")
	in, row, v := readWindow(t, btc, 1637586000000, // 2021-11-22 13:00 UTC
		MomentumPulse{}.read)
	price := btc.series.Close[row]
	checkRefs(t, btc, row, price, map[string][2]float64{
		"macd_hist":   {v.hist, btc.ref(t, "macd_hist", row)},
		"macd_hist@1": {v.prevHist, btc.ref(t, "macd_hist", row-1)},
		"macd_signal": {v.signal, btc.ref(t, "macd_signal", row)},
		"rsi":         {v.rsi, btc.ref(t, "rsi_14", row)},
		"adx":         {v.adx, btc.ref(t, "adx_14", row)},
		"ema21":       {v.ema21, btc.ref(t, "ema_21", row)},
		"ema50":       {v.ema50, btc.ref(t, "ema_50", row)},
	})
	stop := btc.ref(t, "ema_50", row)
	checkWindow(t, MomentumPulse{}, in,
		wantBuy(0.74, price, stop, price+2.5*(price-stop)), 1e-6)

	// One candle later the histogram is already positive: no new cross.
	next := btc.window(row+1, windowSize)
	if v, _ := (MomentumPulse{}).read(next); v.prevHist <= 0 {
		t.Fatalf("next candle: previous histogram %v, want > 0", v.prevHist)
	}
	checkWindow(t, MomentumPulse{}, next, nil, 0)
}
