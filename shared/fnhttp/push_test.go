package fnhttp_test

import (
	"context"
	"maps"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/push"
	"github.com/tabot-functions/tabot/shared/push/pushtest"
)

// pushConfig is a Common pushing to gw every interval.
func pushConfig(gw string, interval time.Duration) fnhttp.Common {
	return fnhttp.Common{PushgatewayURL: gw, PushInterval: interval}
}

// TestPushOnInterval checks a serving function's metrics reach the
// Pushgateway under {job, instance = host name} and follow it there.
func TestPushOnInterval(t *testing.T) {
	gw := pushtest.Start(t)
	srv := fnhttp.New(pushConfig(gw, 20*time.Millisecond),
		(&recorder{}).handle, fnhttp.Options{Name: "tabot-strategy"})
	r := start(t, srv)
	labels := groupLabels(t, "tabot-strategy")
	labels["type"] = string(metrics.ErrDecode)

	for _, want := range []float64{1, 2} {
		r.post(t, nil, "not json")
		eventually(t, 10*time.Second, "the decode error never reached "+
			"the gateway", func() bool {
			return gatewayValue(t, gw, "ta_bot_errors_total",
				labels) == want
		})
	}
	delete(labels, "type")
	if got := gatewayValue(t, gw, "go_goroutines", labels); got <= 0 {
		t.Errorf("go_goroutines%v = %v, want > 0: the function's "+
			"registry with its collectors", labels, got)
	}
}

// TestPushOnShutdown checks the last push comes after the in-flight
// request finished and the hooks ran, though the interval never
// elapsed.
func TestPushOnShutdown(t *testing.T) {
	gw := pushtest.Start(t)
	entered := make(chan struct{})
	release := make(chan struct{})
	var releaseOnce sync.Once
	unblock := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(unblock)
	var srv *fnhttp.Server
	h := func(ctx context.Context, e ce.Event) (*ce.Event, error) {
		close(entered)
		<-release
		srv.Metrics().Signal("momentum_pulse", 0.8)
		return nil, nil
	}
	srv = fnhttp.New(pushConfig(gw, time.Hour), h,
		fnhttp.Options{Name: "tabot-strategy",
			DrainDelay: 300 * time.Millisecond})
	srv.OnShutdown(func(context.Context) error {
		srv.Metrics().Component("nats", false) // as a drain would
		return nil
	})
	r := start(t, srv)

	inflight := make(chan error, 1)
	go func() {
		resp, err := http.Post(r.url+"/", "application/json",
			strings.NewReader(mustJSON(t, testWindow(2))))
		if err == nil {
			resp.Body.Close()
		}
		inflight <- err
	}()
	<-entered
	r.stop()
	eventually(t, 2*time.Second, "/ready never turned 503", func() bool {
		resp, err := http.Get(r.url + "/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusServiceUnavailable
	})
	if n := len(groups(t, gw)); n != 0 {
		t.Errorf("the gateway holds %d groups while a request is in "+
			"flight, want none", n)
	}
	unblock()
	if err := <-inflight; err != nil {
		t.Fatalf("in-flight request: %v", err)
	}
	if err := <-r.done; err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
	r.done <- nil // for the cleanup in start

	labels := groupLabels(t, "tabot-strategy")
	checks := []struct {
		name  string
		extra map[string]string
		want  float64
	}{
		{"ta_bot_signals_generated_total",
			map[string]string{"strategy": "momentum_pulse"}, 1},
		{"ta_bot_component_status", map[string]string{"component": "nats"},
			0},
		{"ta_bot_component_status",
			map[string]string{"component": "shutdown"}, 0},
	}
	for _, c := range checks {
		want := maps.Clone(labels)
		maps.Copy(want, c.extra)
		if got := gatewayValue(t, gw, c.name, want); got != c.want {
			t.Errorf("%s %v = %v, want %v", c.name, want, got, c.want)
		}
	}
}

// TestPushJob checks the job of the pushed group: K_SERVICE (the
// Knative Service), else Options.Name, else DefaultName; never the
// logger's name.
func TestPushJob(t *testing.T) {
	gw := pushtest.Start(t)
	tests := []struct {
		name    string
		fnName  string
		service string
		want    string
	}{
		{"k service", "tabot-strategy", "strategy-trend", "strategy-trend"},
		{"function name", "tabot-publisher", "", "tabot-publisher"},
		{"default", "", "", fnhttp.DefaultName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := pushConfig(gw, time.Hour)
			cfg.Service = tt.service
			srv := fnhttp.New(cfg, nil, fnhttp.Options{Name: tt.fnName,
				Logger: zap.NewNop().Named("ta_bot.publisher")})
			if got := srv.Name(); got != tt.want {
				t.Errorf("Name() = %q, want %q", got, tt.want)
			}
			r := start(t, srv)

			r.stop()
			if err := <-r.done; err != nil {
				t.Fatalf("Serve = %v, want nil", err)
			}
			r.done <- nil

			want := groupLabels(t, tt.want)
			found := false
			for _, g := range groups(t, gw) {
				found = found || maps.Equal(g.Labels, want)
			}
			if !found {
				t.Errorf("no group %v in %v", want, groups(t, gw))
			}
		})
	}
}

// TestPushFailures checks failed pushes are counted and logged by the
// server, on the interval and at shutdown, and never fail Serve.
func TestPushFailures(t *testing.T) {
	core, lines := observer.New(zapcore.DebugLevel)
	srv := fnhttp.New(pushConfig("http://"+closedAddr(t),
		10*time.Millisecond), nil, fnhttp.Options{Logger: zap.New(core)})
	r := start(t, srv)
	pushErrors := func() float64 {
		return errorsOf(srv.Metrics(), metrics.ErrPush)
	}

	eventually(t, 10*time.Second, "fewer than 2 failed pushes counted",
		func() bool { return pushErrors() >= 2 })
	r.stop()
	if err := <-r.done; err != nil {
		t.Errorf("Serve = %v, want nil: a push never fails it", err)
	}
	r.done <- nil

	warned := lines.FilterMessage("metrics push failed").
		FilterField(zap.String("error_type", "push")).Len()
	final := lines.FilterMessage("final metrics push failed").Len()
	if warned < 2 || final != 1 {
		t.Errorf("logged %d failed pushes and %d failed final ones, "+
			"want >= 2 and 1", warned, final)
	}
	if got := pushErrors(); got != float64(warned+final) {
		t.Errorf("errors_total{type=push} = %v, want %d, one per logged "+
			"failure", got, warned+final)
	}
}

// groupLabels returns the grouping labels a Server on this machine
// pushes under with job.
func groupLabels(tb testing.TB, job string) map[string]string {
	tb.Helper()
	host, err := os.Hostname()
	if err != nil {
		tb.Fatal(err)
	}
	return map[string]string{"job": job, push.InstanceLabel: host}
}

func groups(tb testing.TB, gw string) []push.Group {
	tb.Helper()
	g, err := push.Groups(context.Background(), http.DefaultClient, gw)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// gatewayValue returns the gateway's value of the series name with
// exactly labels, or -1 when there is none.
func gatewayValue(tb testing.TB, gw, name string,
	labels map[string]string) float64 {
	tb.Helper()
	return pushtest.Value(pushtest.Scrape(tb, gw), name, labels)
}

// closedAddr is a loopback address nothing listens on.
func closedAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
