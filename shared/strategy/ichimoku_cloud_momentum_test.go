package strategy

import (
	"slices"
	"testing"
)

func ichimokuSpec() ruleSpec {
	type v = ichimokuValues
	conf := func(v v) float64 {
		if v.volume/v.volumeSMA > 1.5 {
			return 0.75
		}
		return 0.70
	}
	levels := func(v v) (float64, float64, float64) {
		return v.close, v.kijun, v.close + 2*(v.close-v.kijun)
	}
	return specOf(IchimokuCloudMomentum{}, IchimokuCloudMomentum{}.read,
		specRule[v]{
			action: Buy,
			conds: []specCond[v]{
				{"close > span a", func(v v) bool { return v.close > v.spanA }},
				{"close > span b", func(v v) bool { return v.close > v.spanB }},
				{"tenkan crosses up or span a > span b", func(v v) bool {
					return v.tenkan > v.kijun && v.prevTenkan <= v.prevKijun ||
						v.spanA > v.spanB
				}},
			},
			levels: levels,
			conf:   conf,
		},
		specRule[v]{
			action: Sell,
			conds: []specCond[v]{
				{"close < span a", func(v v) bool { return v.close < v.spanA }},
				{"close < span b", func(v v) bool { return v.close < v.spanB }},
				{"tenkan crosses down or span a < span b", func(v v) bool {
					return v.tenkan < v.kijun && v.prevTenkan >= v.prevKijun ||
						v.spanA < v.spanB
				}},
			},
			levels: levels,
			conf:   conf,
		})
}

func TestIchimokuCloudMomentumDecide(t *testing.T) {
	buy := ichimokuValues{tenkan: 104, kijun: 102, prevTenkan: 103,
		prevKijun: 102, spanA: 101, spanB: 100, close: 105, volume: 10,
		volumeSMA: 10}
	sell := ichimokuValues{tenkan: 96, kijun: 98, prevTenkan: 97,
		prevKijun: 98, spanA: 99, spanB: 100, close: 95, volume: 10,
		volumeSMA: 10}
	runDecide(t, []decideCase[ichimokuValues]{
		{"buys above a green cloud", buy, &Decision{Action: Buy,
			Confidence: 0.70, Price: 105, StopLoss: 102, TakeProfit: 111,
			Metadata: map[string]any{"tenkan_sen": 104.0,
				"kijun_sen": 102.0, "senkou_span_a": 101.0,
				"senkou_span_b": 100.0, "signal_type": "bullish_ichimoku",
				"ichimoku_momentum": true, "stop_loss": 102.0,
				"take_profit": 111.0, "risk_reward_ratio": 2.0}}},
		{"sells under a red cloud", sell, &Decision{Action: Sell,
			Confidence: 0.70, Price: 95, StopLoss: 98, TakeProfit: 89,
			Metadata: map[string]any{"tenkan_sen": 96.0,
				"kijun_sen": 98.0, "senkou_span_a": 99.0,
				"senkou_span_b": 100.0, "signal_type": "bearish_ichimoku",
				"ichimoku_momentum": true, "stop_loss": 98.0,
				"take_profit": 89.0, "risk_reward_ratio": 2.0}}},
		{"buys on a cross above a red cloud",
			with(buy, func(v *ichimokuValues) {
				v.spanA, v.spanB, v.prevTenkan = 100, 101, 101
			}), wantBuy(0.70, 105, 102, 111)},
		{"no cross above a red cloud", with(buy, func(v *ichimokuValues) {
			v.spanA, v.spanB = 100, 101
		}), nil},
		{"flat cloud, no cross", with(buy, func(v *ichimokuValues) {
			v.spanA, v.spanB = 100, 100
		}), nil},
		{"inside the cloud",
			with(buy, func(v *ichimokuValues) { v.spanA = 106 }), nil},
		{"on span b",
			with(buy, func(v *ichimokuValues) { v.spanB = 105 }), nil},
		{"sells on a cross under a green cloud",
			with(sell, func(v *ichimokuValues) {
				v.spanA, v.spanB, v.prevTenkan = 100, 99, 99
			}), wantSell(0.70, 95, 98, 89)},
		{"volume over 1.5 times: 0.75",
			with(buy, func(v *ichimokuValues) { v.volume = 15.1 }),
			wantBuy(0.75, 105, 102, 111)},
		{"volume exactly 1.5 times",
			with(buy, func(v *ichimokuValues) { v.volume = 15 }),
			wantBuy(0.70, 105, 102, 111)},
		{"kijun above the close of a buy", with(buy, func(v *ichimokuValues) {
			v.kijun, v.prevKijun = 106, 106
		}), nil},
		{"kijun under the close of a sell", with(sell, func(v *ichimokuValues) {
			v.kijun, v.prevKijun = 94, 94
		}), nil},
	})
}

func TestIchimokuCloudMomentumWindow(t *testing.T) {
	// TA-Lib has no Ichimoku: the lines come from the raw candles here.
	// Both candles fired upstream too.
	for _, tc := range []windowCase{
		{"btc", 1636862400000, Buy},  // 2021-11-14 04:00
		{"btc", 1636804800000, Sell}, // 2021-11-13 12:00
	} {
		t.Run(string(tc.action), func(t *testing.T) {
			d := datasetOf(t, tc.set)
			in, row, v := readWindow(t, d, tc.open, IchimokuCloudMomentum{}.read)
			s := d.series
			mid := func(lag, n int) float64 {
				return (slices.Max(lagRange(s.High, row, lag, lag+n-1)) +
					slices.Min(lagRange(s.Low, row, lag, lag+n-1))) / 2
			}
			price := s.Close[row]
			kijun := mid(0, 26)
			checkRefs(t, d, row, price, map[string][2]float64{
				"tenkan":  {v.tenkan, mid(0, 9)},
				"kijun":   {v.kijun, kijun},
				"tenkan1": {v.prevTenkan, mid(1, 9)},
				"kijun1":  {v.prevKijun, mid(1, 26)},
				"spanA":   {v.spanA, (mid(26, 9) + mid(26, 26)) / 2},
				"spanB":   {v.spanB, mid(26, 52)},
			})
			conf := 0.70
			if s.Volume[row]/mean(lagRange(s.Volume, row, 0, 19)) > 1.5 {
				conf = 0.75
			}
			want := &Decision{Action: tc.action, Confidence: conf,
				Price: price, StopLoss: kijun,
				TakeProfit: price + 2*(price-kijun)}
			checkWindow(t, IchimokuCloudMomentum{}, in, want, 1e-9)
		})
	}
}
