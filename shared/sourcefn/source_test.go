package sourcefn

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/fnhttp/fnhttptest"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/natsjs"
	"github.com/tabot-functions/tabot/shared/natsjs/natstest"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// t0 is 2023-11-14T22:13:00Z, the open time of BC-14's first candle.
const (
	t0      = int64(1699999980000)
	minute  = int64(60000)
	subject = "candles.BTCUSDT.1m"
)

// sink is a real HTTP target that records the window events it gets and
// answers with the status code answer picks.
type sink struct {
	srv *httptest.Server

	mu       sync.Mutex
	posts    []string // event ids, one per POST
	accepted map[string]event.Window
	oks      map[string]int // 2xx answers by event id
	order    []string       // accepted ids, first acceptance order
	ext      map[string]any // extensions of the last event
	answer   func(id string, attempt int) int
}

func newSink(t testing.TB) *sink {
	t.Helper()
	s := &sink{accepted: make(map[string]event.Window),
		oks: make(map[string]int)}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *sink) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Ce-Id") == "" {
		http.Error(w, "want binary content mode", http.StatusBadRequest)
		return
	}
	e, err := cehttp.NewEventFromHTTPRequest(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var win event.Window
	if err := e.DataAs(&win); err != nil || e.Type() != event.TypeCandles {
		http.Error(w, "not a window", http.StatusBadRequest)
		return
	}

	s.mu.Lock()
	attempt := 1
	for _, id := range s.posts {
		if id == e.ID() {
			attempt++
		}
	}
	s.posts = append(s.posts, e.ID())
	s.ext = e.Extensions()
	answer := s.answer
	s.mu.Unlock()

	code := http.StatusOK
	if answer != nil {
		code = answer(e.ID(), attempt)
	}
	s.mu.Lock()
	if code < 300 {
		if _, dup := s.accepted[e.ID()]; !dup {
			s.order = append(s.order, e.ID())
		}
		s.accepted[e.ID()] = win
		s.oks[e.ID()]++
	}
	s.mu.Unlock()
	w.WriteHeader(code)
}

func (s *sink) setAnswer(f func(id string, attempt int) int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answer = f
}

// ids returns the accepted window ids in acceptance order.
func (s *sink) ids() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.order)
}

func (s *sink) postCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.posts)
}

// taken returns how many times the sink answered 2xx to event id.
func (s *sink) taken(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oks[id]
}

func (s *sink) window(id string) (event.Window, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.accepted[id]
	return w, ok
}

// waitIDs waits until the sink accepted exactly want, in that order.
func (s *sink) waitIDs(t testing.TB, want ...string) {
	t.Helper()
	natstest.Eventually(t, 15*time.Second, fmt.Sprintf("accepted %v", want),
		func() bool { return slices.Equal(s.ids(), want) })
}

func id(open int64) string { return event.WindowID("BTCUSDT", "1m", open) }

func testConfig(natsURL string, targets ...string) Config {
	return Config{
		Common: fnhttp.Common{
			LogLevel: "debug", Version: "test", PushInterval: time.Minute,
		},
		NATSURL:       natsURL,
		Stream:        natsjs.DefaultCandlesStream,
		Subjects:      []string{"candles.>"},
		Durable:       "candle-source",
		WindowSize:    10,
		MinCandles:    1,
		Strategies:    []string{"all"},
		Targets:       targets,
		SendTimeout:   time.Second,
		AckWait:       5 * time.Second,
		MaxAckPending: 100,
		RetryDelay:    50 * time.Millisecond,
		MaxRetryDelay: 200 * time.Millisecond,
		ClockSkew:     DefaultClockSkew,
	}
}

// running is a Source serving on a loopback port.
type running struct {
	*Source
	url  string
	stop func()
}

// start runs a Source for cfg until the test ends or stop is called.
func start(t testing.TB, cfg Config) *running {
	t.Helper()
	return startWith(t, cfg, zaptest.NewLogger(t), nil)
}

