package strategy

import "math"

// DojiReversal is doji_reversal (Quantzed screening 28): a doji, a body at
// most 5% of the candle's range, read against SMA(10) as a reversal: a
// sell when the close is above SMA(10) (entry a stop at the low, stop at
// the high, target 1.2 ranges under the entry), a buy when it is below
// (the mirror). Confidence is 0.40, plus 0.20 times the doji's quality
// (1 for no body, 0 at 5%), plus 10 times the close's relative distance
// from SMA(10) up to 0.2, capped at 0.70: most are weak and fall under
// the default MIN_CONFIDENCE of 0.6.
//
// Upstream never emitted it: its signal named a strength that does not
// exist and the error was swallowed (UPSTREAM.md §7 item 16). Here it
// emits, as intended (STRATEGIES.md rule 8); strength follows from the
// confidence like every signal's. A range under 1e-7 of the close is no
// candle (upstream: under 0.0001 in price units, §7 item 14). History is
// 10 candles, for SMA(10).
type DojiReversal struct{}

// ID returns "doji_reversal".
func (DojiReversal) ID() string { return "doji_reversal" }

// History returns 10, SMA(10)'s period.
func (DojiReversal) History() int { return 10 }

// Evaluate implements Strategy.
func (DojiReversal) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	cur := r.shape(in, 0)
	sma := r.at("sma10", in.SMA(10), 0)
	if r.err != nil {
		return nil, r.err
	}

	if cur.span < flatFrac*cur.close {
		return nil, nil
	}
	bodyPct := cur.body / cur.span
	if bodyPct > 0.05 {
		return nil, nil
	}

	var action Action
	var entry, stop float64
	var context string
	switch {
	case cur.close > sma:
		action, entry, stop = Sell, cur.low, cur.high
		context = "bullish"
	case cur.close < sma:
		action, entry, stop = Buy, cur.high, cur.low
		context = "bearish"
	default:
		return nil, nil
	}
	target := riskTarget(entry, stop, 1.2)
	quality := 1 - bodyPct/0.05
	trend := min(0.2, 10*math.Abs(cur.close-sma)/cur.close)
	conf := min(0.70, 0.40+0.20*quality+trend)
	return newTrade(action, conf, entry, stop, target,
		map[string]any{
			"body_size":         cur.body,
			"total_range":       cur.span,
			"body_percentage":   bodyPct,
			"doji_quality":      quality,
			"trend_context":     context,
			"sma10":             sma,
			"risk_reward_ratio": 1.2,
			"pattern":           "doji_reversal",
			"entry_price":       entry,
		}), nil
}
