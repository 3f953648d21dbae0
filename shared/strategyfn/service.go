// Package strategyfn is the strategy function: it takes a candle-window
// event, runs the configured strategies over one shared Input, and
// answers with the first signal (registry order) or 202 when none fires.
// With PUBLISHER_URL or K_SINK set, every signal is also posted there: a
// signal the sink refuses with a 4xx is counted as sink_rejected and
// logged, and the others are delivered all the same; a failure worth
// retrying (5xx, 408, 429, no answer) fails the window with 503.
//
// Metrics: ta_bot_signals_generated_total counts evaluations that
// produced a signal and were delivered. A redelivered window is evaluated
// again and counted again: de-duplication by signal id is the
// publisher's, which sees every copy under the same id. Within one
// request each signal is counted once, and only after every send
// succeeded, so a request the caller retries after a failed send is not
// counted twice; a signal the sink rejected is not counted. The reply is
// the first signal delivered. ta_bot_processing_time_seconds is the evaluation time,
// sending excluded.
//
// Tracing: each window is handled in a span "evaluate window", a child of
// the trace the window event carries; every signal event carries that
// span in its traceparent extension, to the sink and in the reply.
package strategyfn

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/strategy"
	"github.com/tabot-functions/tabot/shared/tracing"
)

// Name is the function's name: the job of its Pushgateway group and the
// service.name of its spans, unless K_SERVICE names it.
const Name = "tabot-strategy"

// scope is the instrumentation scope of the function's spans.
const scope = "github.com/tabot-functions/tabot/shared/strategyfn"

// spanName is the name of the span around one window.
const spanName = "evaluate window"

// sendTimeout bounds one post of a signal to the sink.
const sendTimeout = 10 * time.Second

// Service is the strategy function.
type Service struct {
	cfg        Config
	strategies []strategy.Strategy
	minHistory int
	overrides  map[string]string
	log        *zap.Logger
	m          *metrics.Metrics
	sender     *fnhttp.Sender // nil without a sink
	srv        *fnhttp.Server
	tracer     trace.Tracer
	// spanOpts are built once: a slice passed on allocates nothing.
	spanOpts []trace.SpanStartOption
}

// New returns the service for cfg, evaluating the strategies of reg that
// cfg selects; log nil discards lines.
func New(cfg Config, reg *strategy.Registry, log *zap.Logger) (*Service,
	error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	list, err := reg.Select(cfg.ids())
	if err != nil {
		return nil, fmt.Errorf("select strategies: %w", err)
	}
	if len(list) == 0 {
		return nil, errors.New("select strategies: none registered")
	}
	if log == nil {
		log = zap.NewNop()
	}
	overrides, _ := cfg.Overrides() // checked by Validate

	s := &Service{cfg: cfg, strategies: list, overrides: overrides,
		log: log, minHistory: list[0].History()}
	ids := make([]string, len(list))
	for i, st := range list {
		ids[i] = st.ID()
		s.minHistory = min(s.minHistory, st.History())
	}
	promReg := metrics.NewRegistry()
	s.m = metrics.NewMetrics(promReg)
	s.m.InitStrategies(ids...)
	if u := cfg.SinkURL(); u != "" {
		hc := &http.Client{Timeout: sendTimeout,
			Transport: s.m.RoundTripper(nil)}
		s.sender = fnhttp.NewSender(u, hc)
	}
	s.srv = fnhttp.New(cfg.Common, s.Handle, fnhttp.Options{
		Name: Name, Logger: log, Registry: promReg, Metrics: s.m,
	})
	s.tracer = s.srv.Tracer(scope)
	s.spanOpts = []trace.SpanStartOption{
		trace.WithSpanKind(trace.SpanKindServer)}
	s.srv.AddReadiness("signal_engine", func(context.Context) error {
		return nil
	})

	log.Info("strategy function ready", zap.Strings("strategies", ids),
		zap.Int("min_history", s.minHistory),
		zap.Float64("min_confidence", cfg.MinConfidence),
		zap.Float64("max_confidence", cfg.MaxConfidence),
		zap.Bool("sink", s.sender != nil))
	if s.sender == nil && len(list) > 1 {
		log.Warn("no PUBLISHER_URL or K_SINK: when several strategies " +
			"fire on one window only the first signal is delivered, " +
			"as the reply")
	}
	return s, nil
}

