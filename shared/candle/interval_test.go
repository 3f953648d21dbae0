package candle_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tabot-functions/tabot/shared/candle"
)

func ms(s string) int64 {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

func TestParseInterval(t *testing.T) {
	want := map[string]time.Duration{
		"1m": time.Minute, "3m": 3 * time.Minute, "5m": 5 * time.Minute,
		"15m": 15 * time.Minute, "30m": 30 * time.Minute, "1h": time.Hour,
		"2h": 2 * time.Hour, "4h": 4 * time.Hour, "6h": 6 * time.Hour,
		"8h": 8 * time.Hour, "12h": 12 * time.Hour, "1d": 24 * time.Hour,
		"3d": 72 * time.Hour, "1w": 7 * 24 * time.Hour,
		"1M": 30 * 24 * time.Hour,
	}
	for _, iv := range candle.Intervals() {
		got, err := candle.ParseInterval(string(iv))
		if err != nil {
			t.Errorf("ParseInterval(%q): %v", iv, err)
			continue
		}
		if got.Duration() != want[string(iv)] {
			t.Errorf("%s.Duration() = %v, want %v", iv, got.Duration(),
				want[string(iv)])
		}
		if got.Millis() != want[string(iv)].Milliseconds() {
			t.Errorf("%s.Millis() = %d", iv, got.Millis())
		}
	}
	if len(candle.Intervals()) != len(want) {
		t.Errorf("Intervals() has %d entries, want %d",
			len(candle.Intervals()), len(want))
	}

	for _, bad := range []string{"", "1s", "1H", "15M", "2m", "1mo", " 1m",
		"1m ", "60", "1D"} {
		_, err := candle.ParseInterval(bad)
		if !errors.Is(err, candle.ErrInvalid) {
			t.Errorf("ParseInterval(%q) error = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestIntervalAligned(t *testing.T) {
	tests := []struct {
		iv   candle.Interval
		at   string
		want bool
	}{
		{"1m", "2023-11-14T22:13:00Z", true},
		{"1m", "2023-11-14T22:13:30Z", false},
		{"15m", "2023-11-14T22:15:00Z", true},
		{"15m", "2023-11-14T22:13:00Z", false},
		{"4h", "2023-11-14T20:00:00Z", true},
		{"4h", "2023-11-14T22:00:00Z", false},
		{"1d", "2023-11-14T00:00:00Z", true},
		{"1d", "2023-11-14T01:00:00Z", false},
		{"3d", "2023-11-14T00:00:00Z", true},
		{"3d", "2023-11-14T12:00:00Z", false},
		{"1w", "2023-11-13T00:00:00Z", true}, // a Monday
		{"1w", "2023-11-14T00:00:00Z", true}, // day only, documented
		{"1w", "2023-11-13T06:00:00Z", false},
		{"1M", "2024-02-01T00:00:00Z", true},
		{"1M", "2024-02-02T00:00:00Z", false},
		{"1M", "2024-02-01T00:01:00Z", false},
		{"", "2024-02-01T00:00:00Z", false},
		{"7m", "2024-02-01T00:00:00Z", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.iv)+" "+tt.at, func(t *testing.T) {
			if got := tt.iv.Aligned(ms(tt.at)); got != tt.want {
				t.Errorf("Aligned = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIntervalNextSteps(t *testing.T) {
	tests := []struct {
		iv        candle.Interval
		from, to  string
		next      string
		wantSteps int64
	}{
		{"1m", "2023-11-14T22:13:00Z", "2023-11-14T22:16:00Z",
			"2023-11-14T22:14:00Z", 3},
		{"15m", "2021-04-20T01:45:00Z", "2021-04-20T04:30:00Z",
			"2021-04-20T02:00:00Z", 11},
		{"1w", "2023-11-13T00:00:00Z", "2023-11-27T00:00:00Z",
			"2023-11-20T00:00:00Z", 2},
		{"1M", "2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z",
			"2024-02-01T00:00:00Z", 2},
		{"1M", "2024-12-01T00:00:00Z", "2025-01-01T00:00:00Z",
			"2025-01-01T00:00:00Z", 1},
		{"1M", "2024-02-01T00:00:00Z", "2024-02-01T00:00:00Z",
			"2024-03-01T00:00:00Z", 0},
		{"1h", "2024-01-01T05:00:00Z", "2024-01-01T03:00:00Z",
			"2024-01-01T06:00:00Z", -2},
	}
	for _, tt := range tests {
		t.Run(string(tt.iv)+" "+tt.from, func(t *testing.T) {
			if got := tt.iv.Next(ms(tt.from)); got != ms(tt.next) {
				t.Errorf("Next = %s, want %s", candle.Time(got), tt.next)
			}
			if got := tt.iv.Steps(ms(tt.from), ms(tt.to)); got != tt.wantSteps {
				t.Errorf("Steps = %d, want %d", got, tt.wantSteps)
			}
		})
	}
}

func TestIntervalCheckOpenTime(t *testing.T) {
	tests := []struct {
		name     string
		iv       candle.Interval
		openTime int64
		wantErr  string // "" for nil
	}{
		{"aligned ms", "1m", 1699999980000, ""},
		{"seconds", "1m", 1699999980, "looks like seconds"},
		{"misaligned", "15m", 1699999980000, "not on a 15m boundary"},
		{"off by a ms", "1m", 1699999980001, "not on a 1m boundary"},
		{"month start", "1M", ms("2024-02-01T00:00:00Z"), ""},
		{"mid month", "1M", ms("2024-02-15T00:00:00Z"), "not on a 1M"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.iv.CheckOpenTime(tt.openTime)
			checkErr(t, err, tt.wantErr, candle.ErrInvalid)
		})
	}
}

func TestMissing(t *testing.T) {
	at := func(times ...string) []candle.Candle {
		out := make([]candle.Candle, len(times))
		for i, s := range times {
			out[i] = candle.Candle{OpenTime: ms(s)}
		}
		return out
	}
	tests := []struct {
		name    string
		iv      candle.Interval
		candles []candle.Candle
		want    int
	}{
		{"empty", "1m", nil, 0},
		{"one", "1m", at("2024-01-01T00:00:00Z"), 0},
		{"contiguous", "1m", at("2024-01-01T00:00:00Z",
			"2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z"), 0},
		// BC-16: 05:59 then 07:00 is a step of 61 minutes, 60 missing.
		{"BC-16 hour gap", "1m", at("2024-01-01T05:57:00Z",
			"2024-01-01T05:58:00Z", "2024-01-01T05:59:00Z",
			"2024-01-01T07:00:00Z"), 60},
		{"two gaps", "15m", at("2024-01-01T00:00:00Z",
			"2024-01-01T00:30:00Z", "2024-01-01T01:30:00Z"), 1 + 3},
		{"months", "1M", at("2024-01-01T00:00:00Z",
			"2024-02-01T00:00:00Z", "2024-05-01T00:00:00Z"), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := candle.Missing(tt.iv, tt.candles); got != tt.want {
				t.Errorf("Missing = %d, want %d", got, tt.want)
			}
		})
	}
}

// checkErr fails t unless err is nil when want is "", or else wraps
// sentinel and contains want.
func checkErr(t testing.TB, err error, want string, sentinel error) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("error = %v, want nil", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("error = nil, want one containing %q", want)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("error %q does not wrap %v", err, sentinel)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q, want it to contain %q", err, want)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q spans several lines", err)
	}
}
