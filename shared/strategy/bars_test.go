package strategy

import (
	"errors"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/indicator"
)

// laterCandle is one synthetic candle.
type laterCandle struct{ o, h, l, c float64 }

// laterTo is the candle that opens at prev and closes at c, its wicks
// 0.1% beyond its body.
func laterTo(prev, c float64) laterCandle {
	return laterCandle{prev, max(prev, c) * 1.001, min(prev, c) * 0.999, c}
}

// laterTrend is n candles from price p, each closing g (relative) beyond
// the one before.
func laterTrend(n int, p, g float64) []laterCandle {
	bars := make([]laterCandle, n)
	for i := range bars {
		bars[i] = laterTo(p, p*(1+g))
		p *= 1 + g
	}
	return bars
}

// laterWave is n candles around p whose closes follow a sine of the given
// relative amplitude and period.
func laterWave(n int, p, amp float64, period int) []laterCandle {
	bars := make([]laterCandle, n)
	prev := p
	for i := range bars {
		c := p * (1 + amp*math.Sin(2*math.Pi*float64(i)/float64(period)))
		bars[i] = laterTo(prev, c)
		prev = c
	}
	return bars
}

// laterThen returns bars followed by one candle per move, each closing
// that relative move beyond the previous close.
func laterThen(bars []laterCandle, moves ...float64) []laterCandle {
	out := append([]laterCandle(nil), bars...)
	for _, m := range moves {
		p := out[len(out)-1].c
		out = append(out, laterTo(p, p*(1+m)))
	}
	return out
}

// laterWith returns bars followed by the given candles.
func laterWith(bars []laterCandle, more ...laterCandle) []laterCandle {
	return append(append([]laterCandle(nil), bars...), more...)
}

// laterScaled returns bars with every price times f.
func laterScaled(bars []laterCandle, f float64) []laterCandle {
	out := make([]laterCandle, len(bars))
	for i, b := range bars {
		out[i] = laterCandle{b.o * f, b.h * f, b.l * f, b.c * f}
	}
	return out
}

// laterStart is the open time of a synthetic window's first candle,
// 2024-01-01 00:00 UTC; the candles are an hour apart.
const laterStart = 1_704_067_200_000

// laterCandles returns bars as hourly candles of volume 1.
func laterCandles(bars []laterCandle) []candle.Candle {
	cs := make([]candle.Candle, len(bars))
	for i, b := range bars {
		cs[i] = candle.Candle{OpenTime: laterStart + int64(i)*3_600_000,
			Open: b.o, High: b.h, Low: b.l, Close: b.c, Volume: 1}
	}
	return cs
}

func laterSeriesOf(bars []laterCandle) candle.Series {
	return candle.NewSeries(laterCandles(bars))
}

func laterInputOf(bars []laterCandle) *Input {
	return NewInput("TEST", "1h", laterSeriesOf(bars))
}

// laterCloses returns the closes of bars.
func laterCloses(bars []laterCandle) []float64 {
	out := make([]float64, len(bars))
	for i, b := range bars {
		out[i] = b.c
	}
	return out
}

// laterAt returns x lag values back from its last.
func laterAt(x []float64, lag int) float64 { return x[len(x)-1-lag] }

// laterEMA returns EMA(n) of the closes of bars, lag candles back.
func laterEMA(bars []laterCandle, n, lag int) float64 {
	return laterAt(indicator.EMA(laterCloses(bars), n), lag)
}

// laterWant is the decision a case expects, and some of its metadata.
type laterWant struct {
	action                    Action
	conf, price, stop, target float64
	meta                      map[string]any
}

// laterCase is one window of a strategy's table. A window that should
// fire has want set, and every condition of its side holds; one that
// should not names in miss the conditions of side it fails, and every
// other condition of that side holds, so each case tests what its name
// says. A side is a two-sided strategy's "buy" or "sell", or a setup;
// it defaults to the wanted action.
type laterCase struct {
	name string
	bars []laterCandle
	want *laterWant
	side string
	miss []string
}

// laterSpec is what a strategy's table test knows of it from the spec:
// the conditions of a side, computed independently of the strategy's
// code, and the metadata keys of its decisions.
type laterSpec struct {
	conds func(in *Input, side string) map[string]bool
	keys  []string
}

