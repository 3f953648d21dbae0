package backtest_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/tabot-functions/tabot/shared/backtest"
	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// stitched returns n real candles as one 15m series: the ETH 15m file,
// then the BTC 1h file's candles, scaled to go on from ETH's last close
// and re-timed 15 minutes apart.
func stitched(tb testing.TB, n int) candle.Series {
	tb.Helper()
	eth, btc := load(tb, ethFile), load(tb, btcFile)
	if n > len(eth)+len(btc) {
		tb.Fatalf("%d candles wanted, the two files hold %d", n,
			len(eth)+len(btc))
	}
	cs := append([]candle.Candle(nil), eth[:min(n, len(eth))]...)
	last := cs[len(cs)-1]
	k := last.Close / btc[0].Open
	for i, c := range btc[:n-len(cs)] {
		cs = append(cs, candle.Candle{
			OpenTime: last.OpenTime + int64(i+1)*15*60_000,
			Open:     k * c.Open, High: k * c.High, Low: k * c.Low,
			Close: k * c.Close, Volume: c.Volume,
		})
	}
	return candle.NewSeries(cs)
}

// benchStrategies returns every registered strategy, or the tests' own
// two while none is registered.
func benchStrategies(b *testing.B) []strategy.Strategy {
	list := strategy.Default().All()
	if len(list) == 0 {
		b.Log("no strategy registered: measuring the tests' own two")
		list = []strategy.Strategy{emaCross{}, highAlert{}}
	}
	return list
}

// BenchmarkRun replays 10,000 candles through every registered strategy
// with the default window of 1000, on one worker and on every CPU.
func BenchmarkRun(b *testing.B) {
	list := benchStrategies(b)
	s := stitched(b, 10_000)
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("candles=10000/strategies=%d/workers=%d",
			len(list), workers), func(b *testing.B) {
			benchRun(b, s, list, workers)
		})
	}
}

// BenchmarkRunLinear replays growing prefixes of the same candles: the
// time per candle stays flat once the window is full, where a replay
// over a growing prefix would grow with it.
func BenchmarkRunLinear(b *testing.B) {
	list := benchStrategies(b)
	s := stitched(b, 10_000)
	for _, n := range []int{2_500, 5_000, 10_000} {
		b.Run(fmt.Sprintf("candles=%d", n), func(b *testing.B) {
			benchRun(b, window(s, n), list, 0)
		})
	}
}

func benchRun(b *testing.B, s candle.Series, list []strategy.Strategy,
	workers int) {
	cfg := backtest.Config{Symbol: "ETHUSDT", Interval: "15m",
		Workers: workers, Rules: backtest.Rules{Fee: backtest.DefaultFee}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := backtest.Run(context.Background(), s, list,
			cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/
		float64(s.Len()), "ns/candle")
}

// window returns the first n candles of s.
func window(s candle.Series, n int) candle.Series {
	return candle.Series{OpenTime: s.OpenTime[:n], Open: s.Open[:n],
		High: s.High[:n], Low: s.Low[:n], Close: s.Close[:n],
		Volume: s.Volume[:n]}
}
