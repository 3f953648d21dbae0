package sourcefn

import (
	"context"
	"errors"
	"sync"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/tracing"
)

// Log field keys of candles.
const (
	keyCandles  = logs.KeyCandles
	keyOutcome  = "outcome"
	keyOpenTime = "open_time"
	keyNewest   = "newest_open_time"
	keyLateRun  = "late_in_a_row"
)

// lateWarnAfter is the run of late candles in a row on one window from
// which it is logged as a warning, and again at each doubling: the
// newest candle may be wrong (from the future), or a backfill runs.
const lateWarnAfter = 4

// window is the delivery state of one window of the book.
type window struct {
	// delivered is the open time of the newest candle whose window every
	// target took (or refused for good): a redelivery of a newer candle
	// that is already in the book must still be sent.
	delivered int64
	// sending is the id of the window event being delivered, and done
	// the targets that took it, so a retry skips them.
	sending string
	done    map[*target]bool
	// newest is the open time of the newest candle in the window, and
	// late the number of late candles in a row since it came.
	newest int64
	late   int
}

// target is one URL windows are posted to.
type target struct {
	url  string
	send *fnhttp.Sender
}

func (s *Source) window(k candle.Key) *window {
	w := s.windows[k]
	if w == nil {
		w = &window{}
		s.windows[k] = w
	}
	return w
}

// handle processes one candle message in a span of its own, continuing
// the trace of the message's traceparent header if it has one.
func (s *Source) handle(ctx context.Context, msg jetstream.Msg) {
	ctx, span := s.tracer.Start(tracing.FromHeader(ctx, msg.Headers()),
		spanName, s.spanOpts...)
	defer span.End()
	if span.IsRecording() {
		span.SetAttributes(tracing.KeyMessagingSystem.String(
			tracing.MessagingNATS),
			tracing.KeyDestination.String(msg.Subject()))
		if md, err := msg.Metadata(); err == nil {
			span.SetAttributes(
				tracing.KeyStreamSeq.Int64(int64(md.Sequence.Stream)),
				tracing.KeyDelivered.Int64(int64(md.NumDelivered)))
		}
	}
	s.process(ctx, msg)
}

// process acknowledges the candle msg carries once every target took
// its window, or asks for its redelivery when a target failed.
func (s *Source) process(ctx context.Context, msg jetstream.Msg) {
	p, err := candle.DecodeMessage(msg.Subject(), msg.Data())
	if err != nil {
		s.reject(ctx, msg, outcomeInvalid, metrics.ErrInvalidInput, err)
		return
	}
	span := trace.SpanFromContext(ctx)
	if span.IsRecording() {
		span.SetAttributes(tracing.KeySymbol.String(p.Symbol),
			tracing.KeyInterval.String(string(p.Interval)))
	}
	if !p.Closed {
		s.outcome(ctx, outcomeForming)
		s.ack(msg)
		return
	}
	if !s.cfg.AllowSymbol(p.Symbol) {
		s.outcome(ctx, outcomeIgnored)
		s.ack(msg)
		return
	}
	// A candle from the future would become the newest of its window and
	// make every real candle after it late, silencing the window.
	if err := candle.CheckClosed(p.Candle.OpenTime, p.Interval, s.now(),
		s.cfg.ClockSkew); err != nil {
		s.reject(ctx, msg, outcomeInvalid, metrics.ErrInvalidInput, err)
		return
	}

	r, err := s.book.Add(p.Symbol, p.Interval, p.Candle)
	switch {
	case errors.Is(err, candle.ErrConflict):
		s.reject(ctx, msg, outcomeConflict, metrics.ErrConflict, err)
		return
	case err != nil:
		s.reject(ctx, msg, outcomeInvalid, metrics.ErrInvalidInput, err)
		return
	}
	s.outcome(ctx, r.Outcome.String())

	k := candle.Key{Symbol: p.Symbol, Interval: p.Interval}
	w := s.window(k)
	open := p.Candle.OpenTime
	s.noteLate(msg, w, r.Outcome, open)
	candles, missing := r.Candles, r.Missing
	switch {
	case r.Emit:
	case r.Outcome == candle.Duplicate && r.Newest && r.Len >= s.min &&
		w.delivered < open:
		// A redelivery of the newest candle whose window was not
		// delivered yet: send it now.
		candles, missing, _ = s.book.Snapshot(p.Symbol, p.Interval)
	default:
		s.ack(msg)
		return
	}

	e, err := s.windowEvent(msg.Subject(), p, candles, missing)
	if err != nil {
		s.reject(ctx, msg, outcomeInvalid, metrics.ErrInvalidInput, err)
		return
	}
	tracing.ToEvent(ctx, &e)
	if span.IsRecording() {
		span.SetAttributes(tracing.KeyEventID.String(e.ID()),
			tracing.KeyCandles.Int(len(candles)),
			tracing.KeyTargets.Int(len(s.targets)))
	}
	if !s.deliver(ctx, msg, w, e) {
		span.SetStatus(codes.Error, "window not delivered to every target")
		s.retry(msg)
		return
	}
	w.delivered = max(w.delivered, open)
	s.ack(msg)
}

