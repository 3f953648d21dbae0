package check

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/tabot-functions/tabot/shared/metrics"
)

// targetLabels are attached to every series by the scrape
// (prometheus.yml) or by the Pushgateway's grouping key.
var targetLabels = []string{"job", "instance", "namespace", "pod",
	"function"}

// kubernetesMetrics come from Kubernetes, not from the project: cAdvisor
// (in the kubelet) for containers and kube-state-metrics for pods. The
// infrastructure dashboard shows them beside the functions' own process
// metrics; no alert depends on them. Their labels are not checked.
var kubernetesMetrics = []string{
	// cAdvisor
	"container_cpu_usage_seconds_total",
	"container_memory_working_set_bytes",
	"container_network_receive_bytes_total",
	"container_network_transmit_bytes_total",
	// kube-state-metrics
	"kube_pod_status_phase",
	"kube_pod_container_status_restarts_total",
}

// prometheusMetrics are made by Prometheus or the Pushgateway.
var prometheusMetrics = map[string][]string{
	"up":                        nil, // per scrape target
	"push_time_seconds":         nil, // per pushed group
	"push_failure_time_seconds": nil,
}

// exposedMetrics returns every series name a TA Bot function exposes,
// with its labels, from shared/metrics itself: the ta_bot_* metrics and
// the process and Go collectors of metrics.NewRegistry.
func exposedMetrics(tb testing.TB) map[string][]string {
	tb.Helper()
	reg := metrics.NewRegistry()
	m := metrics.NewMetrics(reg)
	b := metrics.NewBacktest(reg)

	// A vector shows no series until a label value is used.
	m.InitStrategies("momentum_pulse")
	m.Component("nats", true)
	m.Processing(time.Millisecond)
	m.SinkRequests.WithLabelValues("200", "post")
	b.Record("momentum_pulse", 0.5, 0.1, 0.5)
	for _, s := range []any{m, b} {
		v := reflect.ValueOf(s).Elem()
		for i := range v.NumField() {
			c, ok := v.Field(i).Interface().(prometheus.Collector)
			if ok && testutil.CollectAndCount(c) == 0 {
				tb.Fatalf("%s.%s shows no series: use a label value of "+
					"it in exposedMetrics", v.Type(), v.Type().Field(i).Name)
			}
		}
	}

	families, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	exposed := map[string][]string{}
	for _, mf := range families {
		var labels []string
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if !slices.Contains(labels, l.GetName()) {
					labels = append(labels, l.GetName())
				}
			}
		}
		name := mf.GetName()
		if mf.GetType() != dto.MetricType_HISTOGRAM {
			exposed[name] = labels
			continue
		}
		for _, s := range HistogramSeries(name) {
			exposed[s] = labels
		}
		exposed[name+"_bucket"] = append(slices.Clone(labels), "le")
	}
	return exposed
}

// allExprs returns the PromQL of every rule and every dashboard.
func allExprs(tb testing.TB) []Expr {
	tb.Helper()
	var exprs []Expr
	for _, f := range glob(tb, rulesGlob) {
		e, err := RuleExprs(f)
		if err != nil {
			tb.Fatal(err)
		}
		exprs = append(exprs, e...)
	}
	for _, f := range glob(tb, dashboardGlob) {
		d, err := ReadDashboard(f)
		if err != nil {
			tb.Fatal(err)
		}
		exprs = append(exprs, d.Exprs(f)...)
	}
	return exprs
}

// Every expression of the rules and dashboards parses and names only
// metrics the functions, Prometheus or Kubernetes expose, with labels
// those metrics have.
func TestExpressionsNameExposedMetrics(t *testing.T) {
	exposed := exposedMetrics(t)
	for _, e := range allExprs(t) {
		expr, err := Parse(e.Query)
		if err != nil {
			t.Errorf("%s: %v\n\t%s", e.Where, err, e.Query)
			continue
		}
		for _, sel := range Selectors(expr) {
			if slices.Contains(kubernetesMetrics, sel.Metric) {
				continue
			}
			labels, ok := exposed[sel.Metric]
			if !ok {
				labels, ok = prometheusMetrics[sel.Metric]
			}
			if !ok {
				t.Errorf("%s: metric %q is not exposed by the project",
					e.Where, sel.Metric)
				continue
			}
			for _, l := range sel.Labels {
				if !slices.Contains(labels, l) &&
					!slices.Contains(targetLabels, l) {
					t.Errorf("%s: metric %s has no label %q",
						e.Where, sel.Metric, l)
				}
			}
		}
	}
}

// The checker itself tells a made-up metric, a made-up label and a bad
// expression apart from good ones.
func TestSelectorsAndParse(t *testing.T) {
	tests := []struct {
		query   string
		want    []Selector
		wantErr bool
	}{
		{
			query: `sum by (type) (rate(ta_bot_errors_total{type="push"}[$__rate_interval]))`,
			want:  []Selector{{"ta_bot_errors_total", []string{"type"}}},
		},
		{
			query: `up{job="tabot-functions"} == 0 and on (pod) ` +
				`kube_pod_status_phase{namespace=~"$namespace"}`,
			want: []Selector{{"up", []string{"job"}},
				{"kube_pod_status_phase", []string{"namespace"}}},
		},
		{query: `rate(ta_bot_errors_total[5m]`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			expr, err := Parse(tt.query)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse error = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			got := Selectors(expr)
			if len(got) != len(tt.want) {
				t.Fatalf("Selectors = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].Metric != tt.want[i].Metric ||
					!slices.Equal(got[i].Labels, tt.want[i].Labels) {
					t.Errorf("Selectors[%d] = %v, want %v", i, got[i],
						tt.want[i])
				}
			}
		})
	}
}

// Every ta_bot_* metric is shown on a dashboard.
func TestDashboardsShowEveryMetric(t *testing.T) {
	shown := map[string]bool{}
	for _, f := range glob(t, dashboardGlob) {
		d, err := ReadDashboard(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range d.Exprs(f) {
			expr, err := Parse(e.Query)
			if err != nil {
				continue // reported by TestExpressionsNameExposedMetrics
			}
			for _, s := range Selectors(expr) {
				shown[s.Metric] = true
			}
		}
	}
	for name := range exposedMetrics(t) {
		if !strings.HasPrefix(name, "ta_bot_") ||
			strings.HasSuffix(name, "_sum") {
			continue
		}
		base := strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"),
			"_count")
		if !shown[name] && !shown[base+"_bucket"] && !shown[base+"_count"] {
			t.Errorf("metric %s is on no dashboard", name)
		}
	}
}