// Handler returns the function's HTTP handler, for tests and in-process
// use.
func (s *Service) Handler() http.Handler { return s.srv.Handler() }

// Run serves on PORT until ctx is cancelled.
func (s *Service) Run(ctx context.Context) error { return s.srv.Run(ctx) }

// Serve serves on ln until ctx is cancelled.
func (s *Service) Serve(ctx context.Context, ln net.Listener) error {
	return s.srv.Serve(ctx, ln)
}

// Server returns the runtime, to add checks or shutdown hooks; it
// pushes the metrics itself when PUSHGATEWAY_URL is set.
func (s *Service) Server() *fnhttp.Server { return s.srv }

// Registry returns the function's metrics registry.
func (s *Service) Registry() *prometheus.Registry { return s.srv.Registry() }

// Metrics returns the function's metrics.
func (s *Service) Metrics() *metrics.Metrics { return s.m }

// signal is one decision that passed the filters, with its event.
type signal struct {
	strategy string
	decision *strategy.Decision
	event    *ce.Event
}

// Handle evaluates the window e carries; it is the fnhttp.Handler. Any
// event type but a signal is read as a window, so that `kn event send`
// with its generic type works; a signal is refused, so that one routed
// back by mistake never loops.
func (s *Service) Handle(ctx context.Context, e ce.Event) (*ce.Event,
	error) {
	if e.Type() == event.TypeSignal {
		return nil, fmt.Errorf("%w: event type %q, want %q",
			fnhttp.ErrUnsupported, e.Type(), event.TypeCandles)
	}
	ctx, span := s.tracer.Start(ctx, spanName, s.spanOpts...)
	defer span.End()
	reply, err := s.handle(ctx, span, e)
	fnhttp.RecordError(span, err)
	return reply, err
}

// handle is Handle inside the span.
func (s *Service) handle(ctx context.Context, span trace.Span,
	e ce.Event) (*ce.Event, error) {
	began := time.Now()
	w, err := event.DecodeWindow(e)
	if err != nil {
		return nil, err
	}
	if span.IsRecording() {
		span.SetAttributes(tracing.KeyEventID.String(e.ID()),
			tracing.KeySymbol.String(w.Symbol),
			tracing.KeyInterval.String(w.Interval),
			tracing.KeyCandles.Int(len(w.Candles)),
			tracing.KeyStrategies.Int(len(s.strategies)))
	}
	if !s.cfg.AllowSymbol(w.Symbol) {
		s.log.Debug("symbol not in SYMBOLS", logs.Symbol(w.Symbol),
			logs.EventID(e.ID()))
		return nil, nil
	}
	if len(w.Candles) < s.minHistory {
		return nil, fmt.Errorf("%w: %d candles, the strategies need at "+
			"least %d", fnhttp.ErrNotReady, len(w.Candles), s.minHistory)
	}

	signals, err := s.evaluate(ctx, w)
	took := time.Since(began)
	s.m.Processing(took)
	if err != nil {
		return nil, err
	}
	if span.IsRecording() {
		span.SetAttributes(tracing.KeySignals.Int(len(signals)))
	}
	signals, err = s.send(ctx, signals)
	if err != nil {
		return nil, fnhttp.WithType(metrics.ErrSink, err)
	}
	for i, sg := range signals {
		s.m.Signal(sg.strategy, sg.decision.Confidence)
		s.log.Info("signal generated", logs.Symbol(w.Symbol),
			logs.Interval(w.Interval), logs.Strategy(sg.strategy),
			logs.Confidence(sg.decision.Confidence),
			logs.SignalType(string(sg.decision.Action)),
			logs.ProcessingTime(took), logs.SignalID(sg.event.ID()))
		if i > 0 && s.sender == nil {
			s.log.Warn("signal not delivered: no sink and not the reply",
				logs.Strategy(sg.strategy), logs.SignalID(sg.event.ID()))
		}
	}
	if len(signals) == 0 {
		return nil, nil
	}
	return signals[0].event, nil
}

