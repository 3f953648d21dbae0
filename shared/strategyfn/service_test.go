package strategyfn_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/event/cejson"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/strategy"
	"github.com/tabot-functions/tabot/shared/strategyfn"
)

// TestReplyWithSignal posts a window and checks the reply: a binary-mode
// signal event whose data is the signal object (BC-24: a JSON object).
func TestReplyWithSignal(t *testing.T) {
	f := serve(t, config("momentum_pulse"), registry(t,
		&fake{id: "momentum_pulse", history: 3, decide: buy(0.74)}))
	w := window("BTCUSDT", 5)
	last := w.Candles[4]

	resp := f.post(t, map[string]string{
		"Content-Type": "application/cloudevents+json"}, candleEvent(t, w))

	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	wantID := event.SignalID("momentum_pulse", "BTCUSDT", "15m",
		last.OpenTime)
	headers := map[string]string{
		"Ce-Type":      event.TypeSignal,
		"Ce-Id":        wantID,
		"Ce-Strategy":  "momentum_pulse",
		"Ce-Symbol":    "BTCUSDT",
		"Ce-Interval":  "15m",
		"Ce-Action":    "buy",
		"Content-Type": "application/json",
	}
	for k, want := range headers {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	e, err := cehttp.NewEventFromHTTPResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	var sig event.Signal
	if err := json.Unmarshal(e.Data(), &sig); err != nil {
		t.Fatalf("data %q is not the signal object: %v", e.Data(), err)
	}
	closed := time.UnixMilli(last.OpenTime + 900000).UTC()
	checks := []struct {
		name      string
		got, want any
	}{
		{"strategy_id", sig.StrategyID, "momentum_pulse"},
		{"action", sig.Action, "buy"},
		{"confidence", sig.Confidence, 0.74},
		{"current_price", sig.CurrentPrice, last.Close},
		{"timeframe", sig.Timeframe, "15m"},
		{"strength", sig.Strength, "medium"},
		{"source", sig.Source, "ta_bot"},
		{"intent_id", sig.IntentID, wantID},
		{"timestamp", sig.Timestamp, closed.Format(time.RFC3339)},
		{"stop_loss set", sig.StopLoss != nil, true},
		{"take_profit set", sig.TakeProfit != nil, true},
		{"candle_open_time", sig.Metadata["candle_open_time"],
			float64(last.OpenTime)},
		{"metadata interval", sig.Metadata["interval"], "15m"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	m := f.svc.Metrics()
	if got := generated(m, "momentum_pulse"); got != 1 {
		t.Errorf("signals_generated_total = %v, want 1", got)
	}
	if got := testutil.CollectAndCount(m.ProcessingTime); got != 1 {
		t.Errorf("processing_time_seconds series = %d, want 1", got)
	}
}

// TestAcceptedForms checks the forms a caller uses reach the strategies:
// a bare window (OpenFaaS), a kn event send (binary, no extensions) and
// binary mode with a +json content type.
func TestAcceptedForms(t *testing.T) {
	w := window("BTCUSDT", 5)
	data, _ := json.Marshal(w)
	tests := []struct {
		name   string
		header map[string]string
	}{
		{"bare window", nil},
		{"kn event send", map[string]string{
			"Ce-Specversion": "1.0",
			"Ce-Id":          "b7c2a3f0-1d4e-4a57-8f0b-3e2d1c0b9a87",
			"Ce-Source":      "kn-event/v1.14.0",
			"Ce-Type":        event.TypeCandles,
			"Content-Type":   "application/json",
		}},
		{"kn event send generic type", map[string]string{
			"Ce-Specversion": "1.0",
			"Ce-Id":          "0c5d3e1a-7b2f-4c9d-a6e8-1f4b3d2c5a90",
			"Ce-Source":      "kn-event/v1.14.0",
			"Ce-Type":        "dev.knative.cli.plugin.event.generic",
			"Content-Type":   "application/json",
		}},
		{"binary +json", map[string]string{
			"Ce-Specversion": "1.0", "Ce-Id": "1", "Ce-Source": "/test",
			"Ce-Type":      event.TypeCandles,
			"Content-Type": "application/vnd.tabot.window+json",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := serve(t, config("all"), registry(t,
				&fake{id: "a", history: 3, decide: buy(0.7)}))

			resp := f.post(t, tt.header, string(data))

			if resp.StatusCode != http.StatusOK ||
				resp.Header.Get("Ce-Type") != event.TypeSignal {
				t.Errorf("status = %d, ce-type %q; want 200 %s",
					resp.StatusCode, resp.Header.Get("Ce-Type"),
					event.TypeSignal)
			}
		})
	}
}

func TestNoSignalIs202(t *testing.T) {
	f := serve(t, config("all"), registry(t,
		&fake{id: "quiet", history: 3, decide: never}))

	resp := f.post(t, nil, candleEvent(t, window("BTCUSDT", 5)))

	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("status = %d, want 202", resp.StatusCode)
	}
	if got := generated(f.svc.Metrics(), "quiet"); got != 0 {
		t.Errorf("signals_generated_total = %v, want 0", got)
	}
}

// TestNotReady checks a window shorter than every strategy needs is a
// 202 counted as not_ready, and that a strategy needing more than the
// window holds is skipped while the others decide.
func TestNotReady(t *testing.T) {
	long := &fake{id: "long", history: 50, decide: buy(0.8)}
	short := &fake{id: "short", history: 4, decide: buy(0.7)}
	f := serve(t, config("all"), registry(t, long, short))
	m := f.svc.Metrics()

	resp := f.post(t, nil, candleEvent(t, window("BTCUSDT", 3)))

	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("3 candles: status = %d, want 202", resp.StatusCode)
	}
	if got := errorsOf(m, metrics.ErrNotReady); got != 1 {
		t.Errorf("errors_total{type=not_ready} = %v, want 1", got)
	}

	resp = f.post(t, nil, candleEvent(t, window("BTCUSDT", 10)))

	if resp.StatusCode != http.StatusOK ||
		resp.Header.Get("Ce-Strategy") != "short" {
		t.Errorf("10 candles: status = %d, strategy %q; want 200 short",
			resp.StatusCode, resp.Header.Get("Ce-Strategy"))
	}
	if got := generated(m, "long"); got != 0 {
		t.Errorf("long fired on 10 candles: %v signals", got)
	}
	if got := errorsOf(m, metrics.ErrNotReady); got != 1 {
		t.Errorf("errors_total{type=not_ready} = %v, want still 1", got)
	}
}

func TestConfidenceBounds(t *testing.T) {
	tests := []struct {
		confidence float64
		wantStatus int
	}{
		{0.59, 202},
		{0.6, 200},
		{0.8, 200},
		{0.95, 200},
		{0.96, 202},
	}
	for _, tt := range tests {
		f := serve(t, config("all"), registry(t,
			&fake{id: "a", history: 3, decide: buy(tt.confidence)}))

		resp := f.post(t, nil, candleEvent(t, window("BTCUSDT", 5)))

		if resp.StatusCode != tt.wantStatus {
			t.Errorf("confidence %v: status = %d, want %d", tt.confidence,
				resp.StatusCode, tt.wantStatus)
		}
	}
}

// TestSeveralFire checks the reply is the first signal in registry order,
// every signal reaches the sink, each is counted once, and all
// strategies read one shared Input.
func TestSeveralFire(t *testing.T) {
	first := &fake{id: "first", history: 3, decide: buy(0.7)}
	quiet := &fake{id: "quiet", history: 3, decide: never}
	second := &fake{id: "second", history: 3, decide: buy(0.9)}
	pub := newSink(t)
	cfg := config("second", "quiet", "first") // order does not matter
	cfg.PublisherURL = pub.srv.URL
	f := serve(t, cfg, registry(t, first, quiet, second))
	m := f.svc.Metrics()

	resp := f.post(t, nil, candleEvent(t, window("BTCUSDT", 5)))

	if got := resp.Header.Get("Ce-Strategy"); got != "first" {
		t.Errorf("reply strategy = %q, want first", got)
	}
	// Both are sent, at once: in any order.
	sent := pub.got()
	got := make(map[any]int)
	for _, e := range sent {
		got[e.Extensions()["strategy"]]++
	}
	if len(sent) != 2 || got["first"] != 1 || got["second"] != 1 {
		t.Errorf("sink got %d events %v, want first and second",
			len(sent), sent)
	}
	for _, id := range []string{"first", "second"} {
		if got := generated(m, id); got != 1 {
			t.Errorf("signals_generated_total{%s} = %v, want 1", id, got)
		}
	}
	if got := testutil.ToFloat64(
		m.SinkRequests.WithLabelValues("202", "post")); got != 2 {
		t.Errorf("sink_requests_total = %v, want 2", got)
	}
	in := first.seen()
	if len(in) != 1 || second.seen()[0] != in[0] || quiet.seen()[0] != in[0] {
		t.Error("strategies got different Inputs, want one shared")
	}
}

// TestRedelivery is BC-26: one window with one signal is counted once,
// the sink gets one request; the redelivered window is evaluated and
// counted again (the count is of evaluations), and gets the same id, so
// the publisher drops the copy.
func TestRedelivery(t *testing.T) {
	pub := newSink(t)
	cfg := config("all")
	cfg.PublisherURL = pub.srv.URL
	f := serve(t, cfg, registry(t,
		&fake{id: "momentum_pulse", history: 3, decide: buy(0.74)}))
	m := f.svc.Metrics()
	body := candleEvent(t, window("BTCUSDT", 5))

	f.post(t, nil, body)

	if got := generated(m, "momentum_pulse"); got != 1 {
		t.Errorf("after one event: signals_generated_total = %v, want 1", got)
	}
	if got := testutil.ToFloat64(
		m.SinkRequests.WithLabelValues("202", "post")); got != 1 {
		t.Errorf("after one event: sink_requests_total = %v, want 1", got)
	}

	f.post(t, nil, body)

	if got := generated(m, "momentum_pulse"); got != 2 {
		t.Errorf("after redelivery: signals_generated_total = %v, want 2",
			got)
	}
	sent := pub.got()
	if len(sent) != 2 || sent[0].ID() != sent[1].ID() {
		t.Errorf("sink got %d events, want 2 with one id", len(sent))
	}
}

// TestSinkFailure checks how the sink's answers to the two signals of
// one window (a, b) decide the window: a failure worth retrying is a 503
// the caller retries, counted once as sink, with no signal counted until
// the retry succeeds; a signal the sink rejects for good (4xx) is counted
// as sink_rejected and left out, and the other is still delivered.
func TestSinkFailure(t *testing.T) {
	tests := []struct {
		name         string
		a, b         int // the sink's status for each; 0: no sink at all
		wantStatus   int
		wantReply    string // strategy of the reply
		wantRejected float64
		wantSink     float64
		wantSent     int // events the sink took
	}{
		{"both 503", 503, 503, 503, "", 0, 1, 0},
		{"500", 500, 202, 503, "", 0, 1, 1},
		{"429", 202, 429, 503, "", 0, 1, 1},
		{"408", 408, 202, 503, "", 0, 1, 1},
		{"unreachable", 0, 0, 503, "", 0, 1, 0},
		{"a rejected", 400, 202, 200, "b", 1, 0, 1},
		{"b rejected", 202, 422, 200, "a", 1, 0, 1},
		{"both rejected", 400, 404, 202, "", 2, 0, 0},
		{"a rejected, b 503", 400, 503, 503, "", 1, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pub := newSink(t)
			pub.setStatusOf("a", tt.a)
			pub.setStatusOf("b", tt.b)
			cfg := config("all")
			cfg.Sink = pub.srv.URL // K_SINK
			if tt.a == 0 {
				pub.srv.Close()
			}
			f := serve(t, cfg, registry(t,
				&fake{id: "a", history: 3, decide: buy(0.7)},
				&fake{id: "b", history: 3, decide: buy(0.8)}))
			m := f.svc.Metrics()

			resp := f.post(t, nil, candleEvent(t, window("BTCUSDT", 5)))
			body := readBody(t, resp)

			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d (%s), want %d", resp.StatusCode,
					body, tt.wantStatus)
			}
			if got := resp.Header.Get("Ce-Strategy"); got != tt.wantReply {
				t.Errorf("reply strategy = %q, want %q", got, tt.wantReply)
			}
			if tt.wantStatus >= 500 && !strings.Contains(body, `"error"`) {
				t.Errorf("body = %q, want the JSON error", body)
			}
			if got := errorsOf(m, metrics.ErrSinkRejected); got !=
				tt.wantRejected {
				t.Errorf("errors_total{type=sink_rejected} = %v, want %v",
					got, tt.wantRejected)
			}
			if got := errorsOf(m, metrics.ErrSink); got != tt.wantSink {
				t.Errorf("errors_total{type=sink} = %v, want %v", got,
					tt.wantSink)
			}
			if got := len(pub.got()); got != tt.wantSent {
				t.Errorf("sink took %d events, want %d", got, tt.wantSent)
			}
			wantGenerated := 0.0
			if tt.wantStatus < 500 {
				wantGenerated = float64(tt.wantSent)
			}
			if got := generated(m, "a") + generated(m, "b"); got !=
				wantGenerated {
				t.Errorf("signals_generated_total = %v, want %v", got,
					wantGenerated)
			}
			if tt.wantStatus < 500 || tt.a == 0 {
				return
			}

			pub.setStatusOf("a", http.StatusOK)
			pub.setStatusOf("b", http.StatusOK)
			resp = f.post(t, nil, candleEvent(t, window("BTCUSDT", 5)))

			if resp.StatusCode != http.StatusOK {
				t.Errorf("retry: status %d, want 200", resp.StatusCode)
			}
			if got := generated(m, "a") + generated(m, "b"); got != 2 {
				t.Errorf("retry: signals_generated_total = %v, want 2", got)
			}
		})
	}
}

