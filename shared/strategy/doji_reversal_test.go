package strategy

import (
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func dojiSpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			b := barAt(in, 0)
			sma := lagged(indicator.SMA(in.Close, 10), 0)
			return map[string]bool{
				"range of at least 1e-7 of the price": b.span() >= 1e-7*b.c,
				"body at most 5% of the range": b.body() <=
					0.05*b.span(),
				"close off sma10": b.c != sma,
			}
		},
		keys: []string{"body_size", "total_range", "body_percentage",
			"doji_quality", "trend_context", "sma10", "risk_reward_ratio",
			"pattern", "entry_price"},
	}
}

func dojiWant(bars []bar) *Decision {
	cur := bars[len(bars)-1]
	sma := lagged(indicator.SMA(closesOf(bars), 10), 0)
	r := cur.span()
	quality := 1 - cur.body()/r/0.05
	conf := min(0.70, 0.40+0.20*quality+
		min(0.2, 10*math.Abs(cur.c-sma)/cur.c))
	if cur.c > sma {
		return &Decision{Sell, conf, cur.l, cur.h, cur.l - 1.2*r,
			map[string]any{"trend_context": "bullish"}}
	}
	return &Decision{Buy, conf, cur.h, cur.l, cur.h + 1.2*r,
		map[string]any{"trend_context": "bearish"}}
}

func TestDojiReversal(t *testing.T) {
	rise := trendBars(20, 48_000, 0.003)
	steepFall := trendBars(20, 52_000, -0.005)
	high := thenShaped(rise, 1, 60, 39)
	low := thenShaped(steepFall, 0, 60, 40)
	lowWant := dojiWant(low)
	lowWant.Confidence = 0.70 // 0.40 + 0.20 + 0.2, capped
	flat := trendBars(20, 50_000, 0)
	p := flat[19].c

	runBars(t, DojiReversal{}, dojiSpec(), []barCase{
		{name: "doji above sma10 sells", bars: high, want: dojiWant(high)},
		{name: "doji far under sma10 buys", bars: low, want: lowWant},
		{name: "body 5.5% of the range",
			bars: thenShaped(rise, 5.5, 50, 44.5),
			miss: []string{"body at most 5% of the range"}},
		{name: "doji on sma10", bars: thenShaped(flat, 0, 50, 50),
			miss: []string{"close off sma10"}},
		// Upstream's absolute floor (0.0001) let this through.
		{name: "range under 1e-7 of the price",
			bars: thenBars(rise, bar{p, p + 0.002, p, p}),
			miss: []string{"range of at least 1e-7 of the price"}},
	})
}
