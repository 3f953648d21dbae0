package tracing_test

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/trace"

	"github.com/tabot-functions/tabot/shared/tracing"
)

// Whatever a producer puts in traceparent, extraction never panics, and
// a context it accepts goes out again unchanged.
func FuzzFromHeader(f *testing.F) {
	f.Add(traceparent, "vendor=abc")
	f.Add("00-"+parentTrace+"-"+parentSpan+"-00", "")
	f.Add("00-"+parentTrace+"-0000000000000000-01", "")
	f.Add("01-"+parentTrace+"-"+parentSpan+"-01-extra", "a=b,c=d")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, tp, ts string) {
		in := nats.Header{"traceparent": {tp}, "tracestate": {ts}}
		ctx := tracing.FromHeader(context.Background(), in)
		sc := trace.SpanContextFromContext(ctx)

		e := newEvent(t)
		tracing.ToEvent(ctx, &e)
		back := trace.SpanContextFromContext(
			tracing.FromEvent(context.Background(), e))
		if sc.IsValid() && !back.Equal(sc.WithRemote(true)) {
			t.Errorf("event round trip of %q: %v, want %v", tp, back, sc)
		}
	})
}