func TestPublisherURLOverSink(t *testing.T) {
	pub, kSink := newSink(t), newSink(t)
	cfg := config("all")
	cfg.PublisherURL, cfg.Sink = pub.srv.URL, kSink.srv.URL
	f := serve(t, cfg, registry(t, &fake{id: "a", history: 3,
		decide: buy(0.7)}))

	f.post(t, nil, candleEvent(t, window("BTCUSDT", 5)))

	if len(pub.got()) != 1 || len(kSink.got()) != 0 {
		t.Errorf("publisher got %d, K_SINK got %d; want 1, 0",
			len(pub.got()), len(kSink.got()))
	}
}

func TestOverridesOnSignals(t *testing.T) {
	pub := newSink(t)
	cfg := config("all")
	cfg.PublisherURL = pub.srv.URL
	cfg.CEOverrides = `{"extensions":{"team":"ta","strategy":"spoofed"}}`
	f := serve(t, cfg, registry(t, &fake{id: "a", history: 3,
		decide: buy(0.7)}))

	resp := f.post(t, nil, candleEvent(t, window("BTCUSDT", 5)))

	if got := resp.Header.Get("Ce-Team"); got != "ta" {
		t.Errorf("reply ce-team = %q, want ta", got)
	}
	sent := pub.got()
	if len(sent) != 1 || sent[0].Extensions()["team"] != "ta" ||
		sent[0].Extensions()["strategy"] != "a" {
		t.Errorf("sent %v, want team=ta and strategy=a", sent)
	}
}

