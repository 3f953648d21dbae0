package strategy

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/indicator"
)

// laterWindow is the live window length the real-data tests slide.
const laterWindow = 1000

// laterDataSet is one real candle file in the repository's testdata.
type laterDataSet struct {
	name, interval string
}

func laterDataSets() []laterDataSet {
	return []laterDataSet{
		{"btcusdt_1h_2021-11_2022-07", "1h"},
		{"ethusdt_15m_2021-03_2021-05", "15m"},
	}
}

// laterLoadSeries reads testdata/<name>.csv at the repository root.
func laterLoadSeries(tb testing.TB, name string) candle.Series {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", name+".csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", name, err)
	}
	candles := make([]candle.Candle, 0, len(rows)-1)
	for i, row := range rows[1:] {
		var v [6]float64
		for j := range v {
			if v[j], err = strconv.ParseFloat(row[j], 64); err != nil {
				tb.Fatalf("%s row %d: %v", name, i+2, err)
			}
		}
		candles = append(candles, candle.Candle{OpenTime: int64(v[0]),
			Open: v[1], High: v[2], Low: v[3], Close: v[4], Volume: v[5]})
	}
	return candle.NewSeries(candles)
}

// laterSlice returns candles [from, to) of s, sharing its arrays.
func laterSlice(s candle.Series, from, to int) candle.Series {
	return candle.Series{
		OpenTime: s.OpenTime[from:to],
		Open:     s.Open[from:to], High: s.High[from:to],
		Low: s.Low[from:to], Close: s.Close[from:to],
		Volume: s.Volume[from:to],
	}
}

// laterFired is one decision of one strategy on one candle of a data set.
type laterFired struct {
	bar int
	d   *Decision
}

// laterSlide evaluates list on every laterWindow-candle window of s and
// returns the decisions per strategy id. To stay fast under -race it
// computes each indicator once over the whole series and gives every
// window those values cut to its candles; History guarantees they match a
// window's own to about 1e-8, and TestLaterRealData checks on a sample of
// windows that the decisions are identical. Any error fails the test.
func laterSlide(tb testing.TB, s candle.Series, interval string,
	list []Strategy) map[string][]laterFired {
	tb.Helper()
	full := NewInput("TEST", interval, s)
	for _, st := range list {
		if _, err := st.Evaluate(full); err != nil {
			tb.Fatalf("%s on the whole series: %v", st.ID(), err)
		}
	}
	out := make(map[string][]laterFired, len(list))
	for end := laterWindow; end <= s.Len(); end++ {
		from := end - laterWindow
		in := NewInput("TEST", interval, laterSlice(s, from, end))
		for k, v := range full.cache {
			in.cache[k] = laterCut(tb, v, from, end)
		}
		for _, st := range list {
			d, err := Evaluate(st, in)
			if err != nil {
				tb.Fatalf("%s at bar %d: %v", st.ID(), end-1, err)
			}
			if d != nil {
				out[st.ID()] = append(out[st.ID()], laterFired{end - 1, d})
			}
		}
	}
	return out
}

// laterCut returns the cached indicator v cut to indexes [from, to).
func laterCut(tb testing.TB, v any, from, to int) any {
	tb.Helper()
	switch v := v.(type) {
	case []float64:
		return v[from:to]
	case indicator.Bands:
		return indicator.Bands{Upper: v.Upper[from:to],
			Middle: v.Middle[from:to], Lower: v.Lower[from:to]}
	case indicator.MACDResult:
		return indicator.MACDResult{Line: v.Line[from:to],
			Signal: v.Signal[from:to], Hist: v.Hist[from:to]}
	case indicator.DMIResult:
		return indicator.DMIResult{PlusDI: v.PlusDI[from:to],
			MinusDI: v.MinusDI[from:to], ADX: v.ADX[from:to]}
	}
	tb.Fatalf("cannot cut a cached %T", v)
	return nil
}

// laterEvalWindow evaluates st on the n candles of s ending at bar, with
// indicators computed on those candles alone, as live.
func laterEvalWindow(s candle.Series, interval string, st Strategy,
	bar, n int) (*Decision, error) {
	in := NewInput("TEST", interval, laterSlice(s, bar+1-n, bar+1))
	return Evaluate(st, in)
}

// laterUpstream is one signal the old bot emitted.
type laterUpstream struct {
	action                          Action
	confidence, price, stop, target float64
}

// laterLoadUpstream reads testdata/upstream/<name>.signals.csv.gz into
// strategy id -> candle open time -> signal.
func laterLoadUpstream(tb testing.TB,
	name string) map[string]map[int64]laterUpstream {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "upstream",
		name+".signals.csv.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	r := csv.NewReader(zr)
	if _, err := r.Read(); err != nil { // header
		tb.Fatal(err)
	}
	out := make(map[string]map[int64]laterUpstream)
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Fatalf("read upstream %s: %v", name, err)
		}
		t, err := strconv.ParseInt(row[1], 10, 64)
		if err != nil {
			tb.Fatal(err)
		}
		var v [4]float64
		for j := range v {
			if v[j], err = strconv.ParseFloat(row[4+j], 64); err != nil {
				tb.Fatal(err)
			}
		}
		if out[row[2]] == nil {
			out[row[2]] = make(map[int64]laterUpstream)
		}
		out[row[2]][t] = laterUpstream{Action(row[3]), v[0], v[1], v[2], v[3]}
	}
	return out
}

// laterUpstreamWindow is the window the old bot analysed.
const laterUpstreamWindow = 250

// laterAdjustedEMAs lists, per strategy, the EMA periods for which the old
// bot used pandas' adjusted EMA (UPSTREAM.md §1.3.2) instead of the
// SMA-seeded one.
func laterAdjustedEMAs(id string) []int {
	switch id {
	case "ema_alignment_bullish", "inside_bar_breakout":
		return []int{8, 80}
	case "ema_pullback_continuation":
		return []int{9, 20, 30}
	case "ema_momentum_reversal":
		return []int{9}
	case "fox_trap_reversal":
		return []int{8, 20, 80}
	}
	return nil
}

// laterAdjustedEMA is pandas' ewm(span=n, adjust=True, min_periods=n-1):
// every past value weighted (1-a)^i and the weights renormalised, no
// seed, first value at index n-2. Only the tests use it, to reproduce the
// old bot's numbers.
func laterAdjustedEMA(x []float64, n int) []float64 {
	out := make([]float64, len(x))
	keep := 1 - 2/float64(n+1)
	var num, den float64
	for i, v := range x {
		num, den = v+keep*num, 1+keep*den
		out[i] = math.NaN()
		if i >= n-2 {
			out[i] = num / den
		}
	}
	return out
}

// laterAsUpstream evaluates st the way the old bot would have on the
// candle at bar: on the 250 candles ending there, with its EMA
// convention, without the History check. Differences between this and a
// 1000-candle window are the window rule and the one-EMA rule of
// STRATEGIES.md; what remains are this port's deliberate corrections.
func laterAsUpstream(s candle.Series, interval string, st Strategy,
	bar int) (*Decision, error) {
	in := NewInput("TEST", interval,
		laterSlice(s, bar+1-laterUpstreamWindow, bar+1))
	for _, n := range laterAdjustedEMAs(st.ID()) {
		in.cache[cacheKey{name: "ema", a: n}] = laterAdjustedEMA(in.Close, n)
	}
	return st.Evaluate(in)
}
