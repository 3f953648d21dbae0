package fnhttp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/metrics"
)

// recorder is a Handler that keeps the events it is given.
type recorder struct {
	mu     sync.Mutex
	events []ce.Event
}

func (r *recorder) handle(ctx context.Context, e ce.Event) (*ce.Event, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return nil, nil
}

func (r *recorder) got() []ce.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ce.Event(nil), r.events...)
}

func structuredJSON(tb testing.TB, dct string, data any) string {
	tb.Helper()
	m := map[string]any{
		"specversion": "1.0",
		"id":          "candles-BTCUSDT-1m-1704067320000",
		"source":      "/tabot/candle-source/candles.BTCUSDT.1m",
		"type":        event.TypeCandles,
		"symbol":      "BTCUSDT",
		"interval":    "1m",
		"data":        data,
	}
	if dct != "" {
		m["datacontenttype"] = dct
	}
	return mustJSON(tb, m)
}

// TestAcceptedForms posts the same window in every accepted form and
// checks the handler gets it intact (BC-24 a–d among them).
func TestAcceptedForms(t *testing.T) {
	w := testWindow(3)
	window := mustJSON(t, w)
	binary := func(ct string) map[string]string {
		h := map[string]string{
			"Ce-Specversion": "1.0",
			"Ce-Id":          "candles-BTCUSDT-1m-1704067320000",
			"Ce-Source":      "/tabot/candle-source/candles.BTCUSDT.1m",
			"Ce-Type":        event.TypeCandles,
			"Ce-Symbol":      "BTCUSDT",
		}
		if ct != "" {
			h["Content-Type"] = ct
		}
		return h
	}
	tests := []struct {
		name     string
		header   map[string]string
		body     string
		wantType string
		wantDCT  string
	}{
		{"binary", binary("application/json"), window,
			event.TypeCandles, "application/json"},
		{"binary charset", binary("application/json; charset=utf-8"),
			window, event.TypeCandles, "application/json; charset=utf-8"},
		{"binary no content type", binary(""), window,
			event.TypeCandles, ""},
		{"binary +json", binary("application/vnd.kline+json"), window,
			event.TypeCandles, "application/vnd.kline+json"},
		{"kn event send", map[string]string{
			"Ce-Specversion": "1.0",
			"Ce-Id":          "6f1b5b1e-5f0c-4e57-9a43-2b9c4d0a1c11",
			"Ce-Source":      "kn-event/v1.14.0",
			"Ce-Type":        "dev.knative.cli.plugin.event.generic",
			"Ce-Time":        "2024-01-01T00:03:00Z",
			"Content-Type":   "application/json",
		}, window, "dev.knative.cli.plugin.event.generic",
			"application/json"},
		{"structured", map[string]string{
			"Content-Type": "application/cloudevents+json"},
			structuredJSON(t, "application/json", w),
			event.TypeCandles, "application/json"},
		{"structured charset", map[string]string{
			"Content-Type": "application/cloudevents+json; charset=UTF-8"},
			structuredJSON(t, "application/json", w),
			event.TypeCandles, "application/json"},
		{"structured no datacontenttype", map[string]string{
			"Content-Type": "application/cloudevents+json"},
			structuredJSON(t, "", w), event.TypeCandles, ""},
		{"structured +json data", map[string]string{
			"Content-Type": "application/cloudevents+json"},
			structuredJSON(t, "application/vnd.kline+json", w),
			event.TypeCandles, "application/vnd.kline+json"},
		{"json with specversion", map[string]string{
			"Content-Type": "application/json"},
			structuredJSON(t, "application/json; charset=utf-8", w),
			event.TypeCandles, "application/json; charset=utf-8"},
		{"json with specversion no content type", nil,
			structuredJSON(t, "application/json", w),
			event.TypeCandles, "application/json"},
		{"bare window", map[string]string{
			"Content-Type": "application/json"}, window,
			event.TypeCandles, "application/json"},
		{"bare window no content type", nil, window,
			event.TypeCandles, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			r := start(t, fnhttp.New(fnhttp.Common{}, rec.handle,
				fnhttp.Options{}))

			resp := r.post(t, tt.header, tt.body)

			if resp.StatusCode != http.StatusAccepted {
				t.Fatalf("status = %d (%s), want 202", resp.StatusCode,
					readAll(t, resp))
			}
			got := rec.got()
			if len(got) != 1 {
				t.Fatalf("handler got %d events, want 1", len(got))
			}
			e := got[0]
			if e.Type() != tt.wantType {
				t.Errorf("type = %q, want %q", e.Type(), tt.wantType)
			}
			if e.DataContentType() != tt.wantDCT {
				t.Errorf("datacontenttype = %q, want %q",
					e.DataContentType(), tt.wantDCT)
			}
			var gotW event.Window
			if err := json.Unmarshal(e.Data(), &gotW); err != nil {
				t.Fatalf("data %q: %v", e.Data(), err)
			}
			if !reflect.DeepEqual(gotW, w) {
				t.Errorf("window = %+v, want %+v", gotW, w)
			}
		})
	}
}