func TestHoldHasNoRiskLevels(t *testing.T) {
	hold := func(in *strategy.Input) (*strategy.Decision, error) {
		return &strategy.Decision{Action: strategy.Hold, Confidence: 0.7,
			Price: in.Close[in.Len()-1]}, nil
	}
	f := serve(t, config("all"), registry(t,
		&fake{id: "alert", history: 3, decide: hold}))

	resp := f.post(t, nil, candleEvent(t, window("BTCUSDT", 5)))

	e, err := cehttp.NewEventFromHTTPResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(e.Data(), &raw); err != nil {
		t.Fatal(err)
	}
	if raw["action"] != "hold" || raw["stop_loss"] != nil ||
		raw["take_profit"] != nil {
		t.Errorf("hold data = %v, want null stop_loss and take_profit", raw)
	}
}

// TestBrokenStrategiesSpareTheOthers checks a panicking strategy and
// invalid decisions are counted and skipped, and the good signal beside
// them still goes out.
func TestBrokenStrategiesSpareTheOthers(t *testing.T) {
	panicky := &fake{id: "panicky", history: 3,
		decide: func(*strategy.Input) (*strategy.Decision, error) {
			panic("index out of range")
		}}
	invalid := &fake{id: "invalid", history: 3,
		decide: func(in *strategy.Input) (*strategy.Decision, error) {
			p := in.Close[in.Len()-1]
			return &strategy.Decision{Action: strategy.Buy, Confidence: 0.8,
				Price: p, StopLoss: p * 1.1, TakeProfit: p * 1.2}, nil
		}}
	// Evaluate checks top-level metadata only; the signal rules refuse a
	// NaN anywhere, which would make the event's JSON invalid (BC-13).
	nestedNaN := &fake{id: "nested_nan", history: 3,
		decide: func(in *strategy.Input) (*strategy.Decision, error) {
			d, err := buy(0.8)(in)
			d.Metadata = map[string]any{"levels": []float64{1, math.NaN()}}
			return d, err
		}}
	good := &fake{id: "good", history: 3, decide: buy(0.7)}
	f := serve(t, config("all"), registry(t, panicky, invalid, nestedNaN,
		good))
	m := f.svc.Metrics()

	resp := f.post(t, nil, candleEvent(t, window("BTCUSDT", 5)))

	if resp.StatusCode != http.StatusOK ||
		resp.Header.Get("Ce-Strategy") != "good" {
		t.Errorf("status %d strategy %q, want 200 good", resp.StatusCode,
			resp.Header.Get("Ce-Strategy"))
	}
	for typ, want := range map[metrics.ErrorType]float64{
		metrics.ErrStrategy: 1, metrics.ErrInvalidDecision: 2,
		metrics.ErrHandler: 0,
	} {
		if got := errorsOf(m, typ); got != want {
			t.Errorf("errors_total{type=%q} = %v, want %v", typ, got, want)
		}
	}
}

