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

// New returns the tracing of the function named service. With endpoint
// empty, it records nothing; otherwise it exports every span (unless the
// incoming trace context says not to sample) in batches over OTLP/HTTP to
// endpoint + "/v1/traces", the way OTEL_EXPORTER_OTLP_ENDPOINT is read.
// The exporter's other OTEL_EXPORTER_OTLP_* variables apply as usual.
func New(ctx context.Context, endpoint, service,
	version string) (*Tracing, error) {
	if endpoint == "" {
		return &Tracing{
			provider: noop.NewTracerProvider(),
			shutdown: func(context.Context) error { return nil },
		}, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
		u.Host == "" {
		return nil, fmt.Errorf("%w: %q", ErrEndpoint, endpoint)
	}

	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(
		strings.TrimSuffix(endpoint, "/")+"/v1/traces"))
	if err != nil {
		return nil, fmt.Errorf("otlp exporter: %w", err)
	}
	res := resource.NewWithAttributes(semconv.SchemaURL,
		semconv.ServiceName(service), semconv.ServiceVersion(version))
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(
			sdktrace.AlwaysSample())),
	)
	return &Tracing{provider: tp, shutdown: tp.Shutdown}, nil
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
