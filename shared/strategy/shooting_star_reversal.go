package strategy

// ShootingStarReversal is shooting_star_reversal (Quantzed screening 26):
// a sell on a shooting star candle, an upper shadow at least 2.5 times the
// body and a lower shadow at most a fifth of it. The entry is a stop at
// the candle's low, the stop its high, the target 1.5 times its range
// under the entry. Confidence is 0.50 plus 0.25 times the shadow-to-body
// ratio over 5 (at most 1), capped at 0.75, plus 0.1 when the close is
// above SMA(20), capped at 0.80.
//
// What it really checks (STRATEGIES.md rule 9, UPSTREAM.md §7 item 19):
// the candle's shape only; a shooting star is a reversal after a rise,
// but no rise is required, a close above SMA(20) only adds confidence. A
// body under 1e-7 of the close is no body (upstream: under 0.0001 in
// price units, §7 item 14). History is 20 candles, for SMA(20).
type ShootingStarReversal struct{}

// ID returns "shooting_star_reversal".
func (ShootingStarReversal) ID() string { return "shooting_star_reversal" }

// History returns 20, SMA(20)'s period.
func (ShootingStarReversal) History() int { return 20 }

// Evaluate implements Strategy.
func (ShootingStarReversal) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	cur := r.shape(in, 0)
	sma := r.at("sma20", in.SMA(20), 0)
	if r.err != nil {
		return nil, r.err
	}

	if cur.body < flatFrac*cur.close {
		return nil, nil
	}
	if !(cur.upper >= 2.5*cur.body && cur.lower <= cur.body/5) {
		return nil, nil
	}

	entry, stop := cur.low, cur.high
	target := riskTarget(entry, stop, 1.5)
	ratio := cur.upper / cur.body
	strength := min(1, ratio/5)
	conf := min(0.75, 0.50+0.25*strength)
	if cur.close > sma {
		conf += 0.1
	}
	return newTrade(Sell, min(0.80, conf), entry, stop, target,
		map[string]any{
			"body_size":         cur.body,
			"upper_shadow":      cur.upper,
			"lower_shadow":      cur.lower,
			"shadow_ratio":      ratio,
			"pattern_strength":  strength,
			"risk_reward_ratio": 1.5,
			"pattern":           "shooting_star_bearish_reversal",
			"entry_price":       entry,
		}), nil
}
