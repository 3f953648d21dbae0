// Package natsjs is TA Bot Functions' adapter to NATS JetStream: a
// connection with production options and health checks, the set-up of the
// CANDLES and SIGNALS streams, and an embedded nats-server for the local
// run and the tests. It never logs on its own: it takes a *zap.Logger.
package natsjs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

// ErrNotConnected is returned by Conn.Ready while the connection is not
// usable (connecting, reconnecting, draining or closed).
var ErrNotConnected = errors.New("nats not connected")

// ErrClosed is returned by Conn.Live once the connection is closed for
// good: it never recovers by itself, so the process should be replaced.
var ErrClosed = errors.New("nats connection closed")

// Connection defaults. A silent drop (no TCP FIN) is detected after about
// (DefaultMaxPingsOut+1) × DefaultPingInterval, not nats.go's 4 minutes.
const (
	DefaultName          = "tabot"
	DefaultReconnectWait = time.Second
	DefaultPingInterval  = 5 * time.Second
	DefaultMaxPingsOut   = 2
	// DefaultMaxReconnects -1 retries for ever: an outage of NATS never
	// leaves the process with a dead connection.
	DefaultMaxReconnects = -1
	// DefaultWarnInterval is the least time between two warnings of
	// failed connection attempts; the attempts in between are counted
	// in the next one.
	DefaultWarnInterval = 10 * time.Second
)

// Log field keys.
const (
	keyURL      = "nats_url"
	keyAttempts = "failed_attempts"
)

// Conn is a NATS connection with its JetStream context.
type Conn struct {
	nc *nats.Conn
	js jetstream.JetStream
	// closing is set by Close and Drain: the disconnection that follows
	// is the caller's, not news for an operator.
	closing *atomic.Bool
}

type options struct {
	name          string
	log           *zap.Logger
	reconnectWait time.Duration
	pingInterval  time.Duration
	maxPingsOut   int
	maxReconnects int
	warnInterval  time.Duration
	onStatus      func(connected bool)
	onError       func(error)
}

// Option changes how Connect connects.
type Option func(*options)

// WithName sets the connection name shown by the server's monitoring.
func WithName(name string) Option { return func(o *options) { o.name = name } }

// WithLogger logs connection events (disconnects, reconnects, close,
// asynchronous errors) to log.
func WithLogger(log *zap.Logger) Option { return func(o *options) { o.log = log } }

// WithReconnectWait sets the wait between reconnect attempts.
func WithReconnectWait(d time.Duration) Option {
	return func(o *options) { o.reconnectWait = d }
}

// WithPingInterval sets the interval of client pings; the connection is
// declared stale after DefaultMaxPingsOut unanswered pings.
func WithPingInterval(d time.Duration) Option {
	return func(o *options) { o.pingInterval = d }
}

// WithMaxReconnects sets how many reconnect attempts are made before the
// connection closes for good; -1 is unlimited.
func WithMaxReconnects(n int) Option {
	return func(o *options) { o.maxReconnects = n }
}

// WithStatusFunc calls f with true whenever the connection becomes usable
// and with false whenever it stops being usable, e.g. to set a component
// status gauge. f must not block.
func WithStatusFunc(f func(connected bool)) Option {
	return func(o *options) { o.onStatus = f }
}

// WithErrorFunc calls f with every failed connection attempt (the first
// ones and every reconnect) and every asynchronous error, e.g. to count
// ta_bot_errors_total{type="nats_connection"}. f must not block.
func WithErrorFunc(f func(error)) Option {
	return func(o *options) { o.onError = f }
}

// WithWarnInterval sets the least time between two warnings of failed
// connection attempts (DefaultWarnInterval).
func WithWarnInterval(d time.Duration) Option {
	return func(o *options) { o.warnInterval = d }
}

