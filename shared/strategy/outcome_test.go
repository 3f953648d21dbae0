package strategy_test

import (
	"errors"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// rule is a Strategy whose decision a test chooses.
type rule struct {
	id      string
	history int
	decide  func(in *strategy.Input) (*strategy.Decision, error)
}

func (r rule) ID() string   { return r.id }
func (r rule) History() int { return r.history }

func (r rule) Evaluate(in *strategy.Input) (*strategy.Decision, error) {
	return r.decide(in)
}

func TestEvaluateAll(t *testing.T) {
	buy := func(in *strategy.Input) (*strategy.Decision, error) {
		p := in.Close[in.Len()-1]
		return &strategy.Decision{Action: strategy.Buy, Confidence: 0.7,
			Price: p, StopLoss: p - 1, TakeProfit: p + 2}, nil
	}
	list := []strategy.Strategy{
		rule{"fires", 3, buy},
		rule{"short_window", 10, buy},
		rule{"panics", 3, func(*strategy.Input) (*strategy.Decision,
			error) {
			panic("boom")
		}},
		rule{"wrong_side", 3, func(in *strategy.Input) (*strategy.Decision,
			error) {
			d, _ := buy(in)
			d.StopLoss = d.Price + 1
			return d, nil
		}},
		rule{"silent", 3, func(*strategy.Input) (*strategy.Decision,
			error) {
			return nil, nil
		}},
	}
	var cs []candle.Candle
	for i := range 5 {
		p := 100 + float64(i)
		cs = append(cs, candle.Candle{OpenTime: int64(i) * 60000,
			Open: p, High: p + 1, Low: p - 1, Close: p, Volume: 1})
	}
	in := strategy.NewInput("BTCUSDT", "1m", candle.NewSeries(cs))

	got := strategy.EvaluateAll(list, in)
	if len(got) != len(list) {
		t.Fatalf("got %d outcomes, want %d", len(got), len(list))
	}
	tests := []struct {
		fired bool
		err   error
	}{
		{fired: true},
		{err: strategy.ErrNotReady},
		{err: strategy.ErrPanic},
		{err: strategy.ErrInvalidDecision},
		{},
	}
	for i, tt := range tests {
		o := got[i]
		if o.Strategy.ID() != list[i].ID() {
			t.Errorf("outcome %d is of %s, want %s", i, o.Strategy.ID(),
				list[i].ID())
		}
		if (o.Decision != nil) != tt.fired {
			t.Errorf("%s: decision %+v, want fired=%v", o.Strategy.ID(),
				o.Decision, tt.fired)
		}
		if tt.err == nil && o.Err != nil || !errors.Is(o.Err, tt.err) {
			t.Errorf("%s: error %v, want %v", o.Strategy.ID(), o.Err, tt.err)
		}
	}
}

func TestBoundsAdmits(t *testing.T) {
	b := strategy.DefaultBounds()
	tests := []struct {
		c    float64
		want bool
	}{
		{0.59, false}, {0.6, true}, {0.8, true}, {0.95, true}, {0.951, false},
	}
	for _, tt := range tests {
		if got := b.Admits(tt.c); got != tt.want {
			t.Errorf("Admits(%v) = %v, want %v", tt.c, got, tt.want)
		}
	}
}