func TestSymbolsAllowList(t *testing.T) {
	cfg := config("all")
	cfg.Symbols = []string{"ETHUSDT"}
	a := &fake{id: "a", history: 3, decide: buy(0.7)}
	f := serve(t, cfg, registry(t, a))

	resp := f.post(t, nil, candleEvent(t, window("BTCUSDT", 5)))

	if resp.StatusCode != http.StatusAccepted || len(a.seen()) != 0 {
		t.Errorf("status %d, %d evaluations; want 202, none",
			resp.StatusCode, len(a.seen()))
	}
}

// TestBadInput checks each window that can never succeed gets a 400 with
// a reason, counted once, and no strategy runs (BC-24 e among them).
func TestBadInput(t *testing.T) {
	good := window("BTCUSDT", 5)
	swapped := window("BTCUSDT", 5)
	swapped.Candles[3], swapped.Candles[4] = swapped.Candles[4],
		swapped.Candles[3]
	broken := window("BTCUSDT", 5)
	broken.Candles[2].High = broken.Candles[2].Low - 1
	badInterval := window("BTCUSDT", 5)
	badInterval.Interval = "7m"

	structured := func(typ, dct string, data any) string {
		b, _ := json.Marshal(map[string]any{"specversion": "1.0",
			"id": "1", "source": "/test", "type": typ,
			"datacontenttype": dct, "data": data})
		return string(b)
	}
	tests := []struct {
		name     string
		body     string
		wantType metrics.ErrorType
		want     string
	}{
		{"signal event", structured(event.TypeSignal, "application/json",
			good), metrics.ErrUnsupported, "event type"},
		{"text data", structured(event.TypeCandles, "text/plain",
			"0.00001245"), metrics.ErrUnsupported, "data content type"},
		{"data not a window", structured(event.TypeCandles,
			"application/json", []int{1}), metrics.ErrInvalidInput,
			"decode window"},
		{"no data", structured(event.TypeCandles, "application/json",
			nil), metrics.ErrInvalidInput, "no data"},
		{"open times out of order", candleEvent(t, swapped),
			metrics.ErrInvalidInput, "open time"},
		{"high below low", candleEvent(t, broken),
			metrics.ErrInvalidInput, "candles[2]"},
		{"unknown interval", candleEvent(t, badInterval),
			metrics.ErrInvalidInput, "interval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &fake{id: "a", history: 3, decide: buy(0.7)}
			f := serve(t, config("all"), registry(t, a))

			resp := f.post(t, nil, tt.body)

			var body struct{ Error string }
			json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != http.StatusBadRequest ||
				!strings.Contains(body.Error, tt.want) {
				t.Errorf("got %d %q, want 400 with %q", resp.StatusCode,
					body.Error, tt.want)
			}
			if got := errorsOf(f.svc.Metrics(), tt.wantType); got != 1 {
				t.Errorf("errors_total{type=%q} = %v, want 1",
					tt.wantType, got)
			}
			if len(a.seen()) != 0 {
				t.Error("a strategy ran on bad input")
			}
		})
	}
}