func TestBareWindowIsWrapped(t *testing.T) {
	rec := &recorder{}
	r := start(t, fnhttp.New(fnhttp.Common{}, rec.handle, fnhttp.Options{}))

	r.post(t, nil, mustJSON(t, testWindow(3)))

	got := rec.got()
	if len(got) != 1 {
		t.Fatalf("handler got %d events, want 1", len(got))
	}
	e := got[0]
	wantID := event.WindowID("BTCUSDT", "1m", 1704067200000+2*60000)
	checks := []struct{ name, got, want string }{
		{"id", e.ID(), wantID},
		{"type", e.Type(), event.TypeCandles},
		{"source", e.Source(), fnhttp.BareWindowSource},
		{"subject", e.Subject(), "BTCUSDT/1m"},
		{"symbol", fmt.Sprint(e.Extensions()[event.ExtSymbol]), "BTCUSDT"},
		{"interval", fmt.Sprint(e.Extensions()[event.ExtInterval]), "1m"},
		{"time", e.Time().Format(time.RFC3339), "2024-01-01T00:03:00Z"},
		{"datacontenttype", e.DataContentType(), ce.ApplicationJSON},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

// TestBadForms checks every malformed request gets a 4xx with a one-line
// reason, is counted once, and never reaches the handler.
func TestBadForms(t *testing.T) {
	window := mustJSON(t, testWindow(3))
	tests := []struct {
		name       string
		header     map[string]string
		body       string
		wantStatus int
		wantType   metrics.ErrorType
		wantReason string
	}{
		{"empty body", nil, "", 400, metrics.ErrDecode, "empty body"},
		{"not json", nil, "hello", 400, metrics.ErrDecode,
			"not a JSON object"},
		{"json array", nil, `[{"specversion":"1.0"}]`, 400,
			metrics.ErrDecode, "not a JSON object"},
		{"json null", nil, `null`, 400, metrics.ErrDecode,
			"not a JSON object"},
		{"neither event nor window", nil, `{"symbol":"BTCUSDT"}`, 400,
			metrics.ErrDecode, "neither a CloudEvent"},
		{"text plain", map[string]string{"Content-Type": "text/plain"},
			window, 400, metrics.ErrUnsupported, "text/plain"},
		{"bad content type", map[string]string{"Content-Type": "a/b; =="},
			window, 400, metrics.ErrUnsupported, "content type"},
		{"batch", map[string]string{
			"Content-Type": "application/cloudevents-batch+json"},
			"[]", 400, metrics.ErrUnsupported, "batched"},
		{"unknown format", map[string]string{
			"Content-Type": "application/cloudevents+xml"},
			"<e/>", 400, metrics.ErrUnsupported, "event format"},
		{"structured without id", map[string]string{
			"Content-Type": "application/cloudevents+json"},
			`{"specversion":"1.0","source":"/x","type":"t"}`, 400,
			metrics.ErrDecode, "malformed cloudevent: id"},
		{"structured bad json", map[string]string{
			"Content-Type": "application/cloudevents+json"},
			`{"specversion":"1.0",`, 400, metrics.ErrDecode,
			"not a JSON object"},
		{"structured unknown specversion", nil,
			`{"specversion":"9.9","id":"1","source":"/x","type":"t"}`, 400,
			metrics.ErrDecode, "structured event"},
		{"structured text data not a string", nil,
			`{"specversion":"1.0","id":"1","source":"/x","type":"t",` +
				`"datacontenttype":"text/plain","data":{"a":1}}`, 400,
			metrics.ErrDecode, "structured event"},
		{"binary 0.3", map[string]string{
			"Ce-Specversion": "0.3", "Ce-Id": "1", "Ce-Type": "t",
			"Ce-Source": "/x"}, window, 400, metrics.ErrDecode,
			`specversion "0.3" not supported, want 1.0`},
		{"binary 2.0", map[string]string{
			"Ce-Specversion": "2.0", "Ce-Id": "1", "Ce-Type": "t",
			"Ce-Source": "/x", "Content-Type": "application/json"}, window,
			400, metrics.ErrDecode,
			`specversion "2.0" not supported, want 1.0`},
		{"structured id a number", map[string]string{
			"Content-Type": "application/cloudevents+json"},
			`{"specversion":"1.0","id":5,"source":"/x","type":"t"}`, 400,
			metrics.ErrDecode, "id must be a string"},
		{"structured type null", nil,
			`{"specversion":"1.0","id":"1","source":"/x","type":null}`, 400,
			metrics.ErrDecode, "type must be a string"},
		{"structured specversion 2.0", map[string]string{
			"Content-Type": "application/cloudevents+json"},
			`{"specversion":"2.0","id":"1","source":"/x","type":"t"}`, 400,
			metrics.ErrDecode, `specversion "2.0" not supported, want 1.0`},
		{"binary without source", map[string]string{
			"Ce-Specversion": "1.0", "Ce-Id": "1", "Ce-Type": "t",
			"Content-Type": "application/json"}, window, 400,
			metrics.ErrDecode, "invalid event"},
		{"window without candles", nil,
			`{"symbol":"BTCUSDT","interval":"1m","candles":[]}`, 400,
			metrics.ErrDecode, "candles is empty"},
		{"window with open time in seconds", nil,
			`{"symbol":"BTCUSDT","interval":"1m","candles":[{"open_time":` +
				`1704067200,"open":1,"high":2,"low":0.5,"close":1.5,` +
				`"volume":1}]}`, 400, metrics.ErrDecode, "looks like seconds"},
		{"window with high below low", nil,
			`{"symbol":"BTCUSDT","interval":"1m","candles":[{"open_time":` +
				`1704067200000,"open":1,"high":0.4,"low":0.5,"close":1.5,` +
				`"volume":1}]}`, 400, metrics.ErrDecode, "candles[0]"},
		{"window off the interval grid", nil,
			`{"symbol":"BTCUSDT","interval":"15m","candles":[{"open_time":` +
				`1704067260000,"open":1,"high":2,"low":0.5,"close":1.5,` +
				`"volume":1}]}`, 400, metrics.ErrDecode, "candles[0]"},
		{"window with string candles", nil,
			`{"symbol":"BTCUSDT","interval":"1m","candles":"x"}`, 400,
			metrics.ErrDecode, "candle window"},
		{"too large", nil, `{"candles":"` + strings.Repeat("x", 2048) +
			`"}`, 413, metrics.ErrTooLarge, "body over 1024 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			srv := fnhttp.New(fnhttp.Common{}, rec.handle,
				fnhttp.Options{MaxBodyBytes: 1024})
			r := start(t, srv)

			resp := r.post(t, tt.header, tt.body)

			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode,
					tt.wantStatus)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			var body struct{ Error string }
			raw := readAll(t, resp)
			if err := json.Unmarshal([]byte(raw), &body); err != nil {
				t.Fatalf("body %q: %v", raw, err)
			}
			if !strings.Contains(body.Error, tt.wantReason) ||
				strings.Contains(body.Error, "\n") {
				t.Errorf("error = %q, want one line containing %q",
					body.Error, tt.wantReason)
			}
			if tt.wantStatus == 413 &&
				strings.HasPrefix(body.Error, "bad request") {
				t.Errorf("error = %q, want no \"bad request\" on a 413",
					body.Error)
			}
			if got := errorsOf(srv.Metrics(), tt.wantType); got != 1 {
				t.Errorf("errors_total{type=%q} = %v, want 1",
					tt.wantType, got)
			}
			if n := len(rec.got()); n != 0 {
				t.Errorf("handler called %d times, want 0", n)
			}
		})
	}
}

