package strategyfn_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/fnhttp/fnhttptest"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/strategy"
	"github.com/tabot-functions/tabot/shared/strategyfn"
)

// fake is a Strategy whose decision a test chooses.
type fake struct {
	id      string
	history int
	decide  func(in *strategy.Input) (*strategy.Decision, error)

	mu     sync.Mutex
	inputs []*strategy.Input
}

func (f *fake) ID() string   { return f.id }
func (f *fake) History() int { return f.history }

func (f *fake) Evaluate(in *strategy.Input) (*strategy.Decision, error) {
	f.mu.Lock()
	f.inputs = append(f.inputs, in)
	f.mu.Unlock()
	return f.decide(in)
}

// buy fires a buy at the last close with confidence c.
func buy(c float64) func(*strategy.Input) (*strategy.Decision, error) {
	return func(in *strategy.Input) (*strategy.Decision, error) {
		p := in.Close[in.Len()-1]
		ema, _ := strategy.Last(in.EMA(3), 0)
		return &strategy.Decision{Action: strategy.Buy, Confidence: c,
			Price: p, StopLoss: p * 0.98, TakeProfit: p * 1.04,
			Metadata: map[string]any{"ema_3": ema}}, nil
	}
}

// seen returns the Inputs f was given.
func (f *fake) seen() []*strategy.Input {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*strategy.Input(nil), f.inputs...)
}

func never(*strategy.Input) (*strategy.Decision, error) { return nil, nil }

func registry(tb testing.TB, list ...strategy.Strategy) *strategy.Registry {
	tb.Helper()
	r, err := strategy.NewRegistry(list...)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func config(strategies ...string) strategyfn.Config {
	return strategyfn.Config{
		Common: fnhttp.Common{Port: 0, LogLevel: "info", Version: "test",
			PushInterval: 15 * time.Second},
		Strategies:    strategies,
		MinConfidence: 0.6,
		MaxConfidence: 0.95,
	}
}

// fn is a strategy function serving on 127.0.0.1:0.
type fn struct {
	svc *strategyfn.Service
	url string
}

func serve(tb testing.TB, cfg strategyfn.Config,
	reg *strategy.Registry) *fn {
	tb.Helper()
	svc, err := strategyfn.New(cfg, reg, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("Serve: %v", err)
		}
	})
	return &fn{svc: svc, url: "http://" + ln.Addr().String()}
}

// window returns n valid 15m candles of symbol, rising slowly.
func window(symbol string, n int) event.Window {
	w := event.Window{Symbol: symbol, Interval: "15m"}
	for i := range n {
		p := 42000 + 10*float64(i)
		w.Candles = append(w.Candles, candle.Candle{
			OpenTime: 1704067200000 + int64(i)*900000,
			Open:     p, High: p + 20, Low: p - 20, Close: p + 5, Volume: 12,
		})
	}
	return w
}

// candleEvent returns the structured JSON of a candles event holding w.
func candleEvent(tb testing.TB, w event.Window) string {
	tb.Helper()
	last := w.Candles[len(w.Candles)-1].OpenTime
	b, err := json.Marshal(map[string]any{
		"specversion":     "1.0",
		"id":              event.WindowID(w.Symbol, w.Interval, last),
		"source":          "/tabot/candle-source/candles." + w.Symbol + "." + w.Interval,
		"type":            event.TypeCandles,
		"subject":         w.Symbol + "/" + w.Interval,
		"datacontenttype": "application/json",
		"symbol":          w.Symbol,
		"interval":        w.Interval,
		"data":            w,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func (f *fn) post(tb testing.TB, header map[string]string,
	body string) *http.Response {
	tb.Helper()
	return fnhttptest.Post(tb, f.url, header, body)
}

// sink is a publisher stand-in: a real HTTP server that keeps the events
// posted to it and answers with status.
type sink struct {
	srv *httptest.Server

	mu     sync.Mutex
	status int
	// statusOf answers the signals of a strategy instead of status.
	statusOf map[string]int
	events   []ce.Event
}

func newSink(tb testing.TB) *sink {
	tb.Helper()
	s := &sink{status: http.StatusAccepted}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.srv.Close)
	return s
}

func (s *sink) serve(w http.ResponseWriter, r *http.Request) {
	e, err := cehttp.NewEventFromHTTPRequest(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	status := s.status
	if st, ok := s.statusOf[e.Extensions()["strategy"].(string)]; ok {
		status = st
	}
	if status < 300 {
		s.events = append(s.events, *e)
	}
	if status >= 400 {
		http.Error(w, `{"error":"refused by the test"}`, status)
		return
	}
	w.WriteHeader(status)
}

// setStatusOf answers the signals of strategy id with code.
func (s *sink) setStatusOf(id string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.statusOf == nil {
		s.statusOf = make(map[string]int)
	}
	s.statusOf[id] = code
}

func (s *sink) setStatus(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = code
}

func (s *sink) got() []ce.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ce.Event(nil), s.events...)
}

func generated(m *metrics.Metrics, id string) float64 {
	return testutil.ToFloat64(m.SignalsGenerated.WithLabelValues(id))
}

func errorsOf(m *metrics.Metrics, t metrics.ErrorType) float64 {
	return testutil.ToFloat64(m.Errors.WithLabelValues(string(t)))
}

// readBody returns the body of resp.
func readBody(tb testing.TB, resp *http.Response) string {
	tb.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
