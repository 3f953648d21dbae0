package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/strategy"
)

const (
	btcFile  = "btcusdt_1h_2021-11_2022-07.csv"
	btcSym   = "BTCUSDT"
	btcIv    = "1h"
	runWin   = 1000
	runTotal = 1100 // candles replayed: 101 windows of 1000
)

// loadTestCandles reads the first n candles of a file in testdata/.
func loadTestCandles(t testing.TB, name string, n int) []candle.Candle {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cs, err := candle.ReadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) < n {
		t.Fatalf("%s has %d candles, want %d", name, len(cs), n)
	}
	return cs[:n]
}

// expectedSignals evaluates every window the candle-source sends for
// candles, straight through the strategy package, and returns the
// signal ids the pipeline must store, with strategy and action.
func expectedSignals(t testing.TB, candles []candle.Candle) map[string]string {
	t.Helper()
	list := strategy.Default().All()
	bounds := strategy.DefaultBounds()
	min := strategy.MaxHistory(list)
	want := make(map[string]string)
	for i := range candles {
		lo := max(0, i+1-runWin)
		if i+1-lo < min {
			continue
		}
		win := candles[lo : i+1]
		in := strategy.NewInput(btcSym, btcIv, candle.NewSeries(win))
		open := win[len(win)-1].OpenTime
		for _, o := range strategy.EvaluateAll(list, in) {
			if o.Decision == nil || !bounds.Admits(o.Decision.Confidence) {
				continue
			}
			id := event.SignalID(o.Strategy.ID(), btcSym, btcIv, open)
			want[id] = o.Strategy.ID() + " " + string(o.Decision.Action)
		}
	}
	if len(want) == 0 {
		t.Fatal("no signal expected: pick more candles")
	}
	return want
}

// storedSignals reads the whole SIGNALS stream: id -> strategy and
// action, and how many messages carried each id.
func storedSignals(t testing.TB, js jetstream.JetStream) (
	map[string]string, map[string]int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, "SIGNALS")
	if err != nil {
		t.Fatal(err)
	}
	last := st.CachedInfo().State.LastSeq
	got, count := make(map[string]string), make(map[string]int)
	if last == 0 {
		return got, count
	}
	cons, err := js.OrderedConsumer(ctx, "SIGNALS",
		jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for {
		m, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			t.Fatalf("read SIGNALS: %v", err)
		}
		if !json.Valid(m.Data()) {
			t.Errorf("%s: invalid JSON %q", m.Subject(), m.Data())
		}
		var s event.Signal
		if err := json.Unmarshal(m.Data(), &s); err != nil {
			t.Fatalf("%s: %v", m.Subject(), err)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("stored signal %s: %v", s.IntentID, err)
		}
		if h := m.Headers().Get(jetstream.MsgIDHeader); h != s.IntentID {
			t.Errorf("Nats-Msg-Id %q, intent_id %q", h, s.IntentID)
		}
		wantSubject := "signals." + s.StrategyID + "." + s.Symbol
		if s.Action == "hold" {
			wantSubject = "alerts." + s.StrategyID + "." + s.Symbol
		}
		if m.Subject() != wantSubject {
			t.Errorf("%s stored on %s, want %s", s.IntentID, m.Subject(),
				wantSubject)
		}
		got[s.IntentID] = s.StrategyID + " " + s.Action
		count[s.IntentID]++
		md, _ := m.Metadata()
		if md.Sequence.Stream >= last {
			return got, count
		}
	}
}

// compareSignals fails t unless got holds exactly want, each id once.
func compareSignals(t testing.TB, want, got map[string]string,
	count map[string]int) {
	t.Helper()
	for id, w := range want {
		if g, ok := got[id]; !ok {
			t.Errorf("signal %s (%s) missing from SIGNALS", id, w)
		} else if g != w {
			t.Errorf("signal %s: stored %s, want %s", id, g, w)
		}
	}
	for id, g := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("signal %s (%s) stored but not expected", id, g)
		}
		if count[id] != 1 {
			t.Errorf("signal %s stored %d times", id, count[id])
		}
	}
}

// startTestPipeline starts the local pipeline for a test.
func startTestPipeline(t testing.TB) (*pipeline, context.Context) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	o := runOptions{symbol: btcSym, interval: btcIv, window: runWin}
	p, err := startPipeline(ctx, o, []string{"all"}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.stop)
	return p, ctx
}

// process replays candles and waits until the pipeline decided on them.
func process(t testing.TB, ctx context.Context, p *pipeline,
	candles []candle.Candle) {
	t.Helper()
	if err := p.replay(ctx, btcSym, btcIv, candles); err != nil {
		t.Fatal(err)
	}
	waitBacklogEmpty(t, ctx, p)
}

func waitBacklogEmpty(t testing.TB, ctx context.Context, p *pipeline) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := p.waitBacklog(ctx, 1); err != nil {
		t.Fatalf("candle-source did not catch up: %v", err)
	}
}

