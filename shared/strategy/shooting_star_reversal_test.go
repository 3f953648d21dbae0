package strategy

import (
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func shootingStarSpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			b := barAt(in, 0)
			return map[string]bool{
				"body of at least 1e-7 of the price": b.body() >= 1e-7*b.c,
				"long upper shadow":                  b.upper() >= 2.5*b.body(),
				"small lower shadow":                 b.lower() <= b.body()/5,
			}
		},
		keys: []string{"body_size", "upper_shadow", "lower_shadow",
			"shadow_ratio", "pattern_strength", "risk_reward_ratio",
			"pattern", "entry_price"},
	}
}

func TestShootingStarReversal(t *testing.T) {
	rise := trendBars(30, 48_000, 0.003)
	decline := trendBars(30, 52_000, -0.003)
	star := thenShaped(rise, -100, 400, 10)
	fallen := thenShaped(decline, -100, 400, 10)
	stubby := thenShaped(rise, -100, 1000, 10)
	want := func(bars []bar, conf, ratio float64) *Decision {
		cur := bars[len(bars)-1]
		return &Decision{Sell, conf, cur.l, cur.h, cur.l - 1.5*cur.span(),
			map[string]any{"shadow_ratio": ratio}}
	}
	sma := lagged(indicator.SMA(closesOf(fallen), 20), 0)
	if fallen[30].c > sma {
		t.Fatal("the falling window closes above SMA(20)")
	}

	runBars(t, ShootingStarReversal{}, shootingStarSpec(), []barCase{
		// 0.50 + 0.25·4/5, plus 0.1 above SMA(20).
		{name: "shooting star after a rise", bars: star,
			want: want(star, 0.80, 4)},
		{name: "shooting star after a decline", bars: fallen,
			want: want(fallen, 0.70, 4)},
		// 0.50 + 0.25, capped at 0.75, plus 0.1 capped at 0.80.
		{name: "long shadow, both caps", bars: stubby,
			want: want(stubby, 0.80, 10)},
		{name: "upper shadow twice the body",
			bars: thenShaped(rise, -100, 200, 10),
			miss: []string{"long upper shadow"}},
		{name: "lower shadow 22% of the body",
			bars: thenShaped(rise, -100, 400, 22),
			miss: []string{"small lower shadow"}},
		// Upstream's absolute floor (0.0001) let this through.
		{name: "body under 1e-7 of the price",
			bars: thenShaped(rise, -0.001, 400, 0),
			miss: []string{"body of at least 1e-7 of the price"}},
	})
}
