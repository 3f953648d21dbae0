// Package fnhttp is the runtime every TA Bot function runs on: one HTTP
// server taking CloudEvents on POST / and answering the probes OpenFaaS,
// Knative and Kubernetes send, with /metrics on the function's own
// registry and a graceful shutdown.
//
// POST / takes an event in any form Decode accepts and calls the
// Handler. A reply event is sent back in binary content mode with 200,
// no reply is 202 with no body. A failure is answered with a status that
// tells the caller whether to retry (400 never, 429 and 5xx yes) and the
// body {"error":"<one line>"} (Content-Type application/json); 413 for
// a body over the limit. Any other path is 404, a known path asked with
// another method 405 with an Allow header, with the same body. Every
// failed request is counted once in ta_bot_errors_total.
//
// With PUSHGATEWAY_URL set, Serve also pushes the registry to a
// Prometheus Pushgateway on PUSH_INTERVAL and once more at the end of
// the shutdown, so a function that scales to zero loses nothing.
//
// With OTEL_EXPORTER_OTLP_ENDPOINT set, the spans a function starts with
// Tracer are exported over OTLP/HTTP and flushed at the end of the
// shutdown; unset, tracing costs next to nothing. Either way the trace
// context an event carries reaches the Handler in its ctx.
package fnhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudevents/sdk-go/v2/binding"
	ce "github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/tracing"
)

// Handler handles one CloudEvent. It returns the reply event, or nil for
// none (202). A returned error sets the status: see ErrBadRequest and its
// siblings; anything else is a 500. A Handler never counts the error it
// returns in ta_bot_errors_total: the Server does (see WithType).
//
// ctx carries the trace context of the event's traceparent extension,
// else of the request's traceparent header, so a span the Handler starts
// continues the caller's trace.
type Handler func(ctx context.Context, e ce.Event) (*ce.Event, error)

// Check reports whether a dependency is usable; the error says why not.
type Check func(ctx context.Context) error

// Hook is the service's own clean-up at shutdown, such as draining NATS.
type Hook func(ctx context.Context) error

// Defaults of Options.
const (
	DefaultMaxBodyBytes    = 8 << 20
	DefaultShutdownTimeout = 25 * time.Second
	DefaultCheckInterval   = 10 * time.Second
	DefaultCheckTimeout    = 2 * time.Second
)

// Options are the optional settings of a Server; zero values take the
// defaults.
type Options struct {
	// Logger receives the server's lines; nil discards them.
	Logger *zap.Logger
	// Name is the function's name, such as tabot-strategy (DefaultName
	// when empty). K_SERVICE, the Knative Service's name, replaces it
	// when set. It is the job label of the group the registry is pushed
	// to when PUSHGATEWAY_URL is set, whose instance label is the host
	// name, the pod's name on Kubernetes (see shared/push); and the
	// service.name of the function's spans.
	Name string
	// Registry is served on /metrics; nil creates one with
	// metrics.NewRegistry.
	Registry *prometheus.Registry
	// Metrics are the function's metrics on Registry; nil creates them.
	Metrics *metrics.Metrics
	// MaxBodyBytes limits a request body (8 MiB); larger gets 413.
	MaxBodyBytes int64
	// MaxInFlight bounds the events handled at once when MAX_IN_FLIGHT
	// is unset; more get 429 with Retry-After at once. 0 takes
	// DefaultMaxInFlight; negative: no bound.
	MaxInFlight int
	// ShutdownTimeout bounds the shutdown: in-flight requests, every
	// Hook and the export of the spans still buffered share it (25s,
	// inside Kubernetes' 30s grace period). The final metrics push
	// follows with push.DefaultTimeout (5s) of its own: counters matter
	// more than spans.
	ShutdownTimeout time.Duration
	// DrainDelay keeps serving after readiness turned 503, so that load
	// balancers stop sending before the listener closes. 0: none.
	DrainDelay time.Duration
	// CheckInterval is how often readiness checks refresh
	// ta_bot_component_status between probes (10s).
	CheckInterval time.Duration
	// CheckTimeout bounds one check (2s).
	CheckTimeout time.Duration
}

