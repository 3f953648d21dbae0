package check

import (
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
)

// The relabelling of the tabot-functions job, applied to the labels
// Kubernetes pod discovery gives OpenFaaS and Knative pods.
func TestFunctionPodRelabelling(t *testing.T) {
	cfgs := scrapeRelabelConfigs(t, "tabot-functions")

	// pod returns the discovered labels of a TA Bot function pod.
	pod := func(overrides map[string]string) map[string]string {
		l := map[string]string{
			"__address__":                               "10.0.0.5:8080",
			"__metrics_path__":                          "/metrics",
			"__scheme__":                                "http",
			"job":                                       "tabot-functions",
			"__meta_kubernetes_namespace":               "openfaas-fn",
			"__meta_kubernetes_pod_name":                "strategy-7d9f-abcde",
			"__meta_kubernetes_pod_phase":               "Running",
			"__meta_kubernetes_pod_container_name":      "strategy",
			"__meta_kubernetes_pod_label_faas_function": "strategy",
			"__meta_kubernetes_pod_label_app_kubernetes_io_part_of": "tabot",
			"__meta_kubernetes_pod_annotation_prometheus_io_scrape": "true",
			"__meta_kubernetes_pod_annotation_prometheus_io_port":   "8080",
		}
		for k, v := range overrides {
			if v == "" {
				delete(l, k)
			} else {
				l[k] = v
			}
		}
		return l
	}
	knative := map[string]string{
		"__address__":                                             "10.0.0.6:8080",
		"__meta_kubernetes_namespace":                             "tabot",
		"__meta_kubernetes_pod_name":                              "publisher-00001-deployment-5c4b-fghij",
		"__meta_kubernetes_pod_container_name":                    "user-container",
		"__meta_kubernetes_pod_label_faas_function":               "",
		"__meta_kubernetes_pod_label_serving_knative_dev_service": "publisher",
	}

	tests := []struct {
		name   string
		in     map[string]string
		keep   bool
		target map[string]string
	}{
		{
			name: "OpenFaaS function pod",
			in:   pod(nil),
			keep: true,
			target: map[string]string{
				"__address__": "10.0.0.5:8080", "job": "tabot-functions",
				"namespace": "openfaas-fn", "pod": "strategy-7d9f-abcde",
				"function": "strategy", "__metrics_path__": "/metrics",
			},
		},
		{
			name: "Knative user container",
			in:   pod(knative),
			keep: true,
			target: map[string]string{
				"__address__": "10.0.0.6:8080", "job": "tabot-functions",
				"namespace": "tabot",
				"pod":       "publisher-00001-deployment-5c4b-fghij",
				"function":  "publisher", "__metrics_path__": "/metrics",
			},
		},
		{
			name: "port from the annotation",
			in: pod(map[string]string{"__address__": "10.0.0.7",
				"__meta_kubernetes_pod_annotation_prometheus_io_port": "9090"}),
			keep: true,
			target: map[string]string{
				"__address__": "10.0.0.7:9090", "job": "tabot-functions",
				"namespace": "openfaas-fn", "pod": "strategy-7d9f-abcde",
				"function": "strategy", "__metrics_path__": "/metrics",
			},
		},
		{
			name: "Knative queue-proxy",
			in: pod(map[string]string{
				"__address__":                          "10.0.0.6:9091",
				"__meta_kubernetes_pod_container_name": "queue-proxy"}),
		},
		{
			name: "no scrape annotation",
			in: pod(map[string]string{
				"__meta_kubernetes_pod_annotation_prometheus_io_scrape": ""}),
		},
		{
			name: "scrape annotation false",
			in: pod(map[string]string{
				"__meta_kubernetes_pod_annotation_prometheus_io_scrape": "false"}),
		},
		{
			name: "another application's pod",
			in: pod(map[string]string{
				"__meta_kubernetes_pod_label_app_kubernetes_io_part_of": "shop"}),
		},
		{
			name: "pending pod",
			in:   pod(map[string]string{"__meta_kubernetes_pod_phase": "Pending"}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lb := labels.NewBuilder(labels.FromMap(tt.in))
			keep := relabel.ProcessBuilder(lb, cfgs...)
			got := lb.Labels()
			if keep != tt.keep {
				t.Fatalf("kept = %v, want %v (labels %v)", keep, tt.keep, got)
			}
			if !keep {
				return
			}
			// The __meta_ labels are dropped after relabelling.
			target := map[string]string{}
			got.Range(func(l labels.Label) {
				if len(l.Name) < 7 || l.Name[:7] != "__meta_" {
					target[l.Name] = l.Value
				}
			})
			delete(target, "__scheme__")
			if !equalMaps(target, tt.target) {
				t.Errorf("target labels = %v, want %v", target, tt.target)
			}
		})
	}
}

func scrapeRelabelConfigs(tb testing.TB, job string) []*relabel.Config {
	tb.Helper()
	var cfg struct {
		ScrapeConfigs []struct {
			JobName        string            `yaml:"job_name"`
			RelabelConfigs []*relabel.Config `yaml:"relabel_configs"`
		} `yaml:"scrape_configs"`
	}
	readYAML(tb, promConfig, &cfg)
	for _, sc := range cfg.ScrapeConfigs {
		if sc.JobName != job {
			continue
		}
		for i, c := range sc.RelabelConfigs {
			if err := c.Validate(model.UTF8Validation); err != nil {
				tb.Fatalf("job %s relabel_configs[%d]: %v", job, i, err)
			}
		}
		return sc.RelabelConfigs
	}
	tb.Fatalf("no scrape job %s in %s", job, promConfig)
	return nil
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
