package strategy

import (
	"errors"
	"fmt"
)

// ErrPanic marks a strategy that panicked on a window. EvaluateAll turns
// the panic into this error so that one broken strategy never costs the
// decisions of the others.
var ErrPanic = errors.New("strategy panicked")

// Bounds is the deployment-wide confidence filter: a decision becomes a
// signal when Min <= confidence <= Max (MIN_CONFIDENCE, MAX_CONFIDENCE).
type Bounds struct {
	Min, Max float64
}

// DefaultBounds returns the live defaults, 0.6 and 0.95.
func DefaultBounds() Bounds { return Bounds{Min: 0.6, Max: 0.95} }

// Admits reports whether b lets a decision of confidence c through.
func (b Bounds) Admits(c float64) bool { return b.Min <= c && c <= b.Max }

// Outcome is what one strategy made of one window.
type Outcome struct {
	Strategy Strategy
	// Decision is nil when the strategy did not fire or failed.
	Decision *Decision
	// Err wraps ErrNotReady when the window was too short,
	// ErrInvalidDecision or ErrPanic when the strategy broke a rule.
	Err error
}

// EvaluateAll runs each strategy of list over in, in order, through
// Evaluate. Every strategy function and the backtest evaluate a window
// through it, so both take the same decisions on the same candles.
func EvaluateAll(list []Strategy, in *Input) []Outcome {
	out := make([]Outcome, len(list))
	for i, s := range list {
		d, err := evaluateSafe(s, in)
		out[i] = Outcome{Strategy: s, Decision: d, Err: err}
	}
	return out
}

func evaluateSafe(s Strategy, in *Input) (d *Decision, err error) {
	defer func() {
		if p := recover(); p != nil {
			d, err = nil, fmt.Errorf("%s: %w: %v", s.ID(), ErrPanic, p)
		}
	}()
	return Evaluate(s, in)
}
