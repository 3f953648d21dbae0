package tracing_test

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/tabot-functions/tabot/shared/tracing"
)

const (
	parentTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	parentSpan  = "00f067aa0ba902b7"
	traceparent = "00-" + parentTrace + "-" + parentSpan + "-01"
)

func TestNewRejectsBadEndpoint(t *testing.T) {
	for _, ep := range []string{"collector:4318", "grpc://collector:4317",
		"http://"} {
		t.Run(ep, func(t *testing.T) {
			_, err := tracing.New(context.Background(), ep, "tabot", "1")
			if !errors.Is(err, tracing.ErrEndpoint) {
				t.Errorf("New(%q) error = %v, want %v", ep, err,
					tracing.ErrEndpoint)
			}
		})
	}
}

// Without an endpoint nothing is recorded, but the incoming trace goes
// on: the outgoing event names the same trace and parent.
func TestNoEndpointPassesTraceOn(t *testing.T) {
	tr := newTracing(t, "")
	in := newEvent(t)
	in.SetExtension(tracing.ExtTraceParent, traceparent)

	ctx := tracing.FromEvent(context.Background(), in)
	ctx, span := tr.Tracer("test").Start(ctx, "evaluate")
	if span.IsRecording() {
		t.Error("span without endpoint is recording")
	}
	out := newEvent(t)
	tracing.ToEvent(ctx, &out)
	span.End()

	if got := out.Extensions()[tracing.ExtTraceParent]; got != traceparent {
		t.Errorf("outgoing traceparent = %v, want %s", got, traceparent)
	}
}

func TestEventRoundTrip(t *testing.T) {
	tests := []struct {
		name        string
		traceparent any
		tracestate  string
		valid       bool
	}{
		{"sampled", traceparent, "", true},
		{"with tracestate", traceparent, "vendor=abc", true},
		{"not sampled", "00-" + parentTrace + "-" + parentSpan + "-00",
			"", true},
		{"absent", nil, "", false},
		{"zero trace id", "00-00000000000000000000000000000000-" +
			parentSpan + "-01", "", false},
		{"garbage", "not-a-traceparent", "", false},
		{"version ff", "ff-" + parentTrace + "-" + parentSpan + "-01", "",
			false},
		{"not a string", 42, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newEvent(t)
			if tt.traceparent != nil {
				in.SetExtension(tracing.ExtTraceParent, tt.traceparent)
			}
			if tt.tracestate != "" {
				in.SetExtension(tracing.ExtTraceState, tt.tracestate)
			}

			ctx := tracing.FromEvent(context.Background(), in)
			sc := trace.SpanContextFromContext(ctx)
			if sc.IsValid() != tt.valid {
				t.Fatalf("span context valid = %v, want %v", sc.IsValid(),
					tt.valid)
			}
			out := newEvent(t)
			tracing.ToEvent(ctx, &out)
			got := out.Extensions()
			if !tt.valid {
				if _, ok := got[tracing.ExtTraceParent]; ok {
					t.Errorf("outgoing event has traceparent %v, want none",
						got[tracing.ExtTraceParent])
				}
				return
			}
			if got[tracing.ExtTraceParent] != tt.traceparent {
				t.Errorf("traceparent = %v, want %v",
					got[tracing.ExtTraceParent], tt.traceparent)
			}
			if tt.tracestate != "" &&
				got[tracing.ExtTraceState] != tt.tracestate {
				t.Errorf("tracestate = %v, want %s",
					got[tracing.ExtTraceState], tt.tracestate)
			}
		})
	}
}

func TestHeaderRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		in    nats.Header
		valid bool
	}{
		{"lower case", nats.Header{"traceparent": {traceparent}}, true},
		{"canonical", nats.Header{"Traceparent": {traceparent}}, true},
		{"upper case", nats.Header{"TRACEPARENT": {traceparent}}, true},
		{"absent", nats.Header{"Nats-Msg-Id": {"abc"}}, false},
		{"nil", nil, false},
		{"empty value", nats.Header{"traceparent": {}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tracing.FromHeader(context.Background(), tt.in)
			if got := trace.SpanContextFromContext(ctx).IsValid(); got !=
				tt.valid {
				t.Fatalf("span context valid = %v, want %v", got, tt.valid)
			}
			out := nats.Header{"Traceparent": {"stale"},
				"Nats-Msg-Id": {"abc"}}
			tracing.ToHeader(ctx, out)
			if !tt.valid {
				return
			}
			if got := out["traceparent"]; len(got) != 1 ||
				got[0] != traceparent {
				t.Errorf("traceparent header = %v, want [%s]", got,
					traceparent)
			}
			if _, ok := out["Traceparent"]; ok {
				t.Errorf("stale Traceparent header kept: %v", out)
			}
			if out.Get("Nats-Msg-Id") != "abc" {
				t.Errorf("other headers changed: %v", out)
			}
		})
	}
}

