package strategy

import "github.com/tabot-functions/tabot/shared/indicator"

// Ichimoku returns the Ichimoku lines over tenkan, kijun and senkou
// candles (usually 9, 26, 52), the spans already shifted under the candle
// they apply to.
func (in *Input) Ichimoku(tenkan, kijun, senkou int) indicator.IchimokuResult {
	key := cacheKey{name: "ichimoku", a: tenkan, b: kijun, k: float64(senkou)}
	return memo(in, key, func() indicator.IchimokuResult {
		return indicator.Ichimoku(in.High, in.Low, tenkan, kijun, senkou)
	})
}
