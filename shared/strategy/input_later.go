package strategy

// Helpers shared by the seventeen later strategies.

import "math"

// flatFrac is the fraction of the price under which a candle's body or
// range counts as nothing. Upstream used an absolute 0.0001 (UPSTREAM.md
// §7 item 14), which is most of the range of a coin priced at 0.00001;
// relative to the price it still excludes exactly the zero bodies and
// ranges of BTC and ETH candles quoted in cents, as upstream did.
const flatFrac = 1e-7

// laggedReader reads values lags back from the last candle of a window. The
// first value that does not exist or is NaN makes err return ErrNotReady,
// so a strategy reads everything it needs, then checks once.
type laggedReader struct{ missing bool }

// at returns x lag candles back from the last one.
func (r *laggedReader) at(x []float64, lag int) float64 {
	v, ok := Last(x, lag)
	if !ok {
		r.missing = true
	}
	return v
}

// err returns ErrNotReady if any value read was missing.
func (r *laggedReader) err() error {
	if r.missing {
		return ErrNotReady
	}
	return nil
}

// barShape is one candle read through a laggedReader, with its body, range
// (span) and shadows.
type barShape struct {
	open, high, low, close   float64
	body, span, upper, lower float64
}

// shape reads the candle lag candles back from the last one.
func (r *laggedReader) shape(in *Input, lag int) barShape {
	b := barShape{open: r.at(in.Open, lag), high: r.at(in.High, lag),
		low: r.at(in.Low, lag), close: r.at(in.Close, lag)}
	b.body = math.Abs(b.close - b.open)
	b.span = b.high - b.low
	b.upper = b.high - math.Max(b.open, b.close)
	b.lower = math.Min(b.open, b.close) - b.low
	return b
}

// riskOrdered reports whether stop and target sit on the right sides of
// entry for action a (a buy needs 0 < stop < entry < target, a sell
// 0 < target < entry < stop), so the risk is positive and every level is
// a price. A strategy whose levels fail this emits nothing.
func riskOrdered(a Action, entry, stop, target float64) bool {
	switch a {
	case Buy:
		return stop > 0 && stop < entry && entry < target
	case Sell:
		return target > 0 && target < entry && entry < stop
	}
	return false
}
