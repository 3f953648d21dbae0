package strategy

import (
	"math"
	"slices"
	"testing"
)

func mtfSpec() ruleSpec {
	type v = mtfValues
	rule := func(a Action, f float64, notAlone ...string) specRule[v] {
		up := func(x float64) bool { return f*x > 0 }
		dir := int(f)
		return specRule[v]{
			action: a,
			conds: []specCond[v]{
				{"ema21 beyond ema50", func(v v) bool {
					return up(v.ema21 - v.ema50)
				}},
				{"ema50 beyond ema200", func(v v) bool {
					return up(v.ema50 - v.ema200)
				}},
				{"close beyond ema21", func(v v) bool {
					return up(v.close - v.ema21)
				}},
				{"macd on the trend side", func(v v) bool { return up(v.macd) }},
				{"macd turning with the trend", func(v v) bool {
					return up(v.macd - v.prevMACD)
				}},
				{"rsi pulled back in the last 5", func(v v) bool {
					return f > 0 && v.rsiLow < 40 || f < 0 && v.rsiHigh > 60
				}},
				{"within 1% of ema21", func(v v) bool {
					return math.Abs(v.close/v.ema21-1) < 0.01
				}},
				{"volume > 1.2 sma", func(v v) bool {
					return v.volume > 1.2*v.volumeSMA
				}},
				{"first higher timeframe agrees", func(v v) bool {
					return v.higher[0].direction() == dir
				}},
				{"second higher timeframe agrees", func(v v) bool {
					return v.higher[1].direction() == dir
				}},
			},
			levels: func(v v) (float64, float64, float64) {
				return v.close, v.ema50, v.close + 3*(v.close-v.ema50)
			},
			conf: func(v v) float64 {
				return 0.75 + 0.1*min(1, 10*math.Abs(v.close/v.close19-1))
			},
			notAlone: notAlone,
		}
	}
	return specOf(MultiTimeframeTrendContinuation{},
		MultiTimeframeTrendContinuation{}.read,
		// It fires a handful of times on the real data: too few near
		// misses to show every condition failing alone.
		rule(Buy, 1, "ema21 beyond ema50", "ema50 beyond ema200",
			"close beyond ema21", "macd on the trend side",
			"macd turning with the trend", "first higher timeframe agrees",
			"second higher timeframe agrees"),
		rule(Sell, -1, "ema21 beyond ema50", "ema50 beyond ema200",
			"close beyond ema21", "macd turning with the trend",
			"first higher timeframe agrees", "second higher timeframe agrees"))
}

func TestMultiTimeframeTrendContinuationDecide(t *testing.T) {
	buy := mtfValues{ema21: 100, ema50: 98, ema200: 95, rsi: 45,
		rsiLow: 38, rsiHigh: 50, macd: 1, prevMACD: 0.5, close: 100.5,
		close19: 99.5, volume: 13, volumeSMA: 10, interval: "15m",
		higher: [2]mtfTrend{{"1h", 101, 100, 99.5}, {"4h", 101, 99, 98}}}
	sell := mtfValues{ema21: 100, ema50: 102, ema200: 105, rsi: 55,
		rsiLow: 50, rsiHigh: 62, macd: -1, prevMACD: -0.5, close: 99.5,
		close19: 100.5, volume: 13, volumeSMA: 10, interval: "15m",
		higher: [2]mtfTrend{{"1h", 99, 100, 100.5}, {"4h", 99, 101, 102}}}
	up := 10 * (100.5/99.5 - 1)
	down := 10 * (1 - 99.5/100.5)
	runDecide(t, []decideCase[mtfValues]{
		{"buys the turn after a pullback", buy, &Decision{Action: Buy,
			Confidence: 0.75 + 0.1*up, Price: 100.5, StopLoss: 98,
			TakeProfit: 108, Metadata: map[string]any{
				"trend_direction": "bullish", "trend_strength": up,
				"rsi": 45.0, "pullback_rsi": 38.0, "macd": 1.0,
				"ema21": 100.0, "ema50": 98.0, "ema200": 95.0,
				"signal_type":     "trend_continuation_bullish",
				"multi_timeframe": true, "timeframes": "15m,1h,4h",
				"stop_loss": 98.0, "take_profit": 108.0,
				"risk_reward_ratio": 3.0}}},
		{"sells the turn after a bounce", sell, &Decision{Action: Sell,
			Confidence: 0.75 + 0.1*down, Price: 99.5, StopLoss: 102,
			TakeProfit: 92, Metadata: map[string]any{
				"trend_direction": "bearish", "trend_strength": down,
				"rsi": 55.0, "pullback_rsi": 62.0, "macd": -1.0,
				"ema21": 100.0, "ema50": 102.0, "ema200": 105.0,
				"signal_type":     "trend_continuation_bearish",
				"multi_timeframe": true, "timeframes": "15m,1h,4h",
				"stop_loss": 102.0, "take_profit": 92.0,
				"risk_reward_ratio": 3.0}}},
		{"strength capped at 1",
			with(buy, func(v *mtfValues) { v.close19 = 80 }),
			wantBuy(0.85, 100.5, 98, 108)},
		{"emas out of order",
			with(buy, func(v *mtfValues) { v.ema200 = 99 }), nil},
		{"ema21 under ema50",
			with(buy, func(v *mtfValues) { v.ema50 = 100.2 }), nil},
		{"close under ema21",
			with(buy, func(v *mtfValues) { v.close = 99.8 }), nil},
		{"macd under 0",
			with(buy, func(v *mtfValues) { v.macd, v.prevMACD = -0.1, -0.5 }),
			nil},
		{"macd not rising",
			with(buy, func(v *mtfValues) { v.prevMACD = 1 }), nil},
		{"no pullback: rsi 40 at its lowest",
			with(buy, func(v *mtfValues) { v.rsiLow = 40 }), nil},
		{"1% from ema21",
			with(buy, func(v *mtfValues) { v.close = 101 }), nil},
		{"volume exactly 1.2 times",
			with(buy, func(v *mtfValues) { v.volume = 12 }), nil},
		{"no volume", with(buy, func(v *mtfValues) {
			v.volume, v.volumeSMA = 0, 0
		}), nil},
		{"1h close under its sma", with(buy, func(v *mtfValues) {
			v.higher[0].close = 99.9
		}), nil},
		{"4h sma falling", with(buy, func(v *mtfValues) {
			v.higher[1].prev = 99.5
		}), nil},
		{"4h sma flat", with(buy, func(v *mtfValues) {
			v.higher[1].prev = 99
		}), nil},
		{"sell without a bounce: rsi 60 at its highest",
			with(sell, func(v *mtfValues) { v.rsiHigh = 60 }), nil},
		{"sell against a rising 1h", with(sell, func(v *mtfValues) {
			v.higher[0] = mtfTrend{"1h", 101, 100, 99.5}
		}), nil},
	})
}

