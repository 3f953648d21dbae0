package strategy

import (
	"reflect"
	"sync"
	"testing"
)

// replay is every strategy's outcome on every row of one data set, over
// the live window rule: the last 1000 candles, fewer at the start.
//
// Recomputing every indicator over a 1000-candle window for each of 14,000
// rows takes far too long under the race detector, so a replay computes
// each indicator once over the whole data set and gives each row's window
// those values (TestWindowsSettle checks, on a sample of rows, that the
// live 1000-candle window and a History()-long one, each with its own
// indicators, decide the same). Indicators are causal, so no row sees a
// later candle.
type replay struct {
	set       *dataset
	decisions map[string][]*Decision // strategy id -> row -> decision
	errs      map[string][]error
	values    map[string][]any // what a ruleSpec read, nil if not ready
}

var replays = sync.OnceValues(func() ([]*replay, error) {
	ds, err := loadDatasets()
	if err != nil {
		return nil, err
	}
	out := make([]*replay, len(ds))
	var wg sync.WaitGroup
	for i, d := range ds {
		wg.Go(func() { out[i] = replayOf(d, Default().All(), ruleSpecs()) })
	}
	wg.Wait()
	return out, nil
})

// replayed returns the replay of every strategy over both data sets.
func replayed(tb testing.TB) []*replay {
	tb.Helper()
	rs, err := replays()
	if err != nil {
		tb.Fatal(err)
	}
	return rs
}

// replayOf evaluates list on every row of d, and records what each spec
// of specs reads there.
func replayOf(d *dataset, list []Strategy, specs []ruleSpec) *replay {
	n := d.series.Len()
	full := d.window(n-1, n)
	for _, s := range list {
		s.Evaluate(full) // fills full's indicator cache
	}
	r := &replay{set: d, decisions: map[string][]*Decision{},
		errs: map[string][]error{}, values: map[string][]any{}}
	for _, s := range list {
		r.decisions[s.ID()] = make([]*Decision, n)
		r.errs[s.ID()] = make([]error, n)
	}
	for _, sp := range specs {
		r.values[sp.s.ID()] = make([]any, n)
	}
	for end := range n {
		in := d.window(end, windowSize)
		in.cache = make(map[cacheKey]any, len(full.cache))
		start := end + 1 - in.Len()
		for k, v := range full.cache {
			if rows, ok := sliceRows(v, n, start, end+1); ok {
				in.cache[k] = rows
			}
		}
		for _, s := range list {
			id := s.ID()
			r.decisions[id][end], r.errs[id][end] = Evaluate(s, in)
		}
		for _, sp := range specs {
			if v, err := sp.read(in); err == nil {
				r.values[sp.s.ID()][end] = v
			}
		}
	}
	return r
}

// sliceRows returns rows [i, j) of a cached indicator over n rows: a
// []float64, or a struct whose fields all are. ok is false for anything
// else (resampled candles, not one value per row), which each window
// then computes for itself.
func sliceRows(v any, n, i, j int) (any, bool) {
	if x, ok := v.([]float64); ok && len(x) == n {
		return x[i:j], true
	}
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

// firedRows returns up to n rows, spread over the data set, where id
// fired.
func (r *replay) firedRows(id string, n int) []int {
	var fired []int
	for row, d := range r.decisions[id] {
		if d != nil {
			fired = append(fired, row)
		}
	}
	if len(fired) <= n || n < 2 {
		return fired[:min(n, len(fired))]
	}
	out := make([]int, n)
	for i := range out {
		out[i] = fired[i*(len(fired)-1)/(n-1)]
	}
	return out
}
