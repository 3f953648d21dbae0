package fnhttp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/fnhttp/fnhttptest"
	"github.com/tabot-functions/tabot/shared/metrics"
)

// testWindow returns a small valid window of n 1m candles.
func testWindow(n int) event.Window {
	w := event.Window{Symbol: "BTCUSDT", Interval: "1m"}
	for i := range n {
		p := 42000 + float64(i)
		w.Candles = append(w.Candles, candle.Candle{
			OpenTime: 1704067200000 + int64(i)*60000,
			Open:     p, High: p + 5, Low: p - 5, Close: p + 1, Volume: 3.5,
		})
	}
	return w
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// running is a Server serving on 127.0.0.1:0.
type running struct {
	srv  *fnhttp.Server
	url  string
	stop context.CancelFunc
	done chan error
}

// start serves srv on a random loopback port until the test ends.
func start(tb testing.TB, srv *fnhttp.Server) *running {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{srv: srv, url: "http://" + ln.Addr().String(),
		stop: cancel, done: make(chan error, 1)}
	go func() { r.done <- srv.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			tb.Error("server did not stop within 10s")
		}
	})
	return r
}

// post sends body to r's POST / with the given headers.
func (r *running) post(tb testing.TB, header map[string]string,
	body string) *http.Response {
	tb.Helper()
	return fnhttptest.Post(tb, r.url, header, body)
}

func (r *running) get(tb testing.TB, path string) (int, map[string]any) {
	tb.Helper()
	resp, err := http.Get(r.url + path)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		tb.Fatalf("GET %s: body is not JSON: %v", path, err)
	}
	return resp.StatusCode, body
}

func readAll(tb testing.TB, resp *http.Response) string {
	tb.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func errorsOf(m *metrics.Metrics, t metrics.ErrorType) float64 {
	return testutil.ToFloat64(m.Errors.WithLabelValues(string(t)))
}

// eventually polls cond every 10ms until it holds or the deadline passes.
func eventually(tb testing.TB, d time.Duration, what string,
	cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var errBoom = errors.New("boom")
