package backtest_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tabot-functions/tabot/shared/backtest"
	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/strategy"
)

func config(window int) backtest.Config {
	return backtest.Config{Symbol: "BTCUSDT", Interval: "1h",
		Window: window, Rules: backtest.Rules{Fee: backtest.DefaultFee}}
}

func TestRunWindowRule(t *testing.T) {
	cs := load(t, btcFile)[:300]
	s := candle.NewSeries(cs)
	rec := &recorder{history: 20}
	const window = 100

	res, err := backtest.Run(context.Background(), s,
		[]strategy.Strategy{rec}, config(window))
	if err != nil {
		t.Fatal(err)
	}

	got := rec.seen
	slices.SortFunc(got, func(a, b seen) int { return int(a.last - b.last) })
	if len(got) != len(cs)-19 {
		t.Fatalf("evaluated %d windows, want %d (one per candle from the "+
			"20th)", len(got), len(cs)-19)
	}
	for k, g := range got {
		i := k + 19
		lo := max(0, i+1-window)
		want := seen{first: cs[lo].OpenTime, last: cs[i].OpenTime,
			n: i + 1 - lo}
		if g != want {
			t.Errorf("candle %d: window %+v, want %+v", i, g, want)
		}
	}
	st := res.Strategies[0].Stats
	if st.Evaluated != len(cs)-19 || st.NotReady != 19 {
		t.Errorf("evaluated %d, not ready %d; want %d and 19",
			st.Evaluated, st.NotReady, len(cs)-19)
	}
}

func TestRunWorkersDoNotChangeTheResult(t *testing.T) {
	list := []strategy.Strategy{emaCross{}, highAlert{}, &recorder{history: 30}}
	window, n := 150, 3000
	s := candle.NewSeries(load(t, btcFile)[:n])

	var results []*backtest.Result
	for _, workers := range []int{1, 3} {
		cfg := config(window)
		cfg.Workers = workers
		res, err := backtest.Run(context.Background(), s, list, cfg)
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
	}
	if !reflect.DeepEqual(results[0], results[1]) {
		t.Errorf("1 worker and 3 workers disagree")
	}
}

