package publishfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/fnhttp/fnhttptest"
	"github.com/tabot-functions/tabot/shared/natsjs"
	"github.com/tabot-functions/tabot/shared/natsjs/natstest"
	"github.com/tabot-functions/tabot/shared/strategy"
)

const openTime = int64(1699999980000)

func testConfig(natsURL string) Config {
	return Config{
		Common: fnhttp.Common{
			LogLevel: "debug", Version: "test", PushInterval: time.Minute,
		},
		NATSURL:         natsURL,
		Stream:          natsjs.DefaultSignalsStream,
		DuplicateWindow: natsjs.DefaultDuplicateWindow,
		PublishTimeout:  time.Second,
		RESTTimeout:     time.Second,
		RESTAttempts:    3,
		RESTBackoff:     10 * time.Millisecond,
	}
}

// running is a Publisher serving on a loopback port.
type running struct {
	*Publisher
	url string
	// stop stops it and waits for Serve; the test's end does too.
	stop func()
}

func start(t testing.TB, cfg Config) *running {
	t.Helper()
	log := zaptest.NewLogger(t)
	if _, bench := t.(*testing.B); bench {
		log = zap.NewNop()
	}
	return startWith(t, cfg, log)
}

// startObserved is start with the publisher's logs recorded.
func startObserved(t testing.TB, cfg Config) (*running, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	return startWith(t, cfg, zap.New(core)), logs
}

func startWith(t testing.TB, cfg Config, log *zap.Logger) *running {
	t.Helper()
	p, err := New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	url, stop := fnhttptest.Serve(t, p.Serve)
	r := &running{Publisher: p, url: url, stop: stop}
	natstest.Eventually(t, 5*time.Second, "publisher not ready",
		func() bool { return r.get(t, "/ready") == http.StatusOK })
	return r
}

