package strategy

import (
	"reflect"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
)

// resampleSeries returns 15-minute candles opening at the given minutes
// after 2021-04-06 00:00 UTC; candle i has open i+1, high i+3, low i,
// close i+2 and volume i+1, i counting every quarter from midnight.
func resampleSeries(minutes ...int) candle.Series {
	const day = 1617667200000 // 2021-04-06 00:00 UTC, a multiple of 16 x 15m
	var cs []candle.Candle
	for _, m := range minutes {
		i := float64(m / 15)
		cs = append(cs, candle.Candle{OpenTime: day + int64(m)*60_000,
			Open: i + 1, High: i + 3, Low: i, Close: i + 2, Volume: i + 1})
	}
	return candle.NewSeries(cs)
}

func quarters(from, to int) []int {
	var m []int
	for q := from; q <= to; q++ {
		m = append(m, 15*q)
	}
	return m
}

func TestResample(t *testing.T) {
	const day = 1617667200000
	hour := func(h int64, open, high, low, close, vol float64) candle.Candle {
		return candle.Candle{OpenTime: day + h*3_600_000, Open: open,
			High: high, Low: low, Close: close, Volume: vol}
	}
	tests := []struct {
		name   string
		in     candle.Series
		factor int
		want   []candle.Candle
	}{
		{"two whole hours", resampleSeries(quarters(0, 7)...), 4,
			[]candle.Candle{hour(0, 1, 6, 0, 5, 10), hour(1, 5, 10, 4, 9, 26)}},
		{"starts inside an hour: dropped", resampleSeries(quarters(1, 7)...),
			4, []candle.Candle{hour(1, 5, 10, 4, 9, 26)}},
		{"last hour still forming: dropped",
			resampleSeries(quarters(0, 6)...), 4,
			[]candle.Candle{hour(0, 1, 6, 0, 5, 10)}},
		{"gap inside an hour", resampleSeries(0, 15, 30, 45, 60, 105), 4,
			[]candle.Candle{hour(0, 1, 6, 0, 5, 10),
				hour(1, 5, 10, 4, 9, 13)}},
		{"a whole hour missing", resampleSeries(append(quarters(0, 3),
			quarters(8, 11)...)...), 4,
			[]candle.Candle{hour(0, 1, 6, 0, 5, 10),
				hour(2, 9, 14, 8, 13, 42)}},
		{"four hours", resampleSeries(quarters(0, 16)...), 16,
			[]candle.Candle{{OpenTime: day, Open: 1, High: 18, Low: 0,
				Close: 17, Volume: 136}}},
		{"factor 1 keeps every candle", resampleSeries(0, 15), 1,
			[]candle.Candle{{OpenTime: day, Open: 1, High: 3, Low: 0,
				Close: 2, Volume: 1}, {OpenTime: day + 900_000, Open: 2,
				High: 4, Low: 1, Close: 3, Volume: 2}}},
		{"one candle: no step", resampleSeries(0), 4, nil},
		{"empty", candle.Series{}, 4, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resample(tt.in, tt.factor)
			want := candle.NewSeries(tt.want)
			if got.Len() == 0 && want.Len() == 0 {
				return
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestIntervalName(t *testing.T) {
	for ms, want := range map[int64]string{
		60_000: "1m", 900_000: "15m", 3_600_000: "1h", 14_400_000: "4h",
		57_600_000: "16h", 86_400_000: "1d", 1500: "1500ms", 0: "0ms",
	} {
		if got := intervalName(ms); got != want {
			t.Errorf("intervalName(%d) = %q, want %q", ms, got, want)
		}
	}
}
