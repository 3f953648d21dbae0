package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/natsjs"
	"github.com/tabot-functions/tabot/shared/publishfn"
	"github.com/tabot-functions/tabot/shared/sourcefn"
	"github.com/tabot-functions/tabot/shared/strategy"
	"github.com/tabot-functions/tabot/shared/strategyfn"
	"github.com/tabot-functions/tabot/shared/tracing"
)

// bundledCSV is the candle file `tabot run` replays by default: Binance
// BTCUSDT 1h candles from November 2021 to July 2022.
//
//go:embed data/btcusdt_1h_2021-11_2022-07.csv
var bundledCSV []byte

// Names of the bundled data set.
const (
	bundledName     = "btcusdt_1h_2021-11_2022-07.csv (bundled)"
	bundledSymbol   = "BTCUSDT"
	bundledInterval = "1h"
)

// runCommand is `tabot run`: the whole pipeline on an embedded NATS
// server over a candle file.
func runCommand() command {
	return command{
		summary: "run the whole pipeline on an embedded NATS server " +
			"over a candle file",
		run: runPipeline,
	}
}

// runOptions are the flags of `tabot run`.
type runOptions struct {
	data       string
	symbol     string
	interval   string
	strategies string
	window     int
	json       bool
	follow     bool
	verbose    bool
	timeout    time.Duration
	// otlp is OTEL_EXPORTER_OTLP_ENDPOINT: with it, the three functions
	// export their spans there.
	otlp string
}

