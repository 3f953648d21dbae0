package fnhttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/tabot-functions/tabot/shared/fnhttp"
)

// flag is a check whose result a test flips.
type flag struct{ down atomic.Bool }

func (f *flag) check(context.Context) error {
	if f.down.Load() {
		return errors.New("nats: connection closed")
	}
	return nil
}

func TestLiveShape(t *testing.T) {
	r := start(t, fnhttp.New(fnhttp.Common{}, nil, fnhttp.Options{}))

	for _, path := range []string{"/live", "/_/health"} {
		code, body := r.get(t, path)

		if code != 200 {
			t.Errorf("%s = %d, want 200", path, code)
		}
		if body["status"] != "alive" {
			t.Errorf("%s status = %v, want alive", path, body["status"])
		}
		for _, k := range []string{"uptime", "timestamp"} {
			if s, _ := body[k].(string); s == "" {
				t.Errorf("%s: %s missing in %v", path, k, body)
			}
		}
		ts, _ := body["timestamp"].(string)
		if _, err := time.Parse(time.RFC3339, ts); err != nil {
			t.Errorf("%s timestamp %q: %v", path, ts, err)
		}
	}
}

// TestReadyFollowsChecks is BC-28 a: /ready turns 503 with the failing
// check while a dependency is down and 200 again once it is back, and
// ta_bot_component_status follows; /live stays 200.
func TestReadyFollowsChecks(t *testing.T) {
	nats := &flag{}
	srv := fnhttp.New(fnhttp.Common{}, nil, fnhttp.Options{})
	srv.AddReadiness("nats_connection", nats.check)
	srv.AddReadiness("signal_engine", func(context.Context) error {
		return nil
	})
	r := start(t, srv)
	gauge := srv.Metrics().ComponentStatus.WithLabelValues("nats_connection")

	steps := []struct {
		down       bool
		wantStatus int
		wantBody   string
		wantCheck  string
		wantGauge  float64
	}{
		{false, 200, "ready", "ok", 1},
		{true, 503, "not ready", "nats: connection closed", 0},
		{false, 200, "ready", "ok", 1},
	}
	for i, st := range steps {
		nats.down.Store(st.down)
		for _, path := range []string{"/ready", "/_/ready"} {
			code, body := r.get(t, path)

			if code != st.wantStatus || body["status"] != st.wantBody {
				t.Errorf("step %d %s = %d %v, want %d %q", i, path, code,
					body["status"], st.wantStatus, st.wantBody)
			}
			checks, _ := body["checks"].(map[string]any)
			if checks["nats_connection"] != st.wantCheck ||
				checks["signal_engine"] != "ok" {
				t.Errorf("step %d %s checks = %v, want nats_connection %q",
					i, path, checks, st.wantCheck)
			}
		}
		if got := testutil.ToFloat64(gauge); got != st.wantGauge {
			t.Errorf("step %d component_status = %v, want %v", i, got,
				st.wantGauge)
		}
		if code, _ := r.get(t, "/live"); code != 200 {
			t.Errorf("step %d /live = %d, want 200", i, code)
		}
	}
}

// TestComponentStatusWithoutProbes checks the gauge follows a check even
// when no probe is sent.
func TestComponentStatusWithoutProbes(t *testing.T) {
	nats := &flag{}
	srv := fnhttp.New(fnhttp.Common{}, nil,
		fnhttp.Options{CheckInterval: 20 * time.Millisecond})
	srv.AddReadiness("nats_connection", nats.check)
	start(t, srv)
	gauge := srv.Metrics().ComponentStatus.WithLabelValues("nats_connection")

	eventually(t, 2*time.Second, "component_status never 1", func() bool {
		return testutil.ToFloat64(gauge) == 1
	})
	nats.down.Store(true)
	eventually(t, 2*time.Second, "component_status never 0", func() bool {
		return testutil.ToFloat64(gauge) == 0
	})
}

