// Package backtest replays candles through the strategies with the live
// window rule and simulates a trade for each signal. It does no I/O: the
// caller reads the candles (ReadCSV) and writes the Result.
//
// For each candle i the window is the trailing Config.Window candles
// ending at i (fewer at the start of the data), and every strategy is
// evaluated over it through strategy.EvaluateAll, as the strategy
// function does with the window the candle source sends: a strategy
// decides only when the window holds at least its History(), and only
// decisions inside the confidence bounds are signals. The cost of a
// candle is bounded by the window, so a run is linear in the number of
// candles. The live candle source also waits for MIN_CANDLES before it
// sends the first window of a stream; the backtest evaluates each
// strategy from its own History() on.
//
// Signals then become trades as Simulate describes.
package backtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// Version is the version of the Result's JSON shape; it changes only
// when a field is renamed or removed.
const Version = 1

// Defaults of Config.
const (
	DefaultWindow = 1000
	DefaultFee    = 0.001
)

// ErrConfig marks a Config that can never run; ErrData candles that
// cannot be replayed.
var (
	ErrConfig = errors.New("invalid backtest config")
	ErrData   = errors.New("invalid candle data")
)

// chunk is the number of candles a worker evaluates at a time.
const chunk = 32

// Config is one backtest run.
type Config struct {
	// Symbol and Interval are what the strategies see in their Input,
	// as live.
	Symbol   string
	Interval string
	// Window is the number of trailing candles each evaluation sees
	// (WINDOW_SIZE live); 0 means DefaultWindow.
	Window int
	// Bounds is the confidence filter; the zero value means
	// strategy.DefaultBounds, the live defaults.
	Bounds strategy.Bounds
	// Rules turn signals into trades. IntervalMillis is set from
	// Interval when it is zero.
	Rules Rules
	// Workers evaluate candles in parallel; 0 means GOMAXPROCS. The
	// result does not depend on it.
	Workers int
	// Progress, when set, is called from Run's goroutine with the
	// number of candles evaluated so far and the total.
	Progress func(done, total int)
}

// Result is a whole run. Its JSON field names are stable (see Version).
type Result struct {
	Version       int     `json:"version"`
	Symbol        string  `json:"symbol"`
	Interval      string  `json:"interval"`
	Candles       int     `json:"candles"`
	FirstOpenTime int64   `json:"first_open_time"`
	LastOpenTime  int64   `json:"last_open_time"`
	Window        int     `json:"window"`
	MinConfidence float64 `json:"min_confidence"`
	MaxConfidence float64 `json:"max_confidence"`
	Fee           float64 `json:"fee"`
	// TimeStop is a Go duration ("24h0m0s"), "0s" for none.
	TimeStop   string           `json:"time_stop"`
	Strategies []StrategyResult `json:"strategies"`
}

// StrategyResult is one strategy's part of a run.
type StrategyResult struct {
	ID      string   `json:"id"`
	Stats   Stats    `json:"stats"`
	Signals []Signal `json:"signals"`
	Trades  []Trade  `json:"trades"`
}

// Run replays s through list under cfg. It fails with ErrConfig or
// ErrData before doing any work, or with ctx's error when ctx ends
// first.
func Run(ctx context.Context, s candle.Series, list []strategy.Strategy,
	cfg Config) (*Result, error) {
	cfg, err := cfg.withDefaults(list)
	if err != nil {
		return nil, err
	}
	if err := check(s); err != nil {
		return nil, err
	}

	evals, err := evaluate(ctx, s, list, cfg)
	if err != nil {
		return nil, err
	}

	res := &Result{Version: Version, Symbol: cfg.Symbol,
		Interval: cfg.Interval, Candles: s.Len(),
		FirstOpenTime: s.OpenTime[0], LastOpenTime: s.OpenTime[s.Len()-1],
		Window: cfg.Window, MinConfidence: cfg.Bounds.Min,
		MaxConfidence: cfg.Bounds.Max, Fee: cfg.Rules.Fee,
		TimeStop:   cfg.Rules.TimeStop.String(),
		Strategies: make([]StrategyResult, len(list))}
	for k, st := range list {
		e := evals[k]
		trades := Simulate(s, e.signals, cfg.Rules)
		e.stats.tally(e.signals, trades)
		res.Strategies[k] = StrategyResult{ID: st.ID(), Stats: e.stats,
			Signals: nonNil(e.signals), Trades: nonNil(trades)}
	}
	return res, nil
}

func nonNil[T any](x []T) []T {
	if x == nil {
		return []T{}
	}
	return x
}

