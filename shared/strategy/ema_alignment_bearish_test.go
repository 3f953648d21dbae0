package strategy

import (
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func emaAlignmentBearishSpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			c := lagged(in.Close, 0)
			e8, e80 := indicator.EMA(in.Close, 8), indicator.EMA(in.Close, 80)
			a := lagged
			return map[string]bool{
				"close under ema8":     c < a(e8, 0),
				"close under ema80":    c < a(e80, 0),
				"ema8 falling":         a(e8, 0) < a(e8, 1),
				"ema8 falling before":  a(e8, 1) < a(e8, 2),
				"ema80 falling":        a(e80, 0) < a(e80, 1),
				"ema80 falling before": a(e80, 1) < a(e80, 2),
			}
		},
		keys: []string{"ema8", "ema80", "ema8_slope_1", "ema8_slope_2",
			"ema80_slope_1", "ema80_slope_2", "price_distance_ema8",
			"price_distance_ema80", "ema_separation", "risk_reward_ratio",
			"pattern"},
	}
}

func emaAlignmentBearishWant(bars []bar) *Decision {
	cur := bars[len(bars)-1]
	c := cur.c
	f0, f1 := emaOf(bars, 8, 0), emaOf(bars, 8, 1)
	s0, s1 := emaOf(bars, 80, 0), emaOf(bars, 80, 1)
	conf := min(0.85, 0.60+10*(f0-c)/c+5*(s0-c)/c+
		20*(math.Abs(f0-f1)+math.Abs(s0-s1))/c)
	stop := max(f0, cur.h)
	return &Decision{Sell, conf, c, stop, c - 1.5*(stop-c), nil}
}

func TestEMAAlignmentBearish(t *testing.T) {
	down := trendBars(1000, 50_000, -0.001)
	gentle := trendBars(1000, 50_000, -0.0001)
	downWant := emaAlignmentBearishWant(down)
	downWant.Confidence = 0.85 // 4% under EMA(80), capped
	p := down[999].c
	f := emaOf(down, 8, 0)
	// A wick above EMA(8): the stop is the candle's high.
	wick := thenBars(down, bar{p, f * 1.005, p * 0.998, p * 0.999})
	if w := emaAlignmentBearishWant(wick); w.StopLoss != wick[1000].h {
		t.Fatalf("wick window: stop %v is not the high %v", w.StopLoss,
			wick[1000].h)
	}

	runBars(t, EMAAlignmentBearish{}, emaAlignmentBearishSpec(),
		[]barCase{
			{name: "downtrend", bars: down, want: downWant},
			{name: "gentle downtrend", bars: gentle,
				want: emaAlignmentBearishWant(gentle)},
			{name: "wick above ema8", bars: wick,
				want: emaAlignmentBearishWant(wick)},
			{name: "bounce on the previous candle",
				bars: thenMoves(down[:998], 0.006, -0.005),
				miss: []string{"ema8 falling before"}},
			// EMA(80) rose on the previous candle, fell on the last.
			{name: "ema80 turning down",
				bars: thenMoves(trendBars(1000, 50_000, 0.0002), -0.004,
					-0.011),
				miss: []string{"ema80 falling before"}},
			{name: "uptrend", bars: trendBars(1000, 20_000, 0.001),
				miss: []string{"close under ema8", "close under ema80",
					"ema8 falling", "ema8 falling before", "ema80 falling",
					"ema80 falling before"}},
		})
}
