package strategy

import (
	"slices"
	"testing"
)

func divergenceSpec() ruleSpec {
	type v = divergenceValues
	return specOf(DivergenceTrap{}, DivergenceTrap{}.read, specRule[v]{
		action: Buy,
		conds: []specCond[v]{
			{"lower low", func(v v) bool { return v.low < v.low4 }},
			{"higher rsi", func(v v) bool { return v.rsi > v.rsi4 }},
			{"rsi < 30", func(v v) bool { return v.rsi < 30 }},
			{"close rose", func(v v) bool { return v.close > v.prevClose }},
		},
		levels: func(v v) (float64, float64, float64) {
			stop := 0.99 * v.lowest10
			return v.close, stop, v.close + 2*(v.close-stop)
		},
		conf: fixedConf[v](0.66),
	})
}

func TestDivergenceTrapDecide(t *testing.T) {
	fire := divergenceValues{rsi: 25, rsi4: 20, low: 95, low4: 96,
		close: 97, prevClose: 96, lowest10: 95}
	runDecide(t, []decideCase[divergenceValues]{
		{"fires", fire, &Decision{Action: Buy, Confidence: 0.66, Price: 97,
			StopLoss: 94.05, TakeProfit: 102.9, Metadata: map[string]any{
				"rsi": 25.0, "divergence_type": "regular_bullish",
				"oversold": true, "momentum": true, "stop_loss": 94.05,
				"take_profit": 102.9, "risk_reward_ratio": 2.0}}},
		{"equal lows",
			with(fire, func(v *divergenceValues) { v.low4 = 95 }), nil},
		{"rsi not higher",
			with(fire, func(v *divergenceValues) { v.rsi4 = 25 }), nil},
		{"rsi 30 is not oversold",
			with(fire, func(v *divergenceValues) { v.rsi = 30 }), nil},
		{"close did not rise",
			with(fire, func(v *divergenceValues) { v.prevClose = 97 }), nil},
	})
}

func TestDivergenceTrapWindow(t *testing.T) {
	// The first candle both this code and the old bot fired on in the BTC
	// set; RSI from TA-Lib, the stop from the raw lows.
	btc := datasetOf(t, "btc")
	in, row, v := readWindow(t, btc, 1637060400000, // 2021-11-16 11:00 UTC
		DivergenceTrap{}.read)
	price := btc.series.Close[row]
	lowest := slices.Min(btc.series.Low[row-9 : row+1])
	checkRefs(t, btc, row, price, map[string][2]float64{
		"rsi":      {v.rsi, btc.ref(t, "rsi_14", row)},
		"rsi@4":    {v.rsi4, btc.ref(t, "rsi_14", row-4)},
		"low@4":    {v.low4, btc.series.Low[row-4]},
		"lowest10": {v.lowest10, lowest},
	})
	stop := 0.99 * lowest
	checkWindow(t, DivergenceTrap{}, in,
		wantBuy(0.66, price, stop, price+2*(price-stop)), 1e-9)
}
