package strategy

import (
	"fmt"

	"github.com/tabot-functions/tabot/shared/candle"
)

// resampled returns the window's candles merged factor at a time into
// complete higher-timeframe candles (see resample), computed once per
// Input.
func (in *Input) resampled(factor int) candle.Series {
	key := cacheKey{name: "resample", a: factor}
	return memo(in, key, func() candle.Series {
		return resample(in.Series, factor)
	})
}

// resample merges the candles of s into candles factor times as long,
// each bucket aligned to the Unix epoch as exchanges align theirs (4 x 15m
// gives the hourly candles, 16 x 15m the 4-hourly ones). The interval of
// s is its smallest step between open times, so gaps do not change it.
// Only complete buckets are kept: the first one when the window starts
// inside it is dropped, and so is the last one while it is still forming,
// so a higher-timeframe candle never changes once it appears. A bucket
// with missing candles (an exchange gap) is built from those present; one
// with none is absent, as the candles of a gap are. s is not changed.
func resample(s candle.Series, factor int) candle.Series {
	step := minStep(s.OpenTime)
	if step <= 0 || factor < 1 {
		return candle.Series{}
	}
	width := step * int64(factor)
	first, end := s.OpenTime[0], s.OpenTime[s.Len()-1]+step
	n := int((end-first)/width) + 1
	out := candle.Series{OpenTime: make([]int64, 0, n),
		Open: make([]float64, 0, n), High: make([]float64, 0, n),
		Low: make([]float64, 0, n), Close: make([]float64, 0, n),
		Volume: make([]float64, 0, n)}
	for i := 0; i < s.Len(); {
		start := s.OpenTime[i] / width * width
		j := i
		hi, lo, vol := s.High[i], s.Low[i], 0.0
		for ; j < s.Len() && s.OpenTime[j] < start+width; j++ {
			hi, lo = max(hi, s.High[j]), min(lo, s.Low[j])
			vol += s.Volume[j]
		}
		if start >= first && start+width <= end {
			out.OpenTime = append(out.OpenTime, start)
			out.Open = append(out.Open, s.Open[i])
			out.High = append(out.High, hi)
			out.Low = append(out.Low, lo)
			out.Close = append(out.Close, s.Close[j-1])
			out.Volume = append(out.Volume, vol)
		}
		i = j
	}
	return out
}

// minStep returns the smallest positive step between consecutive open
// times, or 0 when there is none.
func minStep(openTimes []int64) int64 {
	var step int64
	for i := 1; i < len(openTimes); i++ {
		if d := openTimes[i] - openTimes[i-1]; d > 0 && (step == 0 || d < step) {
			step = d
		}
	}
	return step
}

// intervalName writes a duration in milliseconds the way exchanges name
// intervals: 15m, 1h, 4h, 1d.
func intervalName(ms int64) string {
	const minute, hour, day = 60_000, 60 * 60_000, 24 * 60 * 60_000
	switch {
	case ms > 0 && ms%day == 0:
		return fmt.Sprintf("%dd", ms/day)
	case ms > 0 && ms%hour == 0:
		return fmt.Sprintf("%dh", ms/hour)
	case ms > 0 && ms%minute == 0:
		return fmt.Sprintf("%dm", ms/minute)
	}
	return fmt.Sprintf("%dms", ms)
}
