package strategy

import (
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func emaPullbackSpec() barSpec {
	return barSpec{
		conds: func(in *Input, side string) map[string]bool {
			a := lagged
			e9, e20 := indicator.EMA(in.Close, 9), indicator.EMA(in.Close, 20)
			e30 := indicator.EMA(in.Close, 30)
			above, below := true, true
			for lag := 0; lag < 4; lag++ {
				above = above && a(in.Close, lag) > a(e20, lag)
				below = below && a(in.Close, lag) < a(e20, lag)
			}
			ranged := a(in.High, 0) > a(in.Low, 0)
			if side == "sell" {
				return map[string]bool{
					"ema9 under ema20":   a(e9, 0) < a(e20, 0),
					"high near ema20":    a(in.High, 0) >= 0.99*a(e20, 0),
					"higher high":        a(in.High, 0) > a(in.High, 1),
					"closes under ema20": below,
					"candle has a range": ranged,
				}
			}
			return map[string]bool{
				"ema20 above ema30":  a(e20, 0) > a(e30, 0),
				"low near ema20":     a(in.Low, 0) <= 1.01*a(e20, 0),
				"closes above ema20": above,
				"candle has a range": ranged,
			}
		},
		keys: []string{"setup_type", "entry_price", "stop_loss",
			"take_profit", "risk_reward_ratio", "ema9", "ema20", "ema30",
			"ema_separation", "pullback_depth", "trend_quality",
			"pullback_quality", "strategy_origin"},
	}
}

func emaPullbackWant(bars []bar, side Action) *Decision {
	cur := bars[len(bars)-1]
	e20, e30 := emaOf(bars, 20, 0), emaOf(bars, 30, 0)
	trendQ := min(1, 20*math.Abs(e20-e30)/e30)
	pullbackQ := max(0, 1-10*math.Abs(cur.c-e20)/e20)
	conf := min(0.88, 0.74+0.08*trendQ+0.06*pullbackQ)
	r := cur.span()
	if side == "sell" {
		return &Decision{Sell, conf, cur.l, cur.h, cur.l - 2*r, nil}
	}
	return &Decision{Buy, conf, cur.h, cur.l, cur.h + 2*r, nil}
}

// thenRally returns bars followed by a candle that opens at the last
// close, trades up to h times the previous high (or just above its
// close, if higher) and closes at c times the last close.
func thenRally(bars []bar, h, c float64) []bar {
	p, prevHigh := bars[len(bars)-1].c, bars[len(bars)-1].h
	return thenBars(bars, bar{p, max(prevHigh*h, p*c*1.001),
		min(p, p*c) * 0.999, p * c})
}

func TestEMAPullbackContinuation(t *testing.T) {
	up := trendBars(500, 50_000, 0.001)
	steepUp := trendBars(500, 50_000, 0.0019) // low 1.5% above EMA(20)
	down := trendBars(500, 50_000, -0.001)
	steepDown := trendBars(500, 50_000, -0.002) // high 1.5% under EMA(20)
	rally := thenRally(down, 1.001, 0.999)
	steepRally := thenRally(steepDown, 1.001, 0.999)

	runBars(t, EMAPullbackContinuation{}, emaPullbackSpec(), []barCase{
		{name: "uptrend within 1% of ema20", bars: up,
			want: emaPullbackWant(up, Buy)},
		{name: "failed rally in a downtrend", bars: rally,
			want: emaPullbackWant(rally, Sell)},
		{name: "failed rally, wide emas", bars: steepRally,
			side: "sell", miss: []string{"high near ema20"}},
		{name: "uptrend far above ema20", bars: steepUp,
			miss: []string{"low near ema20"}},
		{name: "close dipped under ema20", bars: thenMoves(up, -0.015,
			0.017), miss: []string{"closes above ema20"}},
		{name: "downtrend without a higher high", bars: down, side: "sell",
			miss: []string{"higher high"}},
		{name: "rally closing above ema20",
			bars: thenRally(down, 1.001, 1.012), side: "sell",
			miss: []string{"closes under ema20"}},
	})
}