func (r *running) get(t testing.TB, path string) int {
	t.Helper()
	resp, err := http.Get(r.url + path)
	if err != nil {
		t.Fatalf("get %s: %v", path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// send posts e in binary content mode and returns the status code.
func (r *running) send(t testing.TB, e ce.Event) int {
	t.Helper()
	code, _ := r.sendBody(t, e)
	return code
}

// sendBody is send returning the response body too.
func (r *running) sendBody(t testing.TB, e ce.Event) (int, string) {
	t.Helper()
	req, err := cehttp.NewHTTPRequestFromEvent(context.Background(),
		r.url, e)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func (r *running) errors(typ string) float64 {
	return testutil.ToFloat64(r.m.Errors.WithLabelValues(typ))
}

// signal returns a valid signal of strategy on the 1m BTCUSDT candle
// that opened at openTime.
func signal(strategyID, action string) event.Signal {
	return signalAt(strategyID, action, "BTCUSDT", openTime)
}

// signalAt returns a valid signal of strategy on the 1m candle of
// symbol that opened at open.
func signalAt(strategyID, action, symbol string, open int64) event.Signal {
	w := event.Window{Symbol: symbol, Interval: "1m",
		Candles: []candle.Candle{{OpenTime: open, Open: 100,
			High: 101, Low: 99, Close: 100, Volume: 1}}}
	d := &strategy.Decision{Action: strategy.Action(action),
		Confidence: 0.8, Price: 100, Metadata: map[string]any{"rsi": 28.5}}
	switch d.Action {
	case strategy.Buy:
		d.StopLoss, d.TakeProfit = 95, 110
	case strategy.Sell:
		d.StopLoss, d.TakeProfit = 105, 90
	}
	return event.NewSignal(strategyID, w, d)
}

// signalEvent returns the event of s as a strategy sends it.
func signalEvent(t testing.TB, s event.Signal) ce.Event {
	t.Helper()
	open, _ := s.OpenTime()
	e, err := event.NewSignalEvent(s, "1m", open)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// rawEvent returns an event carrying s without checking it.
func rawEvent(t testing.TB, s event.Signal) ce.Event {
	t.Helper()
	e := ce.New()
	e.SetID(s.IntentID)
	e.SetType(event.TypeSignal)
	e.SetSource("/tabot/strategy/test")
	if err := e.SetData(ce.ApplicationJSON, s); err != nil {
		t.Fatal(err)
	}
	return e
}

// stored returns the messages of the SIGNALS stream.
func stored(t testing.TB, js jetstream.JetStream) []jetstream.Msg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := js.OrderedConsumer(ctx, natsjs.DefaultSignalsStream,
		jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := c.FetchNoWait(100)
	if err != nil {
		t.Fatal(err)
	}
	var out []jetstream.Msg
	for m := range batch.Messages() {
		out = append(out, m)
	}
	return out
}

func published(p *Publisher, dest string) float64 {
	return testutil.ToFloat64(p.pm.sent.WithLabelValues(dest))
}

func duplicates(p *Publisher, dest string) float64 {
	return testutil.ToFloat64(p.pm.duplicates.WithLabelValues(dest))
}

func TestPublishSignal(t *testing.T) {
	srv := natstest.Start(t)
	p := start(t, testConfig(srv.URL))
	js := srv.Connect().JetStream()

	tests := []struct {
		name, action, subject string
	}{
		{"buy", "buy", "signals.momentum_pulse.BTCUSDT"},
		{"hold goes to alerts", "hold", "alerts.bollinger_squeeze_alert.BTCUSDT"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			strategy := "momentum_pulse"
			if tc.action == "hold" {
				strategy = "bollinger_squeeze_alert"
			}
			s := signal(strategy, tc.action)
			e := signalEvent(t, s)
			e.SetExtension("traceparent",
				"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			if got := p.send(t, e); got != http.StatusAccepted {
				t.Fatalf("status %d, want 202", got)
			}

			msgs := stored(t, js)
			if len(msgs) != i+1 {
				t.Fatalf("%d messages stored, want %d", len(msgs), i+1)
			}
			m := msgs[i]
			if m.Subject() != tc.subject {
				t.Errorf("subject %q, want %q", m.Subject(), tc.subject)
			}
			for k, want := range map[string]string{
				jetstream.MsgIDHeader: e.ID(), "Ce-Id": e.ID(),
				"Ce-Type":     event.TypeSignal,
				"traceparent": e.Extensions()["traceparent"].(string),
			} {
				if got := m.Headers().Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			var got event.Signal
			if err := json.Unmarshal(m.Data(), &got); err != nil {
				t.Fatal(err)
			}
			if got.IntentID != s.IntentID || got.Action != tc.action ||
				got.Confidence != s.Confidence {
				t.Errorf("payload %+v, want %+v", got, s)
			}
		})
	}
}

// TestDuplicateSignal is BC-25 and BC-26: the same signal delivered twice
// is stored once and counted once.
func TestDuplicateSignal(t *testing.T) {
	srv := natstest.Start(t)
	p := start(t, testConfig(srv.URL))
	js := srv.Connect().JetStream()

	e := signalEvent(t, signal("momentum_pulse", "buy"))
	for i := range 2 {
		if got := p.send(t, e); got != http.StatusAccepted {
			t.Fatalf("send %d: status %d, want 202", i, got)
		}
	}
	if n := len(stored(t, js)); n != 1 {
		t.Errorf("%d messages stored, want 1", n)
	}
	if got := published(p.Publisher, destJetStream); got != 1 {
		t.Errorf("published{jetstream} = %v, want 1", got)
	}
	if got := duplicates(p.Publisher, destJetStream); got != 1 {
		t.Errorf("duplicates{jetstream} = %v, want 1", got)
	}
}

// TestDuplicateDifferentBody: a different body under an id stored
// before is answered 202 (the id is what counts), not stored again, and
// logged as a duplicate, not as published.
func TestDuplicateDifferentBody(t *testing.T) {
	srv := natstest.Start(t)
	p, logs := startObserved(t, testConfig(srv.URL))
	js := srv.Connect().JetStream()

	first := signal("momentum_pulse", "buy")
	second := signal("momentum_pulse", "buy")
	second.Confidence = 0.75
	for i, s := range []event.Signal{first, second} {
		if got := p.send(t, signalEvent(t, s)); got != http.StatusAccepted {
			t.Fatalf("send %d: status %d, want 202", i, got)
		}
	}

	msgs := stored(t, js)
	if len(msgs) != 1 {
		t.Fatalf("%d messages stored, want 1", len(msgs))
	}
	var got event.Signal
	if err := json.Unmarshal(msgs[0].Data(), &got); err != nil ||
		got.Confidence != first.Confidence {
		t.Errorf("stored confidence %v (%v), want the first's %v",
			got.Confidence, err, first.Confidence)
	}
	for msg, want := range map[string]int{"signal published": 1,
		"signal duplicate": 1} {
		if n := logs.FilterMessage(msg).Len(); n != want {
			t.Errorf("%d %q lines, want %d", n, msg, want)
		}
	}
	if got := duplicates(p.Publisher, destJetStream); got != 1 {
		t.Errorf("duplicates{jetstream} = %v, want 1", got)
	}
}

func TestRejects(t *testing.T) {
	srv := natstest.Start(t)
	p := start(t, testConfig(srv.URL))
	js := srv.Connect().JetStream()

	window := ce.New()
	window.SetID("w1")
	window.SetType(event.TypeCandles)
	window.SetSource("/tabot/candle-source/candles.BTCUSDT.1m")
	_ = window.SetData(ce.ApplicationJSON, map[string]any{"symbol": "BTCUSDT"})

	badAction := signal("momentum_pulse", "buy")
	badAction.Action = "moon"
	badID := signal("momentum_pulse", "buy")
	badID.IntentID = "x"
	notJSON := signalEvent(t, signal("momentum_pulse", "buy"))
	_ = notJSON.SetData("text/plain", []byte("buy!"))

	tests := []struct {
		name string
		e    ce.Event
	}{
		{"candle event", window},
		{"bad action", rawEvent(t, badAction)},
		{"not the signal id", rawEvent(t, badID)},
		{"text data", notJSON},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.send(t, tc.e); got != http.StatusBadRequest {
				t.Errorf("status %d, want 400", got)
			}
		})
	}
	if n := len(stored(t, js)); n != 0 {
		t.Errorf("%d messages stored, want 0", n)
	}
}

// TestRefusesWhatNoStrategySends: a signal that passes decoding but that
// the system would never produce is a 400 with its reason, counted as
// invalid input, and reaches neither the stream nor the legacy subject.
func TestRefusesWhatNoStrategySends(t *testing.T) {
	srv := natstest.Start(t)
	cfg := testConfig(srv.URL)
	cfg.Symbols = []string{"ETHUSDT"}
	cfg.LegacyPrefix = "cio.intent.trading"
	p := start(t, cfg)
	nc := srv.Connect().NATS()
	legacy, err := nc.SubscribeSync("cio.intent.trading.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}

	minute := time.Now().Truncate(time.Minute).UnixMilli()
	future := minute + time.Hour.Milliseconds()
	otherID := signalEvent(t, signalAt("momentum_pulse", "buy", "ETHUSDT",
		openTime))
	otherID.SetID("not-the-signal-id")
	tests := []struct {
		name   string
		e      ce.Event
		reason string // empty: accepted
	}{
		{"symbol outside SYMBOLS", signalEvent(t, signal("momentum_pulse",
			"buy")), "symbol BTCUSDT is not in SYMBOLS"},
		{"unknown strategy", signalEvent(t, signalAt("moon_shot", "buy",
			"ETHUSDT", openTime)), "strategy_id moon_shot is not a known"},
		{"hold from a trading strategy", signalEvent(t, signalAt(
			"momentum_pulse", "hold", "ETHUSDT", openTime)),
			"strategy momentum_pulse never holds"},
		{"candle not closed", signalEvent(t, signalAt("momentum_pulse",
			"sell", "ETHUSDT", future)), "is in the future"},
		{"event id not the signal id", otherID,
			`event id \"not-the-signal-id\" is not the signal id`},
		{"candle closing now", signalEvent(t, signalAt("momentum_pulse",
			"buy", "ETHUSDT", minute)), ""},
		{"squeeze alert holds", signalEvent(t, signalAt(
			"bollinger_squeeze_alert", "hold", "ETHUSDT", openTime)), ""},
	}
	refused := 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := p.sendBody(t, tc.e)
			want := http.StatusBadRequest
			if tc.reason == "" {
				want = http.StatusAccepted
			} else {
				refused++
			}
			if code != want || !strings.Contains(body, tc.reason) {
				t.Errorf("got %d %s, want %d with %q", code, body, want,
					tc.reason)
			}
			if got := p.errors("invalid_input"); got != float64(refused) {
				t.Errorf("errors{invalid_input} = %v, want %d", got, refused)
			}
		})
	}

	var subjects []string
	for _, m := range stored(t, srv.Connect().JetStream()) {
		subjects = append(subjects, m.Subject())
	}
	want := []string{"signals.momentum_pulse.ETHUSDT",
		"alerts.bollinger_squeeze_alert.ETHUSDT"}
	if !slices.Equal(subjects, want) {
		t.Errorf("stored %v, want %v", subjects, want)
	}
	if _, err := legacy.NextMsg(time.Second); err != nil {
		t.Fatalf("accepted buy not on the legacy subject: %v", err)
	}
	if m, err := legacy.NextMsg(100 * time.Millisecond); err != nats.ErrTimeout {
		t.Errorf("legacy message %v, %v; want none more", m, err)
	}
}

// TestOverMaxPayload: a signal over the NATS server's max payload (1 MiB
// by default) but under the HTTP limit can never be published: it is a
// 400 counted as too_large, not a 503 the Broker would retry for ever.
// One just under the limit goes through.
func TestOverMaxPayload(t *testing.T) {
	srv := natstest.Start(t)
	p := start(t, testConfig(srv.URL))
	max := int(p.conn.Load().NATS().MaxPayload())

	tests := []struct {
		name   string
		size   int
		want   int
		stored int
	}{
		{"2 MiB", 2 << 20, http.StatusBadRequest, 0},
		{"max payload", max, http.StatusBadRequest, 0},
		{"4 KiB under", max - 4096, http.StatusAccepted, 1},
	}
	tooLarge := 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := signal("momentum_pulse", "buy")
			s.Metadata["note"] = strings.Repeat("x", tc.size)
			code, body := p.sendBody(t, signalEvent(t, s))
			if tc.want == http.StatusBadRequest {
				tooLarge++
				if !strings.Contains(body, "over the nats max payload") {
					t.Errorf("body %s, want the max payload named", body)
				}
			}
			if code != tc.want {
				t.Errorf("status %d, want %d", code, tc.want)
			}
			if got := p.errors("too_large"); got != float64(tooLarge) {
				t.Errorf("errors{too_large} = %v, want %d", got, tooLarge)
			}
			if n := len(stored(t, srv.Connect().JetStream())); n != tc.stored {
				t.Errorf("%d messages stored, want %d", n, tc.stored)
			}
		})
	}
	if got := p.errors("nats_publish"); got != 0 {
		t.Errorf("errors{nats_publish} = %v, want 0", got)
	}
}

