package strategy

import (
	"math"
	"testing"
)

func hammerSpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			a := lagged
			o, h, l, c := a(in.Open, 0), a(in.High, 0), a(in.Low, 0),
				a(in.Close, 0)
			body := math.Abs(c - o)
			return map[string]bool{
				"has a body":         body > 0,
				"has a range":        h > l,
				"long lower shadow":  math.Min(o, c)-l >= 2.5*body,
				"small upper shadow": h-math.Max(o, c) <= body/5,
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
		h, l := bars[len(bars)-1].h, bars[len(bars)-1].l
		return &Decision{Buy, conf, h, l, h + 2*(h-l),
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