type namedCheck struct {
	name  string
	check Check
}

// Server is one function's HTTP server. Register checks and hooks
// before Serve.
type Server struct {
	cfg   Common
	h     Handler
	opts  Options
	name  string
	log   *zap.Logger
	reg   *prometheus.Registry
	m     *metrics.Metrics
	start time.Time
	slots chan struct{}
	tr    *tracing.Tracing
	// setupErr is a set-up failure New cannot return; Serve does.
	setupErr error

	mu       sync.Mutex
	ready    []namedCheck
	live     []namedCheck
	hooks    []Hook
	draining atomic.Bool
}

// New returns a Server for cfg that hands events to h; h nil answers
// POST / with 404, for a function that takes no events over HTTP.
func New(cfg Common, h Handler, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.Registry == nil {
		opts.Registry = metrics.NewRegistry()
	}
	if opts.Metrics == nil {
		opts.Metrics = metrics.NewMetrics(opts.Registry)
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = DefaultShutdownTimeout
	}
	if opts.CheckInterval <= 0 {
		opts.CheckInterval = DefaultCheckInterval
	}
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = DefaultCheckTimeout
	}
	s := &Server{cfg: cfg, h: h, opts: opts, name: serverName(opts, cfg),
		log: opts.Logger, reg: opts.Registry, m: opts.Metrics,
		start: time.Now()}
	if n := inFlight(cfg, opts); n > 0 {
		s.slots = make(chan struct{}, n)
	}
	s.tr, s.setupErr = s.newTracing()
	return s
}

// inFlight returns the bound on events handled at once, 0 for none:
// MAX_IN_FLIGHT, else Options.MaxInFlight, else DefaultMaxInFlight.
func inFlight(cfg Common, opts Options) int {
	switch {
	case cfg.MaxInFlight != nil:
		return *cfg.MaxInFlight
	case opts.MaxInFlight < 0:
		return 0
	case opts.MaxInFlight > 0:
		return opts.MaxInFlight
	default:
		return DefaultMaxInFlight()
	}
}

// Name returns the function's name: K_SERVICE, else Options.Name, else
// DefaultName.
func (s *Server) Name() string { return s.name }

// Tracer returns the tracer of the named instrumentation scope, such as
// the service's package path; its spans are exported when
// OTEL_EXPORTER_OTLP_ENDPOINT is set and cost next to nothing otherwise.
func (s *Server) Tracer(scope string) trace.Tracer {
	return s.tr.Tracer(scope)
}

// Metrics returns the function's metrics.
func (s *Server) Metrics() *metrics.Metrics { return s.m }

// Registry returns the registry /metrics serves and the Pushgateway
// receives; a service registers its own metrics there.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// AddReadiness registers a check /ready runs; while it fails the function
// gets no traffic. ta_bot_component_status{component=name} follows it.
func (s *Server) AddReadiness(name string, c Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ready = append(s.ready, namedCheck{name, c})
}

// AddLiveness registers a check /live runs; when it fails the instance
// is replaced, so register only states that never recover by themselves
// (a NATS connection that reached CLOSED).
func (s *Server) AddLiveness(name string, c Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.live = append(s.live, namedCheck{name, c})
}

// OnShutdown registers a hook run, in registration order, after the HTTP
// server stopped. The final metrics push comes after every hook.
func (s *Server) OnShutdown(h Hook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, h)
}

