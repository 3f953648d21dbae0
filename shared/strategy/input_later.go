package strategy

import (
	"math"

	"github.com/tabot-functions/tabot/shared/indicator"
)

// warmupWeight is the weight a recursive indicator's seed may keep in the
// value a strategy reads: below it, the value matches the one computed over
// the whole history to about 1e-8 of the price (the tolerance of the
// TA-Lib reference checks), whatever candle the window starts at.
const warmupWeight = 1e-8

// emaWarmup is the number of candles an SMA-seeded EMA(n) needs before its
// last value carries less than warmupWeight of its seed: the n-candle seed
// plus t steps with (1-2/(n+1))^t <= warmupWeight. EMA(8) needs 82, EMA(9)
// 92, EMA(20) 205, EMA(30) 307, EMA(80) 817.
func emaWarmup(n int) int {
	return n + decaySteps(1-2/float64(n+1))
}

// wilderWarmup is emaWarmup for Wilder's smoothing (RSI, ATR): the n
// changes of the seed, one candle before them, and t steps with
// (1-1/n)^t <= warmupWeight. RSI(2) needs 30, ATR(14) 264.
func wilderWarmup(n int) int {
	return n + 1 + decaySteps(1-1/float64(n))
}

// decaySteps is the least t with keep^t <= warmupWeight.
func decaySteps(keep float64) int {
	if keep <= 0 {
		return 0
	}
	return int(math.Ceil(math.Log(warmupWeight) / math.Log(keep)))
}

// priceScale is the power of two that brings the window's last close into
// [8192, 16384). Multiplying by a power of two is exact in floating point,
// so an indicator computed on scaled closes and scaled back is bit for bit
// TA-Lib's, except that TA-Lib's absolute zero tests (a variance or an
// average below 1e-8 counts as 0) now apply relative to the price.
func (in *Input) priceScale() float64 {
	last, ok := Last(in.Close, 0)
	if !ok || last <= 0 || math.IsInf(last, 0) {
		return 1
	}
	_, exp := math.Frexp(last)
	return math.Ldexp(1, 14-exp)
}

// scaledCloses returns the closes times priceScale.
func (in *Input) scaledCloses() []float64 {
	return memo(in, cacheKey{name: "scaled-close"}, func() []float64 {
		s := in.priceScale()
		out := make([]float64, len(in.Close))
		for i, c := range in.Close {
			out[i] = c * s
		}
		return out
	})
}

// ScaleFreeBBands returns Bollinger Bands(n, k) of closes that behave the
// same at any price level. TA-Lib treats a variance below 1e-8 as zero,
// which collapses the bands of every coin priced under about 0.01; these
// bands are computed on closes scaled by a power of two and scaled back,
// so at ordinary prices they equal BBands(n, k) exactly.
func (in *Input) ScaleFreeBBands(n int, k float64) indicator.Bands {
	return memo(in, cacheKey{name: "sf-bb", a: n, k: k},
		func() indicator.Bands {
			b := indicator.BBands(in.scaledCloses(), n, k)
			s := in.priceScale()
			for _, col := range [][]float64{b.Upper, b.Middle, b.Lower} {
				for i := range col {
					col[i] /= s
				}
			}
			return b
		})
}

// ScaleFreeRSI returns Wilder's RSI(n) of closes that behaves the same at
// any price level. TA-Lib reports 0 when the two averages sum to under
// 1e-8, which is every quiet stretch of a coin priced near 0.00001; this
// RSI is computed on closes scaled by a power of two, so at ordinary
// prices it equals RSI(n) exactly.
func (in *Input) ScaleFreeRSI(n int) []float64 {
	return memo(in, cacheKey{name: "sf-rsi", a: n}, func() []float64 {
		return indicator.RSI(in.scaledCloses(), n)
	})
}

// flatFrac is the fraction of the price under which a candle's body or
// range counts as nothing. Upstream used an absolute 0.0001 (UPSTREAM.md
// §7 item 14), which is most of the range of a coin priced at 0.00001;
// relative to the price it still excludes exactly the zero bodies and
// ranges of BTC and ETH candles quoted in cents, as upstream did.
const flatFrac = 1e-7

// lagReader reads values lags back from the last candle of a window. The
// first value that does not exist or is NaN makes err return ErrNotReady,
// so a strategy reads everything it needs, then checks once.
type lagReader struct{ missing bool }

// at returns x lag candles back from the last one.
func (r *lagReader) at(x []float64, lag int) float64 {
	v, ok := Last(x, lag)
	if !ok {
		r.missing = true
	}
	return v
}

// err returns ErrNotReady if any value read was missing.
func (r *lagReader) err() error {
	if r.missing {
		return ErrNotReady
	}
	return nil
}

// barShape is one candle read through a lagReader, with its body, range
// (span) and shadows.
type barShape struct {
	open, high, low, close   float64
	body, span, upper, lower float64
}

// shape reads the candle lag candles back from the last one.
func (r *lagReader) shape(in *Input, lag int) barShape {
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
