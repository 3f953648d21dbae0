package fnhttp_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	ce "github.com/cloudevents/sdk-go/v2/event"
	"go.opentelemetry.io/otel/trace"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/tracing/tracingtest"
)

const (
	eventTrace  = "4bf92f3577b34da6a3ce929d0e0e4736"
	eventParent = "00-" + eventTrace + "-00f067aa0ba902b7-01"
	httpTrace   = "0af7651916cd43dd8448eb211c80319c"
	httpParent  = "00-" + httpTrace + "-b7ad6b7169203331-01"
)

// spanRecorder is a Handler that keeps the span context its ctx carries
// and starts a span of its own on the server's tracer.
type spanRecorder struct {
	srv *fnhttp.Server

	mu  sync.Mutex
	err error
	got []trace.SpanContext
}

func (h *spanRecorder) handle(ctx context.Context, e ce.Event) (*ce.Event,
	error) {
	h.mu.Lock()
	h.got = append(h.got, trace.SpanContextFromContext(ctx))
	err := h.err
	h.mu.Unlock()
	_, span := h.srv.Tracer("fnhttp_test").Start(ctx, "handle")
	defer span.End()
	fnhttp.RecordError(span, err)
	return nil, err
}

func (h *spanRecorder) fail(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.err = err
}

func (h *spanRecorder) last() trace.SpanContext {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.got[len(h.got)-1]
}

