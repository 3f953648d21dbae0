package strategy

import (
	"slices"
	"testing"
)

func rangeBreakSpec() ruleSpec {
	type v = rangeBreakValues
	return specOf(RangeBreakPop{}, RangeBreakPop{}.read, specRule[v]{
		action: Buy,
		conds: []specCond[v]{
			{"range > 1.5 atr", func(v v) bool {
				return v.high-v.low > 1.5*v.atr
			}},
			{"volume > 0", func(v v) bool { return v.volume > 0 }},
			{"close rose", func(v v) bool { return v.close[0] > v.close[1] }},
			{"close rose before", func(v v) bool {
				return v.close[1] > v.close[2]
			}},
		},
		levels: func(v v) (float64, float64, float64) {
			stop := 0.99 * v.lowest10
			return v.close[0], stop, v.close[0] + 2*(v.close[0]-stop)
		},
		conf: fixedConf[v](0.68),
		// Real candles always trade.
		notAlone: []string{"volume > 0"},
	})
}

func TestRangeBreakPopDecide(t *testing.T) {
	fire := rangeBreakValues{atr: 2, high: 104, low: 100, volume: 5,
		lowest10: 100, close: [3]float64{103, 101, 100.5}}
	runDecide(t, []decideCase[rangeBreakValues]{
		{"fires", fire, &Decision{Action: Buy, Confidence: 0.68, Price: 103,
			StopLoss: 99, TakeProfit: 111, Metadata: map[string]any{
				"atr": 2.0, "range_size": 4.0, "volume": 5.0,
				"momentum": true, "stop_loss": 99.0, "take_profit": 111.0,
				"risk_reward_ratio": 2.0}}},
		{"range exactly 1.5 atr",
			with(fire, func(v *rangeBreakValues) { v.low = 101 }), nil},
		{"no volume",
			with(fire, func(v *rangeBreakValues) { v.volume = 0 }), nil},
		{"close did not rise",
			with(fire, func(v *rangeBreakValues) { v.close[1] = 103 }), nil},
		{"close did not rise before",
			with(fire, func(v *rangeBreakValues) { v.close[2] = 101 }), nil},
	})
}

func TestRangeBreakPopWindow(t *testing.T) {
	// A candle both this code and the old bot fired on; ATR from TA-Lib,
	// the stop from the raw lows.
	btc := datasetOf(t, "btc")
	in, row, v := readWindow(t, btc, 1636678800000, // 2021-11-12 01:00 UTC
		RangeBreakPop{}.read)
	price := btc.series.Close[row]
	lowest := slices.Min(btc.series.Low[row-9 : row+1])
	checkRefs(t, btc, row, price, map[string][2]float64{
		"atr":      {v.atr, btc.ref(t, "atr_14", row)},
		"lowest10": {v.lowest10, lowest},
		"close@2":  {v.close[2], btc.series.Close[row-2]},
	})
	stop := 0.99 * lowest
	checkWindow(t, RangeBreakPop{}, in,
		wantBuy(0.68, price, stop, price+2*(price-stop)), 1e-9)
}
