package tracing_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/trace"

	"github.com/tabot-functions/tabot/shared/tracing"
	"github.com/tabot-functions/tabot/shared/tracing/tracingtest"
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
	col := tracingtest.Start(t)
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

	spans := map[string]tracingtest.Span{}
	for _, s := range col.Spans() {
		spans[s.Name] = s
	}
	window, evaluate := spans["window"], spans["evaluate"]
	if len(spans) != 2 || window.SpanID == "" || evaluate.SpanID == "" {
		t.Fatalf("exported spans %v, want window and evaluate", spans)
	}
	if evaluate.TraceID != window.TraceID {
		t.Errorf("evaluate trace id = %s, want the window's %s",
			evaluate.TraceID, window.TraceID)
	}
	if evaluate.ParentID != window.SpanID {
		t.Errorf("evaluate parent = %s, want the window span %s",
			evaluate.ParentID, window.SpanID)
	}
	want := "00-" + window.TraceID + "-" + evaluate.SpanID + "-01"
	if got := h.Get(tracing.ExtTraceParent); got != want {
		t.Errorf("NATS traceparent = %q, want %q", got, want)
	}
	for _, s := range col.Spans() {
		if s.Service != "tabot-test" {
			t.Errorf("span %s from service %q, want tabot-test",
				s.Name, s.Service)
		}
	}
}

func TestHTTPRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		in    http.Header
		valid bool
	}{
		{"canonical", http.Header{"Traceparent": {traceparent}}, true},
		{"with tracestate", http.Header{"Traceparent": {traceparent},
			"Tracestate": {"vendor=abc"}}, true},
		{"ce header only", http.Header{"Ce-Traceparent": {traceparent}},
			false},
		{"absent", http.Header{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tracing.FromHTTP(context.Background(), tt.in)
			if got := trace.SpanContextFromContext(ctx).IsValid(); got !=
				tt.valid {
				t.Fatalf("span context valid = %v, want %v", got, tt.valid)
			}
			out := http.Header{}
			tracing.ToHTTP(ctx, out)
			want := ""
			if tt.valid {
				want = traceparent
			}
			if got := out.Get("Traceparent"); got != want {
				t.Errorf("Traceparent = %q, want %q", got, want)
			}
			if got, want := out.Get("Tracestate"),
				tt.in.Get("Tracestate"); tt.valid && got != want {
				t.Errorf("Tracestate = %q, want %q", got, want)
			}
		})
	}
}

// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES take part in the
// resource, as operators expect of an OpenTelemetry SDK.
func TestResourceFromEnvironment(t *testing.T) {
	t.Setenv("OTEL_SERVICE_NAME", "strategy-trend")
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "k8s.pod.name=strategy-7d9")
	col := tracingtest.Start(t)
	tr := newTracing(t, col.URL())

	_, span := tr.Tracer("test").Start(context.Background(), "evaluate")
	span.End()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	spans := col.Spans()
	if len(spans) != 1 || spans[0].Service != "strategy-trend" {
		t.Fatalf("spans %+v, want one from service strategy-trend", spans)
	}
}

func TestBadResourceAttributes(t *testing.T) {
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "k8s.pod.name")
	_, err := tracing.New(context.Background(), "http://collector:4318",
		"tabot-test", "1")
	if err == nil || !strings.Contains(err.Error(), "resource") {
		t.Errorf("New = %v, want a resource error", err)
	}
}

// A refused export goes to the error handler, the last one at Shutdown
// included, and never to the standard logger.
func TestExportErrorHandler(t *testing.T) {
	col := tracingtest.Start(t)
	col.Fail(http.StatusBadRequest)
	var mu sync.Mutex
	var errs []error
	tr, err := tracing.New(context.Background(), col.URL(), "tabot-test",
		"1", tracing.WithErrorHandler(func(err error) {
			mu.Lock()
			defer mu.Unlock()
			errs = append(errs, err)
		}))
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Enabled() {
		t.Error("Enabled = false with an endpoint")
	}

	_, span := tr.Tracer("test").Start(context.Background(), "evaluate")
	span.End()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown = %v, want nil: the handler has the failure",
			err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "400") {
		t.Errorf("handler got %v, want one error naming the 400", errs)
	}
}

func TestDisabled(t *testing.T) {
	tr := newTracing(t, "")
	if tr.Enabled() {
		t.Error("Enabled = true without an endpoint")
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
