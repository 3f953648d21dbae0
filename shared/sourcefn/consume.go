package sourcefn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/natsjs"
)

// Consumer settings.
const (
	// pullBatch is how many candles the client buffers: small, so that a
	// buffered candle does not wait long enough to reach AckWait.
	pullBatch = 64
	// defaultRebuildBatch is how many candles one rebuild fetch reads.
	defaultRebuildBatch = 1000
	// drainTimeout bounds the drain of the connection at shutdown.
	drainTimeout = 10 * time.Second
)

// Log field keys.
const (
	keySubject = "subject"
	keySeq     = "stream_seq"
	keyFloor   = "ack_floor"
	keyUpTo    = "up_to_seq"
	keyWindows = "windows"
)

// consume connects to NATS and consumes candles until ctx is cancelled;
// a consumer that stops is set up again after RetryDelay.
func (s *Source) consume(ctx context.Context) error {
	c, err := natsjs.Connect(ctx, s.cfg.NATSURL,
		natsjs.WithName(Name), natsjs.WithLogger(s.log),
		natsjs.WithStatusFunc(func(up bool) { s.m.Component(CheckNATS, up) }),
		natsjs.WithErrorFunc(func(error) {
			s.m.Error(metrics.ErrNATSConnection)
		}))
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("candle-source: %w", err)
	}
	s.conn.Store(c)
	defer s.drain(c)

	for ctx.Err() == nil {
		err := s.session(ctx, c.JetStream())
		if ctx.Err() != nil {
			break
		}
		if c.NATS().IsClosed() {
			return fmt.Errorf("candle-source: %w", natsjs.ErrClosed)
		}
		s.m.Error(metrics.ErrNATSConnection)
		s.log.Error("candle consumer stopped", zap.Error(err))
		sleep(ctx, s.cfg.RetryDelay)
	}
	return nil
}

func (s *Source) drain(c *natsjs.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := c.Drain(ctx); err != nil {
		s.log.Warn("nats drain", zap.Error(err))
	}
}

// session sets the stream and the consumer up, rebuilds the windows and
// processes candles until ctx is cancelled or the consumer stops.
func (s *Source) session(ctx context.Context, js jetstream.JetStream) error {
	// The stream keeps two windows per subject: the candles not yet
	// acknowledged count against the limit too, and a window rebuilt at a
	// restart must still be whole below them.
	cfg := natsjs.CandlesConfig(s.cfg.Stream, 2*s.cfg.WindowSize)
	if _, err := natsjs.EnsureStream(ctx, js, cfg); err != nil {
		return err
	}
	cons, err := s.open(ctx, js)
	if err != nil {
		return err
	}

	it, err := cons.Messages(jetstream.PullMaxMessages(pullBatch),
		jetstream.WithMessagesErrOnMissingHeartbeat(false))
	if err != nil {
		return fmt.Errorf("consume %s: %w", s.cfg.Durable, err)
	}
	defer it.Stop()
	s.running.Store(true)
	defer s.running.Store(false)
	s.log.Info("consuming candles", zap.String("durable", s.cfg.Durable),
		zap.Strings("subjects", s.cfg.Subjects))

	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, jetstream.ErrMsgIteratorClosed):
			return fmt.Errorf("consume %s: %w", s.cfg.Durable, err)
		case err != nil:
			s.log.Warn("next candle", zap.Error(err))
			continue
		}
		// A candle in hand is finished even when shutdown begins.
		s.handle(context.WithoutCancel(ctx), msg)
	}
}

// consumerConfig is the durable consumer's configuration but for where
// it starts.
func (s *Source) consumerConfig() jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:        s.cfg.Durable,
		Description:    "tabot candle-source: candle windows to targets",
		FilterSubjects: s.cfg.Subjects,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        s.cfg.AckWait,
		// Failed deliveries are retried until the targets take them,
		// with a delay chosen per attempt (NakWithDelay); no BackOff,
		// which would shorten the first ack deadline (BC-25).
		MaxDeliver:    -1,
		MaxAckPending: s.cfg.MaxAckPending,
		ReplayPolicy:  jetstream.ReplayInstantPolicy,
	}
}

// open creates or updates the durable consumer and rebuilds the windows
// from the candles it has acknowledged. A new consumer starts after the
// candles the stream holds, which rebuild the windows, unless Replay.
func (s *Source) open(ctx context.Context, js jetstream.JetStream) (
	jetstream.Consumer, error) {
	cfg := s.consumerConfig()
	cons, err := js.Consumer(ctx, s.cfg.Stream, s.cfg.Durable)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		return s.create(ctx, js, cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("consumer %s: %w", s.cfg.Durable, err)
	}

	have := cons.CachedInfo().Config
	cfg.DeliverPolicy, cfg.OptStartSeq = have.DeliverPolicy, have.OptStartSeq
	cfg.OptStartTime = have.OptStartTime
	if cons, err = js.UpdateConsumer(ctx, s.cfg.Stream, cfg); err != nil {
		return nil, fmt.Errorf("update consumer %s: %w", s.cfg.Durable, err)
	}
	floor, err := s.reset(ctx, js, cons)
	if err != nil {
		return nil, err
	}
	s.log.Info("rebuilding windows", zap.Uint64(keyFloor, floor))
	if err := s.rebuild(ctx, js, floor); err != nil {
		return nil, err
	}
	return cons, nil
}