// TestLiveFailsOnLivenessCheck is BC-28 b: a connection that reached
// CLOSED never recovers, so /live fails and the instance is replaced.
func TestLiveFailsOnLivenessCheck(t *testing.T) {
	closed := &flag{}
	srv := fnhttp.New(fnhttp.Common{}, nil, fnhttp.Options{})
	srv.AddLiveness("nats_connection", closed.check)
	r := start(t, srv)

	closed.down.Store(true)
	code, body := r.get(t, "/live")

	if code != 503 || body["status"] != "dead" {
		t.Errorf("/live = %d %v, want 503 dead", code, body["status"])
	}
	checks, _ := body["checks"].(map[string]any)
	if checks["nats_connection"] != "nats: connection closed" {
		t.Errorf("checks = %v, want the nats_connection reason", checks)
	}
	if code, _ := r.get(t, "/_/health"); code != 503 {
		t.Errorf("/_/health = %d, want 503", code)
	}
}

func TestHealthShape(t *testing.T) {
	cfg := fnhttp.Common{Version: "1.2.3", CommitSHA: "abc123",
		BuildDate: "2024-01-15T10:30:00Z"}
	publisher := &flag{}
	srv := fnhttp.New(cfg, nil, fnhttp.Options{})
	srv.AddReadiness("publisher", publisher.check)
	r := start(t, srv)

	tests := []struct {
		down       bool
		wantStatus string
		wantComp   string
	}{
		{false, "healthy", "ok"},
		{true, "degraded", "nats: connection closed"},
	}
	for _, tt := range tests {
		publisher.down.Store(tt.down)
		code, body := r.get(t, "/health")

		if code != 200 {
			t.Errorf("/health = %d, want 200", code)
		}
		if body["status"] != tt.wantStatus || body["version"] != "1.2.3" {
			t.Errorf("status, version = %v, %v; want %s, 1.2.3",
				body["status"], body["version"], tt.wantStatus)
		}
		bi, _ := body["build_info"].(map[string]any)
		if bi["commit_sha"] != "abc123" ||
			bi["build_date"] != "2024-01-15T10:30:00Z" {
			t.Errorf("build_info = %v", bi)
		}
		comp, _ := body["components"].(map[string]any)
		if comp["publisher"] != tt.wantComp {
			t.Errorf("components = %v, want publisher %q", comp, tt.wantComp)
		}
		if _, ok := body["timestamp"].(string); !ok {
			t.Error("timestamp missing")
		}
	}
}

func TestCheckPanicFailsTheCheck(t *testing.T) {
	srv := fnhttp.New(fnhttp.Common{}, nil, fnhttp.Options{})
	srv.AddReadiness("broken", func(context.Context) error { panic("bug") })
	r := start(t, srv)

	code, body := r.get(t, "/ready")

	checks, _ := body["checks"].(map[string]any)
	if code != 503 || !strings.Contains(checks["broken"].(string), "bug") {
		t.Errorf("/ready = %d %v, want 503 with the panic", code, checks)
	}
}

// TestMetricsOwnRegistry checks /metrics serves the function's registry,
// not the process-global one.
func TestMetricsOwnRegistry(t *testing.T) {
	srv := fnhttp.New(fnhttp.Common{}, nil, fnhttp.Options{})
	srv.Metrics().Signal("momentum_pulse", 0.7)
	r := start(t, srv)

	resp, err := http.Get(r.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	text := string(b)

	wants := []string{
		`ta_bot_signals_generated_total{strategy="momentum_pulse"} 1`,
		`ta_bot_errors_total{type="decode"} 0`,
		"go_goroutines",
	}
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// promhttp.Handler() on the default registry exports this one.
	if strings.Contains(text, "promhttp_metric_handler_requests_total") {
		t.Error("/metrics serves the global registry")
	}
}

func TestFormatUptime(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{7*time.Second + 900*time.Millisecond, "7s"},
		{5*time.Minute + 2*time.Second, "5m 2s"},
		{2*time.Hour + 30*time.Minute + 15*time.Second, "2h 30m 15s"},
		{50 * time.Hour, "50h 0m 0s"},
	}
	for _, tt := range tests {
		if got := fnhttp.FormatUptime(tt.d); got != tt.want {
			t.Errorf("FormatUptime(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
