package strategy

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// TestOrigReplay replays every original and advanced strategy over both
// real data sets with the live window rule (the last 1000 candles, fewer
// at the start) and checks that each one fires, that every decision passed
// Evaluate's checks, and that "not ready" only ever means too few candles.
func TestOrigReplay(t *testing.T) {
	for _, s := range origStrategies() {
		t.Run(s.ID(), func(t *testing.T) {
			total := 0
			for _, r := range origReplayed(t) {
				fired := 0
				for row, err := range r.errs[s.ID()] {
					ready := row+1 >= s.History()
					switch {
					case err == nil && !ready:
						t.Errorf("%s row %d: no error with %d candles, "+
							"history %d", r.set.name, row, row+1, s.History())
					case err != nil && (ready || !errors.Is(err, ErrNotReady)):
						t.Errorf("%s row %d: %v", r.set.name, row, err)
					}
					d := r.decisions[s.ID()][row]
					if d == nil {
						continue
					}
					fired++
					if err := d.check(); err != nil {
						t.Errorf("%s row %d: %v", r.set.name, row, err)
					}
				}
				t.Logf("%s: history %d, %d signals", r.set.name,
					s.History(), fired)
				total += fired
			}
			if total == 0 {
				t.Errorf("never fired on either data set")
			}
		})
	}
}

// TestOrigRules checks every strategy against its rules restated in the
// tests (origSpec), on every candle of both real data sets: it fires
// exactly where the first rule whose conditions all hold sets its levels
// on the right side, with that rule's action, levels and confidence. It
// also counts, for each condition, the real windows where that condition
// alone fails: there must be such a window (where the strategy stays
// silent) unless the rule lists the condition in notAlone.
func TestOrigRules(t *testing.T) {
	for _, sp := range origSpecs() {
		id := sp.s.ID()
		t.Run(id, func(t *testing.T) {
			misses := make([][]int, len(sp.rules))
			for i, r := range sp.rules {
				misses[i] = make([]int, len(r.conds))
			}
			wrongSide := make([]int, len(sp.rules))
			for _, r := range origReplayed(t) {
				for row, v := range r.values[id] {
					if v == nil {
						continue
					}
					want := origExpect(sp, v, misses, wrongSide)
					got := r.decisions[id][row]
					if err := origSame(got, want); err != nil {
						t.Errorf("%s row %d: %v", r.set.name, row, err)
					}
				}
			}
			for i, r := range sp.rules {
				t.Logf("%s: %d dropped for a stop on the wrong side",
					r.action, wrongSide[i])
				origCheckMisses(t, r, misses[i])
			}
		})
	}
}

// origCheckMisses fails t unless the conditions of r that no real window
// fails alone are exactly those r lists in notAlone.
func origCheckMisses(tb testing.TB, r origRule[any], misses []int) {
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

// origExpect returns the decision sp's rules give for v, counting into
// misses the conditions that alone fail and into wrongSide the rules
// dropped for their levels.
func origExpect(sp origSpec, v any, misses [][]int,
	wrongSide []int) *Decision {
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
		lo, hi := stop, target
		if r.action == Sell {
			lo, hi = target, stop
		}
		if !(lo > 0 && lo < price && price < hi) {
			wrongSide[i]++
			continue
		}
		want = &Decision{Action: r.action, Confidence: r.conf(v),
			Price: price, StopLoss: stop, TakeProfit: target}
	}
	return want
}

// origSame reports how got differs from want in action, confidence and
// levels (to 1e-12 relative).
func origSame(got, want *Decision) error { return origSameTol(got, want, 1e-12) }

// origSameTol is origSame to tol relative.
func origSameTol(got, want *Decision, tol float64) error {
	switch {
	case got == nil && want == nil:
		return nil
	case got == nil:
		return fmt.Errorf("no signal, want %s at %v", want.Action, want.Price)
	case want == nil:
		return fmt.Errorf("%s at %v, want no signal", got.Action, got.Price)
	case got.Action != want.Action:
		return fmt.Errorf("action %s, want %s", got.Action, want.Action)
	}
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"confidence", got.Confidence, want.Confidence},
		{"price", got.Price, want.Price},
		{"stop_loss", got.StopLoss, want.StopLoss},
		{"take_profit", got.TakeProfit, want.TakeProfit},
	} {
		if !origClose(f.got, f.want, tol, 0) {
			return fmt.Errorf("%s %v, want %v", f.name, f.got, f.want)
		}
	}
	return nil
}
