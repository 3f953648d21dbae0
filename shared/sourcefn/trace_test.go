package sourcefn

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/tabot-functions/tabot/shared/natsjs/natstest"
	"github.com/tabot-functions/tabot/shared/tracing"
	"github.com/tabot-functions/tabot/shared/tracing/tracingtest"
)

// TestTracing: every candle message is processed in a span, a child of
// its producer's trace when the message has a traceparent header, else
// a new root; the window event carries that span. A rejected candle's
// span says why.
func TestTracing(t *testing.T) {
	srv := natstest.Start(t)
	col := tracingtest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	cfg := testConfig(srv.URL, target.srv.URL)
	cfg.OTLPEndpoint = col.URL()
	src := start(t, cfg)

	const (
		producerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
		producerSpan  = "00f067aa0ba902b7"
	)
	publishTraced(t, pub, t0, "00-"+producerTrace+"-"+producerSpan+"-01")
	target.waitIDs(t, id(t0))
	traced := target.traceparent()
	pub.candle(t0+minute, 101)
	target.waitIDs(t, id(t0), id(t0+minute))
	root := target.traceparent()
	pub.raw(subject, `{"open_time":"soon"}`)
	settled(t, srv)
	src.stop()

	spans := col.Spans()
	if len(spans) != 3 {
		t.Fatalf("%d spans exported, want 3", len(spans))
	}
	for _, s := range spans {
		if s.Name != spanName || s.Service != Name ||
			s.Kind != tracepb.Span_SPAN_KIND_CONSUMER ||
			s.Attr("messaging.destination.name") != subject {
			t.Errorf("span %q of %s, kind %v, subject %q; want %q of %s, "+
				"consumer, %s", s.Name, s.Service, s.Kind,
				s.Attr("messaging.destination.name"), spanName, Name,
				subject)
		}
	}
	first, second, bad := spans[0], spans[1], spans[2]
	if first.TraceID != producerTrace || first.ParentID != producerSpan {
		t.Errorf("first span in trace %s under %s, want %s under %s",
			first.TraceID, first.ParentID, producerTrace, producerSpan)
	}
	if second.ParentID != "" || second.TraceID == producerTrace {
		t.Errorf("second span in trace %s under %q, want a new root",
			second.TraceID, second.ParentID)
	}
	for _, c := range []struct {
		span tracingtest.Span
		got  string
	}{{first, traced}, {second, root}} {
		want := "00-" + c.span.TraceID + "-" + c.span.SpanID + "-01"
		if c.got != want {
			t.Errorf("window traceparent %q, want %q", c.got, want)
		}
		for k, want := range map[string]string{
			"tabot.symbol": "BTCUSDT", "tabot.interval": "1m",
			"tabot.candle.outcome": "appended", "tabot.targets": "1",
		} {
			if got := c.span.Attr(k); got != want {
				t.Errorf("attribute %s = %q, want %q", k, got, want)
			}
		}
	}
	if bad.Attr("tabot.candle.outcome") != outcomeInvalid ||
		len(bad.Events) != 1 {
		t.Errorf("rejected candle's span: outcome %q, events %v; want "+
			"invalid and the error", bad.Attr("tabot.candle.outcome"),
			bad.Events)
	}
}

// publishTraced publishes the closed candle at open with a traceparent
// header, as a traced producer does.
func publishTraced(t testing.TB, pub *publisher, open int64,
	traceparent string) {
	t.Helper()
	msg := nats.NewMsg(subject)
	msg.Header.Set("traceparent", traceparent)
	msg.Data = []byte(fmt.Sprintf(`{"open_time":%d,"open":1,"high":2,`+
		`"low":1,"close":1,"volume":1}`, open))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := pub.js.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
}

// traceparent returns the traceparent extension of the last event the
// sink got.
func (s *sink) traceparent() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, _ := s.ext[tracing.ExtTraceParent].(string)
	return v
}
