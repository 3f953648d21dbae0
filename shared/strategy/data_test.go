package strategy

// Test helpers for the original and advanced strategies: the two real
// candle sets in the repository's testdata/, their TA-Lib reference values,
// the old bot's signals on them, and one replay of every strategy over
// both sets, computed once and shared by the tests that need it.

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"sync"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/indicator"
)

// origWindowSize is the live window: the candle-source's default
// WINDOW_SIZE.
const origWindowSize = indicator.DefaultWindow

// origDatasetNames are the two real candle sets, by file stem.
var origDatasetNames = []string{
	"btcusdt_1h_2021-11_2022-07",
	"ethusdt_15m_2021-03_2021-05",
}

// origDataset is one real candle set with its reference values.
type origDataset struct {
	name   string
	series candle.Series
	row    map[int64]int        // open time -> row
	talib  map[string][]float64 // TA-Lib column -> values, NaN when empty
}

// origUpstream is one signal the old bot emitted.
type origUpstream struct {
	row                             int
	action                          Action
	confidence, price, stop, target float64
}

// origStrategies returns the strategies this file's tests cover, in
// registry order.
func origStrategies() []Strategy {
	var out []Strategy
	for _, sp := range origSpecs() {
		out = append(out, sp.s)
	}
	return out
}

// origSpecs returns, in registry order, what the tests know about each
// original and advanced strategy (each spec lives beside the strategy's
// tests).
func origSpecs() []origSpec {
	return []origSpec{
		momentumPulseSpec(),
		bandFadeSpec(),
		goldenTrendSpec(),
		rangeBreakSpec(),
		divergenceSpec(),
		volumeSurgeSpec(),
		meanReversionSpec(),
		ichimokuSpec(),
		liquidityGrabSpec(),
		mtfSpec(),
		orderFlowSpec(),
	}
}

// origSpec restates one strategy's rules from UPSTREAM.md §2 (with
// STRATEGIES.md's corrections) over the values the strategy reads, so a
// replay over real data can check the code against the rules on every
// candle.
type origSpec struct {
	s     Strategy
	read  func(*Input) (any, error)
	rules []origRule[any]
}

// origRule is one direction of a strategy: it fires when every condition
// holds and no earlier rule did, at levels that must be on the right side.
type origRule[V any] struct {
	action Action
	conds  []origCond[V]
	// levels returns the entry, stop and target the rule sets.
	levels func(V) (price, stop, target float64)
	conf   func(V) float64
	// notAlone names conditions that no window of the real data sets
	// fails alone (the strategy's Decide table covers them).
	notAlone []string
}

// origCond is one named condition of a rule.
type origCond[V any] struct {
	name  string
	holds func(V) bool
}

// origSpecOf builds the spec of s from its typed read and rules.
func origSpecOf[V any](s Strategy, read func(*Input) (V, error),
	rules ...origRule[V]) origSpec {
	sp := origSpec{s: s, read: func(in *Input) (any, error) { return read(in) }}
	for _, r := range rules {
		ra := origRule[any]{
			action: r.action,
			levels: func(v any) (float64, float64, float64) {
				return r.levels(v.(V))
			},
			conf:     func(v any) float64 { return r.conf(v.(V)) },
			notAlone: r.notAlone,
		}
		for _, c := range r.conds {
			ra.conds = append(ra.conds, origCond[any]{c.name,
				func(v any) bool { return c.holds(v.(V)) }})
		}
		sp.rules = append(sp.rules, ra)
	}
	return sp
}

// origFixed returns a confidence function for a fixed value.
func origFixed[V any](c float64) func(V) float64 {
	return func(V) float64 { return c }
}

var origLoad = sync.OnceValues(func() ([]*origDataset, error) {
	var out []*origDataset
	for _, name := range origDatasetNames {
		d, err := origReadDataset(name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, d)
	}
	return out, nil
})

// origData returns both real candle sets.
func origData(tb testing.TB) []*origDataset {
	tb.Helper()
	ds, err := origLoad()
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}

// origSet returns the real candle set whose name starts with prefix.
func origSet(tb testing.TB, prefix string) *origDataset {
	tb.Helper()
	for _, d := range origData(tb) {
		if len(d.name) >= len(prefix) && d.name[:len(prefix)] == prefix {
			return d
		}
	}
	tb.Fatalf("no data set %q", prefix)
	return nil
}

