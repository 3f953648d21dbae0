package strategy

// Tests of the strategies that read and decide in Evaluate: each one's
// conditions restated over a window (barSpec), computed independently of
// the strategy's code, and a table of synthetic windows built to fire or
// to fail named conditions (barCase), run by runBars. The builders below
// make those windows.

import (
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/indicator"
)

// bar is one synthetic candle.
type bar struct{ o, h, l, c float64 }

// barAt returns the candle of in lag candles back from the last.
func barAt(in *Input, lag int) bar {
	return bar{lagged(in.Open, lag), lagged(in.High, lag),
		lagged(in.Low, lag), lagged(in.Close, lag)}
}

// span returns the candle's range, high - low.
func (b bar) span() float64 { return b.h - b.l }

// body returns the size of the candle's body.
func (b bar) body() float64 { return math.Abs(b.c - b.o) }

// upper returns the candle's upper shadow.
func (b bar) upper() float64 { return b.h - math.Max(b.o, b.c) }

// lower returns the candle's lower shadow.
func (b bar) lower() float64 { return math.Min(b.o, b.c) - b.l }

// barTo is the candle that opens at prev and closes at c, its wicks 0.1%
// beyond its body.
func barTo(prev, c float64) bar {
	return bar{prev, max(prev, c) * 1.001, min(prev, c) * 0.999, c}
}

// trendBars is n candles from price p, each closing g (relative) beyond
// the one before.
func trendBars(n int, p, g float64) []bar {
	bars := make([]bar, n)
	for i := range bars {
		bars[i] = barTo(p, p*(1+g))
		p *= 1 + g
	}
	return bars
}

// waveBars is n candles around p whose closes follow a sine of the given
// relative amplitude and period.
func waveBars(n int, p, amp float64, period int) []bar {
	return waveBarsAmp(n, p, period, func(int) float64 { return amp })
}

// waveBarsAmp is waveBars with an amplitude that changes per candle.
func waveBarsAmp(n int, p float64, period int,
	amp func(i int) float64) []bar {
	bars := make([]bar, n)
	prev := p
	for i := range bars {
		x := 2 * math.Pi * float64(i) / float64(period)
		c := p * (1 + amp(i)*math.Sin(x))
		bars[i] = barTo(prev, c)
		prev = c
	}
	return bars
}

// thenMoves returns bars followed by one candle per move, each closing
// that relative move beyond the previous close.
func thenMoves(bars []bar, moves ...float64) []bar {
	out := append([]bar(nil), bars...)
	for _, m := range moves {
		p := out[len(out)-1].c
		out = append(out, barTo(p, p*(1+m)))
	}
	return out
}

// thenBars returns bars followed by the given candles.
func thenBars(bars []bar, more ...bar) []bar {
	return append(append([]bar(nil), bars...), more...)
}

// thenShaped returns bars followed by a candle opening at the last close
// with the given body (close minus open), upper and lower shadows.
func thenShaped(bars []bar, body, upper, lower float64) []bar {
	o := bars[len(bars)-1].c
	c := o + body
	return thenBars(bars, bar{o, max(o, c) + upper, min(o, c) - lower, c})
}

// thenInside returns bars followed by a candle inside the last one, with
// the given high, low and close relative to the last close.
func thenInside(bars []bar, h, l, c float64) []bar {
	p := bars[len(bars)-1].c
	return thenBars(bars, bar{p, p * h, p * l, p * c})
}

// scaledBars returns bars with every price times f.
func scaledBars(bars []bar, f float64) []bar {
	out := make([]bar, len(bars))
	for i, b := range bars {
		out[i] = bar{b.o * f, b.h * f, b.l * f, b.c * f}
	}
	return out
}

// barsStart is the open time of a synthetic window's first candle,
// 2024-01-01 00:00 UTC; the candles are an hour apart.
const barsStart = 1_704_067_200_000

// candlesOf returns bars as hourly candles of volume 1.
func candlesOf(bars []bar) []candle.Candle {
	cs := make([]candle.Candle, len(bars))
	for i, b := range bars {
		cs[i] = candle.Candle{OpenTime: barsStart + int64(i)*3_600_000,
			Open: b.o, High: b.h, Low: b.l, Close: b.c, Volume: 1}
	}
	return cs
}

