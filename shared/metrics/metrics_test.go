package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/tabot-functions/tabot/shared/metrics"
)

func TestSignalCountsOncePerCall(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.NewMetrics(reg)

	m.Signal("momentum_pulse", 0.74)
	m.Signal("momentum_pulse", 0.91)
	m.Signal("band_fade_reversal", 0.62)

	tests := []struct {
		strategy string
		want     float64
	}{
		{"momentum_pulse", 2},
		{"band_fade_reversal", 1},
	}
	for _, tt := range tests {
		c := m.SignalsGenerated.WithLabelValues(tt.strategy)
		if got := testutil.ToFloat64(c); got != tt.want {
			t.Errorf("signals_generated_total{strategy=%q} = %v, want %v",
				tt.strategy, got, tt.want)
		}
	}

	want := `
# HELP ta_bot_signal_confidence Confidence of the signals generated, by strategy.
# TYPE ta_bot_signal_confidence histogram
ta_bot_signal_confidence_bucket{strategy="momentum_pulse",le="0.5"} 0
ta_bot_signal_confidence_bucket{strategy="momentum_pulse",le="0.6"} 0
ta_bot_signal_confidence_bucket{strategy="momentum_pulse",le="0.65"} 0
ta_bot_signal_confidence_bucket{strategy="momentum_pulse",le="0.7"} 0
ta_bot_signal_confidence_bucket{strategy="momentum_pulse",le="0.75"} 1
ta_bot_signal_confidence_bucket{strategy="momentum_pulse",le="0.8"} 1
ta_bot_signal_confidence_bucket{strategy="momentum_pulse",le="0.85"} 1
ta_bot_signal_confidence_bucket{strategy="momentum_pulse",le="0.9"} 1
ta_bot_signal_confidence_bucket{strategy="momentum_pulse",le="0.95"} 2
ta_bot_signal_confidence_bucket{strategy="momentum_pulse",le="1"} 2
ta_bot_signal_confidence_bucket{strategy="momentum_pulse",le="+Inf"} 2
ta_bot_signal_confidence_sum{strategy="momentum_pulse"} 1.65
ta_bot_signal_confidence_count{strategy="momentum_pulse"} 2
`
	c := m.SignalConfidence.WithLabelValues("momentum_pulse").(prometheus.Collector)
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

func TestErrorTypesAreBounded(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.NewMetrics(reg)

	m.Error(metrics.ErrDecode)
	m.Error(metrics.ErrDecode)
	m.Error(metrics.ErrorType("BTCUSDT from the wire"))

	tests := []struct {
		typ  metrics.ErrorType
		want float64
	}{
		{metrics.ErrDecode, 2},
		{metrics.ErrOther, 1},
		{metrics.ErrPanic, 0},
	}
	for _, tt := range tests {
		got := testutil.ToFloat64(m.Errors.WithLabelValues(string(tt.typ)))
		if got != tt.want {
			t.Errorf("errors_total{type=%q} = %v, want %v", tt.typ, got, tt.want)
		}
	}

	// Every known type exists from the start, and nothing else.
	if got, want := testutil.CollectAndCount(m.Errors),
		len(metrics.ErrorTypes()); got != want {
		t.Errorf("errors_total has %d series, want %d", got, want)
	}
}

func TestComponentAndProcessing(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.NewMetrics(reg)

	m.Component("nats_connection", true)
	m.Component("publisher", false)
	m.Processing(30 * time.Millisecond)

	want := `
# HELP ta_bot_component_status Component status (1 healthy, 0 unhealthy).
# TYPE ta_bot_component_status gauge
ta_bot_component_status{component="nats_connection"} 1
ta_bot_component_status{component="publisher"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"ta_bot_component_status"); err != nil {
		t.Error(err)
	}
	if got := testutil.CollectAndCount(m.ProcessingTime); got != 1 {
		t.Errorf("processing_time_seconds series = %d, want 1", got)
	}
}

func TestInitStrategiesCreatesZeroSeries(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.NewMetrics(reg)

	m.InitStrategies("a", "b")

	want := `
# HELP ta_bot_signals_generated_total Signals generated, by strategy.
# TYPE ta_bot_signals_generated_total counter
ta_bot_signals_generated_total{strategy="a"} 0
ta_bot_signals_generated_total{strategy="b"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"ta_bot_signals_generated_total"); err != nil {
		t.Error(err)
	}
}

// TestRoundTripperCountsOnce is BC-26: one request through the
// instrumented client is counted once (client_golang#1117 counted it
// twice).
func TestRoundTripperCountsOnce(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	reg := prometheus.NewRegistry()
	m := metrics.NewMetrics(reg)
	hc := &http.Client{Transport: m.RoundTripper(nil)}

	resp, err := hc.Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	got := testutil.ToFloat64(m.SinkRequests.WithLabelValues("200", "post"))
	if got != 1 {
		t.Errorf("sink_requests_total{code=200,method=post} = %v, want 1", got)
	}
}

func TestBacktestOnItsOwn(t *testing.T) {
	reg := prometheus.NewRegistry()
	b := metrics.NewBacktest(reg)

	b.Record("momentum_pulse", 0.55, -0.031, 0.48)

	want := `
# HELP ta_bot_profit_loss_total Backtest summed return of the simulated trades.
# TYPE ta_bot_profit_loss_total gauge
ta_bot_profit_loss_total{strategy="momentum_pulse"} -0.031
# HELP ta_bot_signal_accuracy Backtest share of signals that reached their target.
# TYPE ta_bot_signal_accuracy gauge
ta_bot_signal_accuracy{strategy="momentum_pulse"} 0.55
# HELP ta_bot_win_rate Backtest winning trades over closed trades.
# TYPE ta_bot_win_rate gauge
ta_bot_win_rate{strategy="momentum_pulse"} 0.48
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

// TestLint runs promlint over every metric; the only accepted problem is
// the guide's _total suffix on the profit and loss gauge.
func TestLint(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.NewMetrics(reg)
	b := metrics.NewBacktest(reg)
	m.InitStrategies("momentum_pulse")
	m.Component("publisher", true)
	m.SinkRequests.WithLabelValues("200", "post")
	b.Record("momentum_pulse", 0.5, 1, 0.5)

	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if p.Metric == "ta_bot_profit_loss_total" {
			continue
		}
		t.Errorf("lint %s: %s", p.Metric, p.Text)
	}
}

func TestNewRegistryHasRuntimeCollectors(t *testing.T) {
	reg := metrics.NewRegistry()

	n, err := testutil.GatherAndCount(reg, "go_goroutines")
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("go_goroutines series = %d, want 1", n)
	}
}