// TestHandlerOutcomes checks how each handler result maps to a status
// and a counted error type.
func TestHandlerOutcomes(t *testing.T) {
	reply := ce.New()
	reply.SetID("sig-1")
	reply.SetSource("/tabot/strategy")
	reply.SetType(event.TypeSignal)
	reply.SetExtension(event.ExtStrategy, "momentum_pulse")
	if err := reply.SetData(ce.ApplicationJSON,
		map[string]any{"action": "buy"}); err != nil {
		t.Fatal(err)
	}
	invalid := ce.New()
	invalid.SetID("x")

	tests := []struct {
		name       string
		h          fnhttp.Handler
		wantStatus int
		wantType   metrics.ErrorType // "" counts nothing
	}{
		{"reply", func(context.Context, ce.Event) (*ce.Event, error) {
			return &reply, nil
		}, 200, ""},
		{"no reply", func(context.Context, ce.Event) (*ce.Event, error) {
			return nil, nil
		}, 202, ""},
		{"bad request", func(context.Context, ce.Event) (*ce.Event, error) {
			return nil, fmt.Errorf("decode window: %w", fnhttp.ErrBadRequest)
		}, 400, metrics.ErrInvalidInput},
		{"invalid candle", func(context.Context, ce.Event) (*ce.Event, error) {
			return nil, fmt.Errorf("window: %w: price 0", candle.ErrInvalid)
		}, 400, metrics.ErrInvalidInput},
		{"unsupported", func(context.Context, ce.Event) (*ce.Event, error) {
			return nil, fmt.Errorf("%w: event type x", fnhttp.ErrUnsupported)
		}, 400, metrics.ErrUnsupported},
		{"not ready", func(context.Context, ce.Event) (*ce.Event, error) {
			return nil, fmt.Errorf("window: %w", fnhttp.ErrNotReady)
		}, 202, metrics.ErrNotReady},
		{"overloaded", func(context.Context, ce.Event) (*ce.Event, error) {
			return nil, fnhttp.ErrOverloaded
		}, 429, metrics.ErrOverloaded},
		{"unavailable", func(context.Context, ce.Event) (*ce.Event, error) {
			return nil, fmt.Errorf("nats: %w", fnhttp.ErrUnavailable)
		}, 503, metrics.ErrHandler},
		{"failure", func(context.Context, ce.Event) (*ce.Event, error) {
			return nil, errBoom
		}, 500, metrics.ErrHandler},
		{"typed failure", func(context.Context, ce.Event) (*ce.Event, error) {
			return nil, fnhttp.WithType(metrics.ErrSink, errBoom)
		}, 500, metrics.ErrSink},
		{"invalid reply", func(context.Context, ce.Event) (*ce.Event, error) {
			return &invalid, nil
		}, 500, metrics.ErrHandler},
		{"panic", func(context.Context, ce.Event) (*ce.Event, error) {
			panic("strategy bug")
		}, 500, metrics.ErrPanic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fnhttp.New(fnhttp.Common{}, tt.h, fnhttp.Options{})
			r := start(t, srv)

			resp := r.post(t, nil, mustJSON(t, testWindow(2)))

			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d (%s), want %d", resp.StatusCode,
					readAll(t, resp), tt.wantStatus)
			}
			for _, typ := range metrics.ErrorTypes() {
				want := 0.0
				if typ == tt.wantType {
					want = 1
				}
				if got := errorsOf(srv.Metrics(), typ); got != want {
					t.Errorf("errors_total{type=%q} = %v, want %v",
						typ, got, want)
				}
			}
			if tt.wantStatus == 202 && readAll(t, resp) != "" {
				t.Error("202 has a body, want none")
			}
			if tt.wantStatus == 429 && resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			// The server survives whatever happened.
			if code, _ := r.get(t, "/live"); code != 200 {
				t.Errorf("/live after the request = %d, want 200", code)
			}
		})
	}
}

