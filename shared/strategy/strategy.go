// Package strategy holds the trading strategies and the rules every one of
// them obeys. A strategy is a pure function of a candle window: no clock,
// no I/O, no globals; the same window always gives the same decision.
package strategy

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// ErrNotReady is returned when a window holds fewer candles than a
// strategy needs, or an indicator it reads has no value yet.
var ErrNotReady = errors.New("not ready")

// ErrInvalidDecision is returned when a strategy's decision breaks a
// rule every signal obeys (risk levels on the wrong side, a value that is
// not finite, a confidence outside [0,1]). The decision is dropped.
var ErrInvalidDecision = errors.New("invalid decision")

// Action is what a decision asks for.
type Action string

// The actions a strategy can take. Hold is an alert, never a trade.
const (
	Buy  Action = "buy"
	Sell Action = "sell"
	Hold Action = "hold"
)

// Decision is what a strategy concludes from a window when it fires.
// Price is the entry the risk levels refer to; StopLoss and TakeProfit are
// zero for a Hold.
type Decision struct {
	Action     Action
	Confidence float64
	Price      float64
	StopLoss   float64
	TakeProfit float64
	// Metadata holds indicator values and facts behind the decision;
	// values are float64, bool, string or int.
	Metadata map[string]any
}

// Strategy is one rule set, registered by its upstream id.
type Strategy interface {
	// ID is the upstream strategy id, e.g. "momentum_pulse".
	ID() string
	// History is the number of candles the strategy needs in its window,
	// enough for every indicator it reads to have settled.
	History() int
	// Evaluate returns the decision for the window's last candle, nil
	// when the strategy does not fire, or ErrNotReady.
	Evaluate(in *Input) (*Decision, error)
}

// Evaluate runs s over in and checks the decision against the rules every
// strategy obeys: enough history, finite values, a confidence in [0,1],
// and for a buy stop_loss < price < take_profit (a sell the mirror).
func Evaluate(s Strategy, in *Input) (*Decision, error) {
	if in.Len() < s.History() {
		return nil, fmt.Errorf("%s: %w: %d candles, need %d",
			s.ID(), ErrNotReady, in.Len(), s.History())
	}
	d, err := s.Evaluate(in)
	if err != nil || d == nil {
		return nil, err
	}
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", s.ID(), err)
	}
	return d, nil
}

// check returns ErrInvalidDecision, saying why, when d breaks a rule every
// decision obeys: finite values, a confidence in [0,1], a positive price,
// riskOrdered levels for a trade and none for a hold.
func (d *Decision) check() error {
	for name, v := range map[string]float64{
		"confidence": d.Confidence, "price": d.Price,
		"stop_loss": d.StopLoss, "take_profit": d.TakeProfit,
	} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: %s is %v", ErrInvalidDecision, name, v)
		}
	}
	for k, v := range d.Metadata {
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return fmt.Errorf("%w: metadata %s is %v",
				ErrInvalidDecision, k, f)
		}
	}
	if d.Confidence < 0 || d.Confidence > 1 {
		return fmt.Errorf("%w: confidence %v outside [0,1]",
			ErrInvalidDecision, d.Confidence)
	}
	if d.Price <= 0 {
		return fmt.Errorf("%w: price %v <= 0", ErrInvalidDecision, d.Price)
	}
	switch d.Action {
	case Buy:
		if !riskOrdered(Buy, d.Price, d.StopLoss, d.TakeProfit) {
			return fmt.Errorf("%w: buy needs stop_loss %v < price %v < "+
				"take_profit %v", ErrInvalidDecision,
				d.StopLoss, d.Price, d.TakeProfit)
		}
	case Sell:
		if !riskOrdered(Sell, d.Price, d.StopLoss, d.TakeProfit) {
			return fmt.Errorf("%w: sell needs take_profit %v < price %v < "+
				"stop_loss %v", ErrInvalidDecision,
				d.TakeProfit, d.Price, d.StopLoss)
		}
	case Hold:
		if d.StopLoss != 0 || d.TakeProfit != 0 {
			return fmt.Errorf("%w: hold carries no stop or target",
				ErrInvalidDecision)
		}
	default:
		return fmt.Errorf("%w: unknown action %q", ErrInvalidDecision, d.Action)
	}
	return nil
}

// Strength maps a confidence to the signal's strength: weak below 0.6,
// medium below 0.75, strong below 0.9, extreme from 0.9.
func Strength(confidence float64) string {
	switch {
	case confidence >= 0.9:
		return "extreme"
	case confidence >= 0.75:
		return "strong"
	case confidence >= 0.6:
		return "medium"
	default:
		return "weak"
	}
}

// Registry finds strategies by id, in upstream registry order.
type Registry struct {
	list []Strategy
	byID map[string]Strategy
}

// NewRegistry returns a registry of the given strategies, in that order.
// It fails on a duplicate id.
func NewRegistry(list ...Strategy) (*Registry, error) {
	r := &Registry{byID: make(map[string]Strategy, len(list))}
	for _, s := range list {
		if _, dup := r.byID[s.ID()]; dup {
			return nil, fmt.Errorf("strategy %q registered twice", s.ID())
		}
		r.byID[s.ID()] = s
		r.list = append(r.list, s)
	}
	return r, nil
}

// All returns every registered strategy in registry order.
func (r *Registry) All() []Strategy { return append([]Strategy(nil), r.list...) }

// IDs returns the registered ids in registry order.
func (r *Registry) IDs() []string {
	ids := make([]string, len(r.list))
	for i, s := range r.list {
		ids[i] = s.ID()
	}
	return ids
}

// Select returns the strategies named by ids, in registry order; "all"
// alone selects every one. An unknown id is an error.
func (r *Registry) Select(ids []string) ([]Strategy, error) {
	if len(ids) == 1 && ids[0] == "all" {
		return r.All(), nil
	}
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		if _, ok := r.byID[id]; !ok {
			known := r.IDs()
			sort.Strings(known)
			return nil, fmt.Errorf("unknown strategy %q (known: %v)", id, known)
		}
		want[id] = true
	}
	var out []Strategy
	for _, s := range r.list {
		if want[s.ID()] {
			out = append(out, s)
		}
	}
	return out, nil
}

// MaxHistory returns the longest history any of list needs.
func MaxHistory(list []Strategy) int {
	max := 0
	for _, s := range list {
		if h := s.History(); h > max {
			max = h
		}
	}
	return max
}
