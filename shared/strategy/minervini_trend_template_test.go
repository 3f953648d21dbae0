package strategy

import (
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func minerviniSpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			a := lagged
			c := a(in.Close, 0)
			m50, m150 := a(indicator.SMA(in.Close, 50), 0),
				a(indicator.SMA(in.Close, 150), 0)
			sma200 := indicator.SMA(in.Close, 200)
			lo, hi := minerviniRange(in.Close)
			rs := minerviniRS(in.Close)
			return map[string]bool{
				"close above sma50":      c > m50,
				"sma50 above sma150":     m50 > m150,
				"sma150 above sma200":    m150 > a(sma200, 0),
				"sma200 rising over 20":  a(sma200, 0) > a(sma200, 20),
				"30% above the low":      c >= 1.3*lo,
				"within 25% of the high": c >= 0.75*hi,
				"rs over 70":             rs > 70,
			}
		},
		keys: []string{"sma50", "sma150", "sma200", "week_52_high",
			"week_52_low", "rs_rating", "criteria_met", "criteria_score",
			"price_position_in_range", "atr14", "risk_reward_ratio",
			"pattern", "entry_price"},
	}
}

// minerviniRange returns the lowest and highest of the last 260 closes.
func minerviniRange(close []float64) (lo, hi float64) {
	lo, hi = lagged(close, 0), lagged(close, 0)
	for lag := 1; lag < 260; lag++ {
		lo, hi = min(lo, lagged(close, lag)), max(hi, lagged(close, lag))
	}
	return lo, hi
}

// minerviniRS is the spec's RS rating: the close against its own past.
func minerviniRS(close []float64) float64 {
	c := lagged(close, 0)
	return 100 * (0.4*c/lagged(close, 62) + 0.2*c/lagged(close, 125) +
		0.2*c/lagged(close, 188) + 0.2*c/lagged(close, 251))
}

func minerviniWant(bars []bar) *Decision {
	closes := closesOf(bars)
	cur := bars[len(bars)-1]
	lo, hi := minerviniRange(closes)
	rs := minerviniRS(closes)
	var highs, lows []float64
	for _, b := range bars {
		highs, lows = append(highs, b.h), append(lows, b.l)
	}
	atr := lagged(indicator.ATR(highs, lows, closes, 14), 0)
	conf := min(0.90, 0.80+0.05*min(1, (rs-70)/30)+
		0.05*(cur.c-lo)/(hi-lo))
	return &Decision{Buy, conf, cur.h, cur.h - 2*atr, cur.h + 4*atr,
		map[string]any{"rs_rating": rs, "criteria_met": 7}}
}

func TestMinerviniTrendTemplate(t *testing.T) {
	rise := trendBars(300, 10_000, 0.002)
	pulled := thenMoves(trendBars(295, 10_000, 0.003),
		-0.01, -0.01, -0.01, -0.01, -0.01)
	riseWant := minerviniWant(rise)
	riseWant.Confidence = 0.90 // RS far over 100, the close at the high

	runBars(t, MinerviniTrendTemplate{}, minerviniSpec(), []barCase{
		{name: "steady advance", bars: rise, want: riseWant},
		{name: "advance then a 5% pullback", bars: pulled,
			want: minerviniWant(pulled)},
		{name: "advance of 23% over 260 candles",
			bars: trendBars(300, 10_000, 0.0008),
			miss: []string{"30% above the low"}},
		{name: "crash off the high",
			bars: thenMoves(trendBars(300, 10_000, 0.003), -0.1, -0.1, -0.1),
			miss: []string{"close above sma50", "within 25% of the high"}},
		{name: "decline", bars: trendBars(300, 10_000, -0.004),
			miss: []string{"close above sma50", "sma50 above sma150",
				"sma150 above sma200", "sma200 rising over 20",
				"30% above the low", "within 25% of the high",
				"rs over 70"}},
	})
}

// TestMinerviniHistory checks History covers everything it reads:
// 260 closes, SMA(200) 20 candles back and a settled ATR(14).
func TestMinerviniHistory(t *testing.T) {
	h := MinerviniTrendTemplate{}.History()
	for name, need := range map[string]int{
		"upstream guard": 265, "closes": 260, "sma200 then": 220,
		"atr14": indicator.SettleATR(14),
	} {
		if h < need {
			t.Errorf("History %d < %d (%s)", h, need, name)
		}
	}
}
