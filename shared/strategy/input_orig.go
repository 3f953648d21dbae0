package strategy

import (
	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/indicator"
)

// Ichimoku returns the Ichimoku lines over tenkan, kijun and senkou
// candles (usually 9, 26, 52), the spans already shifted under the candle
// they apply to.
func (in *Input) Ichimoku(tenkan, kijun, senkou int) indicator.IchimokuResult {
	key := cacheKey{name: "ichimoku", a: tenkan, b: kijun, k: float64(senkou)}
	return memo(in, key, func() indicator.IchimokuResult {
		return indicator.Ichimoku(in.High, in.Low, tenkan, kijun, senkou)
	})
}

// resampled returns the window's candles merged factor at a time into
// complete higher-timeframe candles (see resample).
func (in *Input) resampled(factor int) candle.Series {
	return memo(in, cacheKey{name: "resample", a: factor}, func() candle.Series {
		return resample(in.Series, factor)
	})
}