func parseRunFlags(args []string, stderr io.Writer) (runOptions, error) {
	var o runOptions
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.data, "data", "", "candle CSV file to replay "+
		"(header open_time,open,high,low,close,volume); default: the "+
		"bundled BTCUSDT 1h file")
	fs.StringVar(&o.symbol, "symbol", "", "symbol of --data, e.g. ETHUSDT")
	fs.StringVar(&o.interval, "interval", "", "interval of --data, e.g. 15m")
	fs.StringVar(&o.strategies, "strategies", "all",
		"strategy ids, comma separated, or all")
	fs.IntVar(&o.window, "window", candle.DefaultWindowSize,
		"candles in each window")
	fs.BoolVar(&o.json, "json", false, "print each signal as one JSON "+
		"object per line")
	fs.BoolVar(&o.follow, "follow", false, "keep serving after the replay "+
		"(stop with Ctrl-C)")
	fs.BoolVar(&o.verbose, "verbose", false, "log the functions' info "+
		"lines to stderr")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute,
		"give up when the replay has not been processed by then")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tabot run [--data FILE --symbol S "+
			"--interval I] [--strategies ids] [--json] [--follow]")
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "With OTEL_EXPORTER_OTLP_ENDPOINT set (an "+
			"OTLP/HTTP URL), the functions export their spans there.")
	}
	if err := fs.Parse(args); err != nil {
		return o, usageError(err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	o.otlp = os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
	if o.otlp != "" {
		if err := tracing.CheckEndpoint(o.otlp); err != nil {
			return o, fmt.Errorf("%w: OTEL_EXPORTER_OTLP_ENDPOINT: %v",
				errUsage, err)
		}
	}
	if o.data == "" {
		if o.symbol != "" || o.interval != "" {
			return o, fmt.Errorf("%w: --symbol and --interval go with --data",
				errUsage)
		}
		o.symbol, o.interval = bundledSymbol, bundledInterval
		return o, nil
	}
	if err := candle.ValidateSymbol(o.symbol); err != nil {
		return o, fmt.Errorf("%w: --symbol: %v", errUsage, err)
	}
	if _, err := candle.ParseInterval(o.interval); err != nil {
		return o, fmt.Errorf("%w: --interval: %v", errUsage, err)
	}
	return o, nil
}

// runPipeline starts NATS, the publisher, a strategy function and the
// candle-source, wired as on OpenFaaS, replays the candles into
// candles.<SYMBOL>.<INTERVAL> and prints every signal that reaches the
// SIGNALS stream. With OTEL_EXPORTER_OTLP_ENDPOINT set, the functions
// export their spans there, e.g. to a local Jaeger.
func runPipeline(ctx context.Context, args []string,
	stdout, stderr io.Writer) error {
	o, err := parseRunFlags(args, stderr)
	if err != nil {
		return err
	}
	candles, err := loadRunCandles(o.data)
	if err != nil {
		return err
	}
	if err := checkInterval(candles, o.interval); err != nil {
		return fmt.Errorf("%w: --interval: %v", errUsage, err)
	}
	ids := strings.Split(o.strategies, ",")
	if _, err := strategy.Default().Select(ids); err != nil {
		return fmt.Errorf("%w: --strategies: %v", errUsage, err)
	}

	log, err := runLogger(stderr, o.verbose)
	if err != nil {
		return err
	}
	defer log.Sync()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	p, err := startPipeline(ctx, o, ids, log)
	if err != nil {
		return err
	}
	defer p.stop()

	start := time.Now()
	printer := &signalPrinter{w: stdout, json: o.json}
	reader, err := p.readSignals(ctx, printer)
	if err != nil {
		return err
	}
	defer reader.Stop()

	fmt.Fprintf(stderr, "tabot run: replaying %d %s %s candles through %d "+
		"strategies (window %d)\n", len(candles), o.symbol, o.interval,
		p.strategies, o.window)
	if err := p.replay(ctx, o.symbol, o.interval, candles); err != nil {
		return err
	}
	wait, stopWait := context.WithTimeout(ctx, o.timeout)
	defer stopWait()
	if err := p.waitProcessed(wait, printer); err != nil {
		return err
	}
	printer.summary(stderr, len(candles), time.Since(start))

	if !o.follow {
		return nil
	}
	fmt.Fprintf(stderr, "tabot run: following; NATS %s, candle-source %s, "+
		"strategy %s, publisher %s (Ctrl-C stops)\n", p.natsURL,
		p.sourceURL, p.strategyURL, p.publisherURL)
	<-ctx.Done()
	return nil
}

// loadRunCandles reads the candle file, or the bundled one.
func loadRunCandles(path string) ([]candle.Candle, error) {
	if path == "" {
		return candle.ReadCSV(bytes.NewReader(bundledCSV))
	}
	return readCandleFile(path)
}

// runLogger logs the functions' warnings (or, verbose, their info lines)
// to stderr, keeping stdout for signals.
func runLogger(w io.Writer, verbose bool) (*zap.Logger, error) {
	level := "warn"
	if verbose {
		level = "info"
	}
	return logs.NewWriter(w, level, "ta_bot")
}

// pipeline is the running set: the embedded server and three functions.
type pipeline struct {
	conn       *natsjs.Conn
	js         jetstream.JetStream
	strategies int

	natsURL, sourceURL, strategyURL, publisherURL string

	// The candle-source can be stopped and started again.
	sourceConfig sourcefn.Config
	reg          *strategy.Registry
	log          *zap.Logger
	stopSource   func()

	stops []func()
	errc  chan error
}

func startPipeline(ctx context.Context, o runOptions, ids []string,
	log *zap.Logger) (*pipeline, error) {
	p := &pipeline{errc: make(chan error, 3)}
	ok := false
	defer func() {
		if !ok {
			p.stop()
		}
	}()

	dir, err := os.MkdirTemp("", "tabot-run-")
	if err != nil {
		return nil, err
	}
	p.stops = append(p.stops, func() { os.RemoveAll(dir) })
	ns, url, err := natsjs.StartEmbedded(filepath.Join(dir, "nats"), 0)
	if err != nil {
		return nil, fmt.Errorf("start nats: %w", err)
	}
	p.natsURL = url
	p.stops = append(p.stops, func() {
		ns.Shutdown()
		ns.WaitForShutdown()
	})
	p.conn, err = natsjs.Connect(ctx, url, natsjs.WithName("tabot-run"),
		natsjs.WithLogger(log))
	if err != nil {
		return nil, fmt.Errorf("connect nats: %w", err)
	}
	p.stops = append(p.stops, p.conn.Close)
	p.js = p.conn.JetStream()

	common := fnhttp.Common{LogLevel: "warn", Version: "dev",
		PushInterval: 15 * time.Second, OTLPEndpoint: o.otlp}

	pub, err := publishfn.New(publishfn.Config{Common: common, NATSURL: url,
		Stream: "SIGNALS", DuplicateWindow: 24 * time.Hour,
		PublishTimeout: 5 * time.Second, RESTAttempts: 1},
		log.Named("publisher"))
	if err != nil {
		return nil, fmt.Errorf("publisher: %w", err)
	}
	p.publisherURL, _, err = p.serve(ctx, "publisher", pub.Serve)
	if err != nil {
		return nil, err
	}

	reg := strategy.Default()
	sel, _ := reg.Select(ids)
	p.strategies = len(sel)
	fn, err := strategyfn.New(strategyfn.Config{Common: common,
		Strategies: ids, MinConfidence: 0.6, MaxConfidence: 0.95,
		PublisherURL: p.publisherURL}, reg, log.Named("strategy"))
	if err != nil {
		return nil, fmt.Errorf("strategy: %w", err)
	}
	p.strategyURL, _, err = p.serve(ctx, "strategy", fn.Serve)
	if err != nil {
		return nil, err
	}

	p.sourceConfig = sourcefn.Config{Common: common, NATSURL: url,
		Stream: "CANDLES", Subjects: []string{"candles.>"},
		Durable: "candle-source", WindowSize: o.window, Strategies: ids,
		Targets: []string{p.strategyURL}, SendTimeout: 30 * time.Second,
		AckWait: time.Minute, MaxAckPending: 1000,
		RetryDelay: 100 * time.Millisecond, MaxRetryDelay: 5 * time.Second,
		ClockSkew: sourcefn.DefaultClockSkew, Replay: true}
	p.reg, p.log = reg, log
	if err := p.startSource(ctx); err != nil {
		return nil, err
	}

	for _, u := range []string{p.publisherURL, p.strategyURL} {
		if err := p.waitReady(ctx, u); err != nil {
			return nil, err
		}
	}
	ok = true
	return p, nil
}

// startSource starts a candle-source and waits until it is ready.
func (p *pipeline) startSource(ctx context.Context) error {
	src, err := sourcefn.New(p.sourceConfig, p.reg,
		p.log.Named("candle-source"))
	if err != nil {
		return fmt.Errorf("candle-source: %w", err)
	}
	p.sourceURL, p.stopSource, err = p.serve(ctx, "candle-source",
		src.Serve)
	if err != nil {
		return err
	}
	return p.waitReady(ctx, p.sourceURL)
}

// serve runs one function on a loopback port and returns its URL.
func (p *pipeline) serve(ctx context.Context, name string,
	serve func(context.Context, net.Listener) error) (string, func(),
	error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", name, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := serve(ctx, ln); err != nil && ctx.Err() == nil {
			p.errc <- fmt.Errorf("%s stopped: %w", name, err)
		}
	}()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	p.stops = append(p.stops, stop)
	return "http://" + ln.Addr().String(), stop, nil
}

