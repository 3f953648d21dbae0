package indicator

import (
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
)

// TestCausal checks that no output reads the future: its value at each
// index is the same whether or not later candles are in the input.
func TestCausal(t *testing.T) {
	s := cut(loadSeries(t, datasets[1]), 400)
	full := outputs(s)
	for _, end := range []int{1, 2, 15, 27, 34, 52, 78, 150, 201, 399} {
		part := outputs(cut(s, end))
		for i, o := range full {
			got, want := part[i].vals[end-1], o.vals[end-1]
			if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("%s[%d] over %d candles = %v, over %d = %v",
					o.name, end-1, end, got, s.Len(), want)
			}
		}
	}
}

// fuzzSeries turns bytes into valid candles, 5 bytes each: the close
// moves by a signed step (0: a flat, zero-range candle), the wicks and the
// volume come from the next bytes (volume often 0), and the first byte
// sets the price level from 1e-8 to about 1e8.
func fuzzSeries(data []byte) candle.Series {
	if len(data) == 0 {
		return candle.NewSeries(nil)
	}
	price := math.Pow(10, float64(data[0]%17)-8)
	data = data[1:]
	var cs []candle.Candle
	for i := 0; i+5 <= len(data); i += 5 {
		b := data[i : i+5]
		o := price
		c := o * (1 + float64(int8(b[0]))/400)
		h, l := o, o
		if b[0] != 0 {
			h = max(o, c) * (1 + float64(b[1])/2000)
			l = min(o, c) * (1 - float64(b[2])/2000)
		} else {
			c = o
		}
		v := 0.0
		if b[3] >= 64 {
			v = float64(b[3]) * math.Pow(10, float64(b[4]%12)-4)
		}
		cs = append(cs, candle.Candle{OpenTime: int64(len(cs)) * 3_600_000,
			Open: o, High: h, Low: l, Close: c, Volume: v})
		price = c
	}
	return candle.NewSeries(cs)
}

// FuzzIndicators feeds random valid candles to every indicator: no panic,
// no NaN or Inf from an output's lookback on, no value before it, and
// Compute equal to the single-indicator functions.
func FuzzIndicators(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{8, 0, 0, 0, 0, 0})
	f.Add(append([]byte{0}, make([]byte, 5*120)...)) // flat, no volume
	walk := []byte{16}
	for i := 0; i < 150; i++ {
		walk = append(walk, byte(i*37), byte(i*11), byte(i*7), byte(i*5),
			byte(i))
	}
	f.Add(walk)
	tiny := append([]byte{1}, walk[1:]...)
	f.Add(tiny)
	f.Fuzz(func(t *testing.T, data []byte) {
		s := fuzzSeries(data)
		checkOutputs(t, s)
		set, err := Compute(s)
		if err != nil {
			t.Fatal(err)
		}
		want := separate(s).Columns()
		for i, c := range set.Columns() {
			for j, v := range c.Values {
				w := want[i].Values[j]
				if v != w && !(math.IsNaN(v) && math.IsNaN(w)) {
					t.Fatalf("Compute %s[%d] = %v, separately %v",
						c.Name, j, v, w)
				}
			}
		}
	})
}
