package indicator

import (
	"runtime"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
)

// loop runs f b.N times and reports, besides the wall-clock ns/op, the
// CPU time of the benchmark's own thread per op (cpu-ns/op, Linux only):
// on a shared machine it leaves out the time spent waiting for a core,
// though also the garbage collector's work on other threads.
func loop(b *testing.B, f func()) {
	b.Helper()
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := threadCPU()
	for b.Loop() {
		f()
	}
	if used := threadCPU() - start; used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// benchSeries is the last DefaultWindow candles of the BTC file, the
// window a strategy function sees.
func benchSeries(b *testing.B) candle.Series {
	b.Helper()
	return tail(loadSeries(b, datasets[0]), DefaultWindow)
}

// BenchmarkIndicator runs each indicator over 1000 candles.
func BenchmarkIndicator(b *testing.B) {
	s := benchSeries(b)
	h, l, c, v, t := s.High, s.Low, s.Close, s.Volume, s.OpenTime
	benches := []struct {
		name string
		f    func()
	}{
		{"SMA20", func() { SMA(c, 20) }},
		{"SMA200", func() { SMA(c, 200) }},
		{"EMA9", func() { EMA(c, 9) }},
		{"EMA200", func() { EMA(c, 200) }},
		{"RSI14", func() { RSI(c, 14) }},
		{"RSI2", func() { RSI(c, 2) }},
		{"MACD", func() { MACD(c, 12, 26, 9) }},
		{"BBands20", func() { BBands(c, 20, 2) }},
		{"TrueRange", func() { TrueRange(h, l, c) }},
		{"ATR14", func() { ATR(h, l, c, 14) }},
		{"DMI14", func() { DMI(h, l, c, 14) }},
		{"Stoch14_3_3", func() { Stoch(h, l, c, 14, 3, 3) }},
		{"WillR14", func() { WillR(h, l, c, 14) }},
		{"CCI20", func() { CCI(h, l, c, 20) }},
		{"MFI14", func() { MFI(h, l, c, v, 14) }},
		{"OBV", func() { OBV(c, v) }},
		{"VWAP", func() { VWAP(t, h, l, c, v) }},
		{"Ichimoku", func() { Ichimoku(h, l, 9, 26, 52) }},
		{"Highest20", func() { Highest(h, 20) }},
		{"SwingHighs2", func() { SwingHighs(h, 2) }},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) { loop(b, bb.f) })
	}
}

// BenchmarkReference computes the 17 TA-Lib calls (22 columns) of the
// reference files over 1000 candles: in shared passes (Compute, and Fill
// reusing one Set) and with one call per indicator.
func BenchmarkReference(b *testing.B) {
	s := benchSeries(b)
	b.Run("Compute", func(b *testing.B) {
		loop(b, func() {
			if _, err := Compute(s); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("Fill", func(b *testing.B) {
		var set Set
		loop(b, func() {
			if err := set.Fill(s); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("Separate", func(b *testing.B) {
		loop(b, func() { separate(s) })
	})
}

// strategySet computes every indicator the 28 strategies read, with their
// parameters, one call each.
func strategySet(s candle.Series) {
	h, l, c, v := s.High, s.Low, s.Close, s.Volume
	for _, n := range []int{8, 9, 20, 21, 30, 50, 80, 200} {
		EMA(c, n)
	}
	for _, n := range []int{10, 20, 50, 150, 200} {
		SMA(c, n)
	}
	SMA(v, 20)
	RSI(c, 14)
	RSI(c, 2)
	MACD(c, 12, 26, 9)
	BBands(c, 20, 2)
	ATR(h, l, c, 14)
	DMI(h, l, c, 14)
	Stoch(h, l, c, 14, 3, 3)
	WillR(h, l, c, 14)
	CCI(h, l, c, 20)
	MFI(h, l, c, v, 14)
	OBV(c, v)
	VWAP(s.OpenTime, h, l, c, v)
	Ichimoku(h, l, 9, 26, 52)
	for _, n := range []int{5, 10, 19, 20} {
		Highest(h, n)
		Lowest(l, n)
	}
	SwingHighs(h, 2)
	SwingLows(l, 2)
}

// BenchmarkStrategySet computes every indicator the 28 strategies read
// over 1000 candles, as one window's Input would on first use.
func BenchmarkStrategySet(b *testing.B) {
	s := benchSeries(b)
	loop(b, func() { strategySet(s) })
}