// evaluate runs every strategy over one Input, so each indicator is
// computed once, and returns the signals in registry order, their events
// carrying the trace context of ctx. It fails with ErrNotReady only when
// no strategy could decide. The backtest evaluates its windows through
// the same strategy.EvaluateAll.
func (s *Service) evaluate(ctx context.Context, w event.Window) ([]signal,
	error) {
	in := strategy.NewInput(w.Symbol, w.Interval, candle.NewSeries(w.Candles))
	bounds := strategy.Bounds{Min: s.cfg.MinConfidence,
		Max: s.cfg.MaxConfidence}
	var out []signal
	decided := false
	for _, o := range strategy.EvaluateAll(s.strategies, in) {
		id, d, err := o.Strategy.ID(), o.Decision, o.Err
		switch {
		case errors.Is(err, strategy.ErrNotReady):
			s.log.Debug("strategy not ready", logs.Strategy(id),
				zap.Error(err))
			continue
		case err != nil:
			decided = true
			typ := metrics.ErrStrategy
			if errors.Is(err, strategy.ErrInvalidDecision) {
				typ = metrics.ErrInvalidDecision
			}
			s.m.Error(typ)
			s.log.Warn("strategy failed", logs.Strategy(id),
				logs.Symbol(w.Symbol), logs.ErrorType(string(typ)),
				zap.Error(err))
			continue
		}
		decided = true
		if d == nil {
			continue
		}
		if !bounds.Admits(d.Confidence) {
			s.log.Debug("signal outside the confidence bounds",
				logs.Strategy(id), logs.Confidence(d.Confidence))
			continue
		}
		e, err := newSignalEvent(ctx, id, w, d, s.overrides)
		if err != nil {
			s.m.Error(metrics.ErrInvalidDecision)
			s.log.Warn("signal refused", logs.Strategy(id),
				logs.Symbol(w.Symbol),
				logs.ErrorType(string(metrics.ErrInvalidDecision)),
				zap.Error(err))
			continue
		}
		out = append(out, signal{strategy: id, decision: d, event: e})
	}
	if !decided {
		return nil, fmt.Errorf("%w: no strategy has enough history in %d "+
			"candles", fnhttp.ErrNotReady, len(w.Candles))
	}
	return out, nil
}

// send posts every signal to the sink, if one is configured, up to
// maxSends at once, and returns the signals delivered. A signal the sink
// refused for good (fnhttp.ErrRejected, a 4xx) is counted as
// sink_rejected, logged and left out: sending it again cannot help, and
// it must not hold back the others. Any other failure fails the window
// with a 503 and the caller's retry sends them all again (the publisher
// de-duplicates by id).
func (s *Service) send(ctx context.Context, signals []signal) ([]signal,
	error) {
	if s.sender == nil || len(signals) == 0 {
		return signals, nil
	}
	errs := make([]error, len(signals))
	slots := make(chan struct{}, maxSends)
	var wg sync.WaitGroup
	for i, sg := range signals {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			errs[i] = s.sender.Send(ctx, *sg.event)
		}()
	}
	wg.Wait()

	var delivered []signal
	var failed []error
	for i, err := range errs {
		sg := signals[i]
		switch {
		case err == nil:
			delivered = append(delivered, sg)
		case errors.Is(err, fnhttp.ErrRejected):
			s.m.Error(metrics.ErrSinkRejected)
			s.log.Error("signal rejected by the sink",
				logs.SignalID(sg.event.ID()), logs.Strategy(sg.strategy),
				logs.ErrorType(string(metrics.ErrSinkRejected)),
				zap.Error(err))
		default:
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return nil, fmt.Errorf("deliver %d of %d signals: %w", len(failed),
			len(signals), failed[0])
	}
	return delivered, nil
}

// maxSends bounds the signals of one window sent at once.
const maxSends = 8
