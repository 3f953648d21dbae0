package strategyfn_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"

	ce "github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/tabot-functions/tabot/shared/strategyfn"
	"github.com/tabot-functions/tabot/shared/tracing"
	"github.com/tabot-functions/tabot/shared/tracing/tracingtest"
)

const (
	callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpan  = "00f067aa0ba902b7"
	callerTP    = "00-" + callerTrace + "-" + callerSpan + "-01"
)

// TestTracing: a window is evaluated in one span, a child of the trace
// its event carries (or a new root), with the window's attributes; the
// reply and every signal posted to the sink carry that span.
func TestTracing(t *testing.T) {
	tests := []struct {
		name        string
		traceparent string
	}{
		{"caller's trace", callerTP},
		{"new trace", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			col := tracingtest.Start(t)
			publisher := newSink(t)
			cfg := config("all")
			cfg.OTLPEndpoint = col.URL()
			cfg.PublisherURL = publisher.srv.URL
			f, stop := serveTraced(t, cfg)

			reply := f.postBinary(t, tt.traceparent)
			stop()

			spans := col.Spans()
			if len(spans) != 1 {
				t.Fatalf("%d spans exported, want 1: %+v", len(spans), spans)
			}
			s := spans[0]
			checkSpan(t, s, tt.traceparent)
			want := "00-" + s.TraceID + "-" + s.SpanID + "-01"
			if got := reply.Extensions()[tracing.ExtTraceParent]; got != want {
				t.Errorf("reply traceparent = %v, want %s", got, want)
			}
			sent := publisher.got()
			if len(sent) != 2 {
				t.Fatalf("%d signals posted, want 2", len(sent))
			}
			for _, e := range sent {
				if got := e.Extensions()[tracing.ExtTraceParent]; got != want {
					t.Errorf("posted %s: traceparent = %v, want %s",
						e.ID(), got, want)
				}
			}
		})
	}
}

func checkSpan(t *testing.T, s tracingtest.Span, traceparent string) {
	t.Helper()
	if traceparent != "" && (s.TraceID != callerTrace ||
		s.ParentID != callerSpan) {
		t.Errorf("span in trace %s under %s, want %s under %s", s.TraceID,
			s.ParentID, callerTrace, callerSpan)
	}
	if traceparent == "" && s.ParentID != "" {
		t.Errorf("span has parent %s, want a root span", s.ParentID)
	}
	if s.Name != "evaluate window" || s.Service != strategyfn.Name ||
		s.Kind != tracepb.Span_SPAN_KIND_SERVER {
		t.Errorf("span %q of %q kind %v, want \"evaluate window\" of %s, "+
			"server", s.Name, s.Service, s.Kind, strategyfn.Name)
	}
	for k, want := range map[string]string{
		"tabot.symbol": "BTCUSDT", "tabot.interval": "15m",
		"tabot.candles": "5", "tabot.strategies": "2", "tabot.signals": "2",
	} {
		if got := s.Attr(k); got != want {
			t.Errorf("attribute %s = %q, want %q", k, got, want)
		}
	}
}

// TestTracingOff: without an endpoint nothing is exported, and the
// caller's trace context is passed on unchanged to the signals.
func TestTracingOff(t *testing.T) {
	publisher := newSink(t)
	cfg := config("all")
	cfg.PublisherURL = publisher.srv.URL
	f, stop := serveTraced(t, cfg)

	reply := f.postBinary(t, callerTP)
	stop()

	if got := reply.Extensions()[tracing.ExtTraceParent]; got != callerTP {
		t.Errorf("reply traceparent = %v, want the caller's %s", got,
			callerTP)
	}
	sent := publisher.got()
	if len(sent) != 2 {
		t.Fatalf("%d signals posted, want 2", len(sent))
	}
	for _, e := range sent {
		if got := e.Extensions()[tracing.ExtTraceParent]; got != callerTP {
			t.Errorf("posted traceparent = %v, want %s", got, callerTP)
		}
	}
}

// serveTraced serves the function with two strategies that both buy,
// and returns a stop that waits for Serve, which flushes the spans.
func serveTraced(t *testing.T, cfg strategyfn.Config) (*fn, func()) {
	t.Helper()
	reg := registry(t, &fake{id: "a", history: 3, decide: buy(0.7)},
		&fake{id: "b", history: 3, decide: buy(0.8)})
	svc, err := strategyfn.New(cfg, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Serve(ctx, ln) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve = %v", err)
		}
	}
	return &fn{svc: svc, url: "http://" + ln.Addr().String()}, stop
}

// postBinary posts a 5-candle BTCUSDT window in binary mode, with a
// ce-traceparent header unless traceparent is empty, and returns the
// reply event.
func (f *fn) postBinary(t *testing.T, traceparent string) *ce.Event {
	t.Helper()
	e := ce.New()
	e.SetID("window-1")
	e.SetSource("/test")
	e.SetType("io.tabot.candles.v1")
	if err := e.SetData(ce.ApplicationJSON, window("BTCUSDT", 5)); err != nil {
		t.Fatal(err)
	}
	if traceparent != "" {
		e.SetExtension(tracing.ExtTraceParent, traceparent)
	}
	req, err := cehttp.NewHTTPRequestFromEvent(context.Background(), f.url,
		e)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d, want 200: %s", resp.StatusCode, b)
	}
	reply, err := cehttp.NewEventFromHTTPResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	return reply
}