// FuzzHandle feeds arbitrary data as a window and checks Handle never
// panics and fails only with a 4xx-class error or not ready.
func FuzzHandle(f *testing.F) {
	good, _ := json.Marshal(window("BTCUSDT", 5))
	seeds := []string{string(good), `{}`, `null`, `[]`, `"x"`,
		`{"symbol":"X","interval":"1m","candles":[{"open_time":1}]}`,
		`{"symbol":"X","interval":"1m","candles":[{"open":-1}]}`,
		`{"symbol":"X","interval":"15m","candles":[` +
			`{"open_time":1,"open":1,"high":1,"low":1,"close":1},` +
			`{"open_time":1,"open":1,"high":1,"low":1,"close":1}]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	svc, err := newQuietService(f)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e := ce.New()
		e.SetID("1")
		e.SetSource("/fuzz")
		e.SetType(event.TypeCandles)
		e.SetDataContentType(ce.ApplicationJSON)
		e.DataEncoded = data

		reply, err := svc.Handle(context.Background(), e)

		if err != nil && !isClientError(err) {
			t.Fatalf("Handle = %v, want a 4xx-class error", err)
		}
		if reply != nil {
			if verr := reply.Validate(); verr != nil {
				t.Fatalf("invalid reply: %v", verr)
			}
		}
	})
}

func newQuietService(tb testing.TB) (*strategyfn.Service, error) {
	tb.Helper()
	return strategyfn.New(config("all"), registry(tb,
		&fake{id: "a", history: 2, decide: buy(0.7)}), nil)
}

func isClientError(err error) bool {
	return errors.Is(err, fnhttp.ErrBadRequest) ||
		errors.Is(err, fnhttp.ErrUnsupported) ||
		errors.Is(err, candle.ErrInvalid) ||
		errors.Is(err, event.ErrInvalid) ||
		errors.Is(err, cejson.ErrMalformed) ||
		errors.Is(err, fnhttp.ErrNotReady)
}
