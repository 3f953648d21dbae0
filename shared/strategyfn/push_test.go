package strategyfn_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tabot-functions/tabot/shared/push/pushtest"
	"github.com/tabot-functions/tabot/shared/strategyfn"
)

// TestSignalsPushedOnShutdown runs the function with PUSHGATEWAY_URL
// set, with K_SERVICE as Knative sets it and without, and checks the
// signal it counted is in the Pushgateway under job K_SERVICE, else
// tabot-strategy, once it stopped, though the push interval never
// elapsed.
func TestSignalsPushedOnShutdown(t *testing.T) {
	gw := pushtest.Start(t)
	tests := []struct {
		name, service, job string
	}{
		{"knative", "strategy-momentum", "strategy-momentum"},
		{"default", "", strategyfn.Name},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config("all")
			cfg.PushgatewayURL = gw
			cfg.PushInterval = time.Hour
			cfg.Service = tt.service
			svc, err := strategyfn.New(cfg, registry(t,
				&fake{id: "a", history: 3, decide: buy(0.7)}), nil)
			if err != nil {
				t.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- svc.Serve(ctx, ln) }()
			f := &fn{svc: svc, url: "http://" + ln.Addr().String()}

			resp := f.post(t, nil, candleEvent(t, window("BTCUSDT", 5)))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("Serve = %v, want nil", err)
			}

			host, _ := os.Hostname()
			labels := map[string]string{"job": tt.job,
				"instance": host, "strategy": "a"}
			if got := pushed(t, gw, "ta_bot_signals_generated_total",
				labels); got != 1 {
				t.Errorf("ta_bot_signals_generated_total %v in the "+
					"gateway = %v, want 1", labels, got)
			}
		})
	}
}

// pushed returns the value of the counter name with exactly labels in
// the gateway at gw, or -1 when there is none.
func pushed(tb testing.TB, gw, name string, labels map[string]string) float64 {
	tb.Helper()
	resp, err := http.Get(gw + "/metrics")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	for _, m := range families[name].GetMetric() {
		if hasLabels(m, labels) {
			return m.GetCounter().GetValue()
		}
	}
	return -1
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	if len(m.GetLabel()) != len(want) {
		return false
	}
	for _, l := range m.GetLabel() {
		if want[l.GetName()] != l.GetValue() {
			return false
		}
	}
	return true
}