// Handler returns the function's HTTP handler: POST / and the probes.
// Any other path gets 404, a known path asked with another method 405
// with an Allow header, both with the JSON error body; GET routes take
// HEAD too.
func (s *Server) Handler() http.Handler {
	routes := []struct {
		method, path string
		h            http.Handler
	}{
		{http.MethodPost, "/", http.HandlerFunc(s.serveEvent)},
		{http.MethodGet, "/live", http.HandlerFunc(s.serveLive)},
		{http.MethodGet, "/_/health", http.HandlerFunc(s.serveLive)},
		{http.MethodGet, "/ready", http.HandlerFunc(s.serveReady)},
		{http.MethodGet, "/_/ready", http.HandlerFunc(s.serveReady)},
		{http.MethodGet, "/health", http.HandlerFunc(s.serveHealth)},
		{http.MethodGet, "/metrics", promhttp.HandlerFor(s.reg,
			promhttp.HandlerOpts{Registry: s.reg,
				ErrorHandling: promhttp.ContinueOnError})},
	}
	mux := http.NewServeMux()
	allow := make(map[string]string, len(routes))
	for _, rt := range routes {
		pattern := rt.path
		if pattern == "/" {
			pattern = "/{$}" // "/" alone would match every path
		}
		mux.Handle(rt.method+" "+pattern, rt.h)
		allow[rt.path] = rt.method
		if rt.method == http.MethodGet {
			allow[rt.path] += ", " + http.MethodHead
		}
	}
	if s.h == nil {
		delete(allow, "/") // POST / still answers 404 with the reason
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.noRoute(w, r, allow[r.URL.Path])
	})
	return s.recover(mux)
}

// noRoute answers a request no route takes: 405 on a known path, whose
// methods are allow, else 404; counted as unsupported.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request,
	allow string) {
	path := r.URL.Path
	if len(path) > 64 {
		path = path[:64] + "..."
	}
	status := http.StatusNotFound
	reason := fmt.Sprintf("no such path %q", path)
	if allow != "" {
		status = http.StatusMethodNotAllowed
		reason = fmt.Sprintf("method %.16s on %q, want %s", r.Method,
			path, allow)
		w.Header().Set("Allow", allow)
	}
	s.m.Error(metrics.ErrUnsupported)
	s.log.Warn("no route", zap.String("method", r.Method),
		zap.String("path", path), logs.Status(status))
	writeJSON(w, status, map[string]string{"error": reason})
}

// Run serves on PORT until ctx is cancelled, then shuts down (see
// Serve).
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", s.cfg.Port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is cancelled or the server fails, then
// shuts down: readiness fails first, DrainDelay passes, in-flight
// requests finish, the hooks run, the spans still buffered are
// exported, all within ShutdownTimeout; last, the registry is pushed
// once more. Call Serve once: the tracing ends with it.
//
// With PUSHGATEWAY_URL set, the registry is pushed every PUSH_INTERVAL
// to the group of job and instance (see Options.Name). A failed push is
// logged and counted in ta_bot_errors_total{type="push"}; it never
// fails Serve, so monitoring never changes the exit status.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.setupErr != nil {
		ln.Close()
		return s.setupErr
	}
	pusher, err := s.newPusher()
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          zap.NewStdLog(s.log),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	watchCtx, stopWatch := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.watchChecks(watchCtx)
	}()
	stopPush := s.startPush(pusher)
	s.log.Info("serving", zap.String("addr", ln.Addr().String()),
		zap.String("name", s.name), zap.Bool("push", pusher != nil),
		zap.Bool("tracing", s.tr.Enabled()),
		zap.Int("max_in_flight", cap(s.slots)))

	select {
	case <-ctx.Done():
	case err = <-errc:
		err = fmt.Errorf("serve: %w", err)
	}
	stopWatch()
	wg.Wait()
	return errors.Join(err, s.shutdown(srv, stopPush))
}

// shutdown fails readiness, waits DrainDelay, stops srv, runs the hooks,
// flushes the spans and last calls stopPush, which pushes the registry a
// last time.
func (s *Server) shutdown(srv *http.Server, stopPush func()) error {
	s.draining.Store(true)
	s.m.Component(checkShutdown, false)
	s.log.Info("shutting down")
	if s.opts.DrainDelay > 0 {
		time.Sleep(s.opts.DrainDelay)
	}

	ctx, cancel := context.WithTimeout(context.Background(),
		s.opts.ShutdownTimeout)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("shutdown http: %w", err))
	}
	s.mu.Lock()
	hooks := append([]Hook(nil), s.hooks...)
	s.mu.Unlock()
	for _, h := range hooks {
		if err := h(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown hook: %w", err))
		}
	}
	s.flushTraces(ctx)
	stopPush()
	err := errors.Join(errs...)
	if err != nil {
		s.log.Error("shutdown", zap.Error(err))
	} else {
		s.log.Info("stopped")
	}
	return err
}

