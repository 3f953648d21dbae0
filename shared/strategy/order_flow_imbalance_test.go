package strategy

import (
	"slices"
	"testing"
)

func orderFlowSpec() ruleSpec {
	type v = orderFlowValues
	spike := func(v v, ok func(c float64) bool) bool {
		for j := 2; j <= 9; j++ {
			if v.vol[j] > 2*v.volRef && (v.high[j]-v.low[j])/v.low[j] < 0.02 &&
				ok(v.close[j]) {
				return true
			}
		}
		return false
	}
	trend := func(v v) float64 {
		return (v.vol[0] + v.vol[1] + v.vol[2] + v.vol[3] + v.vol[4]) /
			(v.vol[5] + v.vol[6] + v.vol[7] + v.vol[8] + v.vol[9])
	}
	tight := specCond[v]{"closes within 3%", func(v v) bool {
		lo, hi := slices.Min(v.close[:]), slices.Max(v.close[:])
		var sum float64
		for _, c := range v.close {
			sum += c
		}
		return (hi-lo)/(sum/10) < 0.03
	}}
	conf := func(rsiOK func(v) bool) func(v) float64 {
		return func(v v) float64 {
			c := 0.75
			if v.vol[0]/v.volumeSMA > 1.5 {
				c += 0.05
			}
			if rsiOK(v) {
				c += 0.05
			}
			return c
		}
	}
	levels := func(stop func(v) float64) func(v) (float64, float64, float64) {
		return func(v v) (float64, float64, float64) {
			s := stop(v)
			return v.close[0], s, v.close[0] + 2.5*(v.close[0]-s)
		}
	}
	return specOf(OrderFlowImbalance{}, OrderFlowImbalance{}.read,
		specRule[v]{
			action: Buy,
			conds: []specCond[v]{
				{"spike closing above support", func(v v) bool {
					return spike(v, func(c float64) bool { return c > v.support })
				}},
				{"volume rising 20%", func(v v) bool { return trend(v) > 1.2 }},
				tight,
			},
			levels: levels(func(v v) float64 { return 0.99 * v.support }),
			conf:   conf(func(v v) bool { return v.rsi < 70 }),
		},
		specRule[v]{
			action: Sell,
			conds: []specCond[v]{
				{"spike closing under resistance", func(v v) bool {
					return spike(v, func(c float64) bool { return c < v.res })
				}},
				{"volume falling 20%", func(v v) bool { return trend(v) < 0.8 }},
				tight,
			},
			levels: levels(func(v v) float64 { return 1.01 * v.res }),
			conf:   conf(func(v v) bool { return v.rsi > 30 }),
		})
}

