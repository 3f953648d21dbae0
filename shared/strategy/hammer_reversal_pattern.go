package strategy

// HammerReversalPattern is hammer_reversal_pattern (Quantzed screening
// 25): a buy on a hammer candle, a lower shadow at least 2.5 times the
// body and an upper shadow at most a fifth of it. The entry is a stop at
// the candle's high, the stop its low, the target twice its range above
// the entry.
//
// What it really checks (STRATEGIES.md rule 9, UPSTREAM.md §7 item 19):
// the candle's shape only. A hammer is a reversal after a decline, but no
// decline is required; "downtrend context" (the close under at least two
// of the four previous closes) only adds 0.08 to the confidence, which is
// 0.68 plus that bonus and three shape terms (shadow-to-body ratio, the
// shadow's share of the range, a small upper shadow), capped at 0.88. A
// candle with no body or no range is no hammer. History is 5 candles.
type HammerReversalPattern struct{}

// ID returns "hammer_reversal_pattern".
func (HammerReversalPattern) ID() string { return "hammer_reversal_pattern" }

// History returns 5: the candle and the four closes before it.
func (HammerReversalPattern) History() int { return 5 }

// Evaluate implements Strategy.
func (HammerReversalPattern) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	cur := r.shape(in, 0)
	higher := 0
	for lag := 1; lag <= 4; lag++ {
		if cur.close < r.at("close", in.Close, lag) {
			higher++
		}
	}
	if r.err != nil {
		return nil, r.err
	}

	if cur.body == 0 || cur.span == 0 {
		return nil, nil
	}
	if !(cur.lower >= 2.5*cur.body && cur.upper <= cur.body/5) {
		return nil, nil
	}

	entry, stop := cur.high, cur.low
	target := riskTarget(entry, stop, 2)
	downtrend := higher >= 2
	ratio := cur.lower / cur.body
	dominance := cur.lower / cur.span
	upperRatio := cur.upper / cur.body
	wickQ, upperQ := min(1, ratio/5), max(0, 1-5*upperRatio)
	context := 0.0
	if downtrend {
		context = 0.08
	}
	conf := 0.68 + context + 0.10*wickQ + 0.08*dominance + 0.06*upperQ
	return newTrade(Buy, min(0.88, conf), entry, stop, target,
		map[string]any{
			"pattern_type":       "hammer",
			"entry_price":        entry,
			"stop_loss":          stop,
			"take_profit":        target,
			"risk_reward_ratio":  2.0,
			"candle_open":        cur.open,
			"candle_high":        cur.high,
			"candle_low":         cur.low,
			"candle_close":       cur.close,
			"body_size":          cur.body,
			"lower_shadow":       cur.lower,
			"upper_shadow":       cur.upper,
			"total_range":        cur.span,
			"wick_to_body_ratio": ratio,
			"wick_dominance":     dominance,
			"upper_wick_ratio":   upperRatio,
			"downtrend_context":  downtrend,
			"pattern_quality":    (wickQ + dominance + upperQ) / 3,
			"strategy_origin":    "quantzed_screening_25",
		}), nil
}
