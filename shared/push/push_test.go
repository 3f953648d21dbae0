package push_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/tabot-functions/tabot/shared/push"
	"github.com/tabot-functions/tabot/shared/push/pushtest"
)

func TestNewRejectsBadArguments(t *testing.T) {
	reg := prometheus.NewRegistry()
	tests := []struct {
		name string
		url  string
		job  string
		opts []push.Option
		want error
	}{
		{"empty url", "", "tabot-strategy", nil, push.ErrURL},
		{"no scheme", "pushgateway:9091", "tabot-strategy", nil, push.ErrURL},
		{"other scheme", "ftp://pushgateway:9091", "j", nil, push.ErrURL},
		{"no host", "http://", "tabot-strategy", nil, push.ErrURL},
		{"empty job", "http://pushgateway:9091", "", nil, push.ErrJob},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := push.New(tt.url, tt.job, reg, tt.opts...)
			if !errors.Is(err, tt.want) {
				t.Errorf("New(%q, %q) error = %v, want %v",
					tt.url, tt.job, err, tt.want)
			}
		})
	}
}

func TestNewDefaultsInstanceToHostname(t *testing.T) {
	p, err := push.New("http://127.0.0.1:9091", "tabot-strategy",
		prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	if got := p.Instance(); got != host {
		t.Errorf("Instance() = %q, want the host name %q", got, host)
	}
}

func TestRunRejectsBadInterval(t *testing.T) {
	p := newPusher(t, "http://127.0.0.1:9091", prometheus.NewRegistry(),
		push.WithInstance("pod-a"))
	if err := p.Run(context.Background(), 0); !errors.Is(err,
		push.ErrInterval) {
		t.Errorf("Run(0) error = %v, want %v", err, push.ErrInterval)
	}
}

// A function's registry, with the process and Go collectors, reaches the
// Pushgateway under {job, instance}: the gateway accepts every family.
func TestPushFunctionRegistry(t *testing.T) {
	gw := pushtest.Start(t)
	reg, signals := functionRegistry(t)
	signals.WithLabelValues("momentum_pulse").Add(3)

	p := newPusher(t, gw, reg, push.WithInstance("strategy-7d9f-abcde"))
	if err := p.Push(context.Background()); err != nil {
		t.Fatalf("Push: %v", err)
	}

	families := pushtest.Scrape(t, gw)
	labels := map[string]string{
		"job": "tabot-strategy", "instance": "strategy-7d9f-abcde",
		"strategy": "momentum_pulse",
	}
	if got := pushtest.Value(families, "ta_bot_signals_generated_total",
		labels); got != 3 {
		t.Errorf("ta_bot_signals_generated_total%v = %v, want 3",
			labels, got)
	}
	for _, name := range []string{"go_goroutines",
		"process_resident_memory_bytes", "push_time_seconds"} {
		got := pushtest.Value(families, name, map[string]string{
			"job": "tabot-strategy", "instance": "strategy-7d9f-abcde"})
		if got <= 0 {
			t.Errorf("%s of the pushed group = %v, want > 0", name, got)
		}
	}
}

// Run pushes again on every tick: the gateway follows the counter.
func TestRunPushesOnInterval(t *testing.T) {
	gw := pushtest.Start(t)
	reg, signals := functionRegistry(t)
	p := newPusher(t, gw, reg, push.WithInstance("pod-a"))
	done := run(t, p, 20*time.Millisecond)

	labels := map[string]string{"job": "tabot-strategy",
		"instance": "pod-a", "strategy": "momentum_pulse"}
	for _, want := range []float64{1, 5} {
		signals.WithLabelValues("momentum_pulse").Add(
			want - testutil.ToFloat64(
				signals.WithLabelValues("momentum_pulse")))
		waitFor(t, "the pushed counter to reach the gateway", func() bool {
			return pushtest.Value(pushtest.Scrape(t, gw), "ta_bot_signals_generated_total",
				labels) == want
		})
	}

	if err := done(); err != nil {
		t.Errorf("Run after cancel = %v, want nil", err)
	}
}

// Cancelling Run pushes once more, though the interval never elapsed.
func TestRunPushesOnShutdown(t *testing.T) {
	gw := pushtest.Start(t)
	reg, signals := functionRegistry(t)
	p := newPusher(t, gw, reg, push.WithInstance("pod-b"))
	done := run(t, p, time.Hour)

	signals.WithLabelValues("band_fade_reversal").Add(7)
	if err := done(); err != nil {
		t.Fatalf("Run after cancel = %v, want nil", err)
	}

	labels := map[string]string{"job": "tabot-strategy",
		"instance": "pod-b", "strategy": "band_fade_reversal"}
	if got := pushtest.Value(pushtest.Scrape(t, gw), "ta_bot_signals_generated_total",
		labels); got != 7 {
		t.Errorf("after shutdown the gateway holds %v, want 7", got)
	}
}

// Start pushes on the interval; stop pushes what was recorded since, and
// a second stop returns the same result.
func TestStart(t *testing.T) {
	gw := pushtest.Start(t)
	reg, signals := functionRegistry(t)
	p := newPusher(t, gw, reg, push.WithInstance("pod-d"))
	stop := p.Start(time.Hour)
	t.Cleanup(func() { stop() })

	signals.WithLabelValues("momentum_pulse").Add(2)
	if err := stop(); err != nil {
		t.Fatalf("stop = %v, want nil", err)
	}
	if err := stop(); err != nil {
		t.Errorf("second stop = %v, want nil", err)
	}
	labels := map[string]string{"job": "tabot-strategy",
		"instance": "pod-d", "strategy": "momentum_pulse"}
	if got := pushtest.Value(pushtest.Scrape(t, gw), "ta_bot_signals_generated_total",
		labels); got != 2 {
		t.Errorf("after stop the gateway holds %v, want 2", got)
	}
}

// Pushes to an unreachable gateway are counted and handed to the error
// handler, Run goes on, and the failed final push is Run's error.
func TestRunCountsFailures(t *testing.T) {
	reg, _ := functionRegistry(t)
	failures := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "push_failures_total", Help: "Failed pushes."})
	var (
		mu     sync.Mutex
		errs   []error
		closed = "http://" + closedAddr(t)
	)
	p := newPusher(t, closed, reg, push.WithInstance("pod-c"),
		push.WithFailureCounter(failures),
		push.WithTimeout(time.Second),
		push.WithErrorHandler(func(err error) {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}))
	done := run(t, p, 10*time.Millisecond)

	waitFor(t, "two failed pushes", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(errs) >= 2
	})
	if err := done(); err == nil {
		t.Error("Run after cancel = nil, want the final push's error")
	}
	mu.Lock()
	handled := len(errs)
	mu.Unlock()
	// The final push is counted too, but returned, not handed over.
	if got := testutil.ToFloat64(failures); got != float64(handled+1) {
		t.Errorf("failures = %v, want %d handled + 1 final", got, handled)
	}
}

