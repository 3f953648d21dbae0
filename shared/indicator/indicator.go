// Package indicator computes technical indicators with TA-Lib's
// conventions over float64 columns, oldest value first.
//
// Every function returns a slice as long as its input. An index that has
// no value yet holds NaN: the indicator's lookback (its LookbackX function
// or constant gives the index of the first value), or every index when the
// input is shorter than that. Every other index holds a finite number,
// also on flat prices, zero-range candles and zero volume: where a formula
// would divide 0 by 0 the function returns TA-Lib's value for that case
// (RSI 0 on a flat window, %K 0 on a zero range, ...) and its doc comment
// says which. Callers read the last value and treat NaN as "not enough
// data", never as a number.
//
// TA-Lib tests some of those cases against absolute bounds (1e-8, and 1.0
// for the money flow of MFI), which would erase every value of a coin
// priced at 0.00000123. This package tests for an exact zero, or recomputes
// a window exactly where running sums lose digits, so results keep their
// precision at any price; on the reference data they are TA-Lib's to 1e-8.
//
// Inputs are candle columns that passed candle.Validate: finite, positive
// prices, low <= open, close <= high, volume >= 0. Columns of unequal
// length are cut to the shortest. SMA, EMA, Highest and Lowest skip
// leading NaNs, so they can smooth another indicator's output.
//
// The recursive indicators (EMA, RSI, MACD, ATR, DMI) depend on every
// value since the start of their input; their SettleX functions give how
// many candles a window needs before its last value is within
// SettleTolerance of the value over any longer history. The others are
// exact from their first value. A strategy's History should cover the
// settling length of what it reads, not only the lookback.
//
// Compute (or Set.Fill) gives the 22 columns of the TA-Lib reference
// files in shared passes. The package does no I/O and keeps no state
// between calls.
package indicator

import (
	"math"

	"github.com/tabot-functions/tabot/shared/candle"
)

// SettleTolerance is how close, relative to max(1, |value|), the last value
// of a recursive indicator over SettleX candles comes to its value over a
// longer history.
const SettleTolerance = 1e-6

// DefaultWindow is the number of candles a strategy window holds by
// default (candle.DefaultWindowSize, WINDOW_SIZE); it covers the settling
// length of every indicator the strategies read except EMA(200) (see
// SettleEMA).
const DefaultWindow = candle.DefaultWindowSize

// fillNaN sets every element of s to NaN.
func fillNaN(s []float64) {
	nan := math.NaN()
	for i := range s {
		s[i] = nan
	}
}

// nanSlice returns a slice of n NaN values.
func nanSlice(n int) []float64 {
	out := make([]float64, n)
	fillNaN(out)
	return out
}

// firstValid returns the index of the first value of src that is not NaN,
// or len(src).
func firstValid(src []float64) int {
	for i, v := range src {
		if !math.IsNaN(v) {
			return i
		}
	}
	return len(src)
}

// shortest returns the length of the shortest column.
func shortest(cols ...[]float64) int {
	n := len(cols[0])
	for _, c := range cols[1:] {
		n = min(n, len(c))
	}
	return n
}

// mean is the plain mean of s, summed in order as TA-Lib seeds do.
func mean(s []float64) float64 {
	var sum float64
	for _, v := range s {
		sum += v
	}
	return sum / float64(len(s))
}

// flat reports whether every value of s equals the first.
func flat(s []float64) bool {
	for _, v := range s[1:] {
		if v != s[0] {
			return false
		}
	}
	return true
}
