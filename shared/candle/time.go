package candle

import (
	"errors"
	"fmt"
	"time"
)

// ErrNotClosed is wrapped, beside ErrInvalid, by CheckClosed's error: the
// candle closes after now, so it is not a closed candle yet.
var ErrNotClosed = errors.New("not closed")

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

// CheckClosed returns nil when the candle of iv opening at openTime has
// closed by now, its close (iv.Next(openTime)) at most skew after now,
// and an error wrapping ErrInvalid and ErrNotClosed that names the open
// time and now otherwise. skew allows for a producer whose clock runs a
// little ahead.
func CheckClosed(openTime int64, iv Interval, now time.Time,
	skew time.Duration) error {
	closeTime := iv.Next(openTime)
	if closeTime <= now.Add(skew).UnixMilli() {
		return nil
	}
	return fmt.Errorf("%w: %w: %s candle opening at %d (%s) closes at %s, "+
		"after now %s (clock skew allowed %s)", ErrInvalid, ErrNotClosed,
		iv, openTime, formatMillis(openTime), formatMillis(closeTime),
		now.UTC().Format(time.RFC3339), skew)
}

// Time returns ms since the epoch as a UTC time.
func Time(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func formatMillis(ms int64) string {
	return Time(ms).Format(time.RFC3339Nano)
}
