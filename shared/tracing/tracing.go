// Package tracing sets up OpenTelemetry tracing for a function and carries
// the W3C trace context along the pipeline: in a CloudEvent's traceparent
// and tracestate extensions (the CloudEvents distributed tracing
// extension) and in NATS message headers.
//
// With OTEL_EXPORTER_OTLP_ENDPOINT set, spans are exported over OTLP/HTTP;
// without it nothing is recorded or sent, but a trace context that comes
// in is still passed on, so a trace crosses a function that does not
// export.
package tracing

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// ErrEndpoint reports an OTLP endpoint that is not an http(s) URL.
var ErrEndpoint = errors.New("otlp endpoint must be http(s)://host[:port]")

// Tracing is a function's tracer provider.
type Tracing struct {
	provider trace.TracerProvider
	shutdown func(context.Context) error
}

// Option configures New.
type Option func(*options)

type options struct {
	onError func(error)
}

// WithErrorHandler has f called with the error of every failed export,
// the last one at Shutdown included, for instance to log and count it.
// Without it, failures go to OpenTelemetry's global error handler, which
// writes them to the standard logger. f must not block for long.
func WithErrorHandler(f func(error)) Option {
	return func(o *options) { o.onError = f }
}

// New returns the tracing of the function named service. With endpoint
// empty, it records nothing; otherwise it exports every span (unless the
// incoming trace context says not to sample) in batches over OTLP/HTTP to
// endpoint + "/v1/traces", the way OTEL_EXPORTER_OTLP_ENDPOINT is read.
// The exporter's other OTEL_EXPORTER_OTLP_* variables apply as usual, and
// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES add to or replace the
// resource's service.name and service.version.
func New(ctx context.Context, endpoint, service, version string,
	opts ...Option) (*Tracing, error) {
	if endpoint == "" {
		return &Tracing{
			provider: noop.NewTracerProvider(),
			shutdown: func(context.Context) error { return nil },
		}, nil
	}
	if err := CheckEndpoint(endpoint); err != nil {
		return nil, err
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}

	res, err := resource.New(ctx, resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithAttributes(semconv.ServiceName(service),
			semconv.ServiceVersion(version)),
		resource.WithFromEnv())
	if err != nil {
		return nil, fmt.Errorf("otel resource: %w", err)
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(
		strings.TrimSuffix(endpoint, "/")+"/v1/traces"))
	if err != nil {
		return nil, fmt.Errorf("otlp exporter: %w", err)
	}
	var se sdktrace.SpanExporter = exp
	if o.onError != nil {
		se = reporter{SpanExporter: exp, onError: o.onError}
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(se),
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(
			sdktrace.AlwaysSample())),
	)
	return &Tracing{provider: tp, shutdown: tp.Shutdown}, nil
}

// CheckEndpoint reports whether endpoint is an OTLP/HTTP base URL,
// http(s)://host[:port], for a configuration checked at start.
func CheckEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
		u.Host == "" {
		return fmt.Errorf("%w: %q", ErrEndpoint, endpoint)
	}
	return nil
}

// reporter hands the exporter's failures to an error handler instead of
// OpenTelemetry's global one.
type reporter struct {
	sdktrace.SpanExporter
	onError func(error)
}

func (r reporter) ExportSpans(ctx context.Context,
	spans []sdktrace.ReadOnlySpan) error {
	if err := r.SpanExporter.ExportSpans(ctx, spans); err != nil {
		r.onError(fmt.Errorf("export %d spans: %w", len(spans), err))
	}
	return nil
}

// Enabled reports whether spans are recorded and exported.
func (t *Tracing) Enabled() bool {
	_, ok := t.provider.(*sdktrace.TracerProvider)
	return ok
}

// Tracer returns the tracer of the named instrumentation scope, such as
// the package that starts the spans.
func (t *Tracing) Tracer(name string) trace.Tracer {
	return t.provider.Tracer(name)
}

// Provider returns the tracer provider, for instrumentation libraries
// that take one.
func (t *Tracing) Provider() trace.TracerProvider { return t.provider }

// Shutdown exports the spans still buffered and stops the exporter; call
// it once on the way out, with a deadline.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if err := t.shutdown(ctx); err != nil {
		return fmt.Errorf("tracing shutdown: %w", err)
	}
	return nil
}