func origTestdata(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata"}, parts...)...)
}

func origReadCSV(path string) ([]string, [][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		return nil, nil, fmt.Errorf("read %s: %v", path, err)
	}
	rows := make([][]float64, len(recs)-1)
	for i, rec := range recs[1:] {
		rows[i] = make([]float64, len(rec))
		for j, cell := range rec {
			v := math.NaN()
			if cell != "" {
				if v, err = strconv.ParseFloat(cell, 64); err != nil {
					return nil, nil, fmt.Errorf("%s row %d: %w", path, i, err)
				}
			}
			rows[i][j] = v
		}
	}
	return recs[0], rows, nil
}

func origReadDataset(name string) (*origDataset, error) {
	_, rows, err := origReadCSV(origTestdata(name + ".csv"))
	if err != nil {
		return nil, err
	}
	cs := make([]candle.Candle, len(rows))
	for i, r := range rows {
		cs[i] = candle.Candle{OpenTime: int64(r[0]), Open: r[1], High: r[2],
			Low: r[3], Close: r[4], Volume: r[5]}
	}
	d := &origDataset{name: name, series: candle.NewSeries(cs),
		row: make(map[int64]int, len(cs)), talib: map[string][]float64{}}
	for i, c := range cs {
		d.row[c.OpenTime] = i
	}
	head, ref, err := origReadCSV(origTestdata(name + ".talib.csv"))
	if err != nil {
		return nil, err
	}
	if len(ref) != len(rows) {
		return nil, errors.New("talib file has a different row count")
	}
	for j, col := range head[1:] {
		vals := make([]float64, len(ref))
		for i := range ref {
			vals[i] = ref[i][j+1]
		}
		d.talib[col] = vals
	}
	return d, nil
}

// upstream returns the old bot's signals for strategy id, by row.
func (d *origDataset) upstream(tb testing.TB, id string) map[int]origUpstream {
	tb.Helper()
	all, err := origUpstreamLoad()
	if err != nil {
		tb.Fatal(err)
	}
	return all[d.name][id]
}

// origUpstreamLoad reads every upstream signal file: data set -> strategy
// -> row -> signal.
var origUpstreamLoad = sync.OnceValues(func() (
	map[string]map[string]map[int]origUpstream, error) {
	ds, err := origLoad()
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]map[int]origUpstream{}
	for _, d := range ds {
		m, err := origReadUpstream(d)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.name, err)
		}
		out[d.name] = m
	}
	return out, nil
})

func origReadUpstream(d *origDataset) (map[string]map[int]origUpstream, error) {
	f, err := os.Open(origTestdata("upstream", d.name+".signals.csv.gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		return nil, err
	}
	out := map[string]map[int]origUpstream{}
	for _, rec := range recs[1:] {
		// dataset,open_time,strategy_id,action,confidence,price,
		// stop_loss,take_profit,current_price,strength
		t, err := strconv.ParseInt(rec[1], 10, 64)
		if err != nil {
			return nil, err
		}
		row, ok := d.row[t]
		if !ok {
			return nil, fmt.Errorf("open time %d not in candles", t)
		}
		var f [4]float64
		for i := range f {
			if f[i], err = strconv.ParseFloat(rec[4+i], 64); err != nil {
				return nil, err
			}
		}
		if out[rec[2]] == nil {
			out[rec[2]] = map[int]origUpstream{}
		}
		out[rec[2]][row] = origUpstream{row: row, action: Action(rec[3]),
			confidence: f[0], price: f[1], stop: f[2], target: f[3]}
	}
	return out, nil
}

// window returns the Input of the n candles ending at row end (fewer at
// the start of the set). The columns are shared with the data set: a test
// that changes candles must use mutableWindow.
func (d *origDataset) window(end, n int) *Input {
	start := max(0, end+1-n)
	s := d.series
	return NewInput("TEST", "", candle.Series{
		OpenTime: s.OpenTime[start : end+1],
		Open:     s.Open[start : end+1],
		High:     s.High[start : end+1],
		Low:      s.Low[start : end+1],
		Close:    s.Close[start : end+1],
		Volume:   s.Volume[start : end+1],
	})
}

// mutableWindow returns a copy of the n candles ending at row end.
func (d *origDataset) mutableWindow(end, n int) candle.Series {
	in := d.window(end, n)
	return origScale(in.Series, 1)
}

// rowAt returns the row of the candle opened at t.
func (d *origDataset) rowAt(tb testing.TB, t int64) int {
	tb.Helper()
	i, ok := d.row[t]
	if !ok {
		tb.Fatalf("%s: no candle opened at %d", d.name, t)
	}
	return i
}

// ref returns the TA-Lib reference value of column at row.
func (d *origDataset) ref(tb testing.TB, column string, row int) float64 {
	tb.Helper()
	vals, ok := d.talib[column]
	if !ok {
		tb.Fatalf("no TA-Lib column %q", column)
	}
	return vals[row]
}

// origScale returns a copy of s with every price multiplied by k.
func origScale(s candle.Series, k float64) candle.Series {
	scale := func(x []float64, k float64) []float64 {
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = v * k
		}
		return out
	}
	return candle.Series{
		OpenTime: append([]int64(nil), s.OpenTime...),
		Open:     scale(s.Open, k),
		High:     scale(s.High, k),
		Low:      scale(s.Low, k),
		Close:    scale(s.Close, k),
		Volume:   scale(s.Volume, 1),
	}
}

