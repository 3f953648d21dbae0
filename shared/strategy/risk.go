package strategy

// This file holds the one rule for a trade's risk levels and the helpers
// that build a trade on it.

// minRisk is the smallest stop distance a trade may have, as a share of
// its entry: a stop closer than that is no stop, only a rounding error
// away from the entry (UPSTREAM.md §7 item 23), and whether it fell on
// the right side could depend on the price scale.
const minRisk = 1e-6

// riskOrdered reports whether stop and target sit on the right sides of
// entry for action a (a buy needs 0 < stop < entry < target, a sell
// 0 < target < entry < stop) with the stop at least minRisk of the entry
// away, so the risk is positive and every level is a price. Evaluate
// rejects a decision that breaks it; a strategy whose levels break it has
// no trade to offer and does not fire.
func riskOrdered(a Action, entry, stop, target float64) bool {
	risk := minRisk * entry
	switch a {
	case Buy:
		return stop > 0 && stop < entry-risk && entry < target
	case Sell:
		return target > 0 && target < entry && entry+risk < stop
	}
	return false
}

// riskTarget returns the target k times the risk away from entry on the
// side opposite the stop: above for a buy (stop below), below for a sell.
func riskTarget(entry, stop, k float64) float64 {
	return entry + k*(entry-stop)
}

// newTrade returns a buy or sell at entry with the given stop, target and
// metadata, or nil when the levels are not riskOrdered: a rule whose
// levels land on the wrong side does not fire, rather than emitting a
// decision Evaluate would reject.
func newTrade(a Action, conf, entry, stop, target float64,
	meta map[string]any) *Decision {
	if !riskOrdered(a, entry, stop, target) {
		return nil
	}
	return &Decision{Action: a, Confidence: conf, Price: entry,
		StopLoss: stop, TakeProfit: target, Metadata: meta}
}

// stepConf returns a confidence of base percent plus 5 for each bonus
// that holds, at most most percent. The sum is taken in whole percents, so
// 75+5+5 gives exactly 0.85 rather than 0.8500000000000001, and a sum that
// reaches a strength bound (0.75, 0.9) is not a hair under.
func stepConf(base, most int, bonus ...bool) float64 {
	for _, b := range bonus {
		if b {
			base += 5
		}
	}
	return float64(min(base, most)) / 100
}
