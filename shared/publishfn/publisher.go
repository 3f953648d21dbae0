// Package publishfn is the publisher: the sink of signal CloudEvents. It
// validates each signal and publishes it to the SIGNALS JetStream stream
// with the event id as Nats-Msg-Id, so a signal delivered twice is stored
// once; optionally also on the old bot's subject and to a REST API. A
// signal is answered 2xx only once every destination took it; any
// failure is a 5xx so the caller retries.
//
// Tracing: each signal is published in a span "publish signal", a child
// of the trace the signal event carries; the messages stored carry that
// span in their traceparent and tracestate headers, and so does the
// request to the REST API.
package publishfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"sync/atomic"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/natsjs"
	"github.com/tabot-functions/tabot/shared/strategy"
	"github.com/tabot-functions/tabot/shared/tracing"
)

// Name is the function's name: the job of its Pushgateway group, the
// service.name of its spans (both unless K_SERVICE names it) and the
// name of its NATS connection.
const Name = "tabot-publisher"

// Readiness check names.
const (
	CheckNATS   = "nats_connection"
	CheckStream = "signals_stream"
)

// scope is the instrumentation scope of the function's spans.
const scope = "github.com/tabot-functions/tabot/shared/publishfn"

// spanName is the name of the span around one signal.
const spanName = "publish signal"

// Subject roots of the output stream.
const (
	signalsRoot = "signals"
	alertsRoot  = "alerts"
)

// Message headers set besides Nats-Msg-Id.
const (
	headerCorrelation = "correlation_id"
	headerContentType = "Content-Type"
	jsonType          = "application/json"
)

// recentIDs is how many signal ids the publisher remembers per optional
// destination, to skip one a retry already delivered.
const recentIDs = 10000

// ErrTooLarge is returned for a signal whose message exceeds the NATS
// server's max payload: it can never be published.
var ErrTooLarge = errors.New("over the nats max payload")

// ErrStreamNotReady is the readiness error until the output stream was
// created or checked.
var ErrStreamNotReady = errors.New("signals stream not set up")

// token is one subject token taken from a signal: no dots, spaces or
// wildcards.
var token = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Publisher is the publisher service.
type Publisher struct {
	cfg    Config
	log    *zap.Logger
	srv    *fnhttp.Server
	m      *metrics.Metrics
	pm     *pubMetrics
	rest   *restClient
	legacy string
	tracer trace.Tracer

	conn     atomic.Pointer[natsjs.Conn]
	streamOK atomic.Bool
	// sentLegacy and sentREST hold the ids already delivered there.
	sentLegacy *recent
	sentREST   *recent
	// known holds the ids of the strategies that exist.
	known map[string]bool
}

// New returns the publisher for cfg, which must be valid. Logs go to log.
func New(cfg Config, log *zap.Logger) (*Publisher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("publisher: %w", err)
	}
	p := &Publisher{cfg: cfg, log: log,
		sentLegacy: newRecent(recentIDs), sentREST: newRecent(recentIDs),
		known: make(map[string]bool)}
	for _, id := range strategy.Default().IDs() {
		p.known[id] = true
	}
	p.legacy = cfg.LegacyPrefix
	p.srv = fnhttp.New(cfg.Common, p.handle,
		fnhttp.Options{Name: Name, Logger: log})
	p.m = p.srv.Metrics()
	p.tracer = p.srv.Tracer(scope)
	p.pm = newPubMetrics(p.srv.Registry())
	if cfg.RESTURL != "" {
		hc := &http.Client{Timeout: cfg.RESTTimeout,
			Transport: p.m.RoundTripper(http.DefaultTransport)}
		p.rest = &restClient{url: cfg.RESTURL, tokenFile: cfg.RESTTokenFile,
			hc: hc, attempts: cfg.RESTAttempts, backoff: cfg.RESTBackoff}
	}
	p.srv.AddReadiness(CheckNATS, p.natsReady)
	p.srv.AddReadiness(CheckStream, p.streamReady)
	p.srv.AddLiveness(CheckNATS, p.natsLive)
	return p, nil
}

// Handler returns the HTTP handler: POST / takes signal events, plus the
// probes and /metrics.
func (p *Publisher) Handler() http.Handler { return p.srv.Handler() }

// Run serves on PORT until ctx is cancelled, then shuts down: readiness
// fails, requests in flight finish, NATS is drained.
func (p *Publisher) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", p.cfg.Port))
	if err != nil {
		return fmt.Errorf("publisher: listen: %w", err)
	}
	return p.Serve(ctx, ln)
}