// Connect connects to the NATS server at url and waits until the
// connection is established or ctx is done. A server that is not up yet
// is retried every reconnect wait. Publishing while disconnected fails at
// once instead of being buffered, so callers can answer 503.
func Connect(ctx context.Context, url string, opts ...Option) (*Conn, error) {
	o := options{
		name:          DefaultName,
		log:           zap.NewNop(),
		reconnectWait: DefaultReconnectWait,
		pingInterval:  DefaultPingInterval,
		maxPingsOut:   DefaultMaxPingsOut,
		maxReconnects: DefaultMaxReconnects,
		warnInterval:  DefaultWarnInterval,
		onStatus:      func(bool) {},
		onError:       func(error) {},
	}
	for _, opt := range opts {
		opt(&o)
	}
	log := o.log.With(zap.String(keyURL, redactList(url)))
	failed := &throttle{every: o.warnInterval}
	closing := new(atomic.Bool)
	lost := func(msg string, fields ...zap.Field) {
		if closing.Load() {
			log.Info(msg, fields...)
		} else {
			log.Warn(msg, fields...)
		}
	}

	nc, err := nats.Connect(url,
		nats.Name(o.name),
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(o.maxReconnects),
		nats.ReconnectWait(o.reconnectWait),
		nats.PingInterval(o.pingInterval),
		nats.MaxPingsOutstanding(o.maxPingsOut),
		nats.ReconnectBufSize(-1),
		nats.ConnectHandler(func(*nats.Conn) {
			failed.reset()
			log.Info("nats connected")
			o.onStatus(true)
		}),
		nats.ReconnectErrHandler(func(_ *nats.Conn, err error) {
			o.onError(err)
			if n, ok := failed.next(time.Now()); ok {
				log.Warn("nats connection attempt failed", zap.Error(err),
					zap.Int(keyAttempts, n))
			}
		}),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			lost("nats disconnected", zap.Error(err))
			o.onStatus(false)
		}),
		nats.ReconnectHandler(func(*nats.Conn) {
			failed.reset()
			log.Info("nats reconnected")
			o.onStatus(true)
		}),
		nats.ClosedHandler(func(*nats.Conn) {
			lost("nats connection closed")
			o.onStatus(false)
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription,
			err error) {
			o.onError(err)
			log.Warn("nats async error", zap.Error(err))
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("connect nats: %w", err)
	}
	if err := waitConnected(ctx, nc); err != nil {
		nc.Close()
		return nil, fmt.Errorf("connect nats %s: %w", redactList(url), err)
	}

	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	return &Conn{nc: nc, js: js, closing: closing}, nil
}

func waitConnected(ctx context.Context, nc *nats.Conn) error {
	ch := nc.StatusChanged(nats.CONNECTED, nats.CLOSED)
	defer nc.RemoveStatusListener(ch)
	for {
		switch nc.Status() {
		case nats.CONNECTED:
			return nil
		case nats.CLOSED:
			return ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// NATS returns the core connection.
func (c *Conn) NATS() *nats.Conn { return c.nc }

// JetStream returns the JetStream context.
func (c *Conn) JetStream() jetstream.JetStream { return c.js }

// Status returns the connection status.
func (c *Conn) Status() nats.Status { return c.nc.Status() }

// Ready is a readiness check: nil only while the connection is CONNECTED.
// Its name in a readiness report is "nats_connection".
func (c *Conn) Ready(context.Context) error {
	if s := c.nc.Status(); s != nats.CONNECTED {
		return fmt.Errorf("%w: %s", ErrNotConnected, s)
	}
	return nil
}

// Live is a liveness check: it fails only once the connection is CLOSED,
// which it never leaves by itself. A reconnecting connection is alive.
func (c *Conn) Live(context.Context) error {
	if c.nc.IsClosed() {
		return ErrClosed
	}
	return nil
}

// Drain drains subscriptions and pending publishes, then closes the
// connection; it returns when the connection is closed or ctx is done.
func (c *Conn) Drain(ctx context.Context) error {
	ch := c.nc.StatusChanged(nats.CLOSED)
	defer c.nc.RemoveStatusListener(ch)
	if c.nc.IsClosed() {
		return nil
	}
	c.closing.Store(true)
	if err := c.nc.Drain(); err != nil {
		c.nc.Close()
		return fmt.Errorf("drain nats: %w", err)
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		c.nc.Close()
		return fmt.Errorf("drain nats: %w", ctx.Err())
	}
}

// Close closes the connection at once.
func (c *Conn) Close() {
	c.closing.Store(true)
	c.nc.Close()
}

// throttle lets one warning through per interval and counts the events
// in between. It is safe for concurrent use.
type throttle struct {
	every time.Duration

	mu   sync.Mutex
	last time.Time
	n    int
}

// next counts one event at now and reports whether to log it, with the
// number of events since the last one logged, this one included.
func (t *throttle) next(now time.Time) (n int, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n++
	if !t.last.IsZero() && now.Sub(t.last) < t.every {
		return 0, false
	}
	n, t.n, t.last = t.n, 0, now
	return n, true
}

// reset forgets the events counted: the next one is logged at once.
func (t *throttle) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last, t.n = time.Time{}, 0
}