// TestReplyIsBinary checks the reply is a binary-mode event whose data
// is a JSON object, not an escaped string (BC-24).
func TestReplyIsBinary(t *testing.T) {
	data := map[string]any{"strategy_id": "momentum_pulse", "action": "buy"}
	h := func(ctx context.Context, in ce.Event) (*ce.Event, error) {
		e := ce.New()
		e.SetID("0123abcd")
		e.SetSource("/tabot/strategy/momentum_pulse")
		e.SetType(event.TypeSignal)
		e.SetExtension(event.ExtStrategy, "momentum_pulse")
		return &e, e.SetData(ce.ApplicationJSON, data)
	}
	r := start(t, fnhttp.New(fnhttp.Common{}, h, fnhttp.Options{}))

	resp := r.post(t, nil, mustJSON(t, testWindow(2)))

	if resp.StatusCode != 200 {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	headers := map[string]string{
		"Ce-Type":        event.TypeSignal,
		"Ce-Id":          "0123abcd",
		"Ce-Specversion": "1.0",
		"Ce-Strategy":    "momentum_pulse",
		"Content-Type":   "application/json",
	}
	for k, want := range headers {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	e, err := cehttp.NewEventFromHTTPResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(e.Data(), &got); err != nil {
		t.Fatalf("data %q is not a JSON object: %v", e.Data(), err)
	}
	if !reflect.DeepEqual(got, data) {
		t.Errorf("data = %v, want %v", got, data)
	}
}

// TestMaxInFlight fills the bound with handlers that block and checks
// the next event gets 429 with Retry-After at once, counted, while the
// blocked ones finish with 202 and a freed slot takes events again.
func TestMaxInFlight(t *testing.T) {
	tests := []struct {
		name  string
		cfg   *int // MAX_IN_FLIGHT
		opt   int  // Options.MaxInFlight
		bound int  // 0: none, so bound+6 requests all get in
	}{
		{"MAX_IN_FLIGHT", ptr(1), 0, 1},
		{"MAX_IN_FLIGHT beats Options", ptr(2), 5, 2},
		{"Options", nil, 3, 3},
		{"default", nil, 0, fnhttp.DefaultMaxInFlight()},
		{"MAX_IN_FLIGHT=0 is no bound", ptr(0), 1, 0},
		{"negative Options is no bound", nil, -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			var entered atomic.Int32
			h := func(ctx context.Context, e ce.Event) (*ce.Event, error) {
				entered.Add(1)
				<-release
				return nil, nil
			}
			srv := fnhttp.New(fnhttp.Common{MaxInFlight: tt.cfg}, h,
				fnhttp.Options{MaxInFlight: tt.opt})
			r := start(t, srv)
			body := mustJSON(t, testWindow(2))
			blocked := tt.bound
			if tt.bound == 0 {
				blocked = 6
			}

			codes := make(chan int, blocked)
			for range blocked {
				go func() { codes <- postStatus(r.url, body) }()
			}
			eventually(t, 5*time.Second, "blocked handlers entered",
				func() bool { return int(entered.Load()) == blocked })
			if tt.bound > 0 {
				began := time.Now()
				over := r.post(t, nil, body)
				if over.StatusCode != http.StatusTooManyRequests {
					t.Errorf("over the bound: status = %d, want 429",
						over.StatusCode)
				}
				if took := time.Since(began); took > 2*time.Second {
					t.Errorf("429 took %v, want it at once", took)
				}
				if over.Header.Get("Retry-After") == "" {
					t.Error("429 without Retry-After")
				}
			}
			close(release)
			for range blocked {
				if got := <-codes; got != http.StatusAccepted {
					t.Errorf("blocked request: status = %d, want 202", got)
				}
			}
			if got := r.post(t, nil, body).StatusCode; got != 202 {
				t.Errorf("after release: status = %d, want 202", got)
			}

			want := 0.0
			if tt.bound > 0 {
				want = 1
			}
			if got := errorsOf(srv.Metrics(), metrics.ErrOverloaded); got !=
				want {
				t.Errorf("errors_total{type=overloaded} = %v, want %v",
					got, want)
			}
		})
	}
}

// postStatus posts body to url and returns the status, 0 on an error.
func postStatus(url, body string) int {
	resp, err := http.Post(url+"/", "application/json",
		strings.NewReader(body))
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestNoHandlerIs404(t *testing.T) {
	r := start(t, fnhttp.New(fnhttp.Common{}, nil, fnhttp.Options{}))

	resp := r.post(t, nil, mustJSON(t, testWindow(2)))

	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status = %d, want 404", resp.StatusCode)
	}
}

func TestGetOnEventPathIs405(t *testing.T) {
	r := start(t, fnhttp.New(fnhttp.Common{}, (&recorder{}).handle,
		fnhttp.Options{}))

	resp, err := http.Get(r.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET / = %d, want 405", resp.StatusCode)
	}
}

// TestRoutes checks only POST / takes events: an unknown path is 404, a
// known path asked with another method 405 with its Allow header, both
// with the JSON error body and counted; the probes take HEAD.
func TestRoutes(t *testing.T) {
	tests := []struct {
		method, path string
		wantStatus   int
		wantAllow    string
	}{
		{"POST", "/", 202, ""},
		{"POST", "/health", 405, "GET, HEAD"},
		{"POST", "/metrics", 405, "GET, HEAD"},
		{"POST", "/live", 405, "GET, HEAD"},
		{"POST", "/_/ready", 405, "GET, HEAD"},
		{"PUT", "/metrics", 405, "GET, HEAD"},
		{"DELETE", "/ready", 405, "GET, HEAD"},
		{"GET", "/", 405, "POST"},
		{"PUT", "/", 405, "POST"},
		{"POST", "/foo", 404, ""},
		{"POST", "/anything/deep", 404, ""},
		{"GET", "/foo", 404, ""},
		{"GET", "/metrics/", 404, ""},
		{"GET", "/live", 200, ""},
		{"HEAD", "/live", 200, ""},
		{"HEAD", "/_/health", 200, ""},
		{"HEAD", "/_/ready", 200, ""},
		{"HEAD", "/metrics", 200, ""},
	}
	rec := &recorder{}
	srv := fnhttp.New(fnhttp.Common{}, rec.handle, fnhttp.Options{})
	r := start(t, srv)
	body := mustJSON(t, testWindow(2))
	wantEvents, wantErrors := 0, 0.0
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, r.url+tt.path,
				strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got := readAll(t, resp)
			resp.Body.Close()

			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d (%s), want %d", resp.StatusCode, got,
					tt.wantStatus)
			}
			if a := resp.Header.Get("Allow"); a != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", a, tt.wantAllow)
			}
			if tt.wantStatus == 202 {
				wantEvents++
			}
			if tt.wantStatus < 404 || tt.wantStatus > 405 {
				return
			}
			wantErrors++
			var e map[string]string
			if err := json.Unmarshal([]byte(got), &e); err != nil ||
				e["error"] == "" || strings.Contains(e["error"], "\n") {
				t.Errorf("body = %q, want {\"error\":\"<one line>\"}", got)
			}
			if ct := resp.Header.Get("Content-Type"); ct !=
				"application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
		})
	}
	if got := len(rec.got()); got != wantEvents {
		t.Errorf("handler got %d events, want %d (POST / only)", got,
			wantEvents)
	}
	if got := errorsOf(srv.Metrics(), metrics.ErrUnsupported); got !=
		wantErrors {
		t.Errorf("errors_total{type=unsupported} = %v, want %v", got,
			wantErrors)
	}
}
