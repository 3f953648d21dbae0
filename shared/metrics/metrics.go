// Package metrics holds the Prometheus metrics every TA Bot function
// exposes, under the names the original monitoring guide fixed. Each
// function registers them on a registry of its own, never the global one.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every metric name.
const Namespace = "ta_bot"

// ErrorType is the value of the type label of ta_bot_errors_total. Only
// the constants below are ever recorded; anything else counts as
// ErrOther, so the label stays a small bounded set.
type ErrorType string

// The error types. Each failure is counted once, where it is decided.
const (
	// ErrDecode: a request body or message that is not a CloudEvent, a
	// candle window or a candle (malformed JSON, missing attributes).
	ErrDecode ErrorType = "decode"
	// ErrUnsupported: a content type, content mode, event type or data
	// content type the function does not take.
	ErrUnsupported ErrorType = "unsupported"
	// ErrTooLarge: a request body over the size limit.
	ErrTooLarge ErrorType = "too_large"
	// ErrInvalidInput: well-formed input that can never succeed, such
	// as an invalid candle or window.
	ErrInvalidInput ErrorType = "invalid_input"
	// ErrConflict: a candle that contradicts one already in the window.
	ErrConflict ErrorType = "conflict"
	// ErrNotReady: a window shorter than every selected strategy needs.
	ErrNotReady ErrorType = "not_ready"
	// ErrInvalidDecision: a strategy decision that broke a signal rule
	// and was dropped.
	ErrInvalidDecision ErrorType = "invalid_decision"
	// ErrStrategy: a strategy that failed or panicked on a window.
	ErrStrategy ErrorType = "strategy"
	// ErrOverloaded: a request refused because too many were in flight.
	ErrOverloaded ErrorType = "overloaded"
	// ErrHandler: a handler failure with no more specific type (5xx).
	ErrHandler ErrorType = "handler"
	// ErrPanic: a handler panic recovered into a 500.
	ErrPanic ErrorType = "panic"
	// ErrSink: an event not delivered to PUBLISHER_URL, K_SINK or a
	// target URL.
	ErrSink ErrorType = "sink"
	// ErrSinkRejected: an event a sink refused for good (a 4xx other
	// than 408 and 429); the others of its window are still delivered.
	ErrSinkRejected ErrorType = "sink_rejected"
	// ErrNATSConnection: a NATS connection or consumer failure.
	ErrNATSConnection ErrorType = "nats_connection"
	// ErrNATSPublish: a publish to JetStream that was not acknowledged.
	ErrNATSPublish ErrorType = "nats_publish"
	// ErrAPIPublish: a signal not delivered to the REST API.
	ErrAPIPublish ErrorType = "api_publish"
	// ErrPush: a failed push to the Pushgateway.
	ErrPush ErrorType = "push"
	// ErrTracing: spans that could not be exported to
	// OTEL_EXPORTER_OTLP_ENDPOINT.
	ErrTracing ErrorType = "tracing"
	// ErrOther: any type not listed here.
	ErrOther ErrorType = "other"
)

// ErrorTypes returns every error type, in the order above.
func ErrorTypes() []ErrorType {
	return []ErrorType{
		ErrDecode, ErrUnsupported, ErrTooLarge, ErrInvalidInput,
		ErrConflict, ErrNotReady, ErrInvalidDecision, ErrStrategy,
		ErrOverloaded, ErrHandler, ErrPanic, ErrSink, ErrSinkRejected,
		ErrNATSConnection,
		ErrNATSPublish, ErrAPIPublish, ErrPush, ErrTracing, ErrOther,
	}
}

func (t ErrorType) known() bool {
	for _, k := range ErrorTypes() {
		if t == k {
			return true
		}
	}
	return false
}

// confidenceBuckets are the buckets of ta_bot_signal_confidence: signals
// below MIN_CONFIDENCE (0.6 by default) are never emitted, so the
// resolution sits between 0.5 and 1.
var confidenceBuckets = []float64{0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85,
	0.9, 0.95, 1}