func seriesOf(bars []bar) candle.Series {
	return candle.NewSeries(candlesOf(bars))
}

func inputOf(bars []bar) *Input {
	return NewInput("TEST", "1h", seriesOf(bars))
}

// closesOf returns the closes of bars.
func closesOf(bars []bar) []float64 {
	out := make([]float64, len(bars))
	for i, b := range bars {
		out[i] = b.c
	}
	return out
}

// lagged returns x lag values back from its last.
func lagged(x []float64, lag int) float64 { return x[len(x)-1-lag] }

// emaOf returns EMA(n) of the closes of bars, lag candles back.
func emaOf(bars []bar, n, lag int) float64 {
	return lagged(indicator.EMA(closesOf(bars), n), lag)
}

// barCase is one window of a strategy's table. A window that should fire
// has want set (metadata: the values the case checks), and every
// condition of its side holds; one that should not names in miss the
// conditions of side it fails, and every other condition of that side
// holds, so each case tests what its name says. A side is a two-sided
// strategy's "buy" or "sell", or a setup; it defaults to the wanted
// action.
type barCase struct {
	name string
	bars []bar
	want *Decision
	side string
	miss []string
}

// barSpec is what a strategy's table test knows of it from the spec: the
// conditions of a side, computed independently of the strategy's code,
// and the metadata keys of its decisions.
type barSpec struct {
	conds func(in *Input, side string) map[string]bool
	keys  []string
}

// runBars runs a strategy's table, and for every case checks the same
// window at prices near 0.00001 decides the same.
func runBars(t *testing.T, st Strategy, spec barSpec, cases []barCase) {
	t.Helper()
	fired := false
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			validateBars(t, tc.bars)
			in := inputOf(tc.bars)
			checkConds(t, spec, in, tc)
			got, err := Evaluate(st, in)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			checkDecision(t, got, tc.want, 1e-9, false)
			if got != nil {
				checkKeys(t, got, spec.keys)
			}

			const f = 2e-10 // 50,000 -> 0.00001
			small, err := Evaluate(st, inputOf(scaledBars(tc.bars, f)))
			if err != nil {
				t.Fatalf("Evaluate at prices near %.2g: %v", tc.bars[0].c*f,
					err)
			}
			if err := diffDecision(small, scaledDecision(got, f),
				1e-9, 1e-9); err != nil {
				t.Errorf("at prices near %.2g: %v", tc.bars[0].c*f, err)
			}
		})
		fired = fired || tc.want != nil
	}
	if !fired {
		t.Fatal("no case fires")
	}
}

func checkConds(t *testing.T, spec barSpec, in *Input, tc barCase) {
	t.Helper()
	side := tc.side
	if side == "" && tc.want != nil {
		side = string(tc.want.Action)
	}
	conds := spec.conds(in, side)
	var failing []string
	for name, ok := range conds {
		if !ok {
			failing = append(failing, name)
		}
	}
	sort.Strings(failing)
	want := append([]string(nil), tc.miss...)
	sort.Strings(want)
	for _, m := range want {
		if _, ok := conds[m]; !ok {
			t.Fatalf("case misses %q, not a condition of the spec", m)
		}
	}
	if strings.Join(failing, ",") != strings.Join(want, ",") {
		t.Fatalf("window fails conditions %q, the case means %q", failing,
			want)
	}
}

func checkKeys(t *testing.T, d *Decision, keys []string) {
	t.Helper()
	var got []string
	for k := range d.Metadata {
		got = append(got, k)
	}
	sort.Strings(got)
	want := append([]string(nil), keys...)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("metadata keys\n%v\nwant\n%v", got, want)
	}
}

// validateBars fails the test if any candle of bars is not a sane one.
func validateBars(t *testing.T, bars []bar) {
	t.Helper()
	for i, c := range candlesOf(bars) {
		if err := c.Validate(); err != nil {
			t.Fatalf("candle %d of the window: %v", i, err)
		}
	}
}
