package indicator

import "math"

// Lookbacks: the index of an indicator's first value, TA-Lib's lookback.
// An input of lookback+1 values gives exactly one value; a shorter one
// gives only NaN, which callers report as "not enough data".

// LookbackSMA is the index of SMA(n)'s first value.
func LookbackSMA(n int) int { return n - 1 }

// LookbackEMA is the index of EMA(n)'s first value.
func LookbackEMA(n int) int { return n - 1 }

// LookbackRSI is the index of RSI(n)'s first value.
func LookbackRSI(n int) int { return n }

// LookbackMACD is the index of the first value of all three MACD outputs.
func LookbackMACD(fast, slow, signal int) int {
	return max(fast, slow) + signal - 2
}

// LookbackBBands is the index of BBands(n)'s first value.
func LookbackBBands(n int) int { return n - 1 }

// LookbackTrueRange is the index of TrueRange's first value.
const LookbackTrueRange = 1

// LookbackATR is the index of ATR(n)'s first value.
func LookbackATR(n int) int { return n }

// LookbackDI is the index of the first +DI and -DI of DMI(n).
func LookbackDI(n int) int { return n }

// LookbackADX is the index of the first ADX of DMI(n).
func LookbackADX(n int) int { return 2*n - 1 }

// LookbackStoch is the index of the first %K and %D.
func LookbackStoch(fastK, slowK, slowD int) int {
	return fastK + slowK + slowD - 3
}

// LookbackWillR is the index of WillR(n)'s first value.
func LookbackWillR(n int) int { return n - 1 }

// LookbackCCI is the index of CCI(n)'s first value.
func LookbackCCI(n int) int { return n - 1 }

// LookbackMFI is the index of MFI(n)'s first value.
func LookbackMFI(n int) int { return n }

// LookbackOBV is the index of OBV's first value.
const LookbackOBV = 0

// LookbackVWAP is the index of VWAP's first value.
const LookbackVWAP = 0

// LookbackHighest is the index of Highest(n)'s first value.
func LookbackHighest(n int) int { return n - 1 }

// LookbackLowest is the index of Lowest(n)'s first value.
func LookbackLowest(n int) int { return n - 1 }

// LookbackIchimoku is the index from which all four Ichimoku lines have a
// value (Span B's, 77 for 9, 26, 52).
func LookbackIchimoku(tenkan, kijun, senkou int) int {
	return max(tenkan, kijun, senkou) - 1 + kijun
}

// LookbackSwing is the first index at which a swing of strength k can be
// confirmed.
func LookbackSwing(k int) int { return 2 * k }

// Settling: how many candles a window needs before a recursive
// indicator's last value no longer depends on where the window starts.
// The window's seed (the SMA of its first values, where a longer history
// has a smoothed value) keeps a weight that decays geometrically; SettleX
// waits until that weight is below 1e-6 for the price averages EMA and
// ATR, whose seed is off by a fraction of the price, and below 1e-8 for
// RSI, DMI and MACD, whose seed can be off by 100 times their value. A
// non-recursive indicator is exact once it has a value: it settles after
// lookback+1 candles.

// SettleEMA is the number of candles after which EMA(n) is within
// SettleTolerance of its value over any longer history: EMA 8: 63, 9: 71,
// 21: 166, 50: 396, 80: 633, 200: 1582.
func SettleEMA(n int) int {
	return n + decay(1-2/float64(n+1), 0, 1e-6)
}

// SettleRSI is the number of candles after which RSI(n) is within
// SettleTolerance of its value over any longer history (RSI 14: 264,
// RSI 2: 30).
func SettleRSI(n int) int { return n + 1 + decay(1-1/float64(n), 0, 1e-8) }

// SettleATR is the number of candles after which ATR(n) is within
// SettleTolerance of its value over any longer history (ATR 14: 202).
func SettleATR(n int) int { return n + 1 + decay(1-1/float64(n), 0, 1e-6) }

// SettleDMI is the number of candles after which +DI, -DI and ADX of
// DMI(n) are within SettleTolerance of their values over any longer
// history; the ADX smooths the smoothed DI once more (period 14: 306).
func SettleDMI(n int) int {
	return n + 1 + decay(1-1/float64(n), 1/float64(n), 1e-8)
}

// SettleMACD is the number of candles after which the three MACD outputs
// are within SettleTolerance of their values over any longer history
// (12, 26, 9: 306).
func SettleMACD(fast, slow, signal int) int {
	slow = max(fast, slow)
	r := 1 - 2/float64(max(slow, signal)+1)
	return slow + decay(r, 1-r, 1e-8)
}

// decay is the least t with (1+a*t)*r^t <= w: r^t is the weight left of
// one exponential smoothing's seed after t steps, (1+a*t)*r^t that of a
// smoothing of something smoothed at the same rate a = 1-r.
func decay(r, a, w float64) int {
	if r <= 0 {
		return 0
	}
	t := int(math.Ceil(math.Log(w) / math.Log(r)))
	for (1+a*float64(t))*math.Pow(r, float64(t)) > w {
		t++
	}
	return t
}
