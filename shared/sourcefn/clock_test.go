package sourcefn

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/tabot-functions/tabot/shared/natsjs"
	"github.com/tabot-functions/tabot/shared/natsjs/natstest"
)

// observed returns a logger at debug level and the lines it logged.
func observed() (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	return zap.New(core), logs
}

// fixedClock returns a clock that always reads now.
func fixedClock(now int64) func() time.Time {
	return func() time.Time { return time.UnixMilli(now) }
}

// terminations counts the messages of the candle-source's consumer that
// JetStream reports as terminated (never redelivered).
func terminations(t testing.TB, srv *natstest.Server) *atomic.Int32 {
	t.Helper()
	var n atomic.Int32
	subj := fmt.Sprintf("$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.%s.%s",
		natsjs.DefaultCandlesStream, "candle-source")
	sub, err := srv.Connect().NATS().Subscribe(subj, func(*nats.Msg) {
		n.Add(1)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sub.Unsubscribe() })
	return &n
}

// errorsOf returns the error fields of the lines logged with msg.
func errorsOf(logs *observer.ObservedLogs, msg string) []string {
	var out []string
	for _, e := range logs.FilterMessage(msg).All() {
		out = append(out, fmt.Sprint(e.ContextMap()["error"]))
	}
	return out
}

// TestFutureCandleRefused is the report of a 2027 candle on a 2026 clock:
// a candle that has not closed by the clock (plus CLOCK_SKEW) is refused
// as invalid input, terminated, counted and logged once, and the real
// candles after it still make their windows.
func TestFutureCandleRefused(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	terminated := terminations(t, srv)
	log, logs := observed()
	now := t0 + 10*minute
	src := startWith(t, testConfig(srv.URL, target.srv.URL), log,
		fixedClock(now))

	const y2027, y2099 = int64(1811808000000), int64(4070908800000)
	pub.candle(t0, 100)
	pub.candle(y2027, 200)
	pub.candle(y2099, 300)
	pub.candle(t0+minute, 101)
	pub.candle(now+minute, 400) // closes 2m after now: past the skew
	pub.candle(now, 102)        // closes 1m after now: within the skew
	target.waitIDs(t, id(t0), id(t0+minute), id(now))
	settled(t, srv)

	if got := target.postCount(); got != 3 {
		t.Errorf("%d posts, want 3", got)
	}
	natstest.Eventually(t, 5*time.Second, "3 terminated candles",
		func() bool { return terminated.Load() == 3 })
	for outcome, want := range map[string]float64{
		"appended": 3, "inserted": 0, "dropped": 0, outcomeInvalid: 3,
	} {
		if got := counter(t, src.Source, outcome); got != want {
			t.Errorf("candles{outcome=%q} = %v, want %v", outcome, got, want)
		}
	}
	if got := testutil.ToFloat64(
		src.m.Errors.WithLabelValues("invalid_input")); got != 3 {
		t.Errorf("errors{invalid_input} = %v, want 3", got)
	}

	errs := errorsOf(logs, "candle rejected")
	if len(errs) != 3 {
		t.Fatalf("%d rejections logged, want 3: %q", len(errs), errs)
	}
	for i, want := range []string{"2027-06-01T00:00:00Z",
		"2099-01-01T00:00:00Z", "2023-11-14T22:24:00Z"} {
		if !strings.Contains(errs[i], want) ||
			!strings.Contains(errs[i], "not closed") ||
			!strings.Contains(errs[i], "now 2023-11-14T22:23:00Z") {
			t.Errorf("rejection %d = %q, want the open time %s and now",
				i, errs[i], want)
		}
	}
	if n := logs.FilterMessageSnippet("late").Len(); n != 0 {
		t.Errorf("%d lines about late candles, want 0", n)
	}
}

// TestRebuildSkipsFutureCandle: a candle from the future that the stream
// holds (stored before the check existed) is left out of the rebuilt
// window, so the next real candle is the newest and makes its window.
func TestRebuildSkipsFutureCandle(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	pub.candle(t0, 100)
	pub.candle(t0+minute, 101)
	pub.candle(1811808000000, 200) // 2027-06-01
	pub.candle(t0+2*minute, 102)

	log, logs := observed()
	startWith(t, testConfig(srv.URL, target.srv.URL), log,
		fixedClock(t0+10*minute))
	pub.candle(t0+3*minute, 103)
	target.waitIDs(t, id(t0+3*minute))
	settled(t, srv)

	w, _ := target.window(id(t0 + 3*minute))
	if got, want := closes(w), []float64{100, 101, 102, 103}; !slices.Equal(got, want) {
		t.Errorf("window closes %v, want %v", got, want)
	}
	lines := logs.FilterMessage(
		"candles not closed left out of the windows").All()
	if len(lines) != 1 || lines[0].ContextMap()[keyCandles] != int64(1) {
		t.Errorf("rebuild warnings %v, want one about 1 candle", lines)
	}
}

// TestLateCandlesVisible: late candles (inserted or dropped) send no
// window but are counted and logged at debug, and a run of them warns at
// lateWarnAfter in a row; a new newest candle ends the run.
func TestLateCandlesVisible(t *testing.T) {
	srv := natstest.Start(t)
	pub := newPublisher(t, srv)
	target := newSink(t)
	cfg := testConfig(srv.URL, target.srv.URL)
	cfg.WindowSize = 3
	log, logs := observed()
	src := startWith(t, cfg, log, nil)

	newest := t0 + 10*minute
	pub.candle(newest, 110)
	for i := int64(1); i <= 5; i++ { // 2 inserted, then 3 dropped
		pub.candle(newest-i*minute, float64(110-i))
	}
	pub.candle(newest+minute, 111) // ends the run
	pub.candle(newest-minute, 109) // a duplicate: not late
	pub.candle(newest, 98)         // a conflict: not late
	target.waitIDs(t, id(newest), id(newest+minute))
	settled(t, srv)

	for outcome, want := range map[string]float64{
		"appended": 2, "inserted": 2, "dropped": 3, "duplicate": 1,
		outcomeConflict: 1,
	} {
		if got := counter(t, src.Source, outcome); got != want {
			t.Errorf("candles{outcome=%q} = %v, want %v", outcome, got, want)
		}
	}
	debug := logs.FilterMessage("late candle: no window sent")
	if got := debug.FilterLevelExact(zapcore.DebugLevel).Len(); got != 5 {
		t.Errorf("%d late candles logged at debug, want 5", got)
	}
	warns := logs.FilterMessageSnippet("late candles in a row").All()
	if len(warns) != 1 || warns[0].Level != zapcore.WarnLevel {
		t.Fatalf("late-run warnings %v, want 1", warns)
	}
	f := warns[0].ContextMap()
	if f[keyLateRun] != int64(lateWarnAfter) ||
		f[keyNewest] != time.UnixMilli(newest).UTC() {
		t.Errorf("warning fields %v, want %d in a row behind %s", f,
			lateWarnAfter, time.UnixMilli(newest).UTC())
	}
}
