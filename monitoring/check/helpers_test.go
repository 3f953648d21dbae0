package check

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tabot-functions/tabot/shared/push/pushtest"
)

// Paths of the monitoring configuration, from this package's directory.
const (
	monitoringDir = ".."
	rulesGlob     = "../prometheus/rules/*.yml"
	ruleTestsGlob = "../prometheus/tests/*.test.yml"
	promConfig    = "../prometheus/prometheus.yml"
	dashboardGlob = "../grafana/dashboards/*.json"
	amConfig      = "../alertmanager/alertmanager.yml"
)

// glob returns the files matching pattern, failing the test if none does.
func glob(tb testing.TB, pattern string) []string {
	tb.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		tb.Fatalf("no file matches %s (err %v)", pattern, err)
	}
	return files
}

// runTool runs a Prometheus tool and returns its combined output and
// whether it exited with status 0.
func runTool(tb testing.TB, names []string, args ...string) (string, bool) {
	tb.Helper()
	bin := pushtest.Tool(tb, names...)
	var out bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		tb.Fatalf("run %s: %v", bin, err)
	}
	return out.String(), err == nil
}

func promtool(tb testing.TB, args ...string) (string, bool) {
	tb.Helper()
	return runTool(tb, []string{"promtool"}, args...)
}

func amtool(tb testing.TB, args ...string) (string, bool) {
	tb.Helper()
	return runTool(tb, []string{"amtool"}, args...)
}