// withDefaults fills cfg's zero values and checks it against list.
func (cfg Config) withDefaults(list []strategy.Strategy) (Config, error) {
	if cfg.Window == 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.Bounds == (strategy.Bounds{}) {
		cfg.Bounds = strategy.DefaultBounds()
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	iv, ivErr := candle.ParseInterval(cfg.Interval)
	if cfg.Rules.IntervalMillis == 0 {
		cfg.Rules.IntervalMillis = iv.Millis()
	}

	lo, hi, fee := cfg.Bounds.Min, cfg.Bounds.Max, cfg.Rules.Fee
	switch {
	case len(list) == 0:
		return cfg, fmt.Errorf("%w: no strategy", ErrConfig)
	case cfg.Symbol == "":
		return cfg, fmt.Errorf("%w: no symbol", ErrConfig)
	case ivErr != nil:
		return cfg, fmt.Errorf("%w: %v", ErrConfig, ivErr)
	case math.IsNaN(lo) || math.IsNaN(hi) || lo < 0 || lo > hi || hi > 1:
		return cfg, fmt.Errorf("%w: confidence bounds %v..%v: want "+
			"0 <= min <= max <= 1", ErrConfig, lo, hi)
	case math.IsNaN(fee) || fee < 0 || fee >= 1:
		return cfg, fmt.Errorf("%w: fee %v: want 0 <= fee < 1",
			ErrConfig, fee)
	case cfg.Rules.TimeStop < 0:
		return cfg, fmt.Errorf("%w: time stop %v is negative", ErrConfig,
			cfg.Rules.TimeStop)
	}
	if need := strategy.MaxHistory(list); cfg.Window < need {
		return cfg, fmt.Errorf("%w: window %d is shorter than the %d "+
			"candles the strategies need", ErrConfig, cfg.Window, need)
	}
	return cfg, nil
}

// check reports candles the replay cannot take: none, columns of
// different lengths, or open times that do not increase.
func check(s candle.Series) error {
	n := s.Len()
	if n == 0 {
		return fmt.Errorf("%w: no candles", ErrData)
	}
	if len(s.OpenTime) != n || len(s.Open) != n || len(s.High) != n ||
		len(s.Low) != n || len(s.Volume) != n {
		return fmt.Errorf("%w: columns of different lengths", ErrData)
	}
	for i := 1; i < n; i++ {
		if s.OpenTime[i] <= s.OpenTime[i-1] {
			return fmt.Errorf("%w: candle %d opens at %d, not after %d",
				ErrData, i, s.OpenTime[i], s.OpenTime[i-1])
		}
	}
	return nil
}

// evaluation is what the replay found for one strategy, in candle order.
type evaluation struct {
	stats   Stats
	signals []Signal
}

// evaluate replays every candle of s through list; workers take chunks
// of candles and the chunks are put back in order, so the result does
// not depend on the number of workers.
func evaluate(ctx context.Context, s candle.Series,
	list []strategy.Strategy, cfg Config) ([]evaluation, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	n := s.Len()
	chunks := (n + chunk - 1) / chunk
	jobs := make(chan int)
	done := make(chan int)
	parts := make([][]evaluation, chunks)
	var wg sync.WaitGroup
	for range min(cfg.Workers, chunks) {
		wg.Go(func() {
			for c := range jobs {
				parts[c] = evaluateChunk(s, list, cfg, c*chunk,
					min(n, (c+1)*chunk))
				select {
				case done <- c:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	wg.Go(func() {
		defer close(jobs)
		for c := range chunks {
			select {
			case jobs <- c:
			case <-ctx.Done():
				return
			}
		}
	})

	var err error
	for evaluated := 0; evaluated < n && err == nil; {
		select {
		case c := <-done:
			evaluated += min(n, (c+1)*chunk) - c*chunk
			if cfg.Progress != nil {
				cfg.Progress(evaluated, n)
			}
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	cancel()
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	return merge(parts, len(list)), nil
}

// evaluateChunk evaluates the windows ending at candles lo to hi-1.
func evaluateChunk(s candle.Series, list []strategy.Strategy, cfg Config,
	lo, hi int) []evaluation {
	out := make([]evaluation, len(list))
	for i := lo; i < hi; i++ {
		in := strategy.NewInput(cfg.Symbol, cfg.Interval,
			window(s, max(0, i+1-cfg.Window), i+1))
		for k, o := range strategy.EvaluateAll(list, in) {
			out[k].record(o, cfg.Bounds, i, s.OpenTime[i])
		}
	}
	return out
}

// record counts one outcome and keeps it when it is a signal.
func (e *evaluation) record(o strategy.Outcome, b strategy.Bounds, i int,
	openTime int64) {
	switch {
	case errors.Is(o.Err, strategy.ErrNotReady):
		e.stats.NotReady++
		return
	case o.Err != nil:
		e.stats.Evaluated++
		e.stats.Errors++
		return
	}
	e.stats.Evaluated++
	d := o.Decision
	if d == nil {
		return
	}
	if !b.Admits(d.Confidence) {
		e.stats.Filtered++
		return
	}
	e.signals = append(e.signals, Signal{Index: i, OpenTime: openTime,
		Action: d.Action, Confidence: d.Confidence, Price: d.Price,
		StopLoss: d.StopLoss, TakeProfit: d.TakeProfit})
}

// merge joins the chunks' evaluations in candle order.
func merge(parts [][]evaluation, strategies int) []evaluation {
	out := make([]evaluation, strategies)
	for _, p := range parts {
		for k := range out {
			st := &out[k].stats
			st.Evaluated += p[k].stats.Evaluated
			st.NotReady += p[k].stats.NotReady
			st.Errors += p[k].stats.Errors
			st.Filtered += p[k].stats.Filtered
			out[k].signals = append(out[k].signals, p[k].signals...)
		}
	}
	return out
}

// window returns candles lo to hi-1 of s without copying them; the
// slices are capped so that nothing can append into the next candles.
func window(s candle.Series, lo, hi int) candle.Series {
	return candle.Series{
		OpenTime: s.OpenTime[lo:hi:hi],
		Open:     s.Open[lo:hi:hi],
		High:     s.High[lo:hi:hi],
		Low:      s.Low[lo:hi:hi],
		Close:    s.Close[lo:hi:hi],
		Volume:   s.Volume[lo:hi:hi],
	}
}
