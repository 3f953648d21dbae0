package strategy

import (
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func emaMomentumSpec() barSpec {
	return barSpec{
		conds: func(in *Input, setup string) map[string]bool {
			a := lagged
			e9 := indicator.EMA(in.Close, 9)
			slope := func(k int) float64 { return a(e9, k) - a(e9, k+1) }
			lowsAbove := func(from, to int) int {
				n := 0
				for lag := from; lag <= to; lag++ {
					if a(in.Low, lag) > a(e9, lag) {
						n++
					}
				}
				return n
			}
			var rising, falling int
			for k := 0; k < 5; k++ {
				if slope(k) > 0 {
					rising++
				}
				if slope(k) < 0 {
					falling++
				}
			}
			turn := slope(1) < 0 && slope(0) > 0
			conds := map[string]bool{
				"candle has a range": a(in.High, 0) > a(in.Low, 0),
			}
			switch setup {
			case "9.1":
				conds["slope turned up"] = turn
				conds["close above ema9"] = a(in.Close, 0) > a(e9, 0)
			case "9.2":
				conds["no low above ema9"] = lowsAbove(0, 4) == 0
				conds["no rising slope"] = rising == 0
				conds["close under previous low"] =
					a(in.Close, 0) < a(in.Low, 1)
			case "9.3":
				conds["a low not above ema9"] = lowsAbove(0, 2) < 3
				conds["three falling slopes"] = falling >= 3
				conds["two closes under"] = a(in.Close, 1) < a(in.Close, 2) &&
					a(in.Close, 0) < a(in.Close, 2)
			case "9.4":
				conds["a low not above ema9 before"] = lowsAbove(2, 6) < 5
				conds["previous close under ema9"] =
					a(in.Close, 1) < a(e9, 1)
				conds["higher low"] = a(in.Low, 0) > a(in.Low, 1)
				conds["slope turned up"] = turn
			}
			return conds
		},
		keys: []string{"setup_type", "entry_price", "stop_loss",
			"take_profit", "risk_reward_ratio", "ema9", "ema9_momentum",
			"price_distance_from_ema", "current_slope", "previous_slope",
			"strategy_origin"},
	}
}

func emaMomentumWant(bars []bar, base float64,
	setup, origin string) *Decision {
	cur := bars[len(bars)-1]
	e9 := emaOf(bars, 9, 0)
	slope := e9 - emaOf(bars, 9, 1)
	bonus := 0.0
	if slope > 0 {
		bonus = min(0.05, 100*slope/e9)
	}
	conf := base + bonus - min(0.08, 10*math.Abs(cur.c-e9)/e9)
	return &Decision{Buy, min(0.88, max(0.60, conf)), cur.h, cur.l,
		cur.h + 2*cur.span(),
		map[string]any{"setup_type": setup, "strategy_origin": origin}}
}

func TestEMAMomentumReversal(t *testing.T) {
	down := trendBars(200, 50_000, -0.001)
	steepDown := trendBars(200, 50_000, -0.002)
	p := down[len(down)-1].c
	// Up 1% with a higher low: the slope turns and 9.4 holds too.
	turn := thenBars(down, bar{p, p * 1.011, p * 0.9995, p * 1.01})
	smallTurn := thenMoves(trendBars(200, 50_000, -0.0002), 0.002)
	capitulation := thenMoves(steepDown, -0.003)
	pattern := thenMoves(down, -0.0005)
	bounce := thenMoves(down[:197], 0.008, -0.004, -0.004)
	// Two rising slopes, then exactly three falling ones.
	three := thenMoves(down, 0.006, 0.001, -0.005, -0.002, -0.002)
	q := 0.99 * steepDown[len(steepDown)-1].c
	gap := thenBars(steepDown, bar{q, q, q, q})

	// Capitulation closes 1.1% under EMA(9): the distance penalty is
	// capped, 0.78 - 0.08.
	capWant := emaMomentumWant(capitulation, 0.78, "setup_9_2_capitulation",
		"quantzed_screening_14")
	capWant.Confidence = 0.70
	runBars(t, EMAMomentumReversal{}, emaMomentumSpec(), []barCase{
		{name: "9.1 slope turns up", bars: turn, side: "9.1",
			want: emaMomentumWant(turn, 0.76, "setup_9_1_slope_reversal",
				"quantzed_screening_13")},
		// The slope bonus is the slope in percent of the price, about
		// 0.02 here; upstream's 100 times the raw slope gave 0.05.
		{name: "9.1 slope turns up gently", bars: smallTurn, side: "9.1",
			want: emaMomentumWant(smallTurn, 0.76,
				"setup_9_1_slope_reversal", "quantzed_screening_13")},
		// Every 9.4 window is a 9.1 window: the first match wins.
		{name: "9.4 conditions hold, 9.1 wins", bars: turn, side: "9.4",
			want: emaMomentumWant(turn, 0.76, "setup_9_1_slope_reversal",
				"quantzed_screening_13")},
		{name: "9.2 capitulation", bars: capitulation, side: "9.2",
			want: capWant},
		{name: "9.3 lower closes", bars: pattern, side: "9.3",
			want: emaMomentumWant(pattern, 0.74,
				"setup_9_3_pattern_reversal", "quantzed_screening_15")},
		// A rising slope three candles back rules out 9.2, not 9.3.
		{name: "9.2 broken by a bounce, 9.3 holds", bars: bounce,
			side: "9.3", want: emaMomentumWant(bounce, 0.74,
				"setup_9_3_pattern_reversal", "quantzed_screening_15")},
		{name: "9.3 with exactly three falling slopes", bars: three,
			side: "9.3", want: emaMomentumWant(three, 0.74,
				"setup_9_3_pattern_reversal", "quantzed_screening_15")},
		{name: "9.3 with the last close back above", side: "9.3",
			bars: thenMoves(down, -0.002, -0.004, 0.005),
			miss: []string{"two closes under"}},
		{name: "uptrend", bars: trendBars(200, 50_000, 0.001), side: "9.1",
			miss: []string{"slope turned up"}},
		{name: "uptrend, no capitulation",
			bars: trendBars(200, 50_000, 0.001), side: "9.2",
			miss: []string{"no low above ema9", "no rising slope",
				"close under previous low"}},
		// Upstream bought here with stop, entry and target equal.
		{name: "capitulation on a candle without range", bars: gap,
			side: "9.2", miss: []string{"candle has a range"}},
	})
}
