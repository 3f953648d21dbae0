package candle_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tabot-functions/tabot/shared/candle"
)

func TestCheckClosed(t *testing.T) {
	// now is the clock of the user's report: 2026-12-03T18:00:00Z.
	now := time.UnixMilli(ms("2026-12-03T18:00:00Z"))
	tests := []struct {
		name     string
		iv       candle.Interval
		openTime int64
		skew     time.Duration
		wantErr  string // "" for nil
	}{
		{"long closed", "1h", ms("2022-08-01T00:00:00Z"), time.Minute, ""},
		{"closes now", "1h", ms("2026-12-03T17:00:00Z"), 0, ""},
		{"still open", "1h", ms("2026-12-03T18:00:00Z"), time.Minute,
			"1h candle opening at 1796320800000 " +
				"(2026-12-03T18:00:00Z) closes at 2026-12-03T19:00:00Z, " +
				"after now 2026-12-03T18:00:00Z"},
		{"closes within skew", "1m", ms("2026-12-03T18:00:00Z"),
			time.Minute, ""},
		{"closes a ms past skew", "1m",
			ms("2026-12-03T18:00:00Z") + 1, time.Minute, "closes at"},
		{"no skew, a ms early", "1m", ms("2026-12-03T17:59:00Z") + 1, 0,
			"not closed"},
		{"2027 from the report", "1h", 1811808000000, time.Minute,
			"opening at 1811808000000 (2027-06-01T00:00:00Z)"},
		{"2099", "1h", ms("2099-01-01T00:00:00Z"), time.Minute,
			"not closed"},
		{"month closed", "1M", ms("2026-11-01T00:00:00Z"), 0, ""},
		{"month running", "1M", ms("2026-12-01T00:00:00Z"), time.Hour,
			"closes at 2027-01-01T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := candle.CheckClosed(tt.openTime, tt.iv, now, tt.skew)
			checkErr(t, err, tt.wantErr, candle.ErrInvalid)
			if err != nil && !errors.Is(err, candle.ErrNotClosed) {
				t.Errorf("error %q does not wrap ErrNotClosed", err)
			}
		})
	}
}
