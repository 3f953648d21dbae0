package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/publishfn"
	"github.com/tabot-functions/tabot/shared/sourcefn"
	"github.com/tabot-functions/tabot/shared/strategyfn"
	"github.com/tabot-functions/tabot/shared/tracing/tracingtest"
)

// traceStrategy fires on the bundled BTCUSDT 1h candles 33 and 34 with
// 20 candles of history, which keeps the run short.
const (
	traceStrategy = "bollinger_breakout_signals"
	tracedCandle  = 33
	rootCandle    = 34
)

// TestPipelineTrace runs the pipeline as `tabot run` wires it, with
// OTEL_EXPORTER_OTLP_ENDPOINT on a real OTLP/HTTP receiver. A candle
// published with a traceparent header and one without each give one
// trace: the candle-source's span (the producer's child, or a root),
// the strategy's span its child, the publisher's span the strategy's
// child, and the signal stored in SIGNALS carries the publisher's span
// in its traceparent header.
func TestPipelineTrace(t *testing.T) {
	col := tracingtest.Start(t)
	candles := loadTestCandles(t, btcFile, rootCandle+1)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	o := runOptions{symbol: btcSym, interval: btcIv, window: runWin,
		otlp: col.URL()}
	p, err := startPipeline(ctx, o, []string{traceStrategy}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.stop)

	process(t, ctx, p, candles[:tracedCandle])
	const (
		producerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
		producerSpan  = "00f067aa0ba902b7"
	)
	publishCandle(t, ctx, p, candles[tracedCandle],
		"00-"+producerTrace+"-"+producerSpan+"-01")
	publishCandle(t, ctx, p, candles[rootCandle], "")
	waitBacklogEmpty(t, ctx, p)
	headers := storedHeaders(t, p.js, 2)
	p.stop() // the functions flush their spans

	traced := signalID(candles[tracedCandle])
	root := signalID(candles[rootCandle])
	for _, c := range []struct {
		name, signal, trace, parent string
	}{
		{"traced candle", traced, producerTrace, producerSpan},
		{"candle without a trace", root, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, ok := headers[c.signal]
			if !ok {
				t.Fatalf("signal %s not stored; stored %v", c.signal,
					headers)
			}
			checkTrace(t, col, h, c.trace, c.parent)
		})
	}
}

// checkTrace checks the trace of the stored signal's traceparent: one
// span per function, chained source -> strategy -> publisher, the
// source's under parent (a root when ""), and the stored traceparent
// naming the publisher's span. trace "" takes the stored one's.
func checkTrace(t *testing.T, col *tracingtest.Collector, traceparent,
	trace, parent string) {
	t.Helper()
	parts := strings.Split(traceparent, "-")
	if len(parts) != 4 || (trace != "" && parts[1] != trace) {
		t.Fatalf("stored traceparent %q, want one of trace %s",
			traceparent, trace)
	}
	trace = parts[1]

	byService := map[string]tracingtest.Span{}
	for _, s := range col.Trace(trace) {
		if _, dup := byService[s.Service]; dup {
			t.Errorf("trace %s: two spans of %s", trace, s.Service)
		}
		byService[s.Service] = s
	}
	source := byService[sourcefn.Name]
	strategy := byService[strategyfn.Name]
	publisher := byService[publishfn.Name]
	if len(byService) != 3 || source.SpanID == "" ||
		strategy.SpanID == "" || publisher.SpanID == "" {
		t.Fatalf("trace %s has spans of %v, want one of each function",
			trace, services(byService))
	}
	links := []struct {
		what, got, want string
	}{
		{"candle-source's parent", source.ParentID, parent},
		{"strategy's parent", strategy.ParentID, source.SpanID},
		{"publisher's parent", publisher.ParentID, strategy.SpanID},
		{"stored message's span", parts[2], publisher.SpanID},
	}
	for _, l := range links {
		if l.got != l.want {
			t.Errorf("%s = %q, want %q", l.what, l.got, l.want)
		}
	}
	if got := strategy.Attr("tabot.signals"); got != "1" {
		t.Errorf("strategy span: tabot.signals = %q, want 1", got)
	}
}

// publishCandle publishes one candle as `tabot run` does, with a
// traceparent header unless traceparent is empty.
func publishCandle(t testing.TB, ctx context.Context, p *pipeline,
	c candle.Candle, traceparent string) {
	t.Helper()
	b, err := json.Marshal(candleMessage{btcSym, btcIv, c})
	if err != nil {
		t.Fatal(err)
	}
	msg := nats.NewMsg(event.CandleSubject(btcSym, btcIv))
	msg.Data = b
	if traceparent != "" {
		msg.Header.Set("traceparent", traceparent)
	}
	if _, err := p.js.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
}

// storedHeaders waits until SIGNALS holds n messages and returns the
// traceparent header of each, by signal id.
func storedHeaders(t testing.TB, js jetstream.JetStream,
	n int) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, "SIGNALS",
		jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string)
	for len(out) < n {
		m, err := cons.Next(jetstream.FetchMaxWait(10 * time.Second))
		if err != nil {
			t.Fatalf("read SIGNALS after %d of %d: %v", len(out), n, err)
		}
		out[m.Headers().Get(jetstream.MsgIDHeader)] =
			m.Headers().Get("traceparent")
	}
	return out
}

func signalID(c candle.Candle) string {
	return event.SignalID(traceStrategy, btcSym, btcIv, c.OpenTime)
}

func services(m map[string]tracingtest.Span) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