// waitReady polls a function's /ready until it answers 200.
func (p *pipeline) waitReady(ctx context.Context, base string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet,
			base+"/ready", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-p.errc:
			return err
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w", base, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop stops everything, newest first.
func (p *pipeline) stop() {
	for i := len(p.stops) - 1; i >= 0; i-- {
		p.stops[i]()
	}
	p.stops = nil
}

// candleMessage is the candle JSON a producer publishes.
type candleMessage struct {
	Symbol   string `json:"symbol"`
	Interval string `json:"interval"`
	candle.Candle
}

// replayChunk is how many candles replay publishes before it waits for
// the candle-source to catch up.
const replayChunk = 100

// replay publishes every candle on candles.<SYMBOL>.<INTERVAL>, each with
// a Nats-Msg-Id so a replay run twice stores each candle once. The stream
// keeps only the last window of candles per subject, as the window store
// it is, so replay keeps at most a chunk ahead of the candle-source:
// faster, the stream would drop candles before they were decided on.
func (p *pipeline) replay(ctx context.Context, symbol, interval string,
	candles []candle.Candle) error {
	subject := event.CandleSubject(symbol, interval)
	for len(candles) > 0 {
		n := min(replayChunk, len(candles))
		if err := p.publish(ctx, subject, symbol, interval,
			candles[:n]); err != nil {
			return err
		}
		candles = candles[n:]
		if err := p.waitBacklog(ctx, replayChunk); err != nil {
			return err
		}
	}
	return nil
}

// publish publishes candles and waits for JetStream to store them.
func (p *pipeline) publish(ctx context.Context, subject, symbol,
	interval string, candles []candle.Candle) error {
	acks := make([]jetstream.PubAckFuture, 0, len(candles))
	for _, c := range candles {
		b, err := json.Marshal(candleMessage{symbol, interval, c})
		if err != nil {
			return err
		}
		msg := nats.NewMsg(subject)
		msg.Data = b
		msg.Header.Set(jetstream.MsgIDHeader,
			event.WindowID(symbol, interval, c.OpenTime))
		f, err := p.js.PublishMsgAsync(msg)
		if err != nil {
			return fmt.Errorf("publish candle: %w", err)
		}
		acks = append(acks, f)
	}
	for _, f := range acks {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("publish candle: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// waitBacklog waits until the candle-source has fewer than n candles
// left to process. A consumer-info request that times out, as one may on
// a loaded machine, is asked again.
func (p *pipeline) waitBacklog(ctx context.Context, n int) error {
	for {
		left, err := p.backlog(ctx)
		if err == nil && left < uint64(n) {
			return nil
		}
		if err != nil && !transient(err) {
			return err
		}
		select {
		case err := <-p.errc:
			return err
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// transient reports whether a JetStream request failed only for want of
// an answer in time, as happens on a loaded machine: asking again helps.
func transient(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, nats.ErrTimeout)
}

// backlog is the number of candles the candle-source has not yet
// acknowledged.
func (p *pipeline) backlog(ctx context.Context) (uint64, error) {
	cons, err := p.js.Consumer(ctx, "CANDLES", "candle-source")
	if err != nil {
		return 0, fmt.Errorf("candle-source consumer: %w", err)
	}
	ci, err := cons.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("candle-source consumer: %w", err)
	}
	return ci.NumPending + uint64(ci.NumAckPending), nil
}

// waitProcessed returns once the candle-source has acknowledged every
// candle and every signal stored since has been printed.
func (p *pipeline) waitProcessed(ctx context.Context,
	pr *signalPrinter) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		done, err := p.processed(ctx, pr)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		select {
		case err := <-p.errc:
			return err
		case <-ctx.Done():
			return fmt.Errorf("replay not processed: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

func (p *pipeline) processed(ctx context.Context,
	pr *signalPrinter) (bool, error) {
	if err := p.waitBacklog(ctx, 1); err != nil {
		return false, err
	}
	st, err := p.js.Stream(ctx, "SIGNALS")
	if err == nil {
		var si *jetstream.StreamInfo
		if si, err = st.Info(ctx); err == nil {
			return pr.seen() >= si.State.LastSeq, nil
		}
	}
	if transient(err) {
		return false, nil
	}
	return false, fmt.Errorf("signals stream: %w", err)
}

// readSignals prints every message of the SIGNALS stream as it arrives.
func (p *pipeline) readSignals(ctx context.Context,
	pr *signalPrinter) (jetstream.ConsumeContext, error) {
	cons, err := p.js.OrderedConsumer(ctx, "SIGNALS",
		jetstream.OrderedConsumerConfig{})
	if err != nil {
		return nil, fmt.Errorf("read signals: %w", err)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		md, err := m.Metadata()
		if err != nil {
			return
		}
		pr.print(m.Subject(), md.Sequence.Stream, m.Data())
	})
	if err != nil {
		return nil, fmt.Errorf("read signals: %w", err)
	}
	return cc, nil
}

// signalPrinter prints signals and counts them for the summary. print
// runs on the consumer's goroutine, the rest on the caller's.
type signalPrinter struct {
	w    io.Writer
	json bool

	mu       sync.Mutex
	lastSeq  uint64
	ids      map[string]bool
	byAction map[string]int
	byStrat  map[string]int
	repeated int
}

func (pr *signalPrinter) print(subject string, seq uint64, data []byte) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.lastSeq = seq
	var s event.Signal
	if err := json.Unmarshal(data, &s); err != nil {
		fmt.Fprintf(pr.w, "%s: unreadable signal: %v\n", subject, err)
		return
	}
	if pr.ids == nil {
		pr.ids = make(map[string]bool)
		pr.byAction = make(map[string]int)
		pr.byStrat = make(map[string]int)
	}
	if pr.ids[s.IntentID] {
		pr.repeated++
	}
	pr.ids[s.IntentID] = true
	pr.byAction[s.Action]++
	pr.byStrat[s.StrategyID]++

	if pr.json {
		pr.w.Write(append(bytes.TrimSpace(data), '\n'))
		return
	}
	fmt.Fprintln(pr.w, formatSignal(s))
}

// formatSignal is one readable line: when, what, who, how sure, where.
func formatSignal(s event.Signal) string {
	when := s.Timestamp
	if t, err := time.Parse(time.RFC3339, s.Timestamp); err == nil {
		when = t.UTC().Format("2006-01-02 15:04")
	}
	line := fmt.Sprintf("%s  %-8s %-4s %-34s %-4s conf %.2f  price %s",
		when, s.Symbol, s.Timeframe, s.StrategyID,
		strings.ToUpper(s.Action), s.Confidence, num(s.Price))
	if s.StopLoss != nil && s.TakeProfit != nil {
		line += fmt.Sprintf("  stop %s  target %s",
			num(*s.StopLoss), num(*s.TakeProfit))
	}
	return line
}

// num prints a price with the digits it needs, whatever its scale.
func num(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }

func (pr *signalPrinter) seen() uint64 {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.lastSeq
}

// summary prints the totals to w.
func (pr *signalPrinter) summary(w io.Writer, candles int,
	took time.Duration) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	total := 0
	for _, n := range pr.byAction {
		total += n
	}
	fmt.Fprintf(w, "tabot run: %d candles replayed, %d signals (%d buy, "+
		"%d sell, %d hold alerts), %d distinct ids, in %s\n", candles,
		total, pr.byAction["buy"], pr.byAction["sell"], pr.byAction["hold"],
		len(pr.ids), took.Round(time.Millisecond))
	ids := make([]string, 0, len(pr.byStrat))
	for id := range pr.byStrat {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if pr.byStrat[ids[i]] != pr.byStrat[ids[j]] {
			return pr.byStrat[ids[i]] > pr.byStrat[ids[j]]
		}
		return ids[i] < ids[j]
	})
	for _, id := range ids {
		fmt.Fprintf(w, "  %-34s %5d\n", id, pr.byStrat[id])
	}
}