// processingBuckets are the buckets of ta_bot_processing_time_seconds:
// the guide's, with finer steps below its 0.1 s alert threshold.
var processingBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025,
	0.05, 0.1, 0.25, 0.5, 1}

// Metrics are the metrics of one function. Label values are bounded:
// strategy ids come from the strategy registry, error types from
// ErrorTypes, components from the checks the function registers.
type Metrics struct {
	// SignalsGenerated is ta_bot_signals_generated_total{strategy}: the
	// evaluations that produced a signal.
	SignalsGenerated *prometheus.CounterVec
	// SignalConfidence is ta_bot_signal_confidence{strategy}.
	SignalConfidence *prometheus.HistogramVec
	// ProcessingTime is ta_bot_processing_time_seconds: the time from a
	// decoded window to its signals, sending excluded.
	ProcessingTime prometheus.Histogram
	// Errors is ta_bot_errors_total{type}.
	Errors *prometheus.CounterVec
	// ComponentStatus is ta_bot_component_status{component}: 1 up,
	// 0 down.
	ComponentStatus *prometheus.GaugeVec
	// SinkRequests is ta_bot_sink_requests_total{code,method}: the HTTP
	// requests a function sent to a sink, one per request.
	SinkRequests *prometheus.CounterVec
}

// NewMetrics creates the metrics and registers them on reg. It panics if
// reg already holds metrics of the same names, a set-up mistake.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		SignalsGenerated: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace,
			Name:      "signals_generated_total",
			Help:      "Signals generated, by strategy.",
		}, []string{"strategy"}),
		SignalConfidence: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace,
			Name:      "signal_confidence",
			Help:      "Confidence of the signals generated, by strategy.",
			Buckets:   confidenceBuckets,
		}, []string{"strategy"}),
		ProcessingTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: Namespace,
			Name:      "processing_time_seconds",
			Help:      "Time from a decoded candle window to its signals.",
			Buckets:   processingBuckets,
		}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace,
			Name:      "errors_total",
			Help:      "Errors, by type.",
		}, []string{"type"}),
		ComponentStatus: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: Namespace,
			Name:      "component_status",
			Help:      "Component status (1 healthy, 0 unhealthy).",
		}, []string{"component"}),
		SinkRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace,
			Name:      "sink_requests_total",
			Help:      "HTTP requests sent to sinks, by code and method.",
		}, []string{"code", "method"}),
	}
	reg.MustRegister(m.SignalsGenerated, m.SignalConfidence,
		m.ProcessingTime, m.Errors, m.ComponentStatus, m.SinkRequests)
	for _, t := range ErrorTypes() {
		m.Errors.WithLabelValues(string(t))
	}
	return m
}

// InitStrategies creates the series of each strategy at zero, so that a
// rate over a strategy that has not fired yet is 0, not absent.
func (m *Metrics) InitStrategies(ids ...string) {
	for _, id := range ids {
		m.SignalsGenerated.WithLabelValues(id)
		m.SignalConfidence.WithLabelValues(id)
	}
}

// Signal records one signal of strategy with confidence.
func (m *Metrics) Signal(strategy string, confidence float64) {
	m.SignalsGenerated.WithLabelValues(strategy).Inc()
	m.SignalConfidence.WithLabelValues(strategy).Observe(confidence)
}

// Processing records the processing time of one window.
func (m *Metrics) Processing(d time.Duration) {
	m.ProcessingTime.Observe(d.Seconds())
}

// Error counts one error of type t; a type not in ErrorTypes counts as
// ErrOther.
func (m *Metrics) Error(t ErrorType) {
	if !t.known() {
		t = ErrOther
	}
	m.Errors.WithLabelValues(string(t)).Inc()
}

// Component sets the status of component.
func (m *Metrics) Component(component string, up bool) {
	v := 0.0
	if up {
		v = 1
	}
	m.ComponentStatus.WithLabelValues(component).Set(v)
}

// RoundTripper returns next instrumented to count each request in
// SinkRequests once.
func (m *Metrics) RoundTripper(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return promhttp.InstrumentRoundTripperCounter(m.SinkRequests, next)
}

// NewRegistry returns a registry for one function, holding the Go
// runtime and process collectors.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}
