package strategy

import "github.com/tabot-functions/tabot/shared/indicator"

// MinerviniTrendTemplate is minervini_trend_template (Quantzed screening
// 35): a buy when all seven points of Minervini's trend template hold,
// with a "52-week" range of 260 candles of whatever interval is analysed:
//
//  1. close > SMA(50) > SMA(150) > SMA(200);
//  2. SMA(150) > SMA(200);
//  3. SMA(200) above its value 20 candles back;
//  4. SMA(50) above SMA(150) and SMA(200);
//  5. the close at least 30% above the lowest of the last 260 closes;
//  6. the close at least 75% of the highest of them;
//  7. an RS rating over 70, where RS is 100 times the weighted ratio of
//     the close to the closes 62, 125, 188 and 251 candles back (weights
//     0.4, 0.2, 0.2, 0.2): the coin against its own past, not a market.
//
// What it really checks (STRATEGIES.md rule 9): points 2 and 4 restate
// point 1, and point 7 follows from point 6 (each ratio is at least 0.75,
// so RS is at least 75); there is no market benchmark.
//
// The entry is a stop at the candle's high, the stop 2 ATR(14) under it,
// the target 4 ATR(14) above it. Confidence is 0.80 (0.70 plus 0.10 for
// all seven points), plus 0.05 times how far RS is from 70 to 100, plus
// 0.05 times where the close sits in the 260-candle range, at most 0.90.
//
// Upstream never emitted it: it asked for 265 candles of a 250-candle
// fetch and its signal code could only fail (UPSTREAM.md §7 item 17). It
// gets them from the longer window, as intended (STRATEGIES.md rule 8).
// History is 265 candles, upstream's guard, which covers the 260 closes,
// SMA(200) 20 candles back (220) and ATR(14) settled (202).
type MinerviniTrendTemplate struct{}

// ID returns "minervini_trend_template".
func (MinerviniTrendTemplate) ID() string { return "minervini_trend_template" }

// History returns 265, upstream's guard.
func (MinerviniTrendTemplate) History() int {
	return max(265, 260, 200+20, indicator.SettleATR(14))
}

// Evaluate implements Strategy.
func (MinerviniTrendTemplate) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	cur := r.shape(in, 0)
	sma200 := in.SMA(200)
	m50, m150 := r.at("sma50", in.SMA(50), 0), r.at("sma150", in.SMA(150), 0)
	m200, m200Then := r.at("sma200", sma200, 0), r.at("sma200", sma200, 20)
	atr := r.at("atr", in.ATR(14), 0)
	c := cur.close
	lo, hi := c, c
	for lag := 1; lag < 260; lag++ {
		v := r.at("close", in.Close, lag)
		lo, hi = min(lo, v), max(hi, v)
	}
	then := func(lag int) float64 { return r.at("close", in.Close, lag) }
	rs := 100 * (0.4*c/then(62) + 0.2*c/then(125) + 0.2*c/then(188) +
		0.2*c/then(251))
	if r.err != nil {
		return nil, r.err
	}

	// Points 2 and 4 restate parts of point 1.
	template := c > m50 && m50 > m150 && m150 > m200 && // 1, 2, 4
		m200 > m200Then && // 3
		c >= 1.30*lo && // 5
		c >= 0.75*hi && // 6
		rs > 70 // 7
	if !template {
		return nil, nil
	}

	entry := cur.high
	stop, target := entry-2*atr, entry+4*atr
	position := (c - lo) / (hi - lo)
	rsStrength := min(1, (rs-70)/30)
	conf := min(0.90, 0.70+0.10+0.05*rsStrength+0.05*position)
	return newTrade(Buy, conf, entry, stop, target,
		map[string]any{
			"sma50":                   m50,
			"sma150":                  m150,
			"sma200":                  m200,
			"week_52_high":            hi,
			"week_52_low":             lo,
			"rs_rating":               rs,
			"criteria_met":            7,
			"criteria_score":          1.0,
			"price_position_in_range": position,
			"atr14":                   atr,
			"risk_reward_ratio":       2.0,
			"pattern":                 "minervini_trend_template",
			"entry_price":             entry,
		}), nil
}
