package strategy

import (
	"math"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/indicator"
)

// Input is one window as strategies see it: the candle columns plus
// indicators computed on first use and shared by every strategy evaluated
// on the same Input. An Input is not safe for concurrent use.
type Input struct {
	candle.Series
	Symbol   string
	Interval string

	cache map[cacheKey]any
}

type cacheKey struct {
	name string
	a, b int
	k    float64
}

// NewInput returns the Input for a window's candles.
func NewInput(symbol, interval string, s candle.Series) *Input {
	return &Input{Series: s, Symbol: symbol, Interval: interval,
		cache: make(map[cacheKey]any)}
}

func memo[T any](in *Input, key cacheKey, f func() T) T {
	if v, ok := in.cache[key]; ok {
		return v.(T)
	}
	v := f()
	in.cache[key] = v
	return v
}

// Last returns x[len-1-lag], and false when that index does not exist or
// holds no value (NaN) yet.
func Last(x []float64, lag int) (float64, bool) {
	i := len(x) - 1 - lag
	if i < 0 {
		return 0, false
	}
	v := x[i]
	return v, !math.IsNaN(v)
}

// EMA returns the SMA-seeded EMA(n) of closes.
func (in *Input) EMA(n int) []float64 {
	return memo(in, cacheKey{name: "ema", a: n}, func() []float64 {
		return indicator.EMA(in.Close, n)
	})
}

// SMA returns the SMA(n) of closes.
func (in *Input) SMA(n int) []float64 {
	return memo(in, cacheKey{name: "sma", a: n}, func() []float64 {
		return indicator.SMA(in.Close, n)
	})
}

// VolumeSMA returns the SMA(n) of volumes, the current bar included.
func (in *Input) VolumeSMA(n int) []float64 {
	return memo(in, cacheKey{name: "vsma", a: n}, func() []float64 {
		return indicator.SMA(in.Volume, n)
	})
}

// RSI returns Wilder's RSI(n) of closes.
func (in *Input) RSI(n int) []float64 {
	return memo(in, cacheKey{name: "rsi", a: n}, func() []float64 {
		return indicator.RSI(in.Close, n)
	})
}

// MACD returns MACD(12, 26, 9) of closes.
func (in *Input) MACD() indicator.MACDResult {
	return memo(in, cacheKey{name: "macd"}, func() indicator.MACDResult {
		return indicator.MACD(in.Close, 12, 26, 9)
	})
}

// BBands returns Bollinger Bands(n, k) of closes.
func (in *Input) BBands(n int, k float64) indicator.Bands {
	return memo(in, cacheKey{name: "bb", a: n, k: k}, func() indicator.Bands {
		return indicator.BBands(in.Close, n, k)
	})
}

// ATR returns ATR(n).
func (in *Input) ATR(n int) []float64 {
	return memo(in, cacheKey{name: "atr", a: n}, func() []float64 {
		return indicator.ATR(in.High, in.Low, in.Close, n)
	})
}

// DMI returns +DI, -DI and ADX of period n.
func (in *Input) DMI(n int) indicator.DMIResult {
	return memo(in, cacheKey{name: "dmi", a: n}, func() indicator.DMIResult {
		return indicator.DMI(in.High, in.Low, in.Close, n)
	})
}

// Highest returns the rolling maximum of highs over n candles.
func (in *Input) Highest(n int) []float64 {
	return memo(in, cacheKey{name: "hh", a: n}, func() []float64 {
		return indicator.Highest(in.High, n)
	})
}

// Lowest returns the rolling minimum of lows over n candles.
func (in *Input) Lowest(n int) []float64 {
	return memo(in, cacheKey{name: "ll", a: n}, func() []float64 {
		return indicator.Lowest(in.Low, n)
	})
}
