package candle

import (
	"fmt"
	"time"
)

// The plausible range of open times, in ms since the epoch: from
// 2009-01-01 (before any crypto exchange) up to, not including,
// 2100-01-01. A value outside it is a unit mistake, not a market.
const (
	MinOpenTime int64 = 1230768000000 // 2009-01-01T00:00:00Z
	MaxOpenTime int64 = 4102444800000 // 2100-01-01T00:00:00Z
)

// ValidateOpenTime returns nil when ms is a plausible open time in
// milliseconds since the epoch (MinOpenTime <= ms < MaxOpenTime), and an
// error wrapping ErrInvalid otherwise; the reason says when the value
// looks like seconds or microseconds instead.
func ValidateOpenTime(ms int64) error {
	if ms >= MinOpenTime && ms < MaxOpenTime {
		return nil
	}
	const sec, us = 1000, 1000
	switch {
	case ms >= MinOpenTime/sec && ms < MaxOpenTime/sec:
		return fmt.Errorf("%w: open_time %d looks like seconds, want "+
			"milliseconds since the epoch (%s)", ErrInvalid, ms,
			formatMillis(ms*sec))
	case ms/us >= MinOpenTime && ms/us < MaxOpenTime:
		return fmt.Errorf("%w: open_time %d looks like microseconds, want "+
			"milliseconds since the epoch (%s)", ErrInvalid, ms,
			formatMillis(ms/us))
	}
	return fmt.Errorf("%w: open_time %d is not in milliseconds between "+
		"2009 and 2100", ErrInvalid, ms)
}

// Time returns ms since the epoch as a UTC time.
func Time(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func formatMillis(ms int64) string {
	return Time(ms).Format(time.RFC3339Nano)
}
