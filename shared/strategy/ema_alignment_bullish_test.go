package strategy

import (
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func emaAlignmentBullishSpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			c := lagged(in.Close, 0)
			e8, e80 := indicator.EMA(in.Close, 8), indicator.EMA(in.Close, 80)
			return map[string]bool{
				"close above ema8":    c > lagged(e8, 0),
				"close above ema80":   c > lagged(e80, 0),
				"ema8 above ema80":    lagged(e8, 0) > lagged(e80, 0),
				"ema8 rising":         lagged(e8, 0) > lagged(e8, 1),
				"ema8 rising before":  lagged(e8, 1) > lagged(e8, 2),
				"ema80 rising":        lagged(e80, 0) > lagged(e80, 1),
				"ema80 rising before": lagged(e80, 1) > lagged(e80, 2),
			}
		},
		keys: []string{"ema8", "ema80", "trend_strength",
			"price_distance_from_ema8", "ema8_momentum", "ema80_momentum",
			"strategy_origin", "stop_loss", "take_profit",
			"risk_reward_ratio"},
	}
}

// emaAlignmentBullishWant is the spec's decision for bars.
func emaAlignmentBullishWant(bars []bar) *Decision {
	c := bars[len(bars)-1].c
	e8, e80 := emaOf(bars, 8, 0), emaOf(bars, 80, 0)
	conf := min(0.95, 0.74+min(0.10, 10*(e8-e80)/e80)+
		min(0.05, 20*(c-e8)/e8))
	return &Decision{Buy, conf, c, e80, c + 2.5*(c-e80), nil}
}

func TestEMAAlignmentBullish(t *testing.T) {
	steep := trendBars(1000, 20_000, 0.001)
	gentle := trendBars(1000, 50_000, 0.00005)
	decline := trendBars(1000, 50_000, -0.0002)

	strong := emaAlignmentBullishWant(steep)
	strong.Confidence = 0.89 // both bonuses at their caps
	runBars(t, EMAAlignmentBullish{}, emaAlignmentBullishSpec(), []barCase{
		{name: "steep uptrend, bonuses capped", bars: steep, want: strong},
		{name: "gentle uptrend", bars: gentle,
			want: emaAlignmentBullishWant(gentle)},
		{name: "close drops under ema8", bars: thenMoves(steep[:999], -0.005),
			miss: []string{"close above ema8", "ema8 rising"}},
		{name: "dip on the previous candle",
			bars: thenMoves(steep[:998], -0.006, 0.01),
			miss: []string{"ema8 rising before"}},
		{name: "ema8 still under ema80",
			bars: thenMoves(decline, 0.009, 0.001),
			miss: []string{"ema8 above ema80"}},
		{name: "ema80 fell two candles back",
			bars: thenMoves(decline, 0.007, 0.033),
			miss: []string{"ema80 rising before"}},
		{name: "downtrend", bars: decline,
			miss: []string{"close above ema8", "close above ema80",
				"ema8 above ema80", "ema8 rising", "ema8 rising before",
				"ema80 rising", "ema80 rising before"}},
	})
}
