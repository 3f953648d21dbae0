package strategy

import (
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func emaSlopeReversalSpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			a := lagged
			e9 := indicator.EMA(in.Close, 9)
			return map[string]bool{
				"ema9 rose before":   a(e9, 1) > a(e9, 2),
				"ema9 falls":         a(e9, 0) < a(e9, 1),
				"close under ema9":   a(in.Close, 0) < a(e9, 0),
				"candle has a range": a(in.High, 0) > a(in.Low, 0),
			}
		},
		keys: []string{"ema9", "current_inclination", "previous_inclination",
			"slope_change", "price_distance_from_ema",
			"normalized_slope_change", "risk_reward_ratio", "pattern",
			"entry_price"},
	}
}

func emaSlopeReversalWant(bars []bar) *Decision {
	cur := bars[len(bars)-1]
	n0, n1 := emaOf(bars, 9, 0), emaOf(bars, 9, 1)
	n2 := emaOf(bars, 9, 2)
	change := math.Abs((n0 - n1) - (n1 - n2))
	conf := min(0.80, 0.55+50*change/cur.c+10*(n0-cur.c)/cur.c)
	r := cur.span()
	return &Decision{Sell, conf, cur.l, cur.h, cur.l - 2*r, nil}
}

func TestEMASlopeReversalSell(t *testing.T) {
	up := trendBars(200, 50_000, 0.001)
	turn := thenMoves(up, -0.01)
	crash := thenMoves(up, -0.03)
	crashWant := emaSlopeReversalWant(crash)
	crashWant.Confidence = 0.80 // capped
	p := up[199].c
	gap := thenBars(up, bar{0.99 * p, 0.99 * p, 0.99 * p, 0.99 * p})

	runBars(t, EMASlopeReversalSell{}, emaSlopeReversalSpec(), []barCase{
		{name: "ema9 turns down", bars: turn,
			want: emaSlopeReversalWant(turn)},
		{name: "crash, confidence capped", bars: crash, want: crashWant},
		{name: "uptrend", bars: up,
			miss: []string{"ema9 falls", "close under ema9"}},
		{name: "already falling",
			bars: thenMoves(trendBars(200, 50_000, -0.001), -0.01),
			miss: []string{"ema9 rose before"}},
		// Upstream sold here with stop, entry and target equal.
		{name: "turn on a candle without range", bars: gap,
			miss: []string{"candle has a range"}},
	})
}