// laterRun runs a strategy's table, and for every case checks the same
// window at prices near 0.00001 decides the same.
func laterRun(t *testing.T, st Strategy, spec laterSpec, cases []laterCase) {
	t.Helper()
	fired := false
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			laterValidate(t, tc.bars)
			in := laterInputOf(tc.bars)
			laterCheckConds(t, spec, in, tc)
			got, err := Evaluate(st, in)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			laterCheckWant(t, got, tc.want)
			if got != nil {
				laterCheckKeys(t, got, spec.keys)
			}

			const f = 2e-10 // 50,000 -> 0.00001
			small, err := Evaluate(st, laterInputOf(laterScaled(tc.bars, f)))
			if err != nil {
				t.Fatalf("Evaluate at prices near %.2g: %v", tc.bars[0].c*f,
					err)
			}
			if diff := laterSame(got, small, f, 1e-9); diff != "" {
				t.Errorf("at prices near %.2g: %s", tc.bars[0].c*f, diff)
			}
		})
		fired = fired || tc.want != nil
	}
	if !fired {
		t.Fatal("no case fires")
	}

	t.Run("too short", func(t *testing.T) {
		for _, tc := range cases {
			if tc.want == nil {
				continue
			}
			short := tc.bars[len(tc.bars)-st.History()+1:]
			_, err := Evaluate(st, laterInputOf(short))
			if !errors.Is(err, ErrNotReady) {
				t.Errorf("%d candles: err %v, want ErrNotReady", len(short),
					err)
			}
			// The strategy itself, without Evaluate's length check, says
			// not ready too rather than reading NaN or panicking.
			for _, n := range []int{0, 1, 2} {
				_, err := st.Evaluate(laterInputOf(tc.bars[len(tc.bars)-n:]))
				if !errors.Is(err, ErrNotReady) {
					t.Errorf("%d candles, no length check: err %v, want "+
						"ErrNotReady", n, err)
				}
			}
			return
		}
	})
}

func laterCheckConds(t *testing.T, spec laterSpec, in *Input,
	tc laterCase) {
	t.Helper()
	side := tc.side
	if side == "" && tc.want != nil {
		side = string(tc.want.action)
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

func laterCheckWant(t *testing.T, got *Decision, want *laterWant) {
	t.Helper()
	if want == nil {
		if got != nil {
			t.Fatalf("got %s at %v, want no signal", got.Action, got.Price)
		}
		return
	}
	if got == nil {
		t.Fatalf("no signal, want %s", want.action)
	}
	if got.Action != want.action {
		t.Errorf("action %s, want %s", got.Action, want.action)
	}
	if math.Abs(got.Confidence-want.conf) > 1e-9 {
		t.Errorf("confidence %.12f, want %.12f", got.Confidence, want.conf)
	}
	for _, p := range []struct {
		name      string
		got, want float64
	}{
		{"price", got.Price, want.price},
		{"stop_loss", got.StopLoss, want.stop},
		{"take_profit", got.TakeProfit, want.target},
	} {
		if math.Abs(p.got-p.want) > 1e-9*math.Abs(p.want) {
			t.Errorf("%s %.10g, want %.10g", p.name, p.got, p.want)
		}
	}
	for k, want := range want.meta {
		got := got.Metadata[k]
		g, isFloat := got.(float64)
		w, _ := want.(float64)
		if isFloat && math.Abs(g-w) <= 1e-9*math.Abs(w) || got == want {
			continue
		}
		t.Errorf("metadata %s = %v, want %v", k, got, want)
	}
	ok := riskOrdered(got.Action, got.Price, got.StopLoss, got.TakeProfit)
	if got.Action == Hold {
		ok = got.StopLoss == 0 && got.TakeProfit == 0
	}
	if !ok {
		t.Errorf("%s with price %v stop %v target %v", got.Action,
			got.Price, got.StopLoss, got.TakeProfit)
	}
}

func laterCheckKeys(t *testing.T, d *Decision, keys []string) {
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

// laterWaveAmp is laterWave with an amplitude that changes per candle.
func laterWaveAmp(n int, p float64, period int,
	amp func(i int) float64) []laterCandle {
	bars := make([]laterCandle, n)
	prev := p
	for i := range bars {
		x := 2 * math.Pi * float64(i) / float64(period)
		c := p * (1 + amp(i)*math.Sin(x))
		bars[i] = laterTo(prev, c)
		prev = c
	}
	return bars
}

// laterValidate fails the test if any candle of bars is not a sane one.
func laterValidate(t *testing.T, bars []laterCandle) {
	t.Helper()
	for i, c := range laterCandles(bars) {
		if err := c.Validate(); err != nil {
			t.Fatalf("candle %d of the window: %v", i, err)
		}
	}
}
