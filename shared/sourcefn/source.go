// Package sourcefn is the candle-source: it reads closed candles from the
// CANDLES JetStream stream, keeps a window per symbol and interval, and
// posts each new window as a CloudEvent to every target, acknowledging a
// candle only once every target took its window.
//
// The windows live in memory. At start they are rebuilt from what the
// stream keeps, up to the durable consumer's ack floor, without sending
// anything; the consumer is then reset to its ack floor so every candle
// not yet acknowledged comes again, in stream order, and is processed
// normally.
//
// Tracing: each candle message is processed in a span "process candle",
// a child of the trace in the message's traceparent header when its
// producer set one, else the root of a new trace; the window event it
// sends carries that span in its traceparent and tracestate extensions.
package sourcefn

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/natsjs"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// Name is the function's name: the job of its Pushgateway group, the
// service.name of its spans (both unless K_SERVICE names it) and the
// name of its NATS connection.
const Name = "tabot-candle-source"

// Readiness and liveness check names.
const (
	CheckNATS     = "nats_connection"
	CheckConsumer = "candle_consumer"
)

// scope is the instrumentation scope of the function's spans.
const scope = "github.com/tabot-functions/tabot/shared/sourcefn"

// spanName is the name of the span around one candle message.
const spanName = "process candle"

// ErrConsumerStopped is the readiness error while the consumer does not
// run: starting, rebuilding the windows, or stopped.
var ErrConsumerStopped = errors.New("candle consumer not running")

// errNoConnection is the readiness error before the first connection.
var errNoConnection = fmt.Errorf("%w: connecting", natsjs.ErrNotConnected)

// Source is the candle-source service.
type Source struct {
	cfg     Config
	min     int
	log     *zap.Logger
	srv     *fnhttp.Server
	m       *metrics.Metrics
	sm      *sourceMetrics
	book    *candle.Book
	targets []*target
	over    map[string]string
	tracer  trace.Tracer
	// now is the clock a candle's close is checked against.
	now func() time.Time
	// spanOpts are built once: a slice passed on allocates nothing.
	spanOpts []trace.SpanStartOption

	conn    atomic.Pointer[natsjs.Conn]
	running atomic.Bool

	// windows is the delivery state of each window; only the consuming
	// goroutine touches it.
	windows map[candle.Key]*window
	// rebuilt is set once the windows were rebuilt from the stream,
	// rebuildBatch candles per fetch.
	rebuilt      bool
	rebuildBatch int
	wg           sync.WaitGroup

	// stopConsumer stops the consumer Serve runs, and consumed is closed
	// once it returned: the candle in hand finished, NATS drained.
	stopConsumer context.CancelFunc
	consumed     chan struct{}
}

// New returns the candle-source for cfg, which must be valid; reg is the
// strategy registry MIN_CANDLES defaults from. Logs go to log.
func New(cfg Config, reg *strategy.Registry, log *zap.Logger) (*Source,
	error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("candle-source: %w", err)
	}
	min, err := cfg.minCandles(reg)
	if err != nil {
		return nil, fmt.Errorf("candle-source: %w", err)
	}
	book, err := candle.NewBook(cfg.WindowSize, min)
	if err != nil {
		return nil, fmt.Errorf("candle-source: %w", err)
	}
	over, err := cfg.Overrides()
	if err != nil {
		return nil, fmt.Errorf("candle-source: K_CE_OVERRIDES: %w", err)
	}

	srv := fnhttp.New(cfg.Common, nil,
		fnhttp.Options{Name: Name, Logger: log})
	s := &Source{
		cfg: cfg, min: min, log: log, srv: srv, m: srv.Metrics(),
		sm: newSourceMetrics(srv.Registry()), book: book, over: over,
		tracer: srv.Tracer(scope), now: time.Now,
		spanOpts: []trace.SpanStartOption{
			trace.WithSpanKind(trace.SpanKindConsumer)},
		windows:      make(map[candle.Key]*window),
		rebuildBatch: defaultRebuildBatch,
	}
	hc := &http.Client{
		Timeout:   cfg.SendTimeout,
		Transport: s.m.RoundTripper(http.DefaultTransport),
	}
	for _, u := range cfg.targets() {
		s.targets = append(s.targets, &target{url: u,
			send: fnhttp.NewSender(u, hc)})
	}
	srv.AddReadiness(CheckNATS, s.natsReady)
	srv.AddReadiness(CheckConsumer, s.consumerReady)
	srv.AddLiveness(CheckNATS, s.natsLive)
	srv.OnShutdown(s.stopConsuming)
	return s, nil
}

// Handler returns the HTTP handler: the probes and /metrics (POST / is
// 404: candles come from NATS).
func (s *Source) Handler() http.Handler { return s.srv.Handler() }

// Run serves HTTP on PORT and consumes candles until ctx is cancelled,
// then shuts down: readiness fails, the HTTP server stops, the candle in
// hand is finished and NATS drained, the spans are flushed, and last the
// metrics are pushed once more, so the final push counts that candle.
func (s *Source) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", s.cfg.Port))
	if err != nil {
		return fmt.Errorf("candle-source: listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on the listener ln. Call it once.
func (s *Source) Serve(ctx context.Context, ln net.Listener) error {
	ctx, stopServer := context.WithCancel(ctx)
	defer stopServer()
	// The consumer stops in the runtime's shutdown hook, not with ctx.
	consumeCtx, stopConsumer := context.WithCancel(
		context.WithoutCancel(ctx))
	defer stopConsumer()
	s.stopConsumer, s.consumed = stopConsumer, make(chan struct{})
	var consumeErr error
	go func() {
		defer close(s.consumed)
		consumeErr = s.consume(consumeCtx)
		stopServer() // a consumer that gives up stops the function
	}()

	err := s.srv.Serve(ctx, ln)
	stopConsumer() // when Serve failed before its shutdown
	<-s.consumed
	return errors.Join(err, consumeErr)
}

// stopConsuming is the shutdown hook: it stops the consumer and waits
// until it finished the candle in hand and drained NATS.
func (s *Source) stopConsuming(ctx context.Context) error {
	if s.stopConsumer == nil {
		return nil
	}
	s.stopConsumer()
	select {
	case <-s.consumed:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop candle consumer: %w", ctx.Err())
	}
}

func (s *Source) natsReady(ctx context.Context) error {
	c := s.conn.Load()
	if c == nil {
		return errNoConnection
	}
	return c.Ready(ctx)
}

func (s *Source) natsLive(ctx context.Context) error {
	if c := s.conn.Load(); c != nil {
		return c.Live(ctx)
	}
	return nil
}

func (s *Source) consumerReady(context.Context) error {
	if !s.running.Load() {
		return ErrConsumerStopped
	}
	return nil
}
