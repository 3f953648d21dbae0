package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tabot-functions/tabot/shared/natsjs"
	"github.com/tabot-functions/tabot/shared/natsjs/natstest"
)

func TestRunStopsOnBadConfig(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no target", nil, "TARGETS or K_SINK"},
		{"both targets", map[string]string{"TARGETS": "http://a",
			"K_SINK": "http://b"}, "not both"},
		{"window", map[string]string{"TARGETS": "http://a",
			"WINDOW_SIZE": "many"}, "WINDOW_SIZE"},
		{"min candles", map[string]string{"TARGETS": "http://a",
			"WINDOW_SIZE": "10", "MIN_CANDLES": "11"}, "MIN_CANDLES"},
		{"clock skew", map[string]string{"TARGETS": "http://a",
			"CLOCK_SKEW": "2h"}, "CLOCK_SKEW"},
		{"nats url", map[string]string{"TARGETS": "http://a",
			"NATS_URL": "garbage"}, "NATS_URL"},
		{"clock skew negative", map[string]string{"TARGETS": "http://a",
			"CLOCK_SKEW": "-1s"}, "CLOCK_SKEW"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			err := run(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run = %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

// TestRun drives the binary's run from the environment: a candle on NATS
// reaches the target as a window, and cancelling stops it cleanly.
func TestRun(t *testing.T) {
	srv := natstest.Start(t)
	var posts atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Ce-Type") == "io.tabot.candles.v1" {
				posts.Add(1)
			}
		}))
	defer target.Close()
	for k, v := range map[string]string{
		"NATS_URL": srv.URL, "TARGETS": target.URL, "PORT": "0",
		"MIN_CANDLES": "1", "LOG_LEVEL": "error",
	} {
		t.Setenv(k, v)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()

	js := srv.Connect().JetStream()
	open := int64(1699999980000)
	natstest.Eventually(t, 5*time.Second, "no window at the target",
		func() bool {
			pctx, pcancel := context.WithTimeout(ctx, time.Second)
			defer pcancel()
			if _, err := natsjs.EnsureStream(pctx, js, natsjs.CandlesConfig(
				natsjs.DefaultCandlesStream, 1000)); err != nil {
				return false
			}
			// A new candle each time: those published before the
			// source's consumer exists are history, not decided on.
			open += 60000
			js.Publish(pctx, "candles.BTCUSDT.1m", []byte(fmt.Sprintf(
				`{"open_time":%d,"open":1,"high":2,"low":1,"close":1,`+
					`"volume":1}`, open)))
			return posts.Load() > 0
		})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after cancel = %v, want nil", err)
	}
}
