package strategy

import (
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func bearTrapSellSpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			a := lagged
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

// thenPoke returns bars followed by a candle opening at the last close,
// poking up to high (an absolute price), down to l and closing at c times
// the last close.
func thenPoke(bars []bar, high, l, c float64) []bar {
	p := bars[len(bars)-1].c
	return thenBars(bars, bar{p, high, p * l, p * c})
}

func bearTrapSellWant(bars []bar) *Decision {
	cur := bars[len(bars)-1]
	e80 := emaOf(bars, 80, 0)
	r := cur.span()
	ratio := (e80 - cur.c) / (cur.h - e80)
	return &Decision{Sell, min(0.85, 0.60+0.25*ratio), cur.l, cur.h,
		cur.l - 2*r, map[string]any{"failure_ratio": ratio}}
}

func TestBearTrapSell(t *testing.T) {
	down := trendBars(1000, 50_000, -0.0005)
	e80 := emaOf(down, 80, 0)
	p := down[999].c
	// The close falls back 1.9% under EMA(80) after poking 0.5% above.
	trap := thenPoke(down, 1.005*e80, 0.998, 0.999)
	// Failing just under EMA(80) after a tall poke: a low ratio.
	weak := thenPoke(down, 1.1*e80, 0.998, (e80-0.001*p)/p)
	shaken := thenMoves(down, 0.03, -0.025, -0.02)

	trapWant := bearTrapSellWant(trap)
	trapWant.Confidence = 0.85 // failure ratio over 1, capped
	runBars(t, BearTrapSell{}, bearTrapSellSpec(), []barCase{
		{name: "poke above ema80, close far under", bars: trap,
			want: trapWant},
		{name: "tall poke, close just under", bars: weak,
			want: bearTrapSellWant(weak)},
		{name: "downtrend, no poke", bars: down,
			miss: []string{"high above ema80"}},
		{name: "close stays above ema80",
			bars: thenPoke(down, 1.05*e80, 0.998, 1.03),
			miss: []string{"close under ema80"}},
		{name: "a close above ema80 two candles back",
			bars: thenPoke(shaken, 1.005*emaOf(shaken, 80, 0), 0.998,
				0.999),
			miss: []string{"closes under ema80 before"}},
	})
}
