package check

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestPromtoolCheckRules(t *testing.T) {
	args := append([]string{"check", "rules"}, glob(t, rulesGlob)...)
	if out, ok := promtool(t, args...); !ok {
		t.Errorf("promtool check rules failed:\n%s", out)
	}
}

// Every alert is unit tested by promtool test rules.
func TestPromtoolTestRules(t *testing.T) {
	args := append([]string{"test", "rules"}, glob(t, ruleTestsGlob)...)
	if out, ok := promtool(t, args...); !ok {
		t.Errorf("promtool test rules failed:\n%s", out)
	}
}

// Every alert of the rules has at least one unit test.
func TestEveryAlertIsUnitTested(t *testing.T) {
	tested := map[string]bool{}
	for _, f := range glob(t, ruleTestsGlob) {
		var tf struct {
			Tests []struct {
				AlertRuleTest []struct {
					Alertname string `yaml:"alertname"`
					ExpAlerts []any  `yaml:"exp_alerts"`
				} `yaml:"alert_rule_test"`
			} `yaml:"tests"`
		}
		readYAML(t, f, &tf)
		for _, g := range tf.Tests {
			for _, a := range g.AlertRuleTest {
				// A test that only expects silence proves nothing alone.
				if len(a.ExpAlerts) > 0 {
					tested[a.Alertname] = true
				}
			}
		}
	}
	for _, alert := range alertNames(t) {
		if !tested[alert] {
			t.Errorf("alert %s has no promtool test where it fires", alert)
		}
	}
}

// The guide's eight alerts are all there.
func TestGuideAlertsExist(t *testing.T) {
	have := map[string]bool{}
	for _, a := range alertNames(t) {
		have[a] = true
	}
	for _, want := range []string{"TAPodDown", "TAHighErrorRate",
		"TANoSignals", "TALowConfidenceSignals", "TAHighProcessingTime",
		"TAHighCPUUsage", "TAHighMemoryUsage", "TAComponentUnhealthy"} {
		if !have[want] {
			t.Errorf("alert %s of the monitoring guide is missing", want)
		}
	}
}

// promtool check config, on a copy whose Kubernetes service discovery is
// swapped for a static target: Debian's Prometheus is built without
// Kubernetes discovery. The relabelling it feeds is tested on its own
// (relabel_test.go).
func TestPromtoolCheckConfig(t *testing.T) {
	var cfg map[string]any
	readYAML(t, promConfig, &cfg)

	swapped := 0
	for _, sc := range cfg["scrape_configs"].([]any) {
		sc := sc.(map[string]any)
		sd, ok := sc["kubernetes_sd_configs"]
		if !ok {
			continue
		}
		want := []any{map[string]any{"role": "pod"}}
		if !reflect.DeepEqual(sd, want) {
			t.Fatalf("job %v: kubernetes_sd_configs = %v, want %v",
				sc["job_name"], sd, want)
		}
		delete(sc, "kubernetes_sd_configs")
		sc["static_configs"] = []any{map[string]any{
			"targets": []any{"10.0.0.5:8080"}}}
		swapped++
	}
	if swapped == 0 {
		t.Fatal("no scrape job discovers the function pods")
	}

	dir := t.TempDir()
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "prometheus.yml"), b)
	os.Mkdir(filepath.Join(dir, "rules"), 0o755)
	for _, f := range glob(t, rulesGlob) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, "rules", filepath.Base(f)), b)
	}

	out, ok := promtool(t, "check", "config",
		filepath.Join(dir, "prometheus.yml"))
	if !ok {
		t.Errorf("promtool check config failed:\n%s", out)
	}
}

func alertNames(tb testing.TB) []string {
	tb.Helper()
	var names []string
	for _, f := range glob(tb, rulesGlob) {
		var rf struct {
			Groups []struct {
				Rules []struct {
					Alert string `yaml:"alert"`
				} `yaml:"rules"`
			} `yaml:"groups"`
		}
		readYAML(tb, f, &rf)
		for _, g := range rf.Groups {
			for _, r := range g.Rules {
				if r.Alert != "" {
					names = append(names, r.Alert)
				}
			}
		}
	}
	return names
}

func readYAML(tb testing.TB, path string, v any) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
}

func writeFile(tb testing.TB, path string, b []byte) {
	tb.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}