// origReplay is every strategy's outcome on every row of one data set.
//
// Recomputing every indicator over a 1000-candle window for each of 13,000
// rows takes far too long under the race detector, so the replay computes
// each indicator once over the whole data set and gives each row's window
// those values (TestOrigWindowsSettle checks, on a sample of rows, that
// the live 1000-candle window and a History()-long one decide the same).
// Indicators are causal, so no row sees a later candle.
type origReplay struct {
	set       *origDataset
	decisions map[string][]*Decision // strategy id -> row -> decision
	errs      map[string][]error
	values    map[string][]any // what the strategy read, nil if not ready
}

var origReplays = sync.OnceValues(func() ([]*origReplay, error) {
	ds, err := origLoad()
	if err != nil {
		return nil, err
	}
	var out []*origReplay
	for _, d := range ds {
		out = append(out, origReplayOf(d, origSpecs()))
	}
	return out, nil
})

func origReplayOf(d *origDataset, specs []origSpec) *origReplay {
	n := d.series.Len()
	full := d.window(n-1, n)
	for _, sp := range specs {
		sp.s.Evaluate(full) // fills full's indicator cache
	}
	r := &origReplay{set: d, decisions: map[string][]*Decision{},
		errs: map[string][]error{}, values: map[string][]any{}}
	for _, sp := range specs {
		id := sp.s.ID()
		r.decisions[id] = make([]*Decision, n)
		r.errs[id] = make([]error, n)
		r.values[id] = make([]any, n)
	}
	for end := range n {
		in := d.window(end, origWindowSize)
		start := end + 1 - in.Len()
		for k, v := range full.cache {
			if rows, ok := origSliceRows(v, n, start, end+1); ok {
				in.cache[k] = rows
			}
		}
		for _, sp := range specs {
			id := sp.s.ID()
			r.decisions[id][end], r.errs[id][end] = Evaluate(sp.s, in)
			if v, err := sp.read(in); err == nil {
				r.values[id][end] = v
			}
		}
	}
	return r
}

// origSliceRows returns rows [i, j) of a cached indicator over n rows: a
// []float64, or a struct whose fields all are. ok is false for anything
// else (resampled candles, not one value per row), which each window
// then computes for itself.
func origSliceRows(v any, n, i, j int) (any, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice {
		if rv.Len() != n || rv.Type().Elem().Kind() != reflect.Float64 {
			return nil, false
		}
		return rv.Slice(i, j).Interface(), true
	}
	out := reflect.New(rv.Type()).Elem()
	for f := range rv.NumField() {
		x := rv.Field(f)
		if x.Kind() != reflect.Slice || x.Len() != n ||
			x.Type().Elem().Kind() != reflect.Float64 {
			return nil, false
		}
		out.Field(f).Set(x.Slice(i, j))
	}
	return out.Interface(), true
}

// origReplayed returns the replay of every strategy over both data sets.
func origReplayed(tb testing.TB) []*origReplay {
	tb.Helper()
	rs, err := origReplays()
	if err != nil {
		tb.Fatal(err)
	}
	return rs
}