// TestRunRealData replays the tests' own strategies over a real file and
// checks every signal and trade against the rules of the replay.
func TestRunRealData(t *testing.T) {
	cs := load(t, btcFile)
	s := candle.NewSeries(cs)
	cfg := config(200)
	cfg.Rules.TimeStop = 48 * time.Hour

	res, err := backtest.Run(context.Background(), s,
		[]strategy.Strategy{emaCross{}, highAlert{}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Candles != len(cs) || res.Version != backtest.Version ||
		res.FirstOpenTime != cs[0].OpenTime ||
		res.LastOpenTime != cs[len(cs)-1].OpenTime {
		t.Errorf("header %+v does not describe the %d candles", res,
			len(cs))
	}

	cross, alert := res.Strategies[0], res.Strategies[1]
	if st := cross.Stats; st.Trades == 0 || st.Filtered == 0 ||
		st.InPosition == 0 {
		t.Errorf("%s: %d trades, %d filtered, %d in position; want some "+
			"of each", cross.ID, st.Trades, st.Filtered, st.InPosition)
	}
	if e := cross.Stats.Exits; e.Time == 0 || e.Stop == 0 || e.Target == 0 {
		t.Errorf("%s: exits %+v, want every reason", cross.ID, e)
	}
	if st := alert.Stats; st.Holds == 0 || st.Holds != st.Signals ||
		st.Trades != 0 {
		t.Errorf("%s: %d signals, %d holds, %d trades; want holds only, "+
			"never traded", alert.ID, st.Signals, st.Holds, st.Trades)
	}
	for _, r := range res.Strategies {
		checkStrategy(t, s, cfg, r)
	}
}

// checkStrategy checks r's signals and trades against each other.
func checkStrategy(t *testing.T, s candle.Series, cfg backtest.Config,
	r backtest.StrategyResult) {
	t.Helper()
	b := strategy.DefaultBounds()
	st := r.Stats
	untraded := st.Holds + st.InPosition + st.NoNextCandle
	if st.Trades != st.Signals-untraded || st.Trades != len(r.Trades) ||
		st.Signals != len(r.Signals) {
		t.Errorf("%s: %d trades (%d listed) from %d signals (%d listed), "+
			"%d not traded", r.ID, st.Trades, len(r.Trades), st.Signals,
			len(r.Signals), untraded)
	}
	next := 0 // the trade the next traded signal opens
	for i, sg := range r.Signals {
		if i > 0 && sg.Index <= r.Signals[i-1].Index {
			t.Errorf("%s: signal %d out of order", r.ID, i)
		}
		if !b.Admits(sg.Confidence) {
			t.Errorf("%s: signal %d has confidence %v outside %v", r.ID, i,
				sg.Confidence, b)
		}
		if sg.Status != backtest.Traded {
			continue
		}
		tr := r.Trades[next]
		next++
		if tr.EntryIndex != sg.Index+1 || tr.Entry != s.Open[sg.Index+1] ||
			tr.StopLoss != sg.StopLoss || tr.TakeProfit != sg.TakeProfit {
			t.Errorf("%s: trade %+v does not follow signal %+v", r.ID, tr,
				sg)
		}
	}
	for i, tr := range r.Trades {
		if i > 0 && tr.EntryIndex <= r.Trades[i-1].ExitIndex {
			t.Errorf("%s: trade %d opens before trade %d closed", r.ID, i,
				i-1)
		}
		limit := s.OpenTime[tr.EntryIndex] + cfg.Rules.TimeStop.Milliseconds()
		if tr.Reason != backtest.End && s.OpenTime[tr.ExitIndex] >= limit &&
			tr.Reason != backtest.Time {
			t.Errorf("%s: trade %+v outlived its time stop", r.ID, tr)
		}
	}
}

func TestRunProgress(t *testing.T) {
	s := candle.NewSeries(load(t, btcFile)[:500])
	var calls []int
	cfg := config(100)
	cfg.Progress = func(done, total int) {
		if total != 500 {
			t.Errorf("progress total %d, want 500", total)
		}
		calls = append(calls, done)
	}
	if _, err := backtest.Run(context.Background(), s,
		[]strategy.Strategy{emaCross{}}, cfg); err != nil {
		t.Fatal(err)
	}
	if len(calls) < 2 || !slices.IsSorted(calls) || calls[len(calls)-1] != 500 {
		t.Errorf("progress calls %v, want rising to 500", calls)
	}
}

func TestRunCancelled(t *testing.T) {
	s := candle.NewSeries(load(t, btcFile))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := backtest.Run(ctx, s, []strategy.Strategy{emaCross{}},
		config(100))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestRunRejects(t *testing.T) {
	good := candle.NewSeries(load(t, btcFile)[:200])
	unsorted := candle.NewSeries(load(t, btcFile)[:200])
	unsorted.OpenTime[10] = unsorted.OpenTime[9]
	list := []strategy.Strategy{emaCross{}}

	tests := []struct {
		name  string
		s     candle.Series
		list  []strategy.Strategy
		tweak func(*backtest.Config)
		want  error
	}{
		{"no strategy", good, nil, nil, backtest.ErrConfig},
		{"no symbol", good, list, func(c *backtest.Config) {
			c.Symbol = ""
		}, backtest.ErrConfig},
		{"min above max", good, list, func(c *backtest.Config) {
			c.Bounds = strategy.Bounds{Min: 0.9, Max: 0.8}
		}, backtest.ErrConfig},
		{"max above 1", good, list, func(c *backtest.Config) {
			c.Bounds = strategy.Bounds{Min: 0.5, Max: 1.5}
		}, backtest.ErrConfig},
		{"negative fee", good, list, func(c *backtest.Config) {
			c.Rules.Fee = -0.1
		}, backtest.ErrConfig},
		{"negative time stop", good, list, func(c *backtest.Config) {
			c.Rules.TimeStop = -time.Hour
		}, backtest.ErrConfig},
		{"unknown interval", good, list, func(c *backtest.Config) {
			c.Interval = "7h"
		}, backtest.ErrConfig},
		{"window shorter than history", good, list, func(c *backtest.Config) {
			c.Window = 59
		}, backtest.ErrConfig},
		{"no candles", candle.Series{}, list, nil, backtest.ErrData},
		{"open times not rising", unsorted, list, nil, backtest.ErrData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config(100)
			if tt.tweak != nil {
				tt.tweak(&cfg)
			}
			_, err := backtest.Run(context.Background(), tt.s, tt.list, cfg)
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}
