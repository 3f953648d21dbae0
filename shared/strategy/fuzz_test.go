package strategy

import (
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
)

// randomWalk returns n valid candles from a seeded random walk: price
// near scale, every candle 15 minutes after the last (with a gap now and
// then), and with probability flat a candle that does not move at all
// (open = high = low = close) and with probability idle no volume.
func randomWalk(seed uint64, n int, scale, flat, idle float64) candle.Series {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cs := make([]candle.Candle, n)
	t, price := int64(1617667200000), scale
	for i := range cs {
		t += 900_000
		if r.Float64() < 0.01 {
			t += 900_000 * int64(1+r.IntN(20))
		}
		c := candle.Candle{OpenTime: t, Open: price, High: price, Low: price,
			Close: price}
		if r.Float64() >= flat {
			price *= math.Exp(r.NormFloat64() * 0.01)
			c.Close = price
			c.High = max(c.Open, c.Close) * (1 + r.Float64()*0.005)
			c.Low = min(c.Open, c.Close) * (1 - r.Float64()*0.005)
		}
		if r.Float64() >= idle {
			c.Volume = r.ExpFloat64() * 100
		}
		cs[i] = c
	}
	return candle.NewSeries(cs)
}

// checkAny evaluates every strategy over s and fails t on anything
// but a valid decision, no decision, or ErrNotReady.
func checkAny(tb testing.TB, s candle.Series) {
	tb.Helper()
	in := NewInput("X", "15m", s)
	for _, st := range Default().All() {
		d, err := Evaluate(st, in)
		switch {
		case errors.Is(err, ErrNotReady):
		case err != nil:
			tb.Errorf("%s: %v", st.ID(), err)
		case d != nil && d.check() != nil:
			tb.Errorf("%s: %v", st.ID(), d.check())
		}
	}
}

// TestDegenerateWindows feeds windows real data never shows: flat
// prices, no volume, zero-range candles, tiny and huge prices, too few
// candles. Nothing may panic, error, or carry NaN.
func TestDegenerateWindows(t *testing.T) {
	tests := []struct {
		name              string
		n                 int
		scale, flat, idle float64
	}{
		{"flat, no volume", 1000, 100, 1, 1},
		{"flat, with volume", 1000, 100, 1, 0},
		{"mostly flat", 1000, 100, 0.9, 0.5},
		{"no volume", 1000, 100, 0, 1},
		{"tiny prices", 1000, 1e-8, 0.1, 0.1},
		{"huge prices", 1000, 1e9, 0.1, 0.1},
		{"short", 50, 100, 0, 0},
		{"one candle", 1, 100, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkAny(t, randomWalk(7, tt.n, tt.scale, tt.flat, tt.idle))
		})
	}
}

// FuzzStrategies evaluates every strategy over random walks shaped by
// the fuzzer: a seed, a price scale, and how often candles are flat or
// idle.
func FuzzStrategies(f *testing.F) {
	for _, seed := range [][]byte{
		{0, 0, 0, 0, 0, 0, 0, 1, 100, 10, 10},
		{1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0},
		{9, 9, 9, 9, 9, 9, 9, 9, 255, 128, 250},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 11 {
			return
		}
		seed := binary.BigEndian.Uint64(b)
		scale := math.Pow(10, float64(b[8])/255*16-8) // 1e-8 .. 1e8
		flat, idle := float64(b[9])/255, float64(b[10])/255
		checkAny(t, randomWalk(seed, 1000, scale, flat, idle))
	})
}

// BenchmarkEvaluate measures one live window: every strategy over 1000
// real candles, indicators computed once and shared, as a strategy
// function does per event.
func BenchmarkEvaluate(b *testing.B) {
	s := lastWindow(b)
	list := Default().All()
	for b.Loop() {
		in := NewInput("ETHUSDT", "15m", s)
		for _, st := range list {
			if _, err := Evaluate(st, in); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkEach measures each strategy alone on a fresh window.
func BenchmarkEach(b *testing.B) {
	s := lastWindow(b)
	for _, st := range Default().All() {
		b.Run(st.ID(), func(b *testing.B) {
			for b.Loop() {
				if _, err := Evaluate(st, NewInput("X", "15m", s)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// lastWindow returns the last 1000 candles of the ETH data set.
func lastWindow(tb testing.TB) candle.Series {
	tb.Helper()
	d := datasetOf(tb, "eth")
	return d.window(d.series.Len()-1, windowSize).Series
}
