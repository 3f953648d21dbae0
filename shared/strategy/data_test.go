package strategy

// Test data: the two real candle sets in the repository's testdata/, their
// TA-Lib reference values and the old bot's signals on them, read once
// and shared by every test; windows over them.

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/indicator"
)

// windowSize is the live window: the candle-source's default WINDOW_SIZE.
const windowSize = indicator.DefaultWindow

// upstreamWindow is the window the old bot analysed.
const upstreamWindow = 250

// dataset is one real candle set with its reference values.
type dataset struct {
	name, interval string
	series         candle.Series
	row            map[int64]int        // open time -> row
	talib          map[string][]float64 // TA-Lib column -> values, NaN when empty
}

// upstreamSignal is one signal the old bot emitted.
type upstreamSignal struct {
	action                          Action
	confidence, price, stop, target float64
}

// datasetFiles returns the real candle sets, by file stem, with their
// intervals.
func datasetFiles() [][2]string {
	return [][2]string{
		{"btcusdt_1h_2021-11_2022-07", "1h"},
		{"ethusdt_15m_2021-03_2021-05", "15m"},
	}
}

var loadDatasets = sync.OnceValues(func() ([]*dataset, error) {
	var out []*dataset
	for _, f := range datasetFiles() {
		d, err := readDataset(f[0], f[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f[0], err)
		}
		out = append(out, d)
	}
	return out, nil
})

// datasets returns both real candle sets.
func datasets(tb testing.TB) []*dataset {
	tb.Helper()
	ds, err := loadDatasets()
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}

// datasetOf returns the real candle set whose name starts with prefix.
func datasetOf(tb testing.TB, prefix string) *dataset {
	tb.Helper()
	for _, d := range datasets(tb) {
		if strings.HasPrefix(d.name, prefix) {
			return d
		}
	}
	tb.Fatalf("no data set %q", prefix)
	return nil
}

func testdata(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata"}, parts...)...)
}

func readDataset(name, interval string) (*dataset, error) {
	f, err := os.Open(testdata(name + ".csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cs, err := candle.ReadCSV(f)
	if err != nil {
		return nil, err
	}
	d := &dataset{name: name, interval: interval,
		series: candle.NewSeries(cs), row: make(map[int64]int, len(cs)),
		talib: map[string][]float64{}}
	for i, c := range cs {
		d.row[c.OpenTime] = i
	}
	head, ref, err := readTable(testdata(name + ".talib.csv"))
	if err != nil {
		return nil, err
	}
	if len(ref) != len(cs) {
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

// readTable reads a CSV file of numbers under a header row; an empty cell
// reads as NaN.
func readTable(path string) ([]string, [][]float64, error) {
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

// upstream returns the old bot's signals for strategy id, by row.
func (d *dataset) upstream(tb testing.TB, id string) map[int]upstreamSignal {
	tb.Helper()
	all, err := loadUpstream()
	if err != nil {
		tb.Fatal(err)
	}
	return all[d.name][id]
}

// loadUpstream reads every upstream signal file: data set -> strategy ->
// row -> signal.
var loadUpstream = sync.OnceValues(func() (
	map[string]map[string]map[int]upstreamSignal, error) {
	ds, err := loadDatasets()
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]map[int]upstreamSignal{}
	for _, d := range ds {
		m, err := readUpstream(d)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.name, err)
		}
		out[d.name] = m
	}
	return out, nil
})

func readUpstream(d *dataset) (map[string]map[int]upstreamSignal, error) {
	f, err := os.Open(testdata("upstream", d.name+".signals.csv.gz"))
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
	out := map[string]map[int]upstreamSignal{}
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
			out[rec[2]] = map[int]upstreamSignal{}
		}
		out[rec[2]][row] = upstreamSignal{action: Action(rec[3]),
			confidence: f[0], price: f[1], stop: f[2], target: f[3]}
	}
	return out, nil
}

// window returns the Input of the n candles ending at row end (fewer at
// the start of the set). The columns are shared with the data set: a test
// must not change them.
func (d *dataset) window(end, n int) *Input {
	start := max(0, end+1-n)
	s := d.series
	return NewInput("TEST", d.interval, candle.Series{
		OpenTime: s.OpenTime[start : end+1],
		Open:     s.Open[start : end+1],
		High:     s.High[start : end+1],
		Low:      s.Low[start : end+1],
		Close:    s.Close[start : end+1],
		Volume:   s.Volume[start : end+1],
	})
}