func TestMultiTimeframeTrendContinuationWindow(t *testing.T) {
	// EMAs, MACD and RSI from TA-Lib (EMA(200) over the window keeps some
	// of its seed: 1e-4 there); the higher timeframes from the raw candles
	// grouped by epoch-aligned buckets.
	for _, tc := range []windowCase{
		{"eth", 1617667200000, Buy},  // 2021-04-06 00:00, 15m: 1h and 4h
		{"btc", 1649635200000, Sell}, // 2022-04-11 00:00, 1h: 4h and 16h
	} {
		t.Run(string(tc.action), func(t *testing.T) {
			d := datasetOf(t, tc.set)
			in, row, v := readWindow(t, d, tc.open,
				MultiTimeframeTrendContinuation{}.read)
			price := d.series.Close[row]
			ref := func(col string, lag int) float64 {
				return d.ref(t, col, row-lag)
			}
			rsis := []float64{ref("rsi_14", 0), ref("rsi_14", 1),
				ref("rsi_14", 2), ref("rsi_14", 3), ref("rsi_14", 4)}
			checkRefs(t, d, row, price, map[string][2]float64{
				"ema21":    {v.ema21, ref("ema_21", 0)},
				"ema50":    {v.ema50, ref("ema_50", 0)},
				"macd":     {v.macd, ref("macd", 0)},
				"macd@1":   {v.prevMACD, ref("macd", 1)},
				"rsi":      {v.rsi, rsis[0]},
				"rsi low":  {v.rsiLow, slices.Min(rsis)},
				"rsi high": {v.rsiHigh, slices.Max(rsis)},
			})
			if e := ref("ema_200", 0); !closeTo(v.ema200, e, 1e-4, 0) {
				t.Errorf("ema200 %v, TA-Lib %v", v.ema200, e)
			}
			for i, f := range []int{mtfNear, mtfFar} {
				closes := bucketCloses(d, row, f)
				n := len(closes)
				want := mtfTrend{interval: v.higher[i].interval,
					close: closes[n-1],
					sma:   mean(closes[n-20:]),
					prev:  mean(closes[n-21 : n-1])}
				got := v.higher[i]
				if got.close != want.close ||
					!closeTo(got.sma, want.sma, 1e-12, 0) ||
					!closeTo(got.prev, want.prev, 1e-12, 0) {
					t.Errorf("%dx: got %+v, want %+v", f, got, want)
				}
			}
			stop := ref("ema_50", 0)
			strength := min(1, 10*math.Abs(price/d.series.Close[row-19]-1))
			want := &Decision{Action: tc.action,
				Confidence: 0.75 + 0.1*strength, Price: price,
				StopLoss: stop, TakeProfit: price + 3*(price-stop)}
			checkWindow(t, MultiTimeframeTrendContinuation{}, in, want,
				1e-9)
		})
	}
}

// bucketCloses returns the closes of the complete buckets of factor
// times the data set's interval that end at or before row's close, oldest
// first: the last candle of each epoch-aligned bucket.
func bucketCloses(d *dataset, row, factor int) []float64 {
	s := d.series
	step := s.OpenTime[1] - s.OpenTime[0]
	width := step * int64(factor)
	end := s.OpenTime[row] + step
	var closes []float64
	for i := 0; i <= row; i++ {
		t := s.OpenTime[i]
		lastOfBucket := i == row || s.OpenTime[i+1]/width != t/width
		if lastOfBucket && (t/width+1)*width <= end {
			closes = append(closes, s.Close[i])
		}
	}
	return closes
}
