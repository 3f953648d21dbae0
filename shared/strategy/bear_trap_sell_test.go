package strategy

import (
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func bearTrapSellSpec() laterSpec {
	return laterSpec{
		conds: func(in *Input, _ string) map[string]bool {
			a := laterAt
			e80 := indicator.EMA(in.Close, 80)
			before := true
			for lag := 1; lag < 4; lag++ {
				before = before && a(in.Close, lag) < a(e80, lag)
			}
			return map[string]bool{
				"high above ema80":          a(in.High, 0) > a(e80, 0),
				"close under ema80":         a(in.Close, 0) < a(e80, 0),
				"closes under ema80 before": before,
			}
		},
		keys: []string{"ema80", "false_breakout_height",
			"breakout_failure_distance", "failure_ratio", "risk_reward_ratio",
			"pattern", "entry_price"},
	}
}

// laterPoke returns bars followed by a candle opening at the last close,
// poking up to high (an absolute price), down to l and closing at c times
// the last close.
func laterPoke(bars []laterCandle, high, l, c float64) []laterCandle {
	p := bars[len(bars)-1].c
	return laterWith(bars, laterCandle{p, high, p * l, p * c})
}

func bearTrapSellWant(bars []laterCandle) *laterWant {
	cur := bars[len(bars)-1]
	e80 := laterEMA(bars, 80, 0)
	r := cur.h - cur.l
	ratio := (e80 - cur.c) / (cur.h - e80)
	return &laterWant{Sell, min(0.85, 0.60+0.25*ratio), cur.l, cur.h,
		cur.l - 2*r, map[string]any{"failure_ratio": ratio}}
}

func TestBearTrapSell(t *testing.T) {
	down := laterTrend(1000, 50_000, -0.0005)
	e80 := laterEMA(down, 80, 0)
	p := down[999].c
	// The close falls back 1.9% under EMA(80) after poking 0.5% above.
	trap := laterPoke(down, 1.005*e80, 0.998, 0.999)
	// Failing just under EMA(80) after a tall poke: a low ratio.
	weak := laterPoke(down, 1.1*e80, 0.998, (e80-0.001*p)/p)
	shaken := laterThen(down, 0.03, -0.025, -0.02)

	trapWant := bearTrapSellWant(trap)
	trapWant.conf = 0.85 // failure ratio over 1, capped
	laterRun(t, BearTrapSell{}, bearTrapSellSpec(), []laterCase{
		{name: "poke above ema80, close far under", bars: trap,
			want: trapWant},
		{name: "tall poke, close just under", bars: weak,
			want: bearTrapSellWant(weak)},
		{name: "downtrend, no poke", bars: down,
			miss: []string{"high above ema80"}},
		{name: "close stays above ema80",
			bars: laterPoke(down, 1.05*e80, 0.998, 1.03),
			miss: []string{"close under ema80"}},
		{name: "a close above ema80 two candles back",
			bars: laterPoke(shaken, 1.005*laterEMA(shaken, 80, 0), 0.998,
				0.999),
			miss: []string{"closes under ema80 before"}},
	})
}
