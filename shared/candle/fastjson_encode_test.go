package candle

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestAppendCandlesJSON(t *testing.T) {
	base := Candle{OpenTime: 1699999980000, Open: 61299.81, High: 61660.27,
		Low: 61115.33, Close: 61560.49, Volume: 1423.33658}
	with := func(f func(c *Candle)) []Candle {
		c := base
		f(&c)
		return []Candle{c}
	}
	tests := []struct {
		name    string
		cs      []Candle
		wantErr string
	}{
		{"nil", nil, ""},
		{"empty", []Candle{}, ""},
		{"real prices", []Candle{base, base}, ""},
		{"optional members", with(func(c *Candle) {
			c.CloseTime, c.QuoteVolume, c.Trades = 1700000039999, 8.5e7, 12
		}), ""},
		{"negative zero omitted", with(func(c *Candle) {
			c.QuoteVolume, c.Volume = math.Copysign(0, -1),
				math.Copysign(0, -1)
		}), ""},
		{"exponent cut-offs", with(func(c *Candle) {
			c.Open, c.High, c.Low = 1e-6, 1e21, 9.999999999999999e-7
			c.Close, c.Volume = 999999999999999900000, 1e-7
			c.QuoteVolume = 1.2345e-10
		}), ""},
		{"extremes", with(func(c *Candle) {
			c.Open, c.High, c.Low = math.MaxFloat64, math.SmallestNonzeroFloat64,
				-math.MaxFloat64
			c.Close, c.Volume = 0.1+0.2, 1.0/3
			c.OpenTime, c.CloseTime, c.Trades = math.MinInt64, math.MaxInt64,
				-1
		}), ""},
		{"NaN", with(func(c *Candle) { c.High = math.NaN() }),
			"candles[0]: invalid candle: high NaN is not a finite number"},
		{"Inf", with(func(c *Candle) { c.QuoteVolume = math.Inf(-1) }),
			"candles[0]: invalid candle: quote_volume -Inf is not a finite"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppendCandlesJSON([]byte("x"), tt.cs)
			want, jsonErr := json.Marshal(tt.cs)
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrInvalid) ||
					!strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %v, want one wrapping ErrInvalid "+
						"with %q", err, tt.wantErr)
				}
				if jsonErr == nil {
					t.Errorf("encoding/json wrote %s", want)
				}
				return
			}
			if err != nil || jsonErr != nil {
				t.Fatalf("errors %v, %v", err, jsonErr)
			}
			if string(got) != "x"+string(want) {
				t.Errorf("got  %s\nwant x%s", got, want)
			}
		})
	}
}

// FuzzAppendCandlesJSON holds AppendCandlesJSON to encoding/json: the
// same bytes, or both an error; what it writes reads back to the same
// bits, through the fast reader and encoding/json alike.
func FuzzAppendCandlesJSON(f *testing.F) {
	f.Add(int64(1699999980000), 61299.81, 61660.27, 61115.33, 61560.49,
		1423.33658, int64(0), 0.0, int64(0))
	f.Add(int64(-1), 1e-7, 1e21, 5e-324, math.MaxFloat64, -0.0,
		int64(1700000039999), 1.25e-9, int64(7))
	f.Add(int64(1), math.NaN(), 1.0, 1.0, 1.0, 1.0, int64(0), math.Inf(1),
		int64(0))
	f.Fuzz(func(t *testing.T, openTime int64, open, high, low, cl, volume float64,
		closeTime int64, quoteVolume float64, trades int64) {
		cs := []Candle{{OpenTime: openTime, Open: open, High: high, Low: low,
			Close: cl, Volume: volume, CloseTime: closeTime,
			QuoteVolume: quoteVolume, Trades: trades}}
		got, err := AppendCandlesJSON(nil, cs)
		want, jsonErr := json.Marshal(cs)
		if (err != nil) != (jsonErr != nil) {
			t.Fatalf("%+v: error %v, encoding/json %v", cs[0], err, jsonErr)
		}
		if err != nil {
			return
		}
		if string(got) != string(want) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}

		var slow []Candle
		if err := json.Unmarshal(got, &slow); err != nil || len(slow) != 1 {
			t.Fatalf("%s reads back as %+v, %v", got, slow, err)
		}
		fast, ok := fastCandle(got[1 : len(got)-1])
		if ok && !sameBits(fast, slow[0]) {
			t.Fatalf("%s: fast %+v, slow %+v", got, fast, slow[0])
		}
		back := cs[0]
		if back.QuoteVolume == 0 {
			back.QuoteVolume = 0 // omitted, so -0 reads back as 0
		}
		if !sameBits(slow[0], back) {
			t.Fatalf("%s reads back as %+v, want %+v", got, slow[0], back)
		}
	})
}

func BenchmarkAppendCandlesJSON(b *testing.B) {
	cs := make([]Candle, DefaultWindowSize)
	for i := range cs {
		p := math.Round(61299.81*100+float64(i)*37) / 100
		cs[i] = Candle{OpenTime: 1699999980000 + int64(i)*60000, Open: p,
			High: p + 12.5, Low: p - 7.25, Close: p + 3.13, Volume: 1423.33658}
	}
	buf := make([]byte, 0, 128*len(cs))
	b.ReportAllocs()
	for b.Loop() {
		out, err := AppendCandlesJSON(buf[:0], cs)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(out)))
	}
}
