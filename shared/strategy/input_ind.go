package strategy

import "github.com/tabot-functions/tabot/shared/indicator"

// Accessors of the indicators beyond the core set, memoised like those of
// input.go. Where an indicator takes three periods, the third goes in the
// cache key's k (a whole number is exact in a float64).

// TrueRange returns Wilder's true range of each candle.
func (in *Input) TrueRange() []float64 {
	return memo(in, cacheKey{name: "tr"}, func() []float64 {
		return indicator.TrueRange(in.High, in.Low, in.Close)
	})
}

// Stoch returns the slow stochastic %K and %D (TA-Lib's STOCH, SMA
// smoothing), e.g. Stoch(14, 3, 3). %K is 0 on a zero range.
func (in *Input) Stoch(fastK, slowK, slowD int) indicator.StochResult {
	key := cacheKey{name: "stoch", a: fastK, b: slowK, k: float64(slowD)}
	return memo(in, key, func() indicator.StochResult {
		return indicator.Stoch(in.High, in.Low, in.Close, fastK, slowK, slowD)
	})
}

// WillR returns Williams' %R over n candles.
func (in *Input) WillR(n int) []float64 {
	return memo(in, cacheKey{name: "willr", a: n}, func() []float64 {
		return indicator.WillR(in.High, in.Low, in.Close, n)
	})
}

// CCI returns the commodity channel index over n candles.
func (in *Input) CCI(n int) []float64 {
	return memo(in, cacheKey{name: "cci", a: n}, func() []float64 {
		return indicator.CCI(in.High, in.Low, in.Close, n)
	})
}

// MFI returns the money flow index over n candles.
func (in *Input) MFI(n int) []float64 {
	return memo(in, cacheKey{name: "mfi", a: n}, func() []float64 {
		return indicator.MFI(in.High, in.Low, in.Close, in.Volume, n)
	})
}

// OBV returns on-balance volume, starting at the window's first volume:
// compare its changes, not its level, across windows.
func (in *Input) OBV() []float64 {
	return memo(in, cacheKey{name: "obv"}, func() []float64 {
		return indicator.OBV(in.Close, in.Volume)
	})
}

// VWAP returns the VWAP anchored to each candle's UTC calendar day.
func (in *Input) VWAP() []float64 {
	return memo(in, cacheKey{name: "vwap"}, func() []float64 {
		return indicator.VWAP(in.OpenTime, in.High, in.Low, in.Close,
			in.Volume)
	})
}

// Ichimoku returns Tenkan, Kijun and the two spans under the current
// candle, e.g. Ichimoku(9, 26, 52); there is no Chikou span.
func (in *Input) Ichimoku(tenkan, kijun, senkou int) indicator.IchimokuResult {
	key := cacheKey{name: "ichimoku", a: tenkan, b: kijun, k: float64(senkou)}
	return memo(in, key, func() indicator.IchimokuResult {
		return indicator.Ichimoku(in.High, in.Low, tenkan, kijun, senkou)
	})
}

// SwingHighs returns the latest swing high of strength k confirmed at each
// candle (a high above the k highs on either side, known k candles later).
func (in *Input) SwingHighs(k int) indicator.Swings {
	return memo(in, cacheKey{name: "swinghigh", a: k}, func() indicator.Swings {
		return indicator.SwingHighs(in.High, k)
	})
}

// SwingLows returns the latest swing low of strength k confirmed at each
// candle.
func (in *Input) SwingLows(k int) indicator.Swings {
	return memo(in, cacheKey{name: "swinglow", a: k}, func() indicator.Swings {
		return indicator.SwingLows(in.Low, k)
	})
}
