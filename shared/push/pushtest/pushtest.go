// Package pushtest starts a real Pushgateway for tests, and finds the
// Prometheus tools (promtool, pushgateway, amtool) the tests run.
package pushtest

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// ToolsDir is where `make tools` installs the tools, relative to the
// repository's root.
const ToolsDir = ".tools/bin"

// Tool returns the path of the named tool, looked up on PATH under each
// of names and then in ToolsDir of the current directory or one of its
// parents. It fails the test, never skips it, when the tool is missing.
func Tool(tb testing.TB, names ...string) string {
	tb.Helper()

	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatalf("find %s: %v", names[0], err)
	}
	for {
		for _, n := range names {
			p := filepath.Join(dir, ToolsDir, n)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				return p
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	tb.Fatalf("%s is neither on PATH nor in %s: run `make tools`",
		names[0], ToolsDir)
	return ""
}

// Start runs a Pushgateway on a free port of 127.0.0.1, waits until it
// is ready and returns its URL. The process is stopped when the test
// ends.
func Start(tb testing.TB) string {
	tb.Helper()

	bin := Tool(tb, "pushgateway", "prometheus-pushgateway")
	var lastErr error
	for range 3 { // another process may take the port first
		url, err := start(tb, bin)
		if err == nil {
			return url
		}
		lastErr = err
	}
	tb.Fatalf("start pushgateway: %v", lastErr)
	return ""
}

func start(tb testing.TB, bin string) (string, error) {
	port, err := freePort()
	if err != nil {
		return "", err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	out := &syncBuffer{}
	cmd := exec.Command(bin, "--web.listen-address="+addr,
		"--log.level=warn")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return "", err
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	tb.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})

	url := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return "", fmt.Errorf("exited: %s", out.String())
		default:
		}
		if ready(url) {
			return url, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "", fmt.Errorf("not ready after 10s: %s", out.String())
}

func ready(url string) bool {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get(url + "/-/ready")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer collects a process's output while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Scrape reads url's /metrics as Prometheus does (a Pushgateway's, or a
// function's).
func Scrape(tb testing.TB, url string) map[string]*dto.MetricFamily {
	tb.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		tb.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		tb.Fatalf("parse the scrape of %s: %v", url, err)
	}
	return families
}

// Value returns the value of the series name with exactly labels in
// families, or -1 when there is none.
func Value(families map[string]*dto.MetricFamily, name string,
	labels map[string]string) float64 {
	for _, m := range families[name].GetMetric() {
		if !sameLabels(m.GetLabel(), labels) {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue()
		case m.Gauge != nil:
			return m.GetGauge().GetValue()
		case m.Untyped != nil:
			return m.GetUntyped().GetValue()
		}
	}
	return -1
}

func sameLabels(got []*dto.LabelPair, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for _, l := range got {
		if v, ok := want[l.GetName()]; !ok || v != l.GetValue() {
			return false
		}
	}
	return true
}
