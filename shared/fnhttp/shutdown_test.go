package fnhttp_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"

	"github.com/tabot-functions/tabot/shared/fnhttp"
)

// TestGracefulShutdown checks the order: readiness fails first, the
// in-flight request finishes, then the hooks run in registration order.
func TestGracefulShutdown(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	h := func(ctx context.Context, e ce.Event) (*ce.Event, error) {
		close(entered)
		<-release
		return nil, nil
	}
	srv := fnhttp.New(fnhttp.Common{}, h,
		fnhttp.Options{DrainDelay: 300 * time.Millisecond})
	var mu sync.Mutex
	var order []string
	for _, name := range []string{"drain nats", "final push"} {
		srv.OnShutdown(func(ctx context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			order = append(order, name)
			return nil
		})
	}
	r := start(t, srv)

	inflight := make(chan int, 1)
	go func() {
		resp, err := http.Post(r.url+"/", "application/json",
			strings.NewReader(mustJSON(t, testWindow(2))))
		if err != nil {
			inflight <- 0
			return
		}
		resp.Body.Close()
		inflight <- resp.StatusCode
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
	mu.Lock()
	if len(order) != 0 {
		t.Errorf("hooks ran before the in-flight request ended: %v", order)
	}
	mu.Unlock()
	close(release)

	if got := <-inflight; got != http.StatusAccepted {
		t.Errorf("in-flight request = %d, want 202", got)
	}
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Serve = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	r.done <- nil // for the cleanup in start
	if want := []string{"drain nats", "final push"}; strings.Join(order,
		",") != strings.Join(want, ",") {
		t.Errorf("hooks ran %v, want %v", order, want)
	}
}

// TestShutdownDeadline checks a stuck request cannot hold the shutdown
// past ShutdownTimeout, and a failing hook is reported.
func TestShutdownDeadline(t *testing.T) {
	entered := make(chan struct{})
	stuck := make(chan struct{})
	t.Cleanup(func() { close(stuck) })
	h := func(ctx context.Context, e ce.Event) (*ce.Event, error) {
		close(entered)
		<-stuck
		return nil, nil
	}
	srv := fnhttp.New(fnhttp.Common{}, h,
		fnhttp.Options{ShutdownTimeout: 200 * time.Millisecond})
	hookErr := errors.New("drain failed")
	srv.OnShutdown(func(ctx context.Context) error { return hookErr })
	r := start(t, srv)

	go func() {
		resp, err := http.Post(r.url+"/", "application/json",
			strings.NewReader(mustJSON(t, testWindow(2))))
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-entered
	began := time.Now()
	r.stop()

	select {
	case err := <-r.done:
		if !errors.Is(err, context.DeadlineExceeded) ||
			!errors.Is(err, hookErr) {
			t.Errorf("Serve = %v, want the deadline and the hook error", err)
		}
		if d := time.Since(began); d > 3*time.Second {
			t.Errorf("shutdown took %v, want about 200ms", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return within 5s")
	}
	r.done <- nil
}

func TestRunFailsOnBusyPort(t *testing.T) {
	first := start(t, fnhttp.New(fnhttp.Common{}, nil, fnhttp.Options{}))
	port := first.url[strings.LastIndex(first.url, ":")+1:]
	var cfg fnhttp.Common
	t.Setenv("PORT", port)
	if err := fnhttp.Load(&cfg); err != nil {
		t.Fatal(err)
	}

	err := fnhttp.New(cfg, nil, fnhttp.Options{}).Run(context.Background())

	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("Run on a busy port = %v, want a listen error", err)
	}
}
