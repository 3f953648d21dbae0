package candle

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
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
			c.Close, c.Volume = 0.30000000000000004, 1.0/3
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

// checkAppendFloat checks that appendFloat writes v as encoding/json.
func checkAppendFloat(t *testing.T, v float64) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		return // NaN and Inf, refused before appendFloat
	}
	if got := appendFloat(nil, v); string(got) != string(want) {
		t.Fatalf("appendFloat(%#x = %v) = %s, want %s", math.Float64bits(v),
			v, got, want)
	}
}

func TestAppendFloat(t *testing.T) {
	edges := []float64{0, math.Copysign(0, -1), 1, -1, 0.30000000000000004,
		1.0 / 3, 61299.81, -61299.81, 1423.33658, 0.00001245, 1e-6, 9.99999e-7,
		1.000001e-6, 999999999999999, 1e15, 1e15 + 1, 123456789012345.6,
		1 << 53, 1<<53 + 2, 1e20, 1e21, 1e22, math.MaxFloat64,
		math.SmallestNonzeroFloat64, 0.3, 2.5, 100, 1e-5, 0.000001,
		123456.000001, 0.1234567890123456, 9.5e-6}
	for _, v := range edges {
		checkAppendFloat(t, v)
		checkAppendFloat(t, math.Nextafter(v, math.Inf(1)))
		checkAppendFloat(t, math.Nextafter(v, math.Inf(-1)))
	}

	// Decimals of 1 to 17 digits with up to 20 decimals, and the floats
	// next to them, which read back from no short decimal.
	rng := rand.New(rand.NewPCG(3, 4))
	for range 30000 {
		digits := 1 + rng.IntN(17)
		mant := rng.Uint64N(uint64(math.Pow10(digits)))
		v, err := strconv.ParseFloat(strconv.FormatUint(mant, 10)+"e-"+
			strconv.Itoa(rng.IntN(21)), 64)
		if err != nil {
			t.Fatal(err)
		}
		checkAppendFloat(t, v)
		checkAppendFloat(t, -math.Nextafter(v, math.Inf(1)))
		checkAppendFloat(t, math.Float64frombits(rng.Uint64()))
	}
}

// TestAppendShortDecimalTaken proves the comparisons above test the
// fast path: it takes the usual prices and volumes.
func TestAppendShortDecimalTaken(t *testing.T) {
	for _, v := range []float64{61299.81, -0.00001245, 1423.33658, 3, 1e-6,
		999999999999999, 0.5} {
		if _, ok := appendShortDecimal(nil, v); !ok {
			t.Errorf("appendShortDecimal(%v) declined", v)
		}
	}
	for _, v := range []float64{0, 0.30000000000000004, 1e15, 9e-7} {
		if _, ok := appendShortDecimal(nil, v); ok {
			t.Errorf("appendShortDecimal(%v) took it", v)
		}
	}
}

// FuzzAppendFloat holds appendFloat to encoding/json on a decimal of the
// fuzzed digits and scale, on the float next to it, and on the fuzzed
// bits read as a float.
func FuzzAppendFloat(f *testing.F) {
	f.Add(uint64(6129981), uint8(2))
	f.Add(uint64(1245), uint8(8))
	f.Add(uint64(999999999999999), uint8(0))
	f.Add(uint64(1), uint8(6))
	f.Fuzz(func(t *testing.T, mant uint64, scale uint8) {
		v, err := strconv.ParseFloat(strconv.FormatUint(mant, 10)+"e-"+
			strconv.Itoa(int(scale%40)), 64)
		if err != nil {
			t.Fatal(err)
		}
		checkAppendFloat(t, v)
		checkAppendFloat(t, -v)
		checkAppendFloat(t, math.Nextafter(v, math.Inf(1)))
		checkAppendFloat(t, math.Float64frombits(mant))
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
