package strategy

import (
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func bearTrapBuySpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			a := lagged
			e80 := indicator.EMA(in.Close, 80)
			before := true
			for lag := 1; lag < 4; lag++ {
				before = before && a(in.Close, lag) > a(e80, lag)
			}
			return map[string]bool{
				"low under ema80":           a(in.Low, 0) < a(e80, 0),
				"close above ema80":         a(in.Close, 0) > a(e80, 0),
				"closes above ema80 before": before,
			}
		},
		keys: []string{"ema80", "trap_depth", "recovery_strength",
			"risk_reward_ratio", "pattern", "entry_price"},
	}
}

// thenDip returns bars followed by a candle opening at the last close,
// dipping to low (an absolute price), reaching h and closing at c times
// the last close.
func thenDip(bars []bar, low, h, c float64) []bar {
	p := bars[len(bars)-1].c
	return thenBars(bars, bar{p, p * h, low, p * c})
}

func bearTrapBuyWant(bars []bar) *Decision {
	cur := bars[len(bars)-1]
	r := cur.span()
	return &Decision{Buy, min(0.85, 0.60+0.25*(cur.c-cur.l)/r), cur.h,
		cur.l, cur.h + 2*r, nil}
}

func TestBearTrapBuy(t *testing.T) {
	up := trendBars(1000, 30_000, 0.0005)
	e80 := emaOf(up, 80, 0)
	trap := thenDip(up, 0.995*e80, 1.002, 1.001)
	strong := thenDip(up, 0.995*e80, 1.002, 1.002)
	strongWant := bearTrapBuyWant(strong)
	strongWant.Confidence = 0.85 // closed at the high, capped
	shaken := thenMoves(up, -0.03, 0.025, 0.02)

	runBars(t, BearTrapBuy{}, bearTrapBuySpec(), []barCase{
		{name: "dip under ema80, close back above", bars: trap,
			want: bearTrapBuyWant(trap)},
		{name: "close at the high", bars: strong, want: strongWant},
		{name: "uptrend, no dip", bars: up,
			miss: []string{"low under ema80"}},
		{name: "close stays under ema80",
			bars: thenDip(up, 0.96*up[999].c, 1.002, 0.97),
			miss: []string{"close above ema80"}},
		{name: "a close under ema80 two candles back",
			bars: thenDip(shaken, 0.995*emaOf(shaken, 80, 0), 1.002,
				1.001),
			miss: []string{"closes above ema80 before"}},
	})
}
