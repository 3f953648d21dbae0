package strategy

import (
	"fmt"
	"math"
)

// This file holds how strategies read their inputs: values lags back from
// the last candle, read once and checked once, and a candle's shape.
//
// The strategies whose rule is a short list of comparisons read those
// values into a small struct (read) and decide from the numbers alone
// (decide), so the rule can be tested without building a window for every
// case; they also refuse a window shorter than their History themselves
// (needCandles). The others read and decide in Evaluate.

// needCandles returns ErrNotReady when in holds fewer than n candles.
func needCandles(in *Input, n int) error {
	if in.Len() < n {
		return fmt.Errorf("%w: %d candles, need %d", ErrNotReady, in.Len(), n)
	}
	return nil
}

// decided returns the decision of the values v, or err when reading
// them failed: the Evaluate of a strategy with a read step.
func decided[V interface{ decide() *Decision }](v V, err error) (
	*Decision, error) {
	if err != nil {
		return nil, err
	}
	return v.decide(), nil
}

// lagReader reads series back from the last candle and keeps the first
// value that was missing, so a strategy reads everything it needs and
// checks err once.
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

// barShape is one candle with its body, range (span) and shadows.
type barShape struct {
	open, high, low, close   float64
	body, span, upper, lower float64
}

// shape reads the candle lag candles back from the last one.
func (r *lagReader) shape(in *Input, lag int) barShape {
	b := barShape{open: r.at("open", in.Open, lag),
		high: r.at("high", in.High, lag), low: r.at("low", in.Low, lag),
		close: r.at("close", in.Close, lag)}
	b.body = math.Abs(b.close - b.open)
	b.span = b.high - b.low
	b.upper = b.high - math.Max(b.open, b.close)
	b.lower = math.Min(b.open, b.close) - b.low
	return b
}

// volumeRatio returns volume over its mean, 0 when there is no mean.
func volumeRatio(volume, mean float64) float64 {
	if mean > 0 {
		return volume / mean
	}
	return 0
}

// flatFrac is the fraction of the price under which a candle's body or
// range counts as nothing. Upstream used an absolute 0.0001 (UPSTREAM.md
// §7 item 14), which is most of the range of a coin priced at 0.00001;
// relative to the price it still excludes exactly the zero bodies and
// ranges of BTC and ETH candles quoted in cents, as upstream did.
const flatFrac = 1e-7
