package strategy

import "fmt"

// This file holds what the original and advanced strategies share: reading
// indicator values back from the last candle, and building a trade whose
// risk levels sit on the right side of the entry.
//
// Each of those strategies reads its inputs into a small values struct
// (read) and decides from those numbers alone (decide), so the rule can be
// tested without building a window for every case.

// needCandles returns ErrNotReady when in holds fewer than n candles.
func needCandles(in *Input, n int) error {
	if in.Len() < n {
		return fmt.Errorf("%w: %d candles, need %d", ErrNotReady, in.Len(), n)
	}
	return nil
}

// lagReader reads series back from the last candle and keeps the first
// value that was missing, so a strategy reads everything it needs and
// checks once.
type lagReader struct{ err error }

// at returns x at lag (0 is the last candle). A value that does not exist
// or is NaN is recorded as ErrNotReady, naming the series, and read as 0.
func (r *lagReader) at(name string, x []float64, lag int) float64 {
	v, ok := Last(x, lag)
	if !ok && r.err == nil {
		r.err = fmt.Errorf("%w: %s has no value at lag %d",
			ErrNotReady, name, lag)
	}
	return v
}

// span returns x at lags 0..len(dst)-1 into dst, dst[0] being the last
// candle.
func (r *lagReader) span(name string, x []float64, dst []float64) {
	for lag := range dst {
		dst[lag] = r.at(name, x, lag)
	}
}

// riskTarget returns the target k times the risk away from price on the
// side opposite the stop: above for a buy (stop below), below for a sell.
func riskTarget(price, stop, k float64) float64 {
	return price + k*(price-stop)
}

// newTrade returns a buy or sell at price with the given stop and target,
// both also recorded in meta, or nil when they are on the wrong side: a buy
// needs 0 < stop < price < target, a sell 0 < target < price < stop. A
// rule whose levels land on the wrong side has no trade to offer, so it
// does not fire, rather than emitting a decision Evaluate would reject.
func newTrade(a Action, conf, price, stop, target float64,
	meta map[string]any) *Decision {
	lo, hi := stop, target
	if a == Sell {
		lo, hi = target, stop
	}
	if !(lo > 0 && lo < price && price < hi) {
		return nil
	}
	meta["stop_loss"], meta["take_profit"] = stop, target
	return &Decision{Action: a, Confidence: conf, Price: price,
		StopLoss: stop, TakeProfit: target, Metadata: meta}
}

// percent returns p hundredths. Confidences add their bonuses in whole
// percents, so 75+5+5 gives exactly 0.85 rather than 0.8500000000000001,
// and a sum that reaches a strength bound (0.75, 0.9) is not a hair under.
func percent(p int) float64 { return float64(p) / 100 }