// TestHandlerGetsTraceContext: the trace an event carries reaches the
// handler, in every form an event comes in; the event's own traceparent
// wins over the request's header, which is the fallback.
func TestHandlerGetsTraceContext(t *testing.T) {
	h := &spanRecorder{}
	h.srv = fnhttp.New(fnhttp.Common{}, h.handle, fnhttp.Options{})
	r := start(t, h.srv)
	window := mustJSON(t, testWindow(2))

	tests := []struct {
		name   string
		header map[string]string
		body   string
		want   string // trace id, "" for none
	}{
		{"binary", map[string]string{"Ce-Id": "1", "Ce-Specversion": "1.0",
			"Ce-Type": "io.tabot.candles.v1", "Ce-Source": "/test",
			"Ce-Traceparent": eventParent,
			"Content-Type":   "application/json"}, window, eventTrace},
		{"structured", map[string]string{
			"Content-Type": "application/cloudevents+json"},
			strings.Replace(structuredJSON(t, "application/json",
				testWindow(2)), "{", `{"traceparent":"`+eventParent+`",`,
				1), eventTrace},
		{"event wins over header", map[string]string{"Ce-Id": "1",
			"Ce-Specversion": "1.0", "Ce-Type": "io.tabot.candles.v1",
			"Ce-Source": "/test", "Ce-Traceparent": eventParent,
			"Traceparent":  httpParent,
			"Content-Type": "application/json"}, window, eventTrace},
		{"bare window with header", map[string]string{
			"Traceparent":  httpParent,
			"Content-Type": "application/json"}, window, httpTrace},
		{"none", map[string]string{"Content-Type": "application/json"},
			window, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := r.post(t, tt.header, tt.body)
			if resp.StatusCode != http.StatusAccepted {
				t.Fatalf("status %d, want 202: %s", resp.StatusCode,
					readAll(t, resp))
			}
			sc := h.last()
			got := ""
			if sc.IsValid() {
				got = sc.TraceID().String()
			}
			if got != tt.want {
				t.Errorf("handler's trace id = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestTracingExport: with OTEL_EXPORTER_OTLP_ENDPOINT set, the spans a
// handler starts go to the collector under the function's name, child
// of the caller's span, at the latest when Serve shuts down; a failure
// of the function is an error status, a refused input is not.
func TestTracingExport(t *testing.T) {
	col := tracingtest.Start(t)
	h := &spanRecorder{}
	h.srv = fnhttp.New(fnhttp.Common{OTLPEndpoint: col.URL()}, h.handle,
		fnhttp.Options{Name: "tabot-strategy"})
	r := start(t, h.srv)
	binary := func(id string) map[string]string {
		return map[string]string{"Ce-Id": id, "Ce-Specversion": "1.0",
			"Ce-Type": "io.tabot.candles.v1", "Ce-Source": "/test",
			"Ce-Traceparent": eventParent,
			"Content-Type":   "application/json"}
	}
	window := mustJSON(t, testWindow(2))

	r.post(t, binary("ok"), window)
	h.fail(fmt.Errorf("%w: no window", fnhttp.ErrBadRequest))
	r.post(t, binary("refused"), window)
	h.fail(fmt.Errorf("%w: nats down", fnhttp.ErrUnavailable))
	r.post(t, binary("failed"), window)
	r.stop()
	if err := <-r.done; err != nil {
		t.Fatalf("Serve = %v", err)
	}
	r.done <- nil

	spans := col.Spans()
	if len(spans) != 3 {
		t.Fatalf("%d spans exported by the shutdown, want 3", len(spans))
	}
	wantStatus := []tracepb.Status_StatusCode{tracepb.Status_STATUS_CODE_UNSET,
		tracepb.Status_STATUS_CODE_UNSET, tracepb.Status_STATUS_CODE_ERROR}
	wantEvents := []int{0, 1, 1}
	for i, s := range spans {
		if s.Service != "tabot-strategy" || s.TraceID != eventTrace ||
			s.ParentID != "00f067aa0ba902b7" {
			t.Errorf("span %d: service %s, trace %s, parent %s; want "+
				"tabot-strategy, %s, 00f067aa0ba902b7", i, s.Service,
				s.TraceID, s.ParentID, eventTrace)
		}
		if s.Status != wantStatus[i] || len(s.Events) != wantEvents[i] {
			t.Errorf("span %d: status %v, events %v; want %v and %d", i,
				s.Status, s.Events, wantStatus[i], wantEvents[i])
		}
	}
}

// TestTracingExportFailure: spans the collector refuses are logged and
// counted as ta_bot_errors_total{type="tracing"}; Serve still ends well.
func TestTracingExportFailure(t *testing.T) {
	col := tracingtest.Start(t)
	col.Fail(http.StatusBadRequest)
	core, lines := observer.New(zapcore.WarnLevel)
	h := &spanRecorder{}
	h.srv = fnhttp.New(fnhttp.Common{OTLPEndpoint: col.URL()}, h.handle,
		fnhttp.Options{Logger: zap.New(core)})
	r := start(t, h.srv)

	r.post(t, map[string]string{"Content-Type": "application/json"},
		mustJSON(t, testWindow(2)))
	r.stop()
	if err := <-r.done; err != nil {
		t.Errorf("Serve = %v, want nil: tracing never fails it", err)
	}
	r.done <- nil

	if got := errorsOf(h.srv.Metrics(), metrics.ErrTracing); got != 1 {
		t.Errorf("errors_total{type=tracing} = %v, want 1", got)
	}
	if n := lines.FilterMessage("span export failed").
		FilterField(zap.String("error_type", "tracing")).Len(); n != 1 {
		t.Errorf("logged %d failed exports, want 1", n)
	}
}

// A Server built from a Common that skipped Validate refuses to serve
// with a bad endpoint instead of silently tracing nothing.
func TestServeBadOTLPEndpoint(t *testing.T) {
	srv := fnhttp.New(fnhttp.Common{OTLPEndpoint: "collector:4318"}, nil,
		fnhttp.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}

	err = srv.Serve(context.Background(), ln)

	if err == nil || !strings.Contains(err.Error(), "tracing") {
		t.Errorf("Serve = %v, want a tracing error", err)
	}
}

func TestSenderTraceHeader(t *testing.T) {
	headers := make(chan http.Header, 1)
	sink := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			headers <- r.Header.Clone()
		}))
	t.Cleanup(sink.Close)
	tid, _ := trace.TraceIDFromHex(eventTrace)
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(),
		trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid,
			SpanID: sid, TraceFlags: trace.FlagsSampled}))

	if err := fnhttp.NewSender(sink.URL, nil).Send(ctx,
		signalEvent(t)); err != nil {
		t.Fatal(err)
	}

	if got := (<-headers).Get("Traceparent"); got != eventParent {
		t.Errorf("Traceparent header = %q, want %q", got, eventParent)
	}
}