// origClose reports whether got is within tol of want, relative to
// max(1, |want|) or to scale when scale is larger.
func origClose(got, want, tol, scale float64) bool {
	return math.Abs(got-want) <= tol*max(1, math.Abs(want), scale)
}

// origBuy returns the buy decision the tests expect; metadata unchecked.
func origBuy(conf, price, stop, target float64) *Decision {
	return &Decision{Action: Buy, Confidence: conf, Price: price,
		StopLoss: stop, TakeProfit: target}
}

// origSell returns the sell decision the tests expect; metadata
// unchecked.
func origSell(conf, price, stop, target float64) *Decision {
	return &Decision{Action: Sell, Confidence: conf, Price: price,
		StopLoss: stop, TakeProfit: target}
}

// origCheckDecision fails t unless got matches want: the same action,
// confidence and levels to 1e-12, and, when want has metadata, exactly
// that metadata (floats to 1e-12).
func origCheckDecision(tb testing.TB, got, want *Decision) {
	tb.Helper()
	origCheckDecisionTol(tb, got, want, 1e-12)
}

func origCheckDecisionTol(tb testing.TB, got, want *Decision, tol float64) {
	tb.Helper()
	if got == nil || want == nil {
		if got != want {
			tb.Fatalf("got %+v, want %+v", got, want)
		}
		return
	}
	if got.Action != want.Action {
		tb.Fatalf("action %s, want %s", got.Action, want.Action)
	}
	if !origClose(got.Confidence, want.Confidence, 1e-12, 0) {
		tb.Errorf("confidence %v, want %v", got.Confidence, want.Confidence)
	}
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"price", got.Price, want.Price},
		{"stop_loss", got.StopLoss, want.StopLoss},
		{"take_profit", got.TakeProfit, want.TakeProfit},
	} {
		if !origClose(f.got, f.want, tol, 0) {
			tb.Errorf("%s %v, want %v", f.name, f.got, f.want)
		}
	}
	if want.Metadata == nil {
		return
	}
	if len(got.Metadata) != len(want.Metadata) {
		tb.Errorf("metadata %v, want %v", got.Metadata, want.Metadata)
	}
	for k, w := range want.Metadata {
		g, ok := got.Metadata[k]
		gf, gok := g.(float64)
		wf, wok := w.(float64)
		switch {
		case !ok:
			tb.Errorf("metadata has no %q", k)
		case gok && wok:
			if !origClose(gf, wf, tol, 0) {
				tb.Errorf("metadata %s = %v, want %v", k, gf, wf)
			}
		case g != w:
			tb.Errorf("metadata %s = %v (%T), want %v (%T)", k, g, g, w, w)
		}
	}
}

// origCheckWindow evaluates s over in and fails t unless the decision
// matches want with levels to tol relative.
func origCheckWindow(tb testing.TB, s Strategy, in *Input, want *Decision,
	tol float64) {
	tb.Helper()
	d, err := Evaluate(s, in)
	if err != nil {
		tb.Fatal(err)
	}
	origCheckDecisionTol(tb, d, want, tol)
}

// origCheckRefs fails t unless each named pair {got, want} agrees to 1e-8
// relative to max(1, |want|, scale): indicator values read from a live
// window against TA-Lib's over the whole file.
func origCheckRefs(tb testing.TB, d *origDataset, row int, scale float64,
	pairs map[string][2]float64) {
	tb.Helper()
	for name, p := range pairs {
		if !origClose(p[0], p[1], 1e-8, scale) {
			tb.Errorf("%s row %d: %s = %v, TA-Lib %v", d.name, row, name,
				p[0], p[1])
		}
	}
}

// origRows returns x[row-to .. row-from], the values from lag to back to
// lag from before row.
func origRows(x []float64, row, from, to int) []float64 {
	return x[row-to : row-from+1]
}

// origMean returns the mean of x.
func origMean(x []float64) float64 {
	var sum float64
	for _, v := range x {
		sum += v
	}
	return sum / float64(len(x))
}

// origWindowCase is a real candle a strategy fires on, for the window
// tests.
type origWindowCase struct {
	set    string // data set prefix
	open   int64  // open time of the candle
	action Action
}

// origCount returns how many of conds hold.
func origCount(conds ...bool) int {
	n := 0
	for _, c := range conds {
		if c {
			n++
		}
	}
	return n
}
