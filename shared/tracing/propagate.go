package tracing

import (
	"context"
	"net/http"
	"strings"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/propagation"
)

// The CloudEvents extension attributes of the distributed tracing
// extension, which are also the W3C header names.
const (
	ExtTraceParent = "traceparent"
	ExtTraceState  = "tracestate"
)

// propagator is the W3C trace context format, traceparent and tracestate.
func propagator() propagation.TextMapPropagator {
	return propagation.TraceContext{}
}

// FromEvent returns ctx with the remote span context carried by e's
// traceparent and tracestate extensions; ctx unchanged when e carries
// none or an invalid one.
func FromEvent(ctx context.Context, e event.Event) context.Context {
	return propagator().Extract(ctx, eventCarrier{e: &e})
}

// ToEvent sets e's traceparent and tracestate extensions to the span
// context of ctx; it leaves e alone when ctx has no valid span context.
func ToEvent(ctx context.Context, e *event.Event) {
	propagator().Inject(ctx, eventCarrier{e: e})
}

// FromHeader returns ctx with the remote span context carried by a NATS
// message's traceparent and tracestate headers, matched in any case.
func FromHeader(ctx context.Context, h nats.Header) context.Context {
	return propagator().Extract(ctx, headerCarrier(h))
}

// ToHeader sets the traceparent and tracestate headers of a NATS message
// to the span context of ctx. h must not be nil.
func ToHeader(ctx context.Context, h nats.Header) {
	propagator().Inject(ctx, headerCarrier(h))
}

// FromHTTP returns ctx with the remote span context carried by the W3C
// traceparent and tracestate headers of an HTTP request; ctx unchanged
// when there is none or an invalid one.
func FromHTTP(ctx context.Context, h http.Header) context.Context {
	return propagator().Extract(ctx, propagation.HeaderCarrier(h))
}

// ToHTTP sets the traceparent and tracestate headers of an HTTP request
// to the span context of ctx, so that a traced receiver, such as a
// Knative Broker, joins the trace.
func ToHTTP(ctx context.Context, h http.Header) {
	propagator().Inject(ctx, propagation.HeaderCarrier(h))
}

// eventCarrier reads and writes trace context in event extensions.
type eventCarrier struct{ e *event.Event }

func (c eventCarrier) Get(key string) string {
	v, ok := c.e.Extensions()[key]
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		return ""
	}
	return s
}

func (c eventCarrier) Set(key, value string) {
	c.e.SetExtension(key, value)
}

func (c eventCarrier) Keys() []string {
	var keys []string
	for k := range c.e.Extensions() {
		keys = append(keys, k)
	}
	return keys
}

// headerCarrier reads trace context from NATS headers in any case and
// writes it under the lower-case W3C names. NATS header names are case
// sensitive, and producers differ.
type headerCarrier nats.Header

func (c headerCarrier) Get(key string) string {
	if v := c[key]; len(v) > 0 {
		return v[0]
	}
	for k, v := range c {
		if strings.EqualFold(k, key) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

func (c headerCarrier) Set(key, value string) {
	for k := range c {
		if strings.EqualFold(k, key) {
			delete(c, k)
		}
	}
	c[key] = []string{value}
}

func (c headerCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}