// startWith is start with the Source logging to log and, unless now is
// nil, reading its clock from now.
func startWith(t testing.TB, cfg Config, log *zap.Logger,
	now func() time.Time) *running {
	t.Helper()
	src, err := New(cfg, strategy.Default(), log)
	if err != nil {
		t.Fatal(err)
	}
	if now != nil {
		src.now = now
	}
	url, stop := fnhttptest.Serve(t, src.Serve)
	r := &running{Source: src, url: url, stop: stop}
	natstest.Eventually(t, 5*time.Second, "source not consuming",
		func() bool { return src.running.Load() })
	return r
}

func (r *running) status(t testing.TB, path string) int {
	t.Helper()
	resp, err := http.Get(r.url + path)
	if err != nil {
		t.Fatalf("get %s: %v", path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// publisher publishes candles into the CANDLES stream.
type publisher struct {
	t  testing.TB
	js jetstream.JetStream
}

func newPublisher(t testing.TB, srv *natstest.Server) *publisher {
	t.Helper()
	js := srv.Connect().JetStream()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := natsjs.EnsureStream(ctx, js,
		natsjs.CandlesConfig(natsjs.DefaultCandlesStream, 10)); err != nil {
		t.Fatal(err)
	}
	return &publisher{t: t, js: js}
}

func (p *publisher) raw(subj, data string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := p.js.Publish(ctx, subj, []byte(data)); err != nil {
		p.t.Fatalf("publish: %v", err)
	}
}

// candle publishes the closed 1m BTCUSDT candle opening at open.
func (p *publisher) candle(open int64, close float64) {
	p.t.Helper()
	p.raw(subject, fmt.Sprintf(`{"symbol":"BTCUSDT","interval":"1m",`+
		`"open_time":%d,"open":%g,"high":%g,"low":%g,"close":%g,`+
		`"volume":1}`, open, close, close+1, close-1, close))
}

// kline publishes a Binance kline message for the 1m candle at open.
func (p *publisher) kline(open int64, close string, closed bool) {
	p.t.Helper()
	p.raw(subject, fmt.Sprintf(`{"e":"kline","E":%d,"s":"BTCUSDT","k":{`+
		`"t":%d,"T":%d,"s":"BTCUSDT","i":"1m","o":"100.0","c":%q,`+
		`"h":"104.0","l":"99.0","v":"10","n":5,"x":%t,"q":"1000"}}`,
		open+1, open, open+minute-1, close, closed))
}

func closes(w event.Window) []float64 {
	var out []float64
	for _, c := range w.Candles {
		out = append(out, c.Close)
	}
	return out
}

// settled waits until the consumer holds no candle unacknowledged.
func settled(t testing.TB, srv *natstest.Server) {
	t.Helper()
	js := srv.Connect().JetStream()
	natstest.Eventually(t, 5*time.Second, "candles left unacknowledged",
		func() bool {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			c, err := js.Consumer(ctx, natsjs.DefaultCandlesStream,
				"candle-source")
			if err != nil {
				return false
			}
			info, err := c.Info(ctx)
			return err == nil && info.NumAckPending == 0 &&
				info.NumPending == 0
		})
}

func counter(t testing.TB, s *Source, outcome string) float64 {
	t.Helper()
	return testutil.ToFloat64(s.sm.candles.WithLabelValues(outcome))
}

func TestWindowsReachTarget(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	cfg := testConfig(srv.URL, target.srv.URL)
	cfg.MinCandles = 3
	cfg.CEOverrides = `{"extensions":{"team":"ta"}}`
	src := start(t, cfg)

	for i := range 5 {
		pub.candle(t0+int64(i)*minute, float64(100+i))
	}
	target.waitIDs(t, id(t0+2*minute), id(t0+3*minute), id(t0+4*minute))
	settled(t, srv)

	w, _ := target.window(id(t0 + 4*minute))
	if got, want := closes(w), []float64{100, 101, 102, 103, 104}; !slices.Equal(got, want) {
		t.Errorf("last window closes %v, want %v", got, want)
	}
	if w.Symbol != "BTCUSDT" || w.Interval != "1m" || w.Missing != 0 {
		t.Errorf("window %s %s missing %d, want BTCUSDT 1m 0",
			w.Symbol, w.Interval, w.Missing)
	}
	if got := target.postCount(); got != 3 {
		t.Errorf("%d posts, want 3", got)
	}
	for k, want := range map[string]string{
		"team": "ta", "symbol": "BTCUSDT", "interval": "1m"} {
		if got := target.ext[k]; got != want {
			t.Errorf("extension %s = %v, want %s", k, got, want)
		}
	}
	if got := testutil.ToFloat64(
		src.m.SinkRequests.WithLabelValues("200", "post")); got != 3 {
		t.Errorf("sink requests {200,post} = %v, want 3", got)
	}
	if got := src.status(t, "/ready"); got != http.StatusOK {
		t.Errorf("/ready = %d, want 200", got)
	}
}

// TestTraceContextCarried: the trace of the candle's producer goes on in
// the window event's traceparent extension.
func TestTraceContextCarried(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	start(t, testConfig(srv.URL, target.srv.URL))

	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	msg := nats.NewMsg(subject)
	msg.Header.Set("Traceparent", parent)
	msg.Data = []byte(fmt.Sprintf(`{"open_time":%d,"open":1,"high":2,`+
		`"low":1,"close":1,"volume":1}`, t0))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := pub.js.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
	target.waitIDs(t, id(t0))

	target.mu.Lock()
	defer target.mu.Unlock()
	if got := target.ext["traceparent"]; got != parent {
		t.Errorf("traceparent %v, want %s", got, parent)
	}
}

// TestFormingKlineIgnored is BC-17: only the closed kline makes a window.
func TestFormingKlineIgnored(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	src := start(t, testConfig(srv.URL, target.srv.URL))

	const open = t0
	pub.kline(open, "100.0", false)
	pub.kline(open, "103.0", false)
	pub.kline(open, "101.0", true)
	target.waitIDs(t, id(open))
	settled(t, srv)

	w, _ := target.window(id(open))
	if got := closes(w); !slices.Equal(got, []float64{101}) {
		t.Errorf("window closes %v, want [101]", got)
	}
	if got := target.postCount(); got != 1 {
		t.Errorf("%d posts, want 1", got)
	}
	if got := counter(t, src.Source, outcomeForming); got != 2 {
		t.Errorf("forming candles %v, want 2", got)
	}
}

// TestCandleRules is BC-14 and the duplicate and conflict rules: a late
// candle fills its place without a window, a duplicate and a conflict
// send nothing, and the window is in open-time order.
func TestCandleRules(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	src := start(t, testConfig(srv.URL, target.srv.URL))

	// Closes by open time: 22:13 10, 22:14 11, 22:15 12, 22:16 13,
	// delivered 22:13, 22:15, 22:14, 22:16.
	pub.candle(t0, 10)
	pub.candle(t0+2*minute, 12)
	pub.candle(t0+minute, 11)
	pub.candle(t0+3*minute, 13)
	pub.candle(t0+3*minute, 13) // duplicate of the newest
	pub.candle(t0+2*minute, 99) // conflict
	pub.candle(t0+4*minute, 14)

	target.waitIDs(t, id(t0), id(t0+2*minute), id(t0+3*minute),
		id(t0+4*minute))
	settled(t, srv)

	w, _ := target.window(id(t0 + 3*minute))
	if got, want := closes(w), []float64{10, 11, 12, 13}; !slices.Equal(got, want) {
		t.Errorf("22:16 window closes %v, want %v (open-time order)", got, want)
	}
	w, _ = target.window(id(t0 + 2*minute))
	if w.Missing != 1 {
		t.Errorf("22:15 window missing %d, want 1 (22:14 not there yet)",
			w.Missing)
	}
	for outcome, want := range map[string]float64{
		"appended": 4, "inserted": 1, "duplicate": 1,
		outcomeConflict: 1,
	} {
		if got := counter(t, src.Source, outcome); got != want {
			t.Errorf("candles{outcome=%q} = %v, want %v", outcome, got, want)
		}
	}
	if got := testutil.ToFloat64(src.m.Errors.WithLabelValues("conflict")); got != 1 {
		t.Errorf("errors{conflict} = %v, want 1", got)
	}
	if got := target.postCount(); got != 4 {
		t.Errorf("%d posts, want 4", got)
	}
}

func TestBadPayloadDoesNotBlock(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	src := start(t, testConfig(srv.URL, target.srv.URL))

	bad := []struct{ name, subj, data string }{
		{"not json", subject, `{"open_time":`},
		{"seconds", subject, `{"open_time":1699999980,"open":1,"high":2,` +
			`"low":1,"close":1,"volume":1}`},
		{"other symbol", subject, `{"symbol":"ETHUSDT","interval":"1m",` +
			`"open_time":1699999980000,"open":1,"high":2,"low":1,` +
			`"close":1,"volume":1}`},
		{"bad subject", "candles.btc", `{}`},
		{"high below low", subject, `{"open_time":1699999980000,"open":1,` +
			`"high":0.5,"low":1,"close":1,"volume":1}`},
		{"not closed by the clock", subject, `{"open_time":4070908800000,` +
			`"open":1,"high":2,"low":1,"close":1,"volume":1}`}, // 2099
	}
	for _, b := range bad {
		pub.raw(b.subj, b.data)
	}
	pub.candle(t0, 100)
	target.waitIDs(t, id(t0))
	settled(t, srv)

	if got := counter(t, src.Source, outcomeInvalid); got != float64(len(bad)) {
		t.Errorf("invalid candles %v, want %d", got, len(bad))
	}
	if got := testutil.ToFloat64(
		src.m.Errors.WithLabelValues("invalid_input")); got != float64(len(bad)) {
		t.Errorf("errors{invalid_input} = %v, want %d", got, len(bad))
	}
}

func TestSymbolsAllowList(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	cfg := testConfig(srv.URL, target.srv.URL)
	cfg.Symbols = []string{"ETHUSDT"}
	src := start(t, cfg)

	pub.candle(t0, 100) // BTCUSDT: not configured
	pub.raw("candles.ETHUSDT.1m", fmt.Sprintf(`{"open_time":%d,"open":1,`+
		`"high":2,"low":1,"close":1,"volume":1}`, t0))
	target.waitIDs(t, event.WindowID("ETHUSDT", "1m", t0))
	settled(t, srv)
	if got := counter(t, src.Source, outcomeIgnored); got != 1 {
		t.Errorf("ignored candles %v, want 1", got)
	}
}

// TestTargetFailureRedelivers: a 5xx makes JetStream deliver the candle
// again until the target takes its window; each window is accepted once.
func TestTargetFailureRedelivers(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	target.setAnswer(func(id string, attempt int) int {
		if attempt <= 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	src := start(t, testConfig(srv.URL, target.srv.URL))

	pub.candle(t0, 100)
	target.waitIDs(t, id(t0))
	pub.candle(t0+minute, 101)
	target.waitIDs(t, id(t0), id(t0+minute))
	settled(t, srv)

	if got := target.postCount(); got != 6 {
		t.Errorf("%d posts, want 6 (3 per window)", got)
	}
	if got := testutil.ToFloat64(
		src.sm.deliveries.WithLabelValues(resultFailed)); got != 4 {
		t.Errorf("failed deliveries %v, want 4", got)
	}
	if got := testutil.ToFloat64(
		src.sm.deliveries.WithLabelValues(resultDelivered)); got != 2 {
		t.Errorf("delivered %v, want 2", got)
	}
}

// TestSlowTargetNoDuplicate is BC-25: a candle that waited behind a slow
// target is marked in progress when its turn comes, so JetStream does not
// deliver it again while its window is being posted.
func TestSlowTargetNoDuplicate(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	target.setAnswer(func(string, int) int {
		time.Sleep(1800 * time.Millisecond)
		return http.StatusOK
	})
	cfg := testConfig(srv.URL, target.srv.URL)
	cfg.AckWait, cfg.SendTimeout = 3*time.Second, 2700*time.Millisecond
	src := start(t, cfg)

	// Both are delivered at once; the second waits 1.8 s, then its post
	// takes 1.8 s more: past its first ack deadline. The 1.2 s left
	// before that deadline when its turn comes absorb a loaded machine.
	pub.candle(t0, 100)
	pub.candle(t0+minute, 101)
	target.waitIDs(t, id(t0), id(t0+minute))
	settled(t, srv)

	if got := target.postCount(); got != 2 {
		t.Errorf("%d posts, want 2", got)
	}
	if got := counter(t, src.Source, "duplicate"); got != 0 {
		t.Errorf("%v candles delivered again, want 0", got)
	}
}

// TestRetrySkipsTargetsDone: only the target that failed gets the window
// again; one that refused it with a 4xx is not asked again.
func TestRetrySkipsTargetsDone(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	ok, flaky, refusing := newSink(t), newSink(t), newSink(t)
	flaky.setAnswer(func(_ string, attempt int) int {
		if attempt == 1 {
			return http.StatusBadGateway
		}
		return http.StatusOK
	})
	refusing.setAnswer(func(string, int) int { return http.StatusBadRequest })
	src := start(t, testConfig(srv.URL, ok.srv.URL, flaky.srv.URL,
		refusing.srv.URL))

	pub.candle(t0, 100)
	flaky.waitIDs(t, id(t0))
	settled(t, srv)

	for name, tc := range map[string]struct {
		s    *sink
		want int
	}{"ok": {ok, 1}, "flaky": {flaky, 2}, "refusing": {refusing, 1}} {
		if got := tc.s.postCount(); got != tc.want {
			t.Errorf("%s target got %d posts, want %d", name, got, tc.want)
		}
	}
	if got := testutil.ToFloat64(
		src.sm.deliveries.WithLabelValues(resultRefused)); got != 1 {
		t.Errorf("refused deliveries %v, want 1", got)
	}
}

// TestRestart: a source stopped half-way and started again (a new
// process: an empty book) loses and doubles nothing, and its windows
// hold the candles sent before the restart.
func TestRestart(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	cfg := testConfig(srv.URL, target.srv.URL)
	cfg.AckWait = time.Minute // only the reset brings the failed one back

	first := start(t, cfg)
	for i := range 3 {
		pub.candle(t0+int64(i)*minute, float64(100+i))
	}
	target.waitIDs(t, id(t0), id(t0+minute), id(t0+2*minute))

	// The fourth window fails: its candle stays unacknowledged.
	target.setAnswer(func(string, int) int { return http.StatusServiceUnavailable })
	pub.candle(t0+3*minute, 103)
	natstest.Eventually(t, 5*time.Second, "fourth window not tried",
		func() bool { return target.postCount() >= 4 })
	first.stop()

	pub.candle(t0+4*minute, 104) // arrives while the source is down
	target.setAnswer(nil)
	start(t, cfg)

	target.waitIDs(t, id(t0), id(t0+minute), id(t0+2*minute),
		id(t0+3*minute), id(t0+4*minute))
	settled(t, srv)
	w, _ := target.window(id(t0 + 4*minute))
	if got, want := closes(w), []float64{100, 101, 102, 103, 104}; !slices.Equal(got, want) {
		t.Errorf("window after restart closes %v, want %v", got, want)
	}
	// Every window was taken exactly once, the failed one included.
	for i := range 5 {
		if n := target.taken(id(t0 + int64(i)*minute)); n != 1 {
			t.Errorf("window %d taken %d times, want 1", i, n)
		}
	}
	for i := range 3 {
		if n := count(target, id(t0+int64(i)*minute)); n != 1 {
			t.Errorf("window %d posted %d times, want 1", i, n)
		}
	}
}

func count(s *sink, id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.posts {
		if p == id {
			n++
		}
	}
	return n
}

// TestRebuildManyBatches: the rebuild reads the whole history in several
// fetches and stops at the ack floor.
func TestRebuildManyBatches(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	cfg := testConfig(srv.URL, target.srv.URL)
	cfg.WindowSize = 50

	first := start(t, cfg)
	var want []string
	for i := range 25 {
		pub.candle(t0+int64(i)*minute, float64(100+i))
		want = append(want, id(t0+int64(i)*minute))
	}
	target.waitIDs(t, want...)
	settled(t, srv)
	first.stop()

	src, err := New(cfg, strategy.Default(), zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	src.rebuildBatch = 4
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Serve(ctx, ln) }()
	defer func() {
		cancel()
		<-done
	}()

	pub.candle(t0+25*minute, 125)
	target.waitIDs(t, append(want, id(t0+25*minute))...)
	w, _ := target.window(id(t0 + 25*minute))
	if got := len(w.Candles); got != 26 {
		t.Errorf("window after restart holds %d candles, want 26", got)
	}
	if got := target.postCount(); got != 26 {
		t.Errorf("%d posts, want 26", got)
	}
}

// TestNewConsumerHistory: a new durable consumer rebuilds the windows
// from the stream and decides only on new candles, unless Replay.
func TestNewConsumerHistory(t *testing.T) {
	tests := []struct {
		name   string
		replay bool
		want   []string
	}{
		{"history rebuilds windows", false, []string{id(t0 + 3*minute)}},
		{"replay decides on history", true, []string{id(t0),
			id(t0 + minute), id(t0 + 2*minute), id(t0 + 3*minute)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := natstest.Start(t)
			pub := newPublisher(t, srv)
			target := newSink(t)
			for i := range 3 {
				pub.candle(t0+int64(i)*minute, float64(100+i))
			}
			cfg := testConfig(srv.URL, target.srv.URL)
			cfg.Replay = tc.replay
			start(t, cfg)

			pub.candle(t0+3*minute, 103)
			target.waitIDs(t, tc.want...)
			settled(t, srv)
			w, _ := target.window(id(t0 + 3*minute))
			if got := len(w.Candles); got != 4 {
				t.Errorf("last window holds %d candles, want 4", got)
			}
		})
	}
}

// TestReadiness is BC-28 a: /ready follows NATS, /live does not.
func TestReadiness(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	src := start(t, testConfig(srv.URL, target.srv.URL))
	if got := src.status(t, "/ready"); got != http.StatusOK {
		t.Fatalf("/ready = %d, want 200", got)
	}

	srv.Stop()
	natstest.Eventually(t, 2*time.Second, "/ready not 503 after stop",
		func() bool { return src.status(t, "/ready") == http.StatusServiceUnavailable })
	if got := src.status(t, "/live"); got != http.StatusOK {
		t.Errorf("/live = %d while reconnecting, want 200", got)
	}

	srv.Restart()
	natstest.Eventually(t, natsjs.DefaultReconnectWait+time.Second,
		"/ready not 200 after restart",
		func() bool { return src.status(t, "/ready") == http.StatusOK })

	// The consumer goes on after the outage.
	natstest.Eventually(t, 5*time.Second, "publish after restart",
		func() bool {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_, err := pub.js.Publish(ctx, subject, []byte(fmt.Sprintf(
				`{"open_time":%d,"open":1,"high":2,"low":1,"close":1,"volume":1}`,
				t0)))
			return err == nil
		})
	target.waitIDs(t, id(t0))
}

func TestConfigValidate(t *testing.T) {
	good := testConfig("nats://127.0.0.1:4222", "http://strategy:8080")
	tests := []struct {
		name   string
		change func(*Config)
		ok     bool
	}{
		{"good", func(*Config) {}, true},
		{"k_sink alone", func(c *Config) {
			c.Targets, c.Sink = nil, "http://broker"
		}, true},
		{"no target", func(c *Config) { c.Targets = nil }, false},
		{"targets and sink", func(c *Config) { c.Sink = "http://broker" }, false},
		{"target not a url", func(c *Config) { c.Targets = []string{"strategy"} }, false},
		{"min above window", func(c *Config) { c.MinCandles = 11 }, false},
		{"window zero", func(c *Config) { c.WindowSize = 0 }, false},
		{"ack wait short", func(c *Config) { c.AckWait = c.SendTimeout }, false},
		{"durable with dot", func(c *Config) { c.Durable = "a.b" }, false},
		{"subject outside", func(c *Config) { c.Subjects = []string{"ticks.>"} }, false},
		{"retry above max", func(c *Config) { c.RetryDelay = time.Hour }, false},
		{"max ack pending", func(c *Config) { c.MaxAckPending = 0 }, false},
		{"nats list", func(c *Config) { c.NATSURL = "nats://a:4222,b:4222" }, true},
		{"nats garbage", func(c *Config) { c.NATSURL = "garbage" }, false},
		{"nats empty", func(c *Config) { c.NATSURL = "" }, false},
		{"nats bad port", func(c *Config) {
			c.NATSURL = "nats://127.0.0.1:notaport"
		}, false},
		{"no clock skew", func(c *Config) { c.ClockSkew = 0 }, true},
		{"clock skew negative", func(c *Config) { c.ClockSkew = -time.Second }, false},
		{"clock skew above max", func(c *Config) { c.ClockSkew = 2 * time.Hour }, false},
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
	t.Setenv("TARGETS", "http://a:8080,http://b:8080")
	t.Setenv("WINDOW_SIZE", "500")
	var c Config
	if err := fnhttp.Load(&c); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Targets, []string{"http://a:8080", "http://b:8080"}) {
		t.Errorf("targets %v", c.Targets)
	}
	checks := map[string][2]string{
		"NATS_URL":       {c.NATSURL, "nats://127.0.0.1:4222"},
		"CANDLES_STREAM": {c.Stream, "CANDLES"},
		"DURABLE":        {c.Durable, "candle-source"},
		"WINDOW_SIZE":    {strconv.Itoa(c.WindowSize), "500"},
		"ACK_WAIT":       {c.AckWait.String(), "30s"},
		"SUBJECTS":       {fmt.Sprint(c.Subjects), "[candles.>]"},
		"CLOCK_SKEW":     {c.ClockSkew.String(), "1m0s"},
	}
	for k, v := range checks {
		if v[0] != v[1] {
			t.Errorf("%s = %s, want %s", k, v[0], v[1])
		}
	}

	t.Setenv("K_SINK", "http://broker")
	if err := fnhttp.Load(&c); err == nil {
		t.Error("TARGETS and K_SINK both set: no error")
	}
}

func TestMinCandlesDefault(t *testing.T) {
	reg, err := strategy.NewRegistry(fixed{"short", 20}, fixed{"long", 250})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		strategies []string
		min        int
		want       int
	}{
		{"all", []string{"all"}, 0, 250},
		{"one", []string{"short"}, 0, 20},
		{"set", []string{"all"}, 7, 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := testConfig("nats://x:4222", "http://a")
			c.WindowSize, c.Strategies, c.MinCandles = 1000, tc.strategies, tc.min
			got, err := c.minCandles(reg)
			if err != nil || got != tc.want {
				t.Errorf("minCandles = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
	c := testConfig("nats://x:4222", "http://a")
	c.WindowSize, c.MinCandles = 100, 0
	if _, err := c.minCandles(reg); err == nil {
		t.Error("history above WINDOW_SIZE: no error")
	}
}

// fixed is a strategy that only declares its history.
type fixed struct {
	id string
	n  int
}

func (f fixed) ID() string   { return f.id }
func (f fixed) History() int { return f.n }
func (f fixed) Evaluate(*strategy.Input) (*strategy.Decision, error) {
	return nil, nil
}

// TestNATSUnreachable is the report of 20 s of silence with NATS_URL
// pointing at nothing: each failed attempt is counted as nats_connection
// and warned about (at most once per 10 s), /ready is 503, and the
// source stops cleanly.
func TestNATSUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "nats://" + ln.Addr().String()
	ln.Close() // nothing listens there now

	core, logs := observer.New(zapcore.DebugLevel)
	src, err := New(testConfig(url, "http://127.0.0.1:1"),
		strategy.Default(), zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	r := &running{Source: src, url: "http://" + ln.Addr().String()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Serve(ctx, ln) }()

	errs := func() float64 {
		return testutil.ToFloat64(src.m.Errors.WithLabelValues(
			string(metrics.ErrNATSConnection)))
	}
	natstest.Eventually(t, 5*time.Second, "two failed attempts counted",
		func() bool { return errs() >= 2 })
	if n := logs.FilterMessage("nats connection attempt failed").
		FilterField(zap.Int("failed_attempts", 1)).Len(); n != 1 {
		t.Errorf("%d warnings of the first failed attempt, want 1", n)
	}
	if got := r.status(t, "/ready"); got != http.StatusServiceUnavailable {
		t.Errorf("/ready = %d, want 503", got)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve = %v, want nil after cancel", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
}
