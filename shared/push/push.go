// Package push sends a function's metrics to a Prometheus Pushgateway: on
// an interval while the function runs and once more when it stops, so a
// function that scales to zero loses nothing it recorded.
//
// Each process pushes to its own group, keyed by job (the function's name)
// and instance (the host name, which is the pod name on Kubernetes). A
// push replaces the whole group (HTTP PUT), so a series the registry no
// longer has disappears from the Pushgateway too. Groups are never expired
// by the Pushgateway itself; Prune deletes the ones no process has pushed
// to for a while.
package push

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
)

// InstanceLabel is the grouping label that tells the processes of one job
// apart.
const InstanceLabel = "instance"

// DefaultTimeout bounds one push, the final one on shutdown included.
const DefaultTimeout = 5 * time.Second

// Errors New returns for a bad argument.
var (
	ErrURL      = errors.New("pushgateway url must be http(s)://host[:port]")
	ErrJob      = errors.New("job is empty")
	ErrInstance = errors.New("instance is empty")
	ErrInterval = errors.New("push interval must be positive")
)

// Pusher pushes one registry to a Pushgateway under the grouping key
// {job, instance}. It is safe for concurrent use.
type Pusher struct {
	url      string
	job      string
	instance string
	gatherer prometheus.Gatherer
	client   *http.Client
	timeout  time.Duration
	failures prometheus.Counter
	onError  func(error)
	pusher   *push.Pusher
}

// Option configures a Pusher.
type Option func(*Pusher)

// WithInstance sets the instance label; the default is the host name.
// It must be unique per process: two processes pushing to one group
// overwrite each other's counters.
func WithInstance(name string) Option {
	return func(p *Pusher) { p.instance = name }
}

// WithClient sets the HTTP client; the default is a client without a
// timeout of its own (each push is bounded by WithTimeout).
func WithClient(c *http.Client) Option {
	return func(p *Pusher) { p.client = c }
}

// WithTimeout bounds each push; the default is DefaultTimeout.
func WithTimeout(d time.Duration) Option {
	return func(p *Pusher) { p.timeout = d }
}

// WithFailureCounter counts every failed push in c, for instance
// ta_bot_errors_total{type="push"}.
func WithFailureCounter(c prometheus.Counter) Option {
	return func(p *Pusher) { p.failures = c }
}

// WithErrorHandler has Run call f with the error of every failed push
// made on the interval, typically to log it. f must not block for long.
func WithErrorHandler(f func(error)) Option {
	return func(p *Pusher) { p.onError = f }
}

// New returns a Pusher of g's metrics to the Pushgateway at rawURL
// (http://host:port, no path) under job and, unless WithInstance says
// otherwise, the host name as instance.
func New(rawURL, job string, g prometheus.Gatherer,
	opts ...Option) (*Pusher, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
		u.Host == "" {
		return nil, fmt.Errorf("%w: %q", ErrURL, rawURL)
	}
	if job == "" {
		return nil, ErrJob
	}

	p := &Pusher{
		url:      strings.TrimSuffix(rawURL, "/"),
		job:      job,
		gatherer: g,
		client:   &http.Client{},
		timeout:  DefaultTimeout,
	}
	for _, opt := range opts {
		opt(p)
	}
	if p.instance == "" {
		p.instance, _ = os.Hostname()
	}
	if p.instance == "" {
		return nil, ErrInstance
	}

	p.pusher = push.New(p.url, job).
		Grouping(InstanceLabel, p.instance).
		Gatherer(g).
		Client(p.client)
	return p, nil
}

// Job returns the job label of the pushed group.
func (p *Pusher) Job() string { return p.job }

// Instance returns the instance label of the pushed group.
func (p *Pusher) Instance() string { return p.instance }

// Push replaces the group's metrics with the registry's current ones. A
// failure is counted unless ctx was cancelled.
func (p *Pusher) Push(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()

	if err := p.pusher.PushContext(ctx); err != nil {
		if p.failures != nil && !errors.Is(err, context.Canceled) {
			p.failures.Inc()
		}
		return fmt.Errorf("push metrics: %w", err)
	}
	return nil
}

// Run pushes every interval until ctx is done, then pushes once more and
// returns that last push's error. Errors of the pushes on the interval
// go to the error handler and the failure counter; Run goes on after them.
func (p *Pusher) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		return ErrInterval
	}

	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			// The final push must outlive the cancelled context.
			return p.Push(context.WithoutCancel(ctx))
		case <-tick.C:
			err := p.Push(ctx)
			if err != nil && p.onError != nil &&
				!errors.Is(err, context.Canceled) {
				p.onError(err)
			}
		}
	}
}

// Start runs Run in the background, on a context of its own, and
// returns a func that stops it and returns the final push's error. Call
// stop after the function has finished its in-flight work, so the final
// push carries it:
//
//	stop := p.Start(cfg.PushInterval)
//	err := svc.Run(ctx)
//	if perr := stop(); perr != nil { ... }
func (p *Pusher) Start(interval time.Duration) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx, interval) }()

	var once sync.Once
	var err error
	return func() error {
		once.Do(func() {
			cancel()
			err = <-errc
		})
		return err
	}
}
