package strategy

import (
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func foxTrapSpec() barSpec {
	return barSpec{
		conds: func(in *Input, side string) map[string]bool {
			a := lagged
			e8, e20 := indicator.EMA(in.Close, 8), indicator.EMA(in.Close, 20)
			e80 := indicator.EMA(in.Close, 80)
			c, f, m, s := a(in.Close, 0), a(e8, 0), a(e20, 0), a(e80, 0)
			up, down := true, true
			for lag := 0; lag < 6; lag++ {
				up = up && a(e8, lag) > a(e80, lag)
				down = down && a(e8, lag) < a(e80, lag)
			}
			var highAbove, lowBelow bool
			for lag := 1; lag <= 2; lag++ {
				highAbove = highAbove || a(in.High, lag) > a(e8, lag)
				lowBelow = lowBelow || a(in.Low, lag) < a(e8, lag)
			}
			ranged := a(in.High, 0) > a(in.Low, 0)
			if side == "sell" {
				return map[string]bool{
					"close under ema80":        c < s,
					"close under ema8":         c < f,
					"ema8 under ema80":         f < s,
					"high near ema8":           a(in.High, 0) >= 0.98*f,
					"a low under ema8 before":  lowBelow,
					"ema8 under ema80 for six": down,
					"candle has a range":       ranged,
				}
			}
			return map[string]bool{
				"close above ema8":         c > f,
				"ema8 above ema80":         f > s,
				"ema8 above ema20":         f > m,
				"low near ema8":            a(in.Low, 0) <= 1.02*f,
				"a high above ema8 before": highAbove,
				"ema8 above ema80 for six": up,
				"candle has a range":       ranged,
			}
		},
		keys: []string{"trap_type", "entry_price", "stop_loss",
			"take_profit", "risk_reward_ratio", "ema8", "ema20", "ema80",
			"ema_separation", "ema8_ema20_separation", "trap_distance",
			"trend_quality", "trap_quality", "strategy_origin"},
	}
}

func foxTrapWant(bars []bar, side Action) *Decision {
	cur := bars[len(bars)-1]
	f, m := emaOf(bars, 8, 0), emaOf(bars, 20, 0)
	s := emaOf(bars, 80, 0)
	extreme, kind := cur.l, "bullish_fox_trap"
	if side == Sell {
		extreme, kind = cur.h, "bearish_fox_trap"
	}
	conf := min(0.92, 0.78+0.08*min(1, 15*math.Abs(f-s)/s)+
		0.06*min(1, 20*math.Abs(f-m)/m)+
		0.05*max(0, 1-20*math.Abs(extreme-f)/f))
	r := cur.span()
	meta := map[string]any{"trap_type": kind}
	if side == Sell {
		return &Decision{Sell, conf, cur.l, cur.h, cur.l - 2*r, meta}
	}
	return &Decision{Buy, conf, cur.h, cur.l, cur.h + 2*r, meta}
}

func TestFoxTrapReversal(t *testing.T) {
	up := trendBars(1000, 20_000, 0.001)
	steep := trendBars(1000, 2_000, 0.005)
	down := trendBars(1000, 50_000, -0.001)
	rally := thenMoves(trendBars(1000, 50_000, 0), 0.01, 0.01, 0.01, 0.01,
		0.01)
	// A seven-candle pullback takes EMA(8) under EMA(20), not under
	// EMA(80); the previous candle's wick reaches above EMA(8).
	pullback := thenMoves(trendBars(1000, 20_000, 0.002), -0.004, -0.004,
		-0.004, -0.004, -0.004, -0.004, -0.004, 0.003, 0.006)
	pullback[len(pullback)-2].h *= 1.01
	steepWant := foxTrapWant(steep, Buy)
	steepWant.Confidence = 0.92 // at the cap
	p := up[len(up)-1].c

	runBars(t, FoxTrapReversal{}, foxTrapSpec(), []barCase{
		{name: "uptrend holding ema8", bars: up, want: foxTrapWant(up, Buy)},
		{name: "steep uptrend, confidence capped", bars: steep,
			want: steepWant},
		{name: "downtrend holding under ema8", bars: down,
			want: foxTrapWant(down, Sell)},
		{name: "low far above ema8", bars: trendBars(1000, 100, 0.01),
			miss: []string{"low near ema8"}},
		{name: "pullback, ema8 under ema20", bars: pullback,
			miss: []string{"ema8 above ema20"}},
		{name: "fresh rally, ema8 over ema80 for five candles",
			bars: rally, miss: []string{"ema8 above ema80 for six"}},
		// The two candles before the drop trade wholly above EMA(8).
		{name: "drop after a rally", side: "sell",
			bars: thenMoves(down, 0.015, 0.005, 0.005, -0.02),
			miss: []string{"a low under ema8 before"}},
		{name: "high far under ema8", bars: trendBars(1000, 1e9, -0.01),
			side: "sell", miss: []string{"high near ema8"}},
		{name: "candle without range",
			bars: thenBars(up, bar{p, p, p, p}),
			miss: []string{"candle has a range"}},
	})
}
