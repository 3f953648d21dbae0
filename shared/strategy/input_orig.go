package strategy

import "github.com/tabot-functions/tabot/shared/candle"

// resampled returns the window's candles merged factor at a time into
// complete higher-timeframe candles (see resample).
func (in *Input) resampled(factor int) candle.Series {
	return memo(in, cacheKey{name: "resample", a: factor}, func() candle.Series {
		return resample(in.Series, factor)
	})
}
