package candle

import (
	"fmt"
	"time"
)

// Interval is a candle length as exchanges spell it: 1m, 3m, 5m, 15m, 30m,
// 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w or 1M (a calendar month; "1m" is a
// minute). The zero value is not a valid interval.
type Interval string

const (
	minuteMs = int64(time.Minute / time.Millisecond)
	hourMs   = 60 * minuteMs
	dayMs    = 24 * hourMs
	// monthMs is the nominal length of 1M; its calendar arithmetic is in
	// Next and Steps.
	monthMs = 30 * dayMs
)

// Intervals returns every valid interval, shortest first.
func Intervals() []Interval {
	return []Interval{"1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h",
		"6h", "8h", "12h", "1d", "3d", "1w", "1M"}
}

// ParseInterval returns s as an Interval, or an error wrapping ErrInvalid
// when s is not one of the intervals listed on Interval.
func ParseInterval(s string) (Interval, error) {
	iv := Interval(s)
	if iv.Millis() == 0 {
		return "", fmt.Errorf("%w: interval %q is not one of "+
			"1m,3m,5m,15m,30m,1h,2h,4h,6h,8h,12h,1d,3d,1w,1M",
			ErrInvalid, truncate(s))
	}
	return iv, nil
}

// Millis returns the length of iv in milliseconds, 0 for an invalid
// interval. For 1M it is the nominal 30 days; Next and Steps follow the
// calendar.
func (iv Interval) Millis() int64 {
	switch iv {
	case "1m":
		return minuteMs
	case "3m":
		return 3 * minuteMs
	case "5m":
		return 5 * minuteMs
	case "15m":
		return 15 * minuteMs
	case "30m":
		return 30 * minuteMs
	case "1h":
		return hourMs
	case "2h":
		return 2 * hourMs
	case "4h":
		return 4 * hourMs
	case "6h":
		return 6 * hourMs
	case "8h":
		return 8 * hourMs
	case "12h":
		return 12 * hourMs
	case "1d":
		return dayMs
	case "3d":
		return 3 * dayMs
	case "1w":
		return 7 * dayMs
	case "1M":
		return monthMs
	}
	return 0
}

// Duration returns the length of iv (nominal for 1M, see Millis).
func (iv Interval) Duration() time.Duration {
	return time.Duration(iv.Millis()) * time.Millisecond
}

// Valid reports whether iv is one of the intervals listed on Interval.
func (iv Interval) Valid() bool { return iv.Millis() != 0 }

// String returns iv as exchanges spell it.
func (iv Interval) String() string { return string(iv) }

// Aligned reports whether openTime (ms since the epoch, UTC) can open a
// candle of iv. Intervals up to 1d must be a multiple of their length
// since the epoch; 3d and 1w only need to start a UTC day, since
// exchanges differ on the phase of those (Binance weeks open on Monday);
// 1M must open the first day of a month at 00:00 UTC.
func (iv Interval) Aligned(openTime int64) bool {
	switch iv {
	case "":
		return false
	case "3d", "1w":
		return openTime%dayMs == 0
	case "1M":
		t := time.UnixMilli(openTime).UTC()
		return openTime%dayMs == 0 && t.Day() == 1
	}
	ms := iv.Millis()
	return ms != 0 && openTime%ms == 0
}

// Next returns the open time of the candle after the one of iv that opens
// at openTime; it is also the instant that candle closes. 1M follows the
// calendar; every other interval adds its length.
func (iv Interval) Next(openTime int64) int64 {
	if iv != "1M" {
		return openTime + iv.Millis()
	}
	t := time.UnixMilli(openTime).UTC()
	return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC).
		UnixMilli()
}

// Steps returns how many candles of iv lie from the one opening at from
// to the one opening at to: 1 for neighbours, 0 for the same candle, and
// negative when to is before from. Times off the grid count whole
// intervals only.
func (iv Interval) Steps(from, to int64) int64 {
	if iv == "1M" {
		a, b := time.UnixMilli(from).UTC(), time.UnixMilli(to).UTC()
		return int64(b.Year()-a.Year())*12 + int64(b.Month()-a.Month())
	}
	ms := iv.Millis()
	if ms == 0 {
		return 0
	}
	return (to - from) / ms
}

// CheckOpenTime returns nil when openTime is a plausible open time (see
// ValidateOpenTime) aligned to iv, and an error wrapping ErrInvalid that
// says which rule it breaks otherwise.
func (iv Interval) CheckOpenTime(openTime int64) error {
	if err := ValidateOpenTime(openTime); err != nil {
		return err
	}
	if !iv.Aligned(openTime) {
		return fmt.Errorf("%w: open_time %d (%s) is not on a %s boundary",
			ErrInvalid, openTime, formatMillis(openTime), iv)
	}
	return nil
}

// Missing counts the candles of iv absent between consecutive candles,
// which must be sorted by open time: 0 for a contiguous run.
func Missing(iv Interval, candles []Candle) int {
	var n int64
	for i := 1; i < len(candles); i++ {
		if s := iv.Steps(candles[i-1].OpenTime, candles[i].OpenTime); s > 1 {
			n += s - 1
		}
	}
	return int(n)
}