// Serve is Run on the listener ln.
func (p *Publisher) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	httpErr := make(chan error, 1)
	go func() {
		httpErr <- p.srv.Serve(ctx, ln)
		cancel() // a failed HTTP server stops the set-up too
	}()

	c, err := natsjs.Connect(ctx, p.cfg.NATSURL,
		natsjs.WithName(Name), natsjs.WithLogger(p.log),
		natsjs.WithStatusFunc(func(up bool) { p.m.Component(CheckNATS, up) }),
		natsjs.WithErrorFunc(func(error) {
			p.m.Error(metrics.ErrNATSConnection)
		}))
	if err != nil {
		if ctx.Err() == nil {
			err = fmt.Errorf("publisher: %w", err)
		} else {
			err = nil
		}
		cancel()
		return errors.Join(err, <-httpErr)
	}
	p.conn.Store(c)
	p.setUp(ctx, c)

	err = <-httpErr
	dctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	return errors.Join(err, c.Drain(dctx))
}

// setUp creates or updates the output stream, retrying while NATS is
// unreachable.
func (p *Publisher) setUp(ctx context.Context, c *natsjs.Conn) {
	cfg := natsjs.SignalsConfig(p.cfg.Stream, p.cfg.DuplicateWindow)
	for {
		_, err := natsjs.EnsureStream(ctx, c.JetStream(), cfg)
		if err == nil {
			p.streamOK.Store(true)
			return
		}
		p.m.Error(metrics.ErrNATSConnection)
		p.log.Error("signals stream", zap.Error(err))
		select {
		case <-ctx.Done():
			return
		case <-time.After(natsjs.DefaultReconnectWait):
		}
	}
}

func (p *Publisher) natsReady(ctx context.Context) error {
	c := p.conn.Load()
	if c == nil {
		return fmt.Errorf("%w: connecting", natsjs.ErrNotConnected)
	}
	return c.Ready(ctx)
}

func (p *Publisher) natsLive(ctx context.Context) error {
	if c := p.conn.Load(); c != nil {
		return c.Live(ctx)
	}
	return nil
}

func (p *Publisher) streamReady(context.Context) error {
	if !p.streamOK.Load() {
		return ErrStreamNotReady
	}
	return nil
}

// handle is the fnhttp.Handler: it publishes one signal event and
// answers 202, or fails with the status the error maps to.
func (p *Publisher) handle(ctx context.Context, e ce.Event) (*ce.Event,
	error) {
	if e.Type() != event.TypeSignal {
		return nil, fmt.Errorf("%w: event type %q, want %s",
			fnhttp.ErrUnsupported, e.Type(), event.TypeSignal)
	}
	ctx, span := p.tracer.Start(ctx, spanName,
		trace.WithSpanKind(trace.SpanKindProducer))
	defer span.End()
	err := p.deliver(ctx, span, e)
	fnhttp.RecordError(span, err)
	return nil, err
}

// deliver validates the signal e carries and hands it to every
// destination.
func (p *Publisher) deliver(ctx context.Context, span trace.Span,
	e ce.Event) error {
	sig, err := event.DecodeSignal(e)
	if errors.Is(err, event.ErrUnsupported) {
		return fmt.Errorf("%w: %w", fnhttp.ErrUnsupported, err)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", fnhttp.ErrBadRequest, err)
	}
	if err := p.check(e, sig); err != nil {
		return err
	}
	// The signal id (intent_id, checked equal to SignalID and to the
	// event id) is the key of de-duplication everywhere.
	id := sig.IntentID
	subject, err := subjectOf(sig)
	if err != nil {
		return err
	}
	if span.IsRecording() {
		span.SetAttributes(tracing.KeyMessagingSystem.String(
			tracing.MessagingNATS), tracing.KeyDestination.String(subject),
			tracing.KeyMessageID.String(id),
			tracing.KeyEventID.String(e.ID()),
			tracing.KeyStrategy.String(sig.StrategyID),
			tracing.KeySymbol.String(sig.Symbol),
			tracing.KeyInterval.String(sig.Timeframe),
			tracing.KeyAction.String(sig.Action))
	}
	data, err := json.Marshal(sig)
	if err != nil {
		return fmt.Errorf("%w: encode signal: %w", fnhttp.ErrBadRequest, err)
	}

	dup, err := p.publish(ctx, e, id, subject, data)
	if err != nil {
		return publishError(err)
	}
	if err := p.publishLegacy(ctx, id, sig, data); err != nil {
		return publishError(err)
	}
	if err := p.post(ctx, id, data); err != nil {
		return fnhttp.WithType(metrics.ErrAPIPublish, err)
	}
	msg := "signal published"
	if dup {
		// Stored before under this id: the stream kept the first body.
		msg = "signal duplicate"
	}
	p.log.Info(msg, logs.SignalID(id),
		logs.Strategy(sig.StrategyID), logs.Symbol(sig.Symbol),
		logs.SignalType(sig.Action), logs.Confidence(sig.Confidence))
	return nil
}

