package strategy

import (
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func dojiSpec() laterSpec {
	return laterSpec{
		conds: func(in *Input, _ string) map[string]bool {
			a := laterAt
			o, h, l, c := a(in.Open, 0), a(in.High, 0), a(in.Low, 0),
				a(in.Close, 0)
			sma := a(indicator.SMA(in.Close, 10), 0)
			return map[string]bool{
				"range of at least 1e-7 of the price": h-l >= 1e-7*c,
				"body at most 5% of the range": math.Abs(c-o) <=
					0.05*(h-l),
				"close off sma10": c != sma,
			}
		},
		keys: []string{"body_size", "total_range", "body_percentage",
			"doji_quality", "trend_context", "sma10", "risk_reward_ratio",
			"pattern", "entry_price"},
	}
}

func dojiWant(bars []laterCandle) *laterWant {
	cur := bars[len(bars)-1]
	sma := laterAt(indicator.SMA(laterCloses(bars), 10), 0)
	r := cur.h - cur.l
	quality := 1 - math.Abs(cur.c-cur.o)/r/0.05
	conf := min(0.70, 0.40+0.20*quality+
		min(0.2, 10*math.Abs(cur.c-sma)/cur.c))
	if cur.c > sma {
		return &laterWant{Sell, conf, cur.l, cur.h, cur.l - 1.2*r,
			map[string]any{"trend_context": "bullish"}}
	}
	return &laterWant{Buy, conf, cur.h, cur.l, cur.h + 1.2*r,
		map[string]any{"trend_context": "bearish"}}
}

func TestDojiReversal(t *testing.T) {
	rise := laterTrend(20, 48_000, 0.003)
	steepFall := laterTrend(20, 52_000, -0.005)
	high := laterShaped(rise, 1, 60, 39)
	low := laterShaped(steepFall, 0, 60, 40)
	lowWant := dojiWant(low)
	lowWant.conf = 0.70 // 0.40 + 0.20 + 0.2, capped
	flat := laterTrend(20, 50_000, 0)
	p := flat[19].c

	laterRun(t, DojiReversal{}, dojiSpec(), []laterCase{
		{name: "doji above sma10 sells", bars: high, want: dojiWant(high)},
		{name: "doji far under sma10 buys", bars: low, want: lowWant},
		{name: "body 5.5% of the range",
			bars: laterShaped(rise, 5.5, 50, 44.5),
			miss: []string{"body at most 5% of the range"}},
		{name: "doji on sma10", bars: laterShaped(flat, 0, 50, 50),
			miss: []string{"close off sma10"}},
		// Upstream's absolute floor (0.0001) let this through.
		{name: "range under 1e-7 of the price",
			bars: laterWith(rise, laterCandle{p, p + 0.002, p, p}),
			miss: []string{"range of at least 1e-7 of the price"}},
	})
}
