package strategy

import (
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func insideBarBreakoutSpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			e8, e80 := indicator.EMA(in.Close, 8), indicator.EMA(in.Close, 80)
			a := lagged
			before := true
			for lag := 1; lag < 4; lag++ {
				before = before && a(in.Close, lag) > a(e8, lag)
			}
			return map[string]bool{
				"inside bar": a(in.High, 0) < a(in.High, 1) &&
					a(in.Low, 0) > a(in.Low, 1),
				"inside bar has a range":   a(in.High, 0) > a(in.Low, 0),
				"close above ema8":         a(in.Close, 0) > a(e8, 0),
				"closes above ema8 before": before,
				"ema8 above ema80":         a(e8, 0) > a(e80, 0),
				"ema8 rising":              a(e8, 0) > a(e8, 1),
				"ema8 rising before":       a(e8, 1) > a(e8, 2),
				"ema80 rising":             a(e80, 0) > a(e80, 1),
				"ema80 rising before":      a(e80, 1) > a(e80, 2),
			}
		},
		keys: []string{"entry_price", "stop_loss", "take_profit",
			"risk_reward_ratio", "inside_bar_high", "inside_bar_low",
			"previous_high", "previous_low", "pattern_quality", "ema8",
			"ema80", "trend_strength", "strategy_origin"},
	}
}

func insideBarBreakoutWant(bars []bar) *Decision {
	cur, prev := bars[len(bars)-1], bars[len(bars)-2]
	e8, e80 := emaOf(bars, 8, 0), emaOf(bars, 80, 0)
	quality := min(1, max(0, 1-cur.span()/prev.span()))
	conf := min(0.92, 0.76+0.1*quality+min(0.08, 5*(e8-e80)/e80))
	return &Decision{Buy, conf, cur.h, cur.l, cur.h + 2*cur.span(), nil}
}

func TestInsideBarBreakout(t *testing.T) {
	up := trendBars(1000, 20_000, 0.001)
	inside := thenInside(up[:999], 1.0008, 0.9995, 1.0005)
	gentle := trendBars(1000, 50_000, 0.0001)
	gentleInside := thenInside(gentle[:999], 1.0009, 0.9992, 1.0003)
	dipped := thenMoves(up[:995], -0.006, 0.008, 0.001)
	decline := trendBars(1000, 50_000, -0.001)

	// The EMAs' gap (3.6%) caps the trend bonus: 0.84 + 0.1 quality.
	insideWant := insideBarBreakoutWant(inside)
	prev := inside[998]
	insideWant.Confidence = 0.84 + 0.1*(1-(0.0013*prev.c)/prev.span())
	runBars(t, InsideBarBreakout{}, insideBarBreakoutSpec(), []barCase{
		{name: "inside bar in an uptrend", bars: inside, want: insideWant},
		{name: "inside bar in a gentle uptrend", bars: gentleInside,
			want: insideBarBreakoutWant(gentleInside)},
		{name: "higher high", bars: thenInside(up[:999], 1.003, 0.9995,
			1.0005), miss: []string{"inside bar"}},
		// Upstream signalled here with stop, entry and target equal.
		{name: "inside bar without range",
			bars: thenInside(up[:999], 1, 1, 1),
			miss: []string{"inside bar has a range"}},
		{name: "close dipped under ema8 three candles back",
			bars: thenInside(dipped, 1.0008, 0.9995, 1.0005),
			miss: []string{"closes above ema8 before"}},
		{name: "inside bar in a downtrend",
			bars: thenInside(decline[:999], 1.0005, 0.9992, 0.9995),
			miss: []string{"close above ema8", "closes above ema8 before",
				"ema8 above ema80", "ema8 rising", "ema8 rising before",
				"ema80 rising", "ema80 rising before"}},
	})
}
