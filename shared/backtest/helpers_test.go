package backtest_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// The real candle files at the repository's root.
const (
	btcFile = "btcusdt_1h_2021-11_2022-07.csv"
	ethFile = "ethusdt_15m_2021-03_2021-05.csv"
)

// load reads a candle file of the repository's testdata.
func load(tb testing.TB, name string) []candle.Candle {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	cs, err := candle.ReadCSV(f)
	if err != nil {
		tb.Fatalf("read %s: %v", name, err)
	}
	return cs
}

// emaCross is a small strategy of the tests' own: a buy when EMA(9)
// crosses above EMA(21), a sell when it crosses below, with the stop 1.5
// ATR and the target 3 ATR away. Its confidence grows with the ATR's
// share of the price, so some decisions fall outside the default bounds.
type emaCross struct{}

func (emaCross) ID() string   { return "test_ema_cross" }
func (emaCross) History() int { return 60 }

func (emaCross) Evaluate(in *strategy.Input) (*strategy.Decision, error) {
	fast, slow, atr := in.EMA(9), in.EMA(21), in.ATR(14)
	f0, ok0 := strategy.Last(fast, 0)
	f1, ok1 := strategy.Last(fast, 1)
	s0, ok2 := strategy.Last(slow, 0)
	s1, ok3 := strategy.Last(slow, 1)
	a, ok4 := strategy.Last(atr, 0)
	if !(ok0 && ok1 && ok2 && ok3 && ok4) {
		return nil, strategy.ErrNotReady
	}
	p := in.Close[in.Len()-1]
	d := &strategy.Decision{Price: p,
		Confidence: min(1, 0.5+20*a/p)}
	switch {
	case f1 <= s1 && f0 > s0:
		d.Action, d.StopLoss, d.TakeProfit = strategy.Buy, p-1.5*a, p+3*a
	case f1 >= s1 && f0 < s0:
		d.Action, d.StopLoss, d.TakeProfit = strategy.Sell, p+1.5*a, p-3*a
	default:
		return nil, nil
	}
	return d, nil
}

// highAlert is a hold alert when the close is the highest of 50.
type highAlert struct{}

func (highAlert) ID() string   { return "test_high_alert" }
func (highAlert) History() int { return 50 }

func (highAlert) Evaluate(in *strategy.Input) (*strategy.Decision, error) {
	n := in.Len()
	for _, c := range in.Close[n-50 : n-1] {
		if c >= in.Close[n-1] {
			return nil, nil
		}
	}
	return &strategy.Decision{Action: strategy.Hold, Confidence: 0.7,
		Price: in.Close[n-1]}, nil
}

// seen is one evaluation a recorder saw.
type seen struct {
	first, last int64 // open times of the window's ends
	n           int
}

// recorder never fires; it keeps every window it is given.
type recorder struct {
	history int

	mu   sync.Mutex
	seen []seen
}

func (r *recorder) ID() string   { return "test_recorder" }
func (r *recorder) History() int { return r.history }

func (r *recorder) Evaluate(in *strategy.Input) (*strategy.Decision, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, seen{first: in.OpenTime[0],
		last: in.OpenTime[in.Len()-1], n: in.Len()})
	return nil, nil
}

// testStrategies returns the tests' own strategies followed by every
// registered one.
func testStrategies() []strategy.Strategy {
	return append([]strategy.Strategy{emaCross{}, highAlert{}},
		strategy.Default().All()...)
}