// TestPipeline sends real candles through NATS, the candle-source, the
// strategy function over HTTP CloudEvents, the publisher and JetStream,
// and finds in SIGNALS exactly the signals the strategies take on the
// same windows; the same candles again change nothing.
func TestPipeline(t *testing.T) {
	candles := loadTestCandles(t, btcFile, runTotal)
	want := expectedSignals(t, candles)
	p, ctx := startTestPipeline(t)

	process(t, ctx, p, candles)
	got, count := storedSignals(t, p.js)
	compareSignals(t, want, got, count)

	t.Run("same candles again", func(t *testing.T) {
		// With the same message ids JetStream drops them at the door.
		process(t, ctx, p, candles[len(candles)-50:])
		// Without, the candle-source finds each in its window.
		for _, c := range candles[len(candles)-50:] {
			b, _ := json.Marshal(candleMessage{btcSym, btcIv, c})
			if _, err := p.js.Publish(ctx, "candles.BTCUSDT.1h",
				b); err != nil {
				t.Fatal(err)
			}
		}
		waitBacklogEmpty(t, ctx, p)
		got, count := storedSignals(t, p.js)
		compareSignals(t, want, got, count)
	})
}

// TestPipelineSourceRestart stops the candle-source in the middle of
// the replay, candles still unacknowledged, starts a new one on the same
// durable consumer, and finds every signal stored once.
func TestPipelineSourceRestart(t *testing.T) {
	candles := loadTestCandles(t, btcFile, runTotal)
	want := expectedSignals(t, candles)
	p, ctx := startTestPipeline(t)

	half := runWin + (runTotal-runWin)/2
	process(t, ctx, p, candles[:half])
	// Candles the source has not decided on when it stops.
	if err := p.publish(ctx, "candles.BTCUSDT.1h", btcSym, btcIv,
		candles[half:half+20]); err != nil {
		t.Fatal(err)
	}
	p.stopSource()
	left, err := p.backlog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stopped the candle-source with %d candles left", left)

	if err := p.startSource(ctx); err != nil {
		t.Fatal(err)
	}
	process(t, ctx, p, candles[half+20:])
	got, count := storedSignals(t, p.js)
	compareSignals(t, want, got, count)
}

// TestRunCommand runs `tabot run --json` over a small file and checks
// what a user sees: one valid signal per line, unique ids, risk levels
// on the right side, a summary on stderr.
func TestRunCommand(t *testing.T) {
	candles := loadTestCandles(t, btcFile, 1040)
	path := filepath.Join(t.TempDir(), "candles.csv")
	var b strings.Builder
	b.WriteString("open_time,open,high,low,close,volume\n")
	for _, c := range candles {
		fmt.Fprintf(&b, "%d,%v,%v,%v,%v,%v\n", c.OpenTime, c.Open, c.High,
			c.Low, c.Close, c.Volume)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"run", "--data", path,
		"--symbol", "BTCUSDT", "--interval", "1h", "--json"},
		&stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}

	ids := make(map[string]bool)
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var s event.Signal
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if ids[s.IntentID] {
			t.Errorf("id %s printed twice", s.IntentID)
		}
		ids[s.IntentID] = true
		switch s.Action {
		case "buy":
			if !(*s.StopLoss < s.Price && s.Price < *s.TakeProfit) {
				t.Errorf("buy %s: stop %v price %v target %v", s.IntentID,
					*s.StopLoss, s.Price, *s.TakeProfit)
			}
		case "sell":
			if !(*s.TakeProfit < s.Price && s.Price < *s.StopLoss) {
				t.Errorf("sell %s: stop %v price %v target %v", s.IntentID,
					*s.StopLoss, s.Price, *s.TakeProfit)
			}
		}
	}
	want := expectedSignals(t, candles)
	if len(ids) != len(want) {
		t.Errorf("printed %d signals, want %d", len(ids), len(want))
	}
	if !strings.Contains(stderr.String(), "1040 candles replayed") {
		t.Errorf("no summary on stderr:\n%s", stderr.String())
	}
}

func TestRunFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
		otlp string // OTEL_EXPORTER_OTLP_ENDPOINT
	}{
		{"symbol without data", []string{"--symbol", "ETHUSDT"},
			"--symbol and --interval go with --data", ""},
		{"bad symbol", []string{"--data", "x.csv", "--symbol", "eth",
			"--interval", "1h"}, "--symbol", ""},
		{"bad interval", []string{"--data", "x.csv", "--symbol", "ETHUSDT",
			"--interval", "7m"}, "--interval", ""},
		{"unknown strategy", []string{"--strategies", "nope"},
			"unknown strategy", ""},
		{"stray argument", []string{"now"}, "unexpected argument", ""},
		{"bad otlp endpoint", nil, "OTEL_EXPORTER_OTLP_ENDPOINT",
			"otel-collector:4318"},
		{"interval not the file's", []string{"--data",
			"../../testdata/ethusdt_15m_2021-03_2021-05.csv", "--symbol",
			"ETHUSDT", "--interval", "1h"}, "not on a 1h boundary", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", tt.otlp)
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"run"},
				tt.args...), &stdout, &stderr)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tt.want)
			}
		})
	}
}

func TestHelpExitsZero(t *testing.T) {
	for _, cmd := range []string{"run", "backtest", "indicators", "send",
		"manifests", "push-prune"} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{cmd, "-h"}, &stdout,
			&stderr); code != 0 {
			t.Errorf("tabot %s -h: exit %d, want 0; stderr %q", cmd, code,
				stderr.String())
		}
	}
}