// Prune deletes only the groups of the given jobs that nobody pushed to
// since the cutoff.
func TestPrune(t *testing.T) {
	gw := pushtest.Start(t)
	ctx := context.Background()
	pushAs := func(job, instance string) {
		t.Helper()
		reg, _ := functionRegistry(t)
		p, err := push.New(gw, job, reg, push.WithInstance(instance))
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Push(ctx); err != nil {
			t.Fatal(err)
		}
	}
	pushAs("tabot-strategy", "gone-pod")
	pushAs("other-batch-job", "old")
	cutoff := time.Now()
	pushAs("tabot-strategy", "live-pod")

	deleted, err := push.Prune(ctx, http.DefaultClient, gw, cutoff,
		"tabot-strategy")
	if err != nil {
		t.Fatalf("Prune: %v", err)
	}
	if len(deleted) != 1 || deleted[0].Labels["instance"] != "gone-pod" {
		t.Errorf("Prune deleted %v, want only the group of gone-pod",
			deleted)
	}

	groups, err := push.Groups(ctx, http.DefaultClient, gw)
	if err != nil {
		t.Fatal(err)
	}
	left := map[string]bool{}
	for _, g := range groups {
		left[g.Labels["job"]+"/"+g.Labels["instance"]] = true
	}
	want := map[string]bool{"tabot-strategy/live-pod": true,
		"other-batch-job/old": true}
	if len(left) != len(want) || !left["tabot-strategy/live-pod"] ||
		!left["other-batch-job/old"] {
		t.Errorf("groups left = %v, want %v", left, want)
	}
}

func TestGroupsFromUnreachableGateway(t *testing.T) {
	_, err := push.Groups(context.Background(), http.DefaultClient,
		"http://"+closedAddr(t))
	if err == nil {
		t.Error("Groups of a closed port = nil error, want one")
	}
}

// functionRegistry is a registry shaped like a function's: the process
// and Go collectors and a labelled counter.
func functionRegistry(tb testing.TB) (*prometheus.Registry,
	*prometheus.CounterVec) {
	tb.Helper()
	reg := prometheus.NewRegistry()
	signals := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ta_bot_signals_generated_total",
		Help: "Signals generated, by strategy.",
	}, []string{"strategy"})
	reg.MustRegister(signals,
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewGoCollector())
	return reg, signals
}

func newPusher(tb testing.TB, url string, g prometheus.Gatherer,
	opts ...push.Option) *push.Pusher {
	tb.Helper()
	p, err := push.New(url, "tabot-strategy", g, opts...)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return p
}

// run starts p.Run and returns a func that cancels it and returns its
// error.
func run(tb testing.TB, p *push.Pusher,
	interval time.Duration) func() error {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx, interval) }()
	stopped := false
	var err error
	stop := func() error {
		if !stopped {
			cancel()
			err = <-errc
			stopped = true
		}
		return err
	}
	tb.Cleanup(func() { stop() })
	return stop
}

// closedAddr is a local address nothing listens on.
func closedAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
