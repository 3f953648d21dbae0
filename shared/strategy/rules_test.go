package strategy

// Tests of the strategies that read their inputs into a values struct and
// decide from it (see read.go): each one's rules restated over those
// values (ruleSpec) and checked on every candle of the real data sets, a
// table of values around every threshold (its Decide test), and real
// windows against TA-Lib's reference values (its Window test).

import (
	"slices"
	"testing"
)

// ruleSpecs returns, in registry order, the spec of each strategy with a
// read step (each spec lives beside the strategy's tests).
func ruleSpecs() []ruleSpec {
	return []ruleSpec{
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

// ruleSpec restates one strategy's rules from UPSTREAM.md §2 (with
// STRATEGIES.md's corrections) over the values the strategy reads, so a
// replay over real data can check the code against the rules on every
// candle.
type ruleSpec struct {
	s     Strategy
	read  func(*Input) (any, error)
	rules []specRule[any]
}

// specRule is one direction of a strategy: it fires when every condition
// holds and no earlier rule did, at levels that must be riskOrdered.
type specRule[V any] struct {
	action Action
	conds  []specCond[V]
	// levels returns the entry, stop and target the rule sets.
	levels func(V) (price, stop, target float64)
	conf   func(V) float64
	// notAlone names conditions that no window of the real data sets
	// fails alone (the strategy's Decide table covers them).
	notAlone []string
}

// specCond is one named condition of a rule.
type specCond[V any] struct {
	name  string
	holds func(V) bool
}

// specOf builds the spec of s from its typed read and rules.
func specOf[V any](s Strategy, read func(*Input) (V, error),
	rules ...specRule[V]) ruleSpec {
	sp := ruleSpec{s: s, read: func(in *Input) (any, error) { return read(in) }}
	for _, r := range rules {
		ra := specRule[any]{
			action: r.action,
			levels: func(v any) (float64, float64, float64) {
				return r.levels(v.(V))
			},
			conf:     func(v any) float64 { return r.conf(v.(V)) },
			notAlone: r.notAlone,
		}
		for _, c := range r.conds {
			ra.conds = append(ra.conds, specCond[any]{c.name,
				func(v any) bool { return c.holds(v.(V)) }})
		}
		sp.rules = append(sp.rules, ra)
	}
	return sp
}

// fixedConf returns a confidence function for a fixed value.
func fixedConf[V any](c float64) func(V) float64 {
	return func(V) float64 { return c }
}

// TestRules checks every strategy with a read step against its rules
// restated in the tests (ruleSpec), on every candle of both real data
// sets: it fires exactly where the first rule whose conditions all hold
// sets riskOrdered levels, with that rule's action, levels and confidence.
// It also counts, for each condition, the real windows where that
// condition alone fails: there must be such a window (where the strategy
// stays silent) unless the rule lists the condition in notAlone.
func TestRules(t *testing.T) {
	for _, sp := range ruleSpecs() {
		id := sp.s.ID()
		t.Run(id, func(t *testing.T) {
			misses := make([][]int, len(sp.rules))
			for i, r := range sp.rules {
				misses[i] = make([]int, len(r.conds))
			}
			wrongSide := make([]int, len(sp.rules))
			for _, r := range replayed(t) {
				for row, v := range r.values[id] {
					if v == nil {
						continue
					}
					want := expect(sp, v, misses, wrongSide)
					got := r.decisions[id][row]
					if err := diffDecision(got, want, 1e-12, 1e-12); err != nil {
						t.Errorf("%s row %d: %v", r.set.name, row, err)
					}
				}
			}
			for i, r := range sp.rules {
				t.Logf("%s: %d dropped for a stop on the wrong side",
					r.action, wrongSide[i])
				checkMisses(t, r, misses[i])
			}
		})
	}
}

// checkMisses fails t unless the conditions of r that no real window
// fails alone are exactly those r lists in notAlone.
func checkMisses(tb testing.TB, r specRule[any], misses []int) {
	tb.Helper()
	for j, c := range r.conds {
		tb.Logf("%s: %q alone fails on %d candles", r.action, c.name,
			misses[j])
		listed := slices.Contains(r.notAlone, c.name)
		if (misses[j] == 0) != listed {
			tb.Errorf("%s: %q alone fails on %d candles; in notAlone: %v",
				r.action, c.name, misses[j], listed)
		}
	}
}

// expect returns the decision sp's rules give for v, counting into
// misses the conditions that alone fail and into wrongSide the rules
// dropped for their levels.
func expect(sp ruleSpec, v any, misses [][]int, wrongSide []int) *Decision {
	var want *Decision
	decided := false
	for i, r := range sp.rules {
		failed := -1
		for j, c := range r.conds {
			if c.holds(v) {
				continue
			}
			if failed >= 0 {
				failed = -2
				break
			}
			failed = j
		}
		if failed >= 0 {
			misses[i][failed]++
		}
		if failed != -1 || decided {
			continue
		}
		decided = true
		price, stop, target := r.levels(v)
		if !riskOrdered(r.action, price, stop, target) {
			wrongSide[i]++
			continue
		}
		want = &Decision{Action: r.action, Confidence: r.conf(v),
			Price: price, StopLoss: stop, TakeProfit: target}
	}
	return want
}

// decideCase is one row of a decide table: values around a threshold and
// the decision they give.
type decideCase[V interface{ decide() *Decision }] struct {
	name string
	v    V
	want *Decision
}

// runDecide checks the decision of every case to 1e-12, with exactly the
// metadata the case gives when it gives any.
func runDecide[V interface{ decide() *Decision }](t *testing.T,
	cases []decideCase[V]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkDecision(t, tc.v.decide(), tc.want, 1e-12, true)
		})
	}
}

