package backtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"

	"github.com/tabot-functions/tabot/shared/backtest"
	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/strategy"
	"github.com/tabot-functions/tabot/shared/strategyfn"
)

// decision is what live and backtest must agree on for one strategy on
// one candle.
type decision struct {
	action                                  string
	confidence, price, stopLoss, takeProfit float64
}

type key struct {
	strategy string
	openTime int64
}

// TestLiveAndBacktestDecideAlike posts the windows the candle source
// would send to a real strategy function, collects the signals it
// delivers, and compares them with the backtest's signals on the same
// candles: the same strategies fire on the same candles with the same
// action, confidence, price and levels, bit for bit.
//
// With every registered strategy the window must hold the longest
// history, so to stay fast under the race detector only the last 40
// candles are posted, where the window slides; with the tests' own two
// strategies and a short window the whole growth of the window is
// posted as well.
func TestLiveAndBacktestDecideAlike(t *testing.T) {
	files := []struct {
		name, symbol, interval string
	}{
		{btcFile, "BTCUSDT", "1h"},
		{ethFile, "ETHUSDT", "15m"},
	}
	own := []strategy.Strategy{emaCross{}, highAlert{}}
	all := testStrategies()
	for _, f := range files {
		t.Run(f.name+"/own", func(t *testing.T) {
			cs := load(t, f.name)[:500]
			compareLive(t, own, f.symbol, f.interval, 100, cs,
				func(i int) bool { return i < 150 || i >= 400 })
		})
		t.Run(f.name+"/registered", func(t *testing.T) {
			window := max(strategy.MaxHistory(all), 100)
			cs := load(t, f.name)[:window+40]
			compareLive(t, all, f.symbol, f.interval, window, cs,
				func(i int) bool { return i >= window })
		})
	}
}

// compareLive compares the live and the backtest signals of list on the
// candles of cs whose index is posted.
func compareLive(t *testing.T, list []strategy.Strategy, symbol,
	interval string, window int, cs []candle.Candle,
	posted func(int) bool) {
	t.Helper()
	at := map[int64]bool{}
	for i := range cs {
		if posted(i) {
			at[cs[i].OpenTime] = true
		}
	}
	live := liveSignals(t, list, symbol, interval, window, cs, at)

	cfg := backtest.Config{Symbol: symbol, Interval: interval,
		Window: window}
	res, err := backtest.Run(context.Background(), candle.NewSeries(cs),
		list, cfg)
	if err != nil {
		t.Fatal(err)
	}
	replayed := map[key]decision{}
	fired := map[string]bool{}
	for _, r := range res.Strategies {
		for _, sg := range r.Signals {
			if at[sg.OpenTime] {
				replayed[key{r.ID, sg.OpenTime}] = decision{
					string(sg.Action), sg.Confidence, sg.Price,
					sg.StopLoss, sg.TakeProfit}
				fired[r.ID] = true
			}
		}
	}

	if len(live) == 0 {
		t.Fatal("no live signal at all")
	}
	for k, want := range live {
		got, ok := replayed[k]
		if !ok {
			t.Errorf("%s on %d: live %+v, backtest nothing", k.strategy,
				k.openTime, want)
		} else if got != want {
			t.Errorf("%s on %d: backtest %+v, live %+v", k.strategy,
				k.openTime, got, want)
		}
	}
	for k, got := range replayed {
		if _, ok := live[k]; !ok {
			t.Errorf("%s on %d: backtest %+v, live nothing", k.strategy,
				k.openTime, got)
		}
	}
	t.Logf("%d strategies (%d fired), %d candles posted, window %d: %d "+
		"signals alike", len(list), len(fired), len(at), window, len(live))
}

// liveSignals runs a strategy function of list with a publisher stand-in
// as its sink, posts it the window of each candle of cs that opened at a
// posted time (the trailing window candles, as the candle source sends
// them) and returns every signal the sink received.
func liveSignals(t *testing.T, list []strategy.Strategy, symbol,
	interval string, window int, cs []candle.Candle,
	posted map[int64]bool) map[key]decision {
	t.Helper()
	sink := newSink(t)
	reg, err := strategy.NewRegistry(list...)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := strategyfn.New(strategyfn.Config{
		Common: fnhttp.Common{LogLevel: "info", Version: "test",
			PushInterval: 15 * time.Second},
		Strategies:    []string{"all"},
		MinConfidence: strategy.DefaultBounds().Min,
		MaxConfidence: strategy.DefaultBounds().Max,
		PublisherURL:  sink.srv.URL,
	}, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := svc.Handler()

	for i := range cs {
		if !posted[cs[i].OpenTime] {
			continue
		}
		w := event.Window{Symbol: symbol, Interval: interval,
			Candles: cs[max(0, i+1-window) : i+1]}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, windowRequest(t, w))
		if c := rec.Code; c != http.StatusOK && c != http.StatusAccepted {
			t.Fatalf("candle %d: status %d: %s", i, c, rec.Body)
		}
	}
	return sink.got(t)
}

// windowRequest returns a binary-mode CloudEvent request carrying w.
func windowRequest(tb testing.TB, w event.Window) *http.Request {
	tb.Helper()
	body, err := json.Marshal(w)
	if err != nil {
		tb.Fatal(err)
	}
	last := w.Candles[len(w.Candles)-1].OpenTime
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("ce-specversion", "1.0")
	r.Header.Set("ce-type", event.TypeCandles)
	r.Header.Set("ce-source", "/tabot/candle-source/candles."+w.Symbol+
		"."+w.Interval)
	r.Header.Set("ce-id", event.WindowID(w.Symbol, w.Interval, last))
	return r
}

// sink is a publisher stand-in: a real HTTP server keeping the signals
// posted to it.
type sink struct {
	srv *httptest.Server

	mu      sync.Mutex
	signals []event.Signal
	errs    []error
}

func newSink(tb testing.TB) *sink {
	tb.Helper()
	s := &sink{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.srv.Close)
	return s
}

func (s *sink) serve(w http.ResponseWriter, r *http.Request) {
	var sg event.Signal
	e, err := cehttp.NewEventFromHTTPRequest(r)
	if err == nil {
		err = json.Unmarshal(e.Data(), &sg)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errs = append(s.errs, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.signals = append(s.signals, sg)
	w.WriteHeader(http.StatusAccepted)
}

// got returns the signals received, keyed by strategy and candle.
func (s *sink) got(tb testing.TB) map[key]decision {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, err := range s.errs {
		tb.Errorf("sink: %v", err)
	}
	out := map[key]decision{}
	for _, sg := range s.signals {
		open, ok := sg.Metadata["candle_open_time"].(float64)
		if !ok {
			tb.Fatalf("signal %s has no candle_open_time: %v", sg.IntentID,
				sg.Metadata)
		}
		k := key{sg.StrategyID, int64(open)}
		if _, dup := out[k]; dup {
			tb.Errorf("%s on %d: two signals", k.strategy, k.openTime)
		}
		out[k] = decision{sg.Action, sg.Confidence, sg.Price,
			deref(sg.StopLoss), deref(sg.TakeProfit)}
	}
	return out
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}