// noteLate keeps the run of late candles of w: each late (inserted or
// dropped) candle is logged at debug, and a run reaching lateWarnAfter,
// then each doubling of it, as a warning; a new newest candle ends it.
func (s *Source) noteLate(msg jetstream.Msg, w *window, o candle.Outcome,
	open int64) {
	switch o {
	case candle.Appended:
		w.newest, w.late = open, 0
		return
	case candle.Inserted, candle.Dropped:
	default:
		return
	}
	w.late++
	fields := []zap.Field{zap.String(keySubject, msg.Subject()),
		zap.Uint64(keySeq, seq(msg)), zap.String(keyOutcome, o.String()),
		zap.Time(keyOpenTime, candle.Time(open)),
		zap.Time(keyNewest, candle.Time(w.newest)),
		zap.Int(keyLateRun, w.late)}
	s.log.Debug("late candle: no window sent", fields...)
	if w.late >= lateWarnAfter && w.late&(w.late-1) == 0 {
		s.log.Warn("late candles in a row: is the newest candle wrong?",
			fields...)
	}
}

// outcome counts what became of a candle and notes it on the span.
func (s *Source) outcome(ctx context.Context, outcome string) {
	s.sm.candle(outcome)
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.SetAttributes(tracing.KeyOutcome.String(outcome))
	}
}

// deliver posts e to every target that has not taken it yet, renewing
// the message's ack deadline meanwhile, and reports whether every
// target took it or refused it for good.
func (s *Source) deliver(ctx context.Context, msg jetstream.Msg, w *window,
	e ce.Event) bool {
	if w.sending != e.ID() {
		w.sending, w.done = e.ID(), make(map[*target]bool)
	}
	var todo []*target
	for _, t := range s.targets {
		if !w.done[t] {
			todo = append(todo, t)
		}
	}
	stop := s.keepAlive(msg)
	ok := make([]bool, len(todo))
	var wg sync.WaitGroup
	for i, t := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok[i] = s.post(ctx, t, e)
		}()
	}
	wg.Wait()
	stop()

	all := true
	for i, t := range todo {
		w.done[t] = ok[i]
		all = all && ok[i]
	}
	if all {
		w.sending, w.done = "", nil
	}
	return all
}

// post sends e to t; it reports whether t is done with e: it took it, or
// refused it with a 4xx, which sending again would not change.
func (s *Source) post(ctx context.Context, t *target, e ce.Event) bool {
	err := t.send.Send(ctx, e)
	switch {
	case err == nil:
		s.sm.delivery(resultDelivered)
		return true
	case errors.Is(err, fnhttp.ErrRejected):
		s.sm.delivery(resultRefused)
		s.m.Error(metrics.ErrSink)
		s.log.Warn("window refused", logs.URL(t.url),
			logs.EventID(e.ID()), zap.Error(err))
		return true
	default:
		s.sm.delivery(resultFailed)
		s.m.Error(metrics.ErrSink)
		s.log.Warn("window not delivered", logs.URL(t.url),
			logs.EventID(e.ID()), zap.Error(err))
		return false
	}
}

// keepAlive tells JetStream the message is in progress now and every
// third of AckWait until stop is called, so a slow target never causes
// a redelivery while the candle is being handled (BC-25).
func (s *Source) keepAlive(msg jetstream.Msg) (stop func()) {
	_ = msg.InProgress()
	done := make(chan struct{})
	t := time.NewTicker(s.cfg.AckWait / 3)
	go func() {
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	}()
	return func() { close(done) }
}

// retry asks JetStream to deliver msg again after a delay that doubles
// with each delivery.
func (s *Source) retry(msg jetstream.Msg) {
	n := uint64(1)
	if md, err := msg.Metadata(); err == nil {
		n = md.NumDelivered
	}
	if err := msg.NakWithDelay(s.backoff(n)); err != nil {
		s.log.Warn("nak candle", zap.Error(err))
	}
}

func (s *Source) backoff(delivered uint64) time.Duration {
	d := s.cfg.RetryDelay
	for i := uint64(1); i < delivered && d < s.cfg.MaxRetryDelay; i++ {
		d *= 2
	}
	return min(d, s.cfg.MaxRetryDelay)
}

// reject terminates a candle that can never succeed: counted, logged on
// one line, noted on the span, never redelivered, never in the way of
// the next one.
func (s *Source) reject(ctx context.Context, msg jetstream.Msg,
	outcome string, typ metrics.ErrorType, err error) {
	s.outcome(ctx, outcome)
	trace.SpanFromContext(ctx).RecordError(err)
	s.m.Error(typ)
	s.log.Warn("candle rejected", zap.String(keySubject, msg.Subject()),
		zap.Uint64(keySeq, seq(msg)), logs.ErrorType(string(typ)),
		zap.Error(err))
	if err := msg.TermWithReason(outcome); err != nil {
		s.log.Warn("term candle", zap.Error(err))
	}
}

func (s *Source) ack(msg jetstream.Msg) {
	if err := msg.Ack(); err != nil {
		s.log.Warn("ack candle", zap.Error(err))
	}
}

func seq(msg jetstream.Msg) uint64 {
	md, err := msg.Metadata()
	if err != nil {
		return 0
	}
	return md.Sequence.Stream
}

// windowEvent builds the event of the window whose newest candle is p.
func (s *Source) windowEvent(subject string, p candle.Payload,
	candles []candle.Candle, missing int) (ce.Event, error) {
	e, err := event.NewWindowEvent(event.Window{
		Symbol: p.Symbol, Interval: string(p.Interval),
		Candles: candles, Missing: missing,
	}, subject)
	if err != nil {
		return ce.Event{}, err
	}
	for k, v := range s.over {
		e.SetExtension(k, v)
	}
	return e, nil
}