// One trace from the candle event through the strategy to the signal
// event and its NATS headers, exported by two functions to a real
// OTLP/HTTP endpoint: every span has the candle's trace id and the
// spans chain parent to child.
func TestOneTraceAcrossFunctions(t *testing.T) {
	col := newCollector(t)
	ctx := context.Background()
	source := newTracing(t, col.URL())
	strategy := newTracing(t, col.URL())

	// candle-source: a span per window, carried by the candle event.
	sctx, sspan := source.Tracer("sourcefn").Start(ctx, "window")
	candles := newEvent(t)
	tracing.ToEvent(sctx, &candles)
	sspan.End()

	// strategy: a child of the candle event's span; the signal event
	// carries the strategy's span on.
	gctx := tracing.FromEvent(ctx, candles)
	gctx, gspan := strategy.Tracer("strategyfn").Start(gctx, "evaluate")
	signal := newEvent(t)
	tracing.ToEvent(gctx, &signal)
	gspan.End()

	// publisher: the signal's trace goes into the NATS message headers.
	pctx := tracing.FromEvent(ctx, signal)
	h := nats.Header{}
	tracing.ToHeader(pctx, h)

	for _, tr := range []*tracing.Tracing{source, strategy} {
		if err := tr.Shutdown(ctx); err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
	}

	spans := col.Spans()
	if len(spans) != 2 {
		t.Fatalf("exported %d spans, want 2", len(spans))
	}
	window, evaluate := spans["window"], spans["evaluate"]
	if window == nil || evaluate == nil {
		t.Fatalf("exported spans %v, want window and evaluate", spans)
	}
	traceID := hex.EncodeToString(window.GetTraceId())
	if got := hex.EncodeToString(evaluate.GetTraceId()); got != traceID {
		t.Errorf("evaluate trace id = %s, want the window's %s", got,
			traceID)
	}
	if got, want := hex.EncodeToString(evaluate.GetParentSpanId()),
		hex.EncodeToString(window.GetSpanId()); got != want {
		t.Errorf("evaluate parent = %s, want the window span %s", got, want)
	}
	want := "00-" + traceID + "-" +
		hex.EncodeToString(evaluate.GetSpanId()) + "-01"
	if got := h.Get(tracing.ExtTraceParent); got != want {
		t.Errorf("NATS traceparent = %q, want %q", got, want)
	}
	if got := col.Service(traceID); len(got) != 1 || got[0] != "tabot-test" {
		t.Errorf("service names = %v, want [tabot-test]", got)
	}
}

func newTracing(tb testing.TB, endpoint string) *tracing.Tracing {
	tb.Helper()
	tr, err := tracing.New(context.Background(), endpoint, "tabot-test",
		"1.0.0")
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(),
			5*time.Second)
		defer cancel()
		tr.Shutdown(ctx)
	})
	return tr
}

func newEvent(tb testing.TB) event.Event {
	tb.Helper()
	e := event.New()
	e.SetID("id-1")
	e.SetSource("/tabot/test")
	e.SetType("io.tabot.test.v1")
	return e
}

// collector is an OTLP/HTTP trace receiver on 127.0.0.1.
type collector struct {
	srv      *httptest.Server
	mu       sync.Mutex
	spans    map[string]*tracepb.Span
	services map[string][]string
}

func newCollector(tb testing.TB) *collector {
	tb.Helper()
	c := &collector{spans: map[string]*tracepb.Span{},
		services: map[string][]string{}}
	c.srv = httptest.NewServer(http.HandlerFunc(c.export))
	tb.Cleanup(c.srv.Close)
	return c
}

func (c *collector) URL() string { return c.srv.URL }

func (c *collector) export(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/traces" || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	var req coltracepb.ExportTraceServiceRequest
	if err == nil {
		err = proto.Unmarshal(body, &req)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}

	c.mu.Lock()
	for _, rs := range req.GetResourceSpans() {
		var service string
		for _, kv := range rs.GetResource().GetAttributes() {
			if kv.GetKey() == "service.name" {
				service = kv.GetValue().GetStringValue()
			}
		}
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				c.spans[s.GetName()] = s
				id := hex.EncodeToString(s.GetTraceId())
				c.services[id] = appendNew(c.services[id], service)
			}
		}
	}
	c.mu.Unlock()

	resp, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Write(resp)
}

func (c *collector) Spans() map[string]*tracepb.Span {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.spans
}

func (c *collector) Service(traceID string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.services[traceID]
}

func appendNew(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}
