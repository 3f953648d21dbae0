package strategy

import "testing"

func hammerSpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			b := barAt(in, 0)
			return map[string]bool{
				"has a body":         b.body() > 0,
				"has a range":        b.h > b.l,
				"long lower shadow":  b.lower() >= 2.5*b.body(),
				"small upper shadow": b.upper() <= b.body()/5,
			}
		},
		keys: []string{"pattern_type", "entry_price", "stop_loss",
			"take_profit", "risk_reward_ratio", "candle_open", "candle_high",
			"candle_low", "candle_close", "body_size", "lower_shadow",
			"upper_shadow", "total_range", "wick_to_body_ratio",
			"wick_dominance", "upper_wick_ratio", "downtrend_context",
			"pattern_quality", "strategy_origin"},
	}
}

func TestHammerReversalPattern(t *testing.T) {
	decline := trendBars(10, 52_000, -0.003)
	rise := trendBars(10, 48_000, 0.003)
	hammer := thenShaped(decline, 100, 10, 300)
	// Two of the four closes before it are above the hammer's close.
	var mixed []bar
	prev := 50_600.0
	for _, c := range []float64{50_500, 50_400, 49_900, 50_000} {
		mixed = append(mixed, barTo(prev, c))
		prev = c
	}
	mixed = thenShaped(mixed, 100, 10, 300)
	risen := thenShaped(rise, 100, 10, 300)

	// After a decline: 0.68 + 0.08 + 0.10·3/5 + 0.08·300/410 + 0.06·1/2
	// is 0.9085, capped at 0.88.
	want := func(bars []bar, conf float64) *Decision {
		cur := bars[len(bars)-1]
		return &Decision{Buy, conf, cur.h, cur.l, cur.h + 2*cur.span(),
			map[string]any{"downtrend_context": conf == 0.88,
				"wick_to_body_ratio": 3.0}}
	}
	runBars(t, HammerReversalPattern{}, hammerSpec(), []barCase{
		{name: "hammer after a decline", bars: hammer,
			want: want(hammer, 0.88)},
		{name: "two of four closes above, a downtrend", bars: mixed,
			want: want(mixed, 0.88)},
		{name: "hammer after a rise", bars: risen,
			want: want(risen, 0.68+0.06+0.08*300/410+0.03)},
		{name: "lower shadow twice the body",
			bars: thenShaped(decline, 100, 10, 200),
			miss: []string{"long lower shadow"}},
		{name: "upper shadow half the body",
			bars: thenShaped(decline, 100, 50, 300),
			miss: []string{"small upper shadow"}},
		{name: "no body", bars: thenShaped(decline, 0, 0, 300),
			miss: []string{"has a body"}},
		{name: "no range", bars: thenShaped(decline, 0, 0, 0),
			miss: []string{"has a body", "has a range"}},
	})
}