// TestPublishError: the server's own max payload refusal (a server that
// came back with a smaller limit) is a 400 too; other failures are 503.
func TestPublishError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"max payload", fmt.Errorf("publish x: %w", nats.ErrMaxPayload),
			fnhttp.ErrBadRequest},
		{"too large", fmt.Errorf("publish x: %w", ErrTooLarge),
			fnhttp.ErrBadRequest},
		{"timeout", fmt.Errorf("publish x: %w", nats.ErrTimeout),
			fnhttp.ErrUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := publishError(tc.err); !errors.Is(got, tc.want) {
				t.Errorf("publishError = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestNATSDown is BC-28 for the publisher: while NATS is down a signal
// gets 503, so the caller retries, and /ready is 503.
func TestNATSDown(t *testing.T) {
	srv := natstest.Start(t)
	p := start(t, testConfig(srv.URL))
	e := signalEvent(t, signal("momentum_pulse", "sell"))

	srv.Stop()
	natstest.Eventually(t, 2*time.Second, "/ready not 503 after stop",
		func() bool { return p.get(t, "/ready") == http.StatusServiceUnavailable })
	if got := p.send(t, e); got != http.StatusServiceUnavailable {
		t.Errorf("status %d while NATS is down, want 503", got)
	}
	if got := p.get(t, "/live"); got != http.StatusOK {
		t.Errorf("/live = %d, want 200", got)
	}
	if got := testutil.ToFloat64(
		p.m.Errors.WithLabelValues("nats_publish")); got != 1 {
		t.Errorf("errors{nats_publish} = %v, want 1", got)
	}

	srv.Restart()
	natstest.Eventually(t, 2*time.Second, "/ready not 200 after restart",
		func() bool { return p.get(t, "/ready") == http.StatusOK })
	if got := p.send(t, e); got != http.StatusAccepted {
		t.Errorf("status %d after restart, want 202", got)
	}
	if n := len(stored(t, srv.Connect().JetStream())); n != 1 {
		t.Errorf("%d messages stored, want 1", n)
	}
}

func TestLegacySubject(t *testing.T) {
	srv := natstest.Start(t)
	cfg := testConfig(srv.URL)
	cfg.LegacyPrefix = "cio.intent.trading"
	p := start(t, cfg)

	nc := srv.Connect().NATS()
	sub, err := nc.SubscribeSync("cio.intent.trading.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil { // the server knows the subscription
		t.Fatal(err)
	}
	buy := signalEvent(t, signal("momentum_pulse", "buy"))
	hold := signalEvent(t, signal("bollinger_squeeze_alert", "hold"))
	for _, e := range []ce.Event{buy, hold, buy} {
		if got := p.send(t, e); got != http.StatusAccepted {
			t.Fatalf("status %d, want 202", got)
		}
	}

	m, err := sub.NextMsg(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "cio.intent.trading.momentum_pulse" {
		t.Errorf("subject %q, want cio.intent.trading.momentum_pulse",
			m.Subject)
	}
	if got := m.Header.Get("correlation_id"); got != buy.ID() {
		t.Errorf("correlation_id %q, want %q", got, buy.ID())
	}
	var s event.Signal
	if err := json.Unmarshal(m.Data, &s); err != nil || s.Action != "buy" {
		t.Errorf("payload %s: %v", m.Data, err)
	}
	// Neither the hold nor the buy delivered again comes through.
	if m, err := sub.NextMsg(200 * time.Millisecond); err != nats.ErrTimeout {
		t.Errorf("second legacy message %v, %v; want none", m, err)
	}
	if got := duplicates(p.Publisher, destLegacy); got != 1 {
		t.Errorf("duplicates{legacy} = %v, want 1", got)
	}
}

// api is a REST endpoint that answers with the codes of answers in turn,
// then 200.
type api struct {
	srv *httptest.Server

	mu      sync.Mutex
	answers []int
	reqs    []*http.Request
	bodies  [][]byte
}

func newAPI(t testing.TB, answers ...int) *api {
	t.Helper()
	a := &api{answers: answers}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter,
		r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.reqs = append(a.reqs, r)
		a.bodies = append(a.bodies, body)
		code := http.StatusOK
		if len(a.answers) > 0 {
			code, a.answers = a.answers[0], a.answers[1:]
		}
		a.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *api) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.reqs)
}

func TestREST(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		answers  []int
		status   int
		requests int
	}{
		{"ok", nil, http.StatusAccepted, 1},
		{"retried", []int{503, 502}, http.StatusAccepted, 3},
		{"gives up", []int{500, 500, 500}, http.StatusInternalServerError, 3},
		{"refused", []int{422}, http.StatusInternalServerError, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := natstest.Start(t)
			a := newAPI(t, tc.answers...)
			cfg := testConfig(srv.URL)
			cfg.RESTURL, cfg.RESTTokenFile = a.srv.URL, tokenFile
			p := start(t, cfg)

			e := signalEvent(t, signal("momentum_pulse", "buy"))
			if got := p.send(t, e); got != tc.status {
				t.Errorf("status %d, want %d", got, tc.status)
			}
			if got := a.count(); got != tc.requests {
				t.Errorf("%d requests, want %d", got, tc.requests)
			}
			r := a.reqs[0]
			for k, want := range map[string]string{
				"Idempotency-Key": e.ID(), "Authorization": "Bearer s3cret",
				"Content-Type": "application/json",
			} {
				if got := r.Header.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// TestRESTRedelivery is BC-26: a signal delivered again is not posted
// again, and the client request counter counts each request once.
func TestRESTRedelivery(t *testing.T) {
	srv := natstest.Start(t)
	a := newAPI(t)
	cfg := testConfig(srv.URL)
	cfg.RESTURL = a.srv.URL
	p := start(t, cfg)

	e := signalEvent(t, signal("momentum_pulse", "buy"))
	for range 2 {
		if got := p.send(t, e); got != http.StatusAccepted {
			t.Fatalf("status %d, want 202", got)
		}
	}
	if got := a.count(); got != 1 {
		t.Errorf("%d REST requests, want 1", got)
	}
	if got := testutil.ToFloat64(
		p.m.SinkRequests.WithLabelValues("200", "post")); got != 1 {
		t.Errorf("sink requests {200,post} = %v, want 1", got)
	}
	if got := published(p.Publisher, destREST); got != 1 {
		t.Errorf("published{rest} = %v, want 1", got)
	}
	if got := published(p.Publisher, destJetStream); got != 1 {
		t.Errorf("published{jetstream} = %v, want 1", got)
	}
}

func TestConfigValidate(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("tok"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := testConfig("nats://127.0.0.1:4222")
	tests := []struct {
		name   string
		change func(*Config)
		ok     bool
	}{
		{"good", func(*Config) {}, true},
		{"rest with token", func(c *Config) {
			c.RESTURL, c.RESTTokenFile = "https://api/signals", tokenFile
		}, true},
		{"legacy", func(c *Config) { c.LegacyPrefix = "cio.intent.trading" }, true},
		{"nats list", func(c *Config) { c.NATSURL = "nats://a:4222,b:4222" }, true},
		{"nats garbage", func(c *Config) { c.NATSURL = "garbage" }, false},
		{"nats empty", func(c *Config) { c.NATSURL = "" }, false},
		{"legacy wildcard inside", func(c *Config) { c.LegacyPrefix = "a.*.b" }, false},
		{"legacy trailing wildcard", func(c *Config) { c.LegacyPrefix = "a.>" }, false},
		{"legacy trailing dot", func(c *Config) { c.LegacyPrefix = "a.b." }, false},
		{"legacy empty token", func(c *Config) { c.LegacyPrefix = "a..b" }, false},
		{"legacy space", func(c *Config) { c.LegacyPrefix = "a b" }, false},
		{"short duplicate window", func(c *Config) { c.DuplicateWindow = time.Second }, false},
		{"stream with dot", func(c *Config) { c.Stream = "A.B" }, false},
		{"rest not a url", func(c *Config) { c.RESTURL = "api" }, false},
		{"token without rest", func(c *Config) { c.RESTTokenFile = tokenFile }, false},
		{"missing token file", func(c *Config) {
			c.RESTURL, c.RESTTokenFile = "https://api", tokenFile+".no"
		}, false},
		{"no attempts", func(c *Config) {
			c.RESTURL, c.RESTAttempts = "https://api", 0
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.change(&c)
			err := c.Validate()
			if (err == nil) != tc.ok {
				t.Errorf("Validate() = %v, want ok %t", err, tc.ok)
			}
		})
	}
}

func TestConfigFromEnvironment(t *testing.T) {
	var c Config
	if err := fnhttp.Load(&c); err != nil {
		t.Fatal(err)
	}
	if c.DuplicateWindow != 24*time.Hour || c.Stream != "SIGNALS" ||
		c.NATSURL != "nats://127.0.0.1:4222" || c.LegacyPrefix != "" {
		t.Errorf("defaults %+v", c)
	}
	t.Setenv("DUPLICATE_WINDOW", "soon")
	if err := fnhttp.Load(&c); err == nil {
		t.Error("DUPLICATE_WINDOW=soon: no error")
	}
}

func TestRecent(t *testing.T) {
	r := newRecent(2)
	r.add("a")
	r.add("b")
	r.add("a")
	r.add("c") // forgets a
	for id, want := range map[string]bool{"a": false, "b": true, "c": true} {
		if got := r.has(id); got != want {
			t.Errorf("has(%s) = %t, want %t", id, got, want)
		}
	}
}

// FuzzHandle posts arbitrary bodies as signal events to a publisher with
// no NATS: every answer is a 4xx, or a 503 for a valid signal, never a
// 500 or a panic.
func FuzzHandle(f *testing.F) {
	valid, _ := json.Marshal(signal("momentum_pulse", "buy"))
	for _, seed := range []string{string(valid), `{}`, `[]`, `null`,
		`{"strategy_id":"a.b","action":"buy"}`, "\x00", `{"metadata":{"x":1e999}}`} {
		f.Add(seed)
	}
	p, err := New(testConfig("nats://127.0.0.1:1"), zap.NewNop())
	if err != nil {
		f.Fatal(err)
	}
	h := p.Handler()
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/",
			strings.NewReader(body))
		req.Header.Set("Ce-Id", "fuzz")
		req.Header.Set("Ce-Specversion", "1.0")
		req.Header.Set("Ce-Type", event.TypeSignal)
		req.Header.Set("Ce-Source", "/fuzz")
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if c := rec.Code; c != http.StatusServiceUnavailable && (c < 400 || c > 499) {
			t.Errorf("status %d for %q", c, body)
		}
	})
}

// BenchmarkPublish measures one signal through the handler into a real
// JetStream stream, each with a new id.
func BenchmarkPublish(b *testing.B) {
	srv := natstest.Start(b)
	p := start(b, testConfig(srv.URL))
	s := signal("momentum_pulse", "buy")
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		open := openTime + int64(i)*60000
		s.Metadata[event.MetaCandleOpenTime] = open
		s.Timestamp = time.UnixMilli(open + 60000).UTC().Format(time.RFC3339)
		s.IntentID = event.SignalID(s.StrategyID, s.Symbol, "1m", open)
		e, err := event.NewSignalEvent(s, "1m", open)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.handle(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNATSUnreachable: while NATS_URL answers nothing, each failed
// attempt is counted as nats_connection and warned about, at most once
// per 10 s; signals get 503 and /ready is 503.
func TestNATSUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "nats://" + ln.Addr().String()
	ln.Close() // nothing listens there now

	core, logs := observer.New(zapcore.DebugLevel)
	p, err := New(testConfig(url), zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	r := &running{Publisher: p}
	ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.url = "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Serve(ctx, ln) }()

	natstest.Eventually(t, 5*time.Second, "two failed attempts counted",
		func() bool { return r.errors("nats_connection") >= 2 })
	if n := logs.FilterMessage("nats connection attempt failed").
		FilterField(zap.Int("failed_attempts", 1)).Len(); n != 1 {
		t.Errorf("%d warnings of the first failed attempt, want 1 (the "+
			"next within 10s are counted, not logged)", n)
	}
	if got := r.get(t, "/ready"); got != http.StatusServiceUnavailable {
		t.Errorf("/ready = %d, want 503", got)
	}
	e := signalEvent(t, signal("momentum_pulse", "buy"))
	if got := r.send(t, e); got != http.StatusServiceUnavailable {
		t.Errorf("signal status %d, want 503", got)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve after cancel: %v", err)
	}
}

func TestNewRefusesBadNATSURL(t *testing.T) {
	for _, url := range []string{"garbage", "nats://127.0.0.1:notaport",
		"http://nats:4222"} {
		_, err := New(testConfig(url), zaptest.NewLogger(t))
		if err == nil || !strings.Contains(err.Error(), "NATS_URL") {
			t.Errorf("New with NATS_URL %q = %v, want an error naming "+
				"NATS_URL", url, err)
		}
	}
}
