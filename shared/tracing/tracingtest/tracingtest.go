// Package tracingtest runs a real OTLP/HTTP trace receiver for tests: it
// decodes what an OpenTelemetry SDK exports to <url>/v1/traces and keeps
// every span with the service that sent it.
package tracingtest

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// Span is one exported span, its ids in lower-case hex as in a
// traceparent.
type Span struct {
	Name     string
	Service  string
	TraceID  string
	SpanID   string
	ParentID string // empty for a root span
	Kind     tracepb.Span_SpanKind
	Attrs    map[string]string // values as text; see Span.Attr
	Status   tracepb.Status_StatusCode
	Events   []string
}

// Attr returns the value of attribute key as text, "" when unset.
func (s Span) Attr(key string) string { return s.Attrs[key] }

// Collector is an OTLP/HTTP trace receiver on 127.0.0.1.
type Collector struct {
	srv *httptest.Server

	mu     sync.Mutex
	spans  []Span
	status int // answer to exports; 0 is 200
}

// Start starts a collector that stops when the test ends.
func Start(tb testing.TB) *Collector {
	tb.Helper()
	c := &Collector{}
	c.srv = httptest.NewServer(http.HandlerFunc(c.export))
	tb.Cleanup(c.srv.Close)
	return c
}

// URL is the collector's base URL, the value of
// OTEL_EXPORTER_OTLP_ENDPOINT.
func (c *Collector) URL() string { return c.srv.URL }

// Fail makes the collector refuse every export with status; 0 takes
// them again.
func (c *Collector) Fail(status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.status = status
}

// Spans returns every span received so far, in arrival order.
func (c *Collector) Spans() []Span {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.spans)
}

// Trace returns the spans of one trace, in arrival order.
func (c *Collector) Trace(traceID string) []Span {
	var out []Span
	for _, s := range c.Spans() {
		if s.TraceID == traceID {
			out = append(out, s)
		}
	}
	return out
}

// WaitFor polls until match holds for n spans or d passes, and returns
// the matching spans; it fails the test on the deadline.
func (c *Collector) WaitFor(tb testing.TB, d time.Duration, n int,
	what string, match func(Span) bool) []Span {
	tb.Helper()
	deadline := time.Now().Add(d)
	for {
		var got []Span
		for _, s := range c.Spans() {
			if match(s) {
				got = append(got, s)
			}
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("after %v: %d of %d spans %s; received %d spans",
				d, len(got), n, what, len(c.Spans()))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (c *Collector) export(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/traces" || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	c.mu.Lock()
	status := c.status
	c.mu.Unlock()
	if status != 0 {
		http.Error(w, "refused by the test", status)
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

	var got []Span
	for _, rs := range req.GetResourceSpans() {
		service := attrs(rs.GetResource().GetAttributes())["service.name"]
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				got = append(got, convert(service, s))
			}
		}
	}
	c.mu.Lock()
	c.spans = append(c.spans, got...)
	c.mu.Unlock()

	resp, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Write(resp)
}

func convert(service string, s *tracepb.Span) Span {
	out := Span{
		Name:    s.GetName(),
		Service: service,
		TraceID: hex.EncodeToString(s.GetTraceId()),
		SpanID:  hex.EncodeToString(s.GetSpanId()),
		Kind:    s.GetKind(),
		Attrs:   attrs(s.GetAttributes()),
		Status:  s.GetStatus().GetCode(),
	}
	if p := s.GetParentSpanId(); len(p) > 0 {
		out.ParentID = hex.EncodeToString(p)
	}
	for _, e := range s.GetEvents() {
		out.Events = append(out.Events, e.GetName())
	}
	return out
}

// attrs returns key-values as text: strings as they are, numbers and
// booleans formatted as Go does.
func attrs(kvs []*commonpb.KeyValue) map[string]string {
	out := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		v := kv.GetValue()
		switch v.GetValue().(type) {
		case *commonpb.AnyValue_StringValue:
			out[kv.GetKey()] = v.GetStringValue()
		case *commonpb.AnyValue_IntValue:
			out[kv.GetKey()] = strconv.FormatInt(v.GetIntValue(), 10)
		case *commonpb.AnyValue_BoolValue:
			out[kv.GetKey()] = strconv.FormatBool(v.GetBoolValue())
		case *commonpb.AnyValue_DoubleValue:
			out[kv.GetKey()] = strconv.FormatFloat(v.GetDoubleValue(),
				'g', -1, 64)
		default:
			out[kv.GetKey()] = v.String()
		}
	}
	return out
}
