package publishfn

import (
	"net/http"
	"testing"
	"time"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/tabot-functions/tabot/shared/natsjs/natstest"
	"github.com/tabot-functions/tabot/shared/tracing"
	"github.com/tabot-functions/tabot/shared/tracing/tracingtest"
)

const (
	callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpan  = "00f067aa0ba902b7"
)

// TestTracing: a signal is published in one span, a child of the trace
// its event carries; the stored message, the legacy message and the
// REST request carry that span, and a duplicate is marked as one.
func TestTracing(t *testing.T) {
	srv := natstest.Start(t)
	col := tracingtest.Start(t)
	a := newAPI(t)
	cfg := testConfig(srv.URL)
	cfg.OTLPEndpoint = col.URL()
	cfg.LegacyPrefix = "cio.intent.trading"
	cfg.RESTURL = a.srv.URL
	p := start(t, cfg)
	nc := srv.Connect().NATS()
	legacy, err := nc.SubscribeSync("cio.intent.trading.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}

	e := signalEvent(t, signal("momentum_pulse", "buy"))
	e.SetExtension(tracing.ExtTraceParent,
		"00-"+callerTrace+"-"+callerSpan+"-01")
	e.SetExtension(tracing.ExtTraceState, "vendor=abc")
	for range 2 {
		if got := p.send(t, e); got != http.StatusAccepted {
			t.Fatalf("status %d, want 202", got)
		}
	}
	p.stop()

	spans := col.Spans()
	if len(spans) != 2 {
		t.Fatalf("%d spans exported, want 2", len(spans))
	}
	for i, s := range spans {
		if s.Name != spanName || s.Service != Name ||
			s.Kind != tracepb.Span_SPAN_KIND_PRODUCER ||
			s.TraceID != callerTrace || s.ParentID != callerSpan {
			t.Errorf("span %d: %q of %s, kind %v, trace %s under %s; want "+
				"%q of %s, producer, trace %s under %s", i, s.Name,
				s.Service, s.Kind, s.TraceID, s.ParentID, spanName, Name,
				callerTrace, callerSpan)
		}
		for k, want := range map[string]string{
			"messaging.system":           "nats",
			"messaging.destination.name": "signals.momentum_pulse.BTCUSDT",
			"messaging.message.id":       e.ID(),
			"tabot.strategy":             "momentum_pulse",
			"tabot.action":               "buy",
			"tabot.duplicate":            []string{"false", "true"}[i],
		} {
			if got := s.Attr(k); got != want {
				t.Errorf("span %d: %s = %q, want %q", i, k, got, want)
			}
		}
	}
	want := "00-" + callerTrace + "-" + spans[0].SpanID + "-01"

	msgs := stored(t, srv.Connect().JetStream())
	if len(msgs) != 1 {
		t.Fatalf("%d messages stored, want 1", len(msgs))
	}
	h := msgs[0].Headers()
	if got := h.Get("traceparent"); got != want {
		t.Errorf("stored traceparent = %q, want %q", got, want)
	}
	if got := h.Get("tracestate"); got != "vendor=abc" {
		t.Errorf("stored tracestate = %q, want vendor=abc", got)
	}
	m, err := legacy.NextMsg(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Header.Get("traceparent"); got != want {
		t.Errorf("legacy traceparent = %q, want %q", got, want)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.reqs) != 1 {
		t.Fatalf("%d REST requests, want 1", len(a.reqs))
	}
	if got := a.reqs[0].Header.Get("Traceparent"); got != want {
		t.Errorf("REST Traceparent = %q, want %q", got, want)
	}
}