// publishError maps a failed publish to its status: a message over the
// server's max payload can never succeed (400, too_large), any other
// failure is a 503 the caller retries.
func publishError(err error) error {
	if errors.Is(err, ErrTooLarge) || errors.Is(err, nats.ErrMaxPayload) {
		return fnhttp.WithType(metrics.ErrTooLarge,
			fmt.Errorf("%w: %w", fnhttp.ErrBadRequest, err))
	}
	return fnhttp.WithType(metrics.ErrNATSPublish,
		fmt.Errorf("%w: %w", fnhttp.ErrUnavailable, err))
}

// subjectOf returns signals.<strategy>.<SYMBOL>, or alerts.… for a hold.
func subjectOf(sig event.Signal) (string, error) {
	if !token.MatchString(sig.StrategyID) || !token.MatchString(sig.Symbol) {
		return "", fmt.Errorf("%w: strategy_id %q or symbol %q is not a "+
			"subject token", fnhttp.ErrBadRequest, sig.StrategyID,
			sig.Symbol)
	}
	root := signalsRoot
	if sig.Action == "hold" {
		root = alertsRoot
	}
	return root + "." + sig.StrategyID + "." + sig.Symbol, nil
}

// publish stores the signal in the output stream under its id, with the
// trace context of ctx in the headers, and waits for JetStream's ack. A
// duplicate ack, the id stored before, is a success and dup is true.
func (p *Publisher) publish(ctx context.Context, e ce.Event, id,
	subject string, data []byte) (dup bool, err error) {
	c := p.conn.Load()
	if c == nil || !p.streamOK.Load() {
		return false, ErrStreamNotReady
	}
	if err := c.Ready(ctx); err != nil {
		return false, err
	}
	msg := nats.NewMsg(subject)
	msg.Data = data
	msg.Header.Set(headerContentType, jsonType)
	msg.Header.Set("Ce-Id", e.ID())
	msg.Header.Set("Ce-Type", e.Type())
	msg.Header.Set("Ce-Source", e.Source())
	msg.Header.Set("Ce-Specversion", e.SpecVersion())
	tracing.ToHeader(ctx, msg.Header)
	if err := fits(c.NATS().MaxPayload(), msg, id, p.cfg.Stream); err != nil {
		return false, fmt.Errorf("publish %s: %w", subject, err)
	}

	ctx, cancel := context.WithTimeout(ctx, p.cfg.PublishTimeout)
	defer cancel()
	ack, err := c.JetStream().PublishMsg(ctx, msg,
		jetstream.WithMsgID(id), jetstream.WithExpectStream(p.cfg.Stream))
	if err != nil {
		return false, fmt.Errorf("publish %s: %w", subject, err)
	}
	trace.SpanFromContext(ctx).SetAttributes(
		tracing.KeyDuplicate.Bool(ack.Duplicate))
	if ack.Duplicate {
		p.pm.duplicate(destJetStream)
		return true, nil
	}
	p.pm.published(destJetStream)
	return false, nil
}

// publishLegacy publishes a buy or sell on the old bot's subject with
// core NATS and waits until the server has it.
func (p *Publisher) publishLegacy(ctx context.Context, id string,
	sig event.Signal, data []byte) error {
	if p.legacy == "" || (sig.Action != "buy" && sig.Action != "sell") {
		return nil
	}
	if p.sentLegacy.has(id) {
		p.pm.duplicate(destLegacy)
		return nil
	}
	c := p.conn.Load()
	msg := nats.NewMsg(p.legacy + "." + sig.StrategyID)
	msg.Data = data
	msg.Header.Set(headerCorrelation, id)
	tracing.ToHeader(ctx, msg.Header)
	if err := c.NATS().PublishMsg(msg); err != nil {
		return fmt.Errorf("publish %s: %w", msg.Subject, err)
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.PublishTimeout)
	defer cancel()
	if err := c.NATS().FlushWithContext(ctx); err != nil {
		return fmt.Errorf("publish %s: %w", msg.Subject, err)
	}
	p.sentLegacy.add(id)
	p.pm.published(destLegacy)
	return nil
}

// post delivers the signal to the REST API, when one is configured.
func (p *Publisher) post(ctx context.Context, id string, data []byte) error {
	if p.rest == nil {
		return nil
	}
	if p.sentREST.has(id) {
		p.pm.duplicate(destREST)
		return nil
	}
	if err := p.rest.post(ctx, id, data); err != nil {
		return err
	}
	p.sentREST.add(id)
	p.pm.published(destREST)
	return nil
}