func (s *Source) create(ctx context.Context, js jetstream.JetStream,
	cfg jetstream.ConsumerConfig) (jetstream.Consumer, error) {
	var upto uint64
	if !s.cfg.Replay {
		st, err := js.Stream(ctx, s.cfg.Stream)
		if err != nil {
			return nil, fmt.Errorf("stream %s: %w", s.cfg.Stream, err)
		}
		upto = st.CachedInfo().State.LastSeq
	}
	s.log.Info("new consumer: rebuilding windows from history",
		zap.String("durable", s.cfg.Durable), zap.Uint64(keyUpTo, upto))
	if err := s.rebuild(ctx, js, upto); err != nil {
		return nil, err
	}
	if upto > 0 {
		cfg.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
		cfg.OptStartSeq = upto + 1
	}
	cons, err := js.CreateConsumer(ctx, s.cfg.Stream, cfg)
	if err != nil {
		return nil, fmt.Errorf("create consumer %s: %w", s.cfg.Durable, err)
	}
	return cons, nil
}

// reset makes the consumer deliver again every candle after its ack
// floor, in stream order, and returns the floor: the candles a previous
// run left unacknowledged come now, not after AckWait behind newer ones.
func (s *Source) reset(ctx context.Context, js jetstream.JetStream,
	cons jetstream.Consumer) (uint64, error) {
	r, err := js.ResetConsumer(ctx, s.cfg.Stream, s.cfg.Durable)
	if err == nil && r.ResetSeq > 0 {
		return r.ResetSeq - 1, nil
	}
	// TODO: servers before 2.14 have no consumer reset; there, candles
	// left unacknowledged come back only after AckWait, possibly behind
	// newer ones, and then make no decision (late candles).
	s.log.Warn("consumer reset unavailable", zap.Error(err))
	info, err := cons.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("consumer %s: %w", s.cfg.Durable, err)
	}
	return info.AckFloor.Stream, nil
}

// rebuild puts every closed candle the stream holds up to sequence upto
// into the book without sending anything, and marks each window as
// delivered up to its newest candle: those candles were all processed.
// It runs once per process: later sessions find the book filled.
func (s *Source) rebuild(ctx context.Context, js jetstream.JetStream,
	upto uint64) error {
	if s.rebuilt || upto == 0 {
		s.rebuilt = true
		return nil
	}
	oc, err := js.OrderedConsumer(ctx, s.cfg.Stream,
		jetstream.OrderedConsumerConfig{FilterSubjects: s.cfg.Subjects})
	if err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	n, future, lastFuture := 0, 0, error(nil)
	for done := false; !done; {
		batch, err := oc.FetchNoWait(s.rebuildBatch)
		if err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
		got := 0
		for msg := range batch.Messages() {
			got++
			md, err := msg.Metadata()
			if err != nil || done {
				continue
			}
			if md.Sequence.Stream > upto {
				done = true
				continue
			}
			switch err := s.restore(msg); {
			case err == nil:
				n++
			case errors.Is(err, candle.ErrNotClosed):
				future++
				lastFuture = err
			}
			done = md.Sequence.Stream == upto
		}
		if err := batch.Error(); err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
		done = done || got == 0
	}
	s.rebuilt = true
	if future > 0 {
		s.log.Warn("candles not closed left out of the windows",
			zap.Int(keyCandles, future), zap.Error(lastFuture))
	}
	s.log.Info("windows rebuilt", zap.Int(keyCandles, n),
		zap.Int(keyWindows, len(s.windows)))
	return nil
}

// errSkipped is restore's error for a candle processing left out too.
var errSkipped = errors.New("not a closed candle of the windows")

// restore adds an already processed candle to its window; it returns
// nil when the candle is in the book. A candle that has not closed by
// now is left out (ErrNotClosed): processing refused it, and a window
// rebuilt around it would take every real candle after it for late.
func (s *Source) restore(msg jetstream.Msg) error {
	p, err := candle.DecodeMessage(msg.Subject(), msg.Data())
	if err != nil || !p.Closed {
		return errSkipped
	}
	open := p.Candle.OpenTime
	// TODO: a candle refused as not closed stays in the stream, and once
	// its close has passed a rebuild takes it in; the stream does not
	// keep which candles were terminated.
	if err := candle.CheckClosed(open, p.Interval, s.now(),
		s.cfg.ClockSkew); err != nil {
		return err
	}
	r, err := s.book.Restore(p.Symbol, p.Interval, p.Candle)
	if err != nil {
		return errSkipped
	}
	w := s.window(candle.Key{Symbol: p.Symbol, Interval: p.Interval})
	w.delivered = max(w.delivered, open)
	if r.Outcome == candle.Appended {
		w.newest = open
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