func TestOrderFlowImbalanceDecide(t *testing.T) {
	// Candles 0..9 back inside 100..102, a volume spike 5 back on a narrow
	// candle, rising volume; the reference candles range 99..103 on a mean
	// volume of 10.
	buy := orderFlowValues{rsi: 50, volumeSMA: 10, volRef: 10, support: 99,
		res: 103, vol: [10]float64{15, 15, 15, 15, 15, 21, 10, 10, 10, 10}}
	for j := range 10 {
		buy.high[j], buy.low[j] = 101.5, 100
		buy.close[j] = 101 - 0.5*float64(j%2) // 101, 100.5, 101, ...
	}
	sell := buy
	sell.vol = [10]float64{10, 10, 10, 10, 10, 21, 14, 14, 14, 14}
	runDecide(t, []decideCase[orderFlowValues]{
		{"buys on accumulation", buy, &Decision{Action: Buy,
			Confidence: 0.80, Price: 101, StopLoss: 98.01,
			TakeProfit: 108.475, Metadata: map[string]any{"rsi": 50.0,
				"volume_ratio": 1.5, "signal_type": "order_flow_accumulation",
				"order_flow_imbalance": true, "volume_confirmed": false,
				"rsi_confirmed": true, "stop_loss": 98.01,
				"take_profit": 108.475, "risk_reward_ratio": 2.5}}},
		{"sells on distribution", sell, &Decision{Action: Sell,
			Confidence: 0.80, Price: 101, StopLoss: 104.03,
			TakeProfit: 93.425, Metadata: map[string]any{"rsi": 50.0,
				"volume_ratio": 1.0, "signal_type": "order_flow_distribution",
				"order_flow_imbalance": true, "volume_confirmed": false,
				"rsi_confirmed": true, "stop_loss": 104.03,
				"take_profit": 93.425, "risk_reward_ratio": 2.5}}},
		{"spike at lag 1 does not count", with(buy, func(v *orderFlowValues) {
			v.vol[5], v.vol[1] = 15, 21
		}), nil},
		{"spike exactly twice the reference",
			with(buy, func(v *orderFlowValues) { v.vol[5] = 20 }), nil},
		{"spike on a 2% range", with(buy, func(v *orderFlowValues) {
			v.high[5] = 102
		}), nil},
		{"spike closing at support", with(buy, func(v *orderFlowValues) {
			v.support = 100.5
		}), nil},
		{"volume up only 20%", with(buy, func(v *orderFlowValues) {
			v.vol = [10]float64{12, 12, 12, 12, 12, 21, 8.75, 8.75, 8.75, 8.75}
		}), nil},
		{"closes spread 3%", with(buy, func(v *orderFlowValues) {
			v.close[9], v.low[9] = 97.5, 97.5
		}), nil},
		{"volume over 1.5 times its mean: 0.85",
			with(buy, func(v *orderFlowValues) { v.vol[0] = 15.1 }),
			wantBuy(0.85, 101, 98.01, 108.475)},
		{"rsi 70 is no confirmation",
			with(buy, func(v *orderFlowValues) { v.rsi = 70 }),
			wantBuy(0.75, 101, 98.01, 108.475)},
		{"sell with rsi 30: no confirmation",
			with(sell, func(v *orderFlowValues) { v.rsi = 30 }),
			wantSell(0.75, 101, 104.03, 93.425)},
		{"close under the stop", with(buy, func(v *orderFlowValues) {
			v.support = 102.5
			v.low[5], v.high[5], v.close[5] = 102, 103, 102.9
		}), nil},
	})
}

func TestOrderFlowImbalanceWindow(t *testing.T) {
	// Levels from the raw candles, RSI from TA-Lib; both fired upstream.
	for _, tc := range []windowCase{
		{"btc", 1636826400000, Buy},  // 2021-11-13 18:00
		{"eth", 1616074200000, Sell}, // 2021-03-18 13:30
	} {
		t.Run(string(tc.action), func(t *testing.T) {
			d := datasetOf(t, tc.set)
			in, row, v := readWindow(t, d, tc.open, OrderFlowImbalance{}.read)
			s := d.series
			price := s.Close[row]
			sup := slices.Min(lagRange(s.Low, row, 10, 19))
			res := slices.Max(lagRange(s.High, row, 10, 19))
			rsi := d.ref(t, "rsi_14", row)
			checkRefs(t, d, row, price, map[string][2]float64{
				"support":    {v.support, sup},
				"resistance": {v.res, res},
				"vol_ref":    {v.volRef, mean(lagRange(s.Volume, row, 10, 19))},
				"rsi":        {v.rsi, rsi},
			})
			ratio := s.Volume[row] / mean(lagRange(s.Volume, row, 0, 19))
			stop, rsiOK := 0.99*sup, rsi < 70
			if tc.action == Sell {
				stop, rsiOK = 1.01*res, rsi > 30
			}
			want := &Decision{Action: tc.action,
				Confidence: 0.75 + 0.05*float64(countTrue(ratio > 1.5, rsiOK)),
				Price:      price, StopLoss: stop,
				TakeProfit: price + 2.5*(price-stop)}
			checkWindow(t, OrderFlowImbalance{}, in, want, 1e-9)
		})
	}
}