// with returns v changed by f.
func with[V any](v V, f func(*V)) V {
	f(&v)
	return v
}

// wantBuy returns the buy decision a test expects; metadata unchecked.
func wantBuy(conf, price, stop, target float64) *Decision {
	return &Decision{Action: Buy, Confidence: conf, Price: price,
		StopLoss: stop, TakeProfit: target}
}

// wantSell returns the sell decision a test expects; metadata unchecked.
func wantSell(conf, price, stop, target float64) *Decision {
	return &Decision{Action: Sell, Confidence: conf, Price: price,
		StopLoss: stop, TakeProfit: target}
}

// windowCase is a real candle a strategy fires on, for the Window tests.
type windowCase struct {
	set    string // data set prefix
	open   int64  // open time of the candle
	action Action
}

// readWindow returns the live window ending at the candle of d opened at
// open, its row, and what read reads there.
func readWindow[V any](tb testing.TB, d *dataset, open int64,
	read func(*Input) (V, error)) (*Input, int, V) {
	tb.Helper()
	row := d.rowAt(tb, open)
	in := d.window(row, windowSize)
	v, err := read(in)
	if err != nil {
		tb.Fatal(err)
	}
	return in, row, v
}

// checkWindow evaluates s over in and fails tb unless the decision
// matches want with levels to tol relative.
func checkWindow(tb testing.TB, s Strategy, in *Input, want *Decision,
	tol float64) {
	tb.Helper()
	d, err := Evaluate(s, in)
	if err != nil {
		tb.Fatal(err)
	}
	checkDecision(tb, d, want, tol, true)
}

// checkRefs fails tb unless each named pair {got, want} agrees to 1e-8
// relative to max(1, |want|, scale): indicator values read from a live
// window against TA-Lib's over the whole file.
func checkRefs(tb testing.TB, d *dataset, row int, scale float64,
	pairs map[string][2]float64) {
	tb.Helper()
	for name, p := range pairs {
		if !closeTo(p[0], p[1], 1e-8, scale) {
			tb.Errorf("%s row %d: %s = %v, TA-Lib %v", d.name, row, name,
				p[0], p[1])
		}
	}
}

func TestRiskOrdered(t *testing.T) {
	tests := []struct {
		name                string
		a                   Action
		entry, stop, target float64
		want                bool
	}{
		{"buy", Buy, 100, 99, 102, true},
		{"sell", Sell, 100, 101, 98, true},
		{"buy stop above", Buy, 100, 101, 102, false},
		{"sell stop below", Sell, 100, 99, 98, false},
		{"buy target below", Buy, 100, 99, 99.5, false},
		{"buy stop on entry", Buy, 100, 100, 102, false},
		{"buy stop a rounding error away", Buy, 100, 100 - 1e-12, 102,
			false},
		{"sell stop a rounding error away", Sell, 1e-5, 1e-5 + 1e-20, 9e-6,
			false},
		{"buy stop just past minRisk", Buy, 100, 100 - 2e-4, 102, true},
		{"tiny prices", Buy, 1e-5, 0.99e-5, 1.02e-5, true},
		{"hold", Hold, 100, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := riskOrdered(tt.a, tt.entry, tt.stop, tt.target)
			if got != tt.want {
				t.Errorf("riskOrdered(%s, %v, %v, %v) = %v, want %v", tt.a,
					tt.entry, tt.stop, tt.target, got, tt.want)
			}
		})
	}
}
