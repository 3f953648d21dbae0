package strategy

import "testing"

func bandFadeSpec() ruleSpec {
	type v = bandFadeValues
	return specOf(BandFadeReversal{}, BandFadeReversal{}.read, specRule[v]{
		action: Buy,
		conds: []specCond[v]{
			{"close <= 1.01 lower", func(v v) bool {
				return v.close[0] <= 1.01*v.lower
			}},
			{"close < middle", func(v v) bool { return v.close[0] < v.middle }},
			{"was falling", func(v v) bool { return v.close[1] < v.close[2] }},
			{"now rising", func(v v) bool { return v.close[0] > v.close[1] }},
		},
		levels: func(v v) (float64, float64, float64) {
			return v.close[0], 0.98 * v.lower, v.middle
		},
		conf: fixedConf[v](0.72),
	})
}

func TestBandFadeReversalDecide(t *testing.T) {
	fire := bandFadeValues{lower: 100, middle: 110, upper: 120,
		close: [3]float64{100.5, 99, 101}}
	runDecide(t, []decideCase[bandFadeValues]{
		{"fires", fire, &Decision{Action: Buy, Confidence: 0.72,
			Price: 100.5, StopLoss: 98, TakeProfit: 110,
			Metadata: map[string]any{"bb_lower": 100.0, "bb_middle": 110.0,
				"bb_upper": 120.0, "distance_from_lower": 0.005,
				"stop_loss": 98.0, "take_profit": 110.0,
				"target": "middle_band"}}},
		{"close exactly 1.01 lower",
			with(fire, func(v *bandFadeValues) { v.close[0] = 101 }),
			wantBuy(0.72, 101, 98, 110)},
		{"close above 1.01 lower",
			with(fire, func(v *bandFadeValues) { v.close[0] = 101.1 }), nil},
		{"close at middle (flat bands)", with(fire, func(v *bandFadeValues) {
			v.lower, v.middle, v.upper = 100.5, 100.5, 100.5
		}), nil},
		{"was not falling",
			with(fire, func(v *bandFadeValues) { v.close[2] = 99 }), nil},
		{"not rising",
			with(fire, func(v *bandFadeValues) { v.close[0] = 99 }), nil},
		{"below the band but above the stop",
			with(fire, func(v *bandFadeValues) {
				v.close = [3]float64{98.5, 98, 99}
			}),
			wantBuy(0.72, 98.5, 98, 110)},
		{"2% under the band: stop above entry",
			with(fire, func(v *bandFadeValues) {
				v.close = [3]float64{97.5, 97, 98}
			}), nil},
		{"stop equal to entry", with(fire, func(v *bandFadeValues) {
			v.close = [3]float64{98, 97, 98.5}
		}), nil},
	})
}

func TestBandFadeReversalWindow(t *testing.T) {
	// A candle both this code and the old bot fired on; the levels come
	// from TA-Lib's bands.
	eth := datasetOf(t, "eth")
	in, row, v := readWindow(t, eth, 1616022000000, // 2021-03-17 23:00 UTC
		BandFadeReversal{}.read)
	price := eth.series.Close[row]
	lower, middle := eth.ref(t, "bb_lower", row), eth.ref(t, "bb_middle", row)
	checkRefs(t, eth, row, price, map[string][2]float64{
		"bb_lower":  {v.lower, lower},
		"bb_middle": {v.middle, middle},
		"bb_upper":  {v.upper, eth.ref(t, "bb_upper", row)},
		"close@1":   {v.close[1], eth.series.Close[row-1]},
		"close@2":   {v.close[2], eth.series.Close[row-2]},
	})
	checkWindow(t, BandFadeReversal{}, in,
		wantBuy(0.72, price, 0.98*lower, middle), 1e-9)
}