// scaled returns a copy of d with every price multiplied by k.
func (d *dataset) scaled(k float64) *dataset {
	scale := func(x []float64, k float64) []float64 {
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = v * k
		}
		return out
	}
	s := d.series
	return &dataset{name: fmt.Sprintf("%s x %.3g", d.name, k),
		interval: d.interval, row: d.row,
		series: candle.Series{
			OpenTime: s.OpenTime,
			Open:     scale(s.Open, k),
			High:     scale(s.High, k),
			Low:      scale(s.Low, k),
			Close:    scale(s.Close, k),
			Volume:   s.Volume,
		}}
}

// rowAt returns the row of the candle opened at t.
func (d *dataset) rowAt(tb testing.TB, t int64) int {
	tb.Helper()
	i, ok := d.row[t]
	if !ok {
		tb.Fatalf("%s: no candle opened at %d", d.name, t)
	}
	return i
}

// ref returns the TA-Lib reference value of column at row.
func (d *dataset) ref(tb testing.TB, column string, row int) float64 {
	tb.Helper()
	vals, ok := d.talib[column]
	if !ok {
		tb.Fatalf("no TA-Lib column %q", column)
	}
	return vals[row]
}

// lagRange returns x[row-to .. row-from], the values from lag to back to
// lag from before row.
func lagRange(x []float64, row, from, to int) []float64 {
	return x[row-to : row-from+1]
}

// mean returns the mean of x.
func mean(x []float64) float64 {
	var sum float64
	for _, v := range x {
		sum += v
	}
	return sum / float64(len(x))
}

// countTrue returns how many of conds hold.
func countTrue(conds ...bool) int {
	n := 0
	for _, c := range conds {
		if c {
			n++
		}
	}
	return n
}

// closeTo reports whether got is within tol of want, relative to
// max(1, |want|) or to scale when scale is larger.
func closeTo(got, want, tol, scale float64) bool {
	return math.Abs(got-want) <= tol*max(1, math.Abs(want), scale)
}

// diffDecision returns how got differs from want, nil if it does not: the
// same action (or both nil), the confidence within confTol, the price,
// stop and target within tol relative.
func diffDecision(got, want *Decision, confTol, tol float64) error {
	switch {
	case got == nil && want == nil:
		return nil
	case got == nil:
		return fmt.Errorf("no signal, want %s at %v", want.Action, want.Price)
	case want == nil:
		return fmt.Errorf("%s at %v, want no signal", got.Action, got.Price)
	case got.Action != want.Action:
		return fmt.Errorf("action %s, want %s", got.Action, want.Action)
	case math.Abs(got.Confidence-want.Confidence) > confTol:
		return fmt.Errorf("confidence %.12f, want %.12f", got.Confidence,
			want.Confidence)
	}
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"price", got.Price, want.Price},
		{"stop_loss", got.StopLoss, want.StopLoss},
		{"take_profit", got.TakeProfit, want.TakeProfit},
	} {
		if math.Abs(f.got-f.want) > tol*math.Abs(f.want) {
			return fmt.Errorf("%s %.12g, want %.12g", f.name, f.got, f.want)
		}
	}
	return nil
}

// scaledDecision returns a copy of d with its price, stop and target
// times k, nil for nil.
func scaledDecision(d *Decision, k float64) *Decision {
	if d == nil {
		return nil
	}
	s := *d
	s.Price, s.StopLoss, s.TakeProfit = d.Price*k, d.StopLoss*k,
		d.TakeProfit*k
	return &s
}

// checkDecision fails tb unless got matches want: the same action, the
// confidence to 1e-12, the levels to tol relative, and each metadata value
// want holds (floats to tol relative); exact also wants no other key.
func checkDecision(tb testing.TB, got, want *Decision, tol float64,
	exact bool) {
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
	if err := diffDecision(got, want, 1e-12, tol); err != nil {
		tb.Error(err)
	}
	if exact && want.Metadata != nil &&
		len(got.Metadata) != len(want.Metadata) {
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
			if math.Abs(gf-wf) > tol*math.Abs(wf) {
				tb.Errorf("metadata %s = %v, want %v", k, gf, wf)
			}
		case g != w:
			tb.Errorf("metadata %s = %v (%T), want %v (%T)", k, g, g, w, w)
		}
	}
}