// serveEvent handles POST /.
func (s *Server) serveEvent(w http.ResponseWriter, r *http.Request) {
	if s.h == nil {
		s.fail(w, r, nil, fmt.Errorf("%w: this function takes no "+
			"events over http", ErrUnsupported), http.StatusNotFound)
		return
	}
	if !s.acquire() {
		s.fail(w, r, nil, ErrOverloaded, 0)
		return
	}
	defer s.release()

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.fail(w, r, nil, WithType(metrics.ErrTooLarge, fmt.Errorf(
				"body over %d bytes", tooLarge.Limit)),
				http.StatusRequestEntityTooLarge)
			return
		}
		s.fail(w, r, nil, badBody("read body: %v", err), 0)
		return
	}
	e, err := Decode(r.Header, body)
	if err != nil {
		s.fail(w, r, nil, err, 0)
		return
	}
	s.log.Debug("event received", logs.EventID(e.ID()),
		logs.EventType(e.Type()))

	reply, err := s.call(traceContext(r, e), *e)
	if err == nil && reply != nil {
		if verr := reply.Validate(); verr != nil {
			err = fmt.Errorf("invalid reply event: %s", oneLine(verr.Error()))
		}
	}
	if err != nil {
		s.fail(w, r, e, err, 0)
		return
	}
	if reply == nil {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	ctx := binding.WithForceBinary(r.Context())
	if err := cehttp.WriteResponseWriter(ctx, binding.ToMessage(reply),
		http.StatusOK, w); err != nil {
		s.log.Error("write reply", logs.EventID(reply.ID()), zap.Error(err))
	}
}

// call runs the handler, turning a panic into an error.
func (s *Server) call(ctx context.Context, e ce.Event) (
	reply *ce.Event, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("handler panic", logs.EventID(e.ID()),
				zap.Any("panic", p), zap.ByteString("stack", debug.Stack()))
			reply, err = nil, WithType(metrics.ErrPanic,
				fmt.Errorf("handler panic: %v", p))
		}
	}()
	return s.h(ctx, e)
}

// fail answers a failed request and counts it. status 0 takes the status
// err implies.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, e *ce.Event,
	err error, status int) {
	st, typ := classify(err)
	if status == 0 {
		status = st
	}
	s.m.Error(typ)

	fields := []zap.Field{logs.ErrorType(string(typ)), logs.Status(status),
		zap.Error(err)}
	if e != nil {
		fields = append(fields, logs.EventID(e.ID()), logs.EventType(e.Type()))
	}
	switch {
	case status == http.StatusAccepted:
		s.log.Debug("event not handled", fields...)
		w.WriteHeader(status)
		return
	case status >= 500:
		s.log.Error("event failed", fields...)
	default:
		s.log.Warn("event rejected", fields...)
	}
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, status, map[string]string{"error": oneLine(err.Error())})
}

func (s *Server) acquire() bool {
	if s.slots == nil {
		return true
	}
	select {
	case s.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (s *Server) release() {
	if s.slots != nil {
		<-s.slots
	}
}

// recover turns a panic outside the handler (a probe, a check) into a
// counted 500.
func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.m.Error(metrics.ErrPanic)
			s.log.Error("http panic", zap.String("path", r.URL.Path),
				zap.Any("panic", p), zap.ByteString("stack", debug.Stack()))
			writeJSON(w, http.StatusInternalServerError,
				map[string]string{"error": "internal error"})
		}()
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"error":"encode response"}`)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
