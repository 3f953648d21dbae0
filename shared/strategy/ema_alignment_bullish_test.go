package strategy

import (
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func emaAlignmentBullishSpec() laterSpec {
	return laterSpec{
		conds: func(in *Input, _ string) map[string]bool {
			c := laterAt(in.Close, 0)
			e8, e80 := indicator.EMA(in.Close, 8), indicator.EMA(in.Close, 80)
			return map[string]bool{
				"close above ema8":    c > laterAt(e8, 0),
				"close above ema80":   c > laterAt(e80, 0),
				"ema8 above ema80":    laterAt(e8, 0) > laterAt(e80, 0),
				"ema8 rising":         laterAt(e8, 0) > laterAt(e8, 1),
				"ema8 rising before":  laterAt(e8, 1) > laterAt(e8, 2),
				"ema80 rising":        laterAt(e80, 0) > laterAt(e80, 1),
				"ema80 rising before": laterAt(e80, 1) > laterAt(e80, 2),
			}
		},
		keys: []string{"ema8", "ema80", "trend_strength",
			"price_distance_from_ema8", "ema8_momentum", "ema80_momentum",
			"strategy_origin", "stop_loss", "take_profit",
			"risk_reward_ratio"},
	}
}

// emaAlignmentBullishWant is the spec's decision for bars.
func emaAlignmentBullishWant(bars []laterCandle) *laterWant {
	c := bars[len(bars)-1].c
	e8, e80 := laterEMA(bars, 8, 0), laterEMA(bars, 80, 0)
	conf := min(0.95, 0.74+min(0.10, 10*(e8-e80)/e80)+
		min(0.05, 20*(c-e8)/e8))
	return &laterWant{Buy, conf, c, e80, c + 2.5*(c-e80), nil}
}

func TestEMAAlignmentBullish(t *testing.T) {
	steep := laterTrend(1000, 20_000, 0.001)
	gentle := laterTrend(1000, 50_000, 0.00005)
	decline := laterTrend(1000, 50_000, -0.0002)

	strong := emaAlignmentBullishWant(steep)
	strong.conf = 0.89 // both bonuses at their caps
	laterRun(t, EMAAlignmentBullish{}, emaAlignmentBullishSpec(), []laterCase{
		{name: "steep uptrend, bonuses capped", bars: steep, want: strong},
		{name: "gentle uptrend", bars: gentle,
			want: emaAlignmentBullishWant(gentle)},
		{name: "close drops under ema8", bars: laterThen(steep[:999], -0.005),
			miss: []string{"close above ema8", "ema8 rising"}},
		{name: "dip on the previous candle",
			bars: laterThen(steep[:998], -0.006, 0.01),
			miss: []string{"ema8 rising before"}},
		{name: "ema8 still under ema80",
			bars: laterThen(decline, 0.009, 0.001),
			miss: []string{"ema8 above ema80"}},
		{name: "ema80 fell two candles back",
			bars: laterThen(decline, 0.007, 0.033),
			miss: []string{"ema80 rising before"}},
		{name: "downtrend", bars: decline,
			miss: []string{"close above ema8", "close above ema80",
				"ema8 above ema80", "ema8 rising", "ema8 rising before",
				"ema80 rising", "ema80 rising before"}},
	})
}
