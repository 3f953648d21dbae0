package main

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tabot-functions/tabot/shared/natsjs/natstest"
)

func TestRunStopsOnBadConfig(t *testing.T) {
	tests := []struct {
		key, value, want string
	}{
		{"DUPLICATE_WINDOW", "1s", "DUPLICATE_WINDOW"},
		{"NATS_URL", "garbage", "NATS_URL"},
		{"REST_URL", "api", "REST_URL"},
		{"LEGACY_SUBJECT_PREFIX", "a.*.b", "LEGACY_SUBJECT_PREFIX"},
		{"LEGACY_SUBJECT_PREFIX", "a.>", "LEGACY_SUBJECT_PREFIX"},
		{"SIGNALS_STREAM", "A.B", "SIGNALS_STREAM"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			t.Setenv(tc.key, tc.value)
			err := run(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run = %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

// TestRun drives the binary's run from the environment until it is ready,
// then cancels it.
func TestRun(t *testing.T) {
	srv := natstest.Start(t)
	port := freePort(t)
	t.Setenv("NATS_URL", srv.URL)
	t.Setenv("PORT", strconv.Itoa(port))
	t.Setenv("LOG_LEVEL", "error")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()

	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/ready"
	natstest.Eventually(t, 5*time.Second, "publisher not ready", func() bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after cancel = %v, want nil", err)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
