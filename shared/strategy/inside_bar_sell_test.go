package strategy

import (
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func insideBarSellSpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			a := lagged
			c := a(in.Close, 0)
			return map[string]bool{
				"inside bar": a(in.High, 0) < a(in.High, 1) &&
					a(in.Low, 0) > a(in.Low, 1),
				"inside bar has a range": a(in.High, 0) > a(in.Low, 0),
				"close under ema8":       c < a(indicator.EMA(in.Close, 8), 0),
				"close under ema80":      c < a(indicator.EMA(in.Close, 80), 0),
			}
		},
		keys: []string{"ema8", "ema80", "inside_bar_range",
			"mother_bar_range", "consolidation_size",
			"bearish_context_strength", "risk_reward_ratio", "pattern",
			"entry_price"},
	}
}

func insideBarSellWant(bars []bar) *Decision {
	cur, prev := bars[len(bars)-1], bars[len(bars)-2]
	f, s := emaOf(bars, 8, 0), emaOf(bars, 80, 0)
	conf := min(0.80, 0.55+10*(s-cur.c)/cur.c+5*math.Abs(f-s)/cur.c)
	r := cur.span()
	return &Decision{Sell, conf, cur.l, cur.h, cur.l - 2*r,
		map[string]any{
			// The names say what they hold (§7 item 22).
			"inside_bar_range":   r,
			"mother_bar_range":   prev.span(),
			"consolidation_size": r,
		}}
}

func TestInsideBarSell(t *testing.T) {
	down := trendBars(1000, 50_000, -0.001)
	gentle := trendBars(1000, 50_000, -0.00005)
	inside := thenInside(down[:999], 1.0005, 0.9992, 0.9995)
	weak := thenInside(gentle[:999], 1.0005, 0.9992, 0.9995)
	insideWant := insideBarSellWant(inside)
	insideWant.Confidence = 0.80 // 4% under EMA(80), capped
	up := trendBars(1000, 20_000, 0.001)

	runBars(t, InsideBarSell{}, insideBarSellSpec(), []barCase{
		{name: "inside bar in a downtrend", bars: inside, want: insideWant},
		// Under the default MIN_CONFIDENCE, still the strategy's value.
		{name: "inside bar in a faint downtrend, confidence under 0.6",
			bars: weak, want: insideBarSellWant(weak)},
		{name: "lower low", bars: thenInside(down[:999], 1.0005, 0.995,
			0.9995), miss: []string{"inside bar"}},
		// Upstream signalled here with stop, entry and target equal.
		{name: "inside bar without range",
			bars: thenInside(down[:999], 1, 1, 1),
			miss: []string{"inside bar has a range"}},
		{name: "inside bar under ema8, above ema80",
			bars: thenInside(thenMoves(up[:998], -0.01), 1.0005, 0.9992,
				0.9995),
			miss: []string{"close under ema80"}},
		{name: "inside bar in an uptrend",
			bars: thenInside(up[:999], 1.0008, 0.9995, 1.0005),
			miss: []string{"close under ema8", "close under ema80"}},
	})
	if c := insideBarSellWant(weak).Confidence; c >= 0.6 {
		t.Errorf("faint downtrend confidence %v, want under 0.6", c)
	}
}
