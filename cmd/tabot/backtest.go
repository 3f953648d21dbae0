package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/tabot-functions/tabot/shared/backtest"
	"github.com/tabot-functions/tabot/shared/backtest/report"
	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/push"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// btPushJob is the Pushgateway job of backtest results; the group's
// instance label is the data set (the candle file's name without its
// extension).
const btPushJob = "tabot_backtest"

// btPushTimeout bounds the push of the results.
const btPushTimeout = 10 * time.Second

// btProgressMin is the number of candles from which a terminal gets a
// progress bar.
const btProgressMin = 2000

// backtestCommand returns tabot backtest over every registered strategy.
func backtestCommand() command { return backtestOver(strategy.Default()) }

// backtestOver returns tabot backtest over the strategies of reg.
func backtestOver(reg *strategy.Registry) command {
	return command{
		summary: "replay a candle file through the strategies and " +
			"simulate their trades",
		run: func(ctx context.Context, args []string, stdout,
			stderr io.Writer) error {
			return runBacktest(ctx, reg, args, stdout, stderr)
		},
	}
}

// backtestFlags are the options of tabot backtest.
type backtestFlags struct {
	data       string
	strategies []string
	symbol     string
	interval   string
	window     int
	bounds     strategy.Bounds
	fee        float64
	timeStop   time.Duration
	workers    int
	json       bool
	html       string
	push       string
}

// btFileName matches candle files named like btcusdt_1h_2021-11_2022-07.csv.
var btFileName = regexp.MustCompile(
	`^([A-Za-z0-9]+)_([0-9]+[mhdwM])(?:[_.]|$)`)

func parseBacktestFlags(args []string, stderr io.Writer) (backtestFlags,
	error) {
	var f backtestFlags
	fs := flag.NewFlagSet("tabot backtest", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.data, "data", "", "candle CSV `file` (required): "+
		"open_time,open,high,low,close,volume; open_time in ms")
	ids := fs.String("strategies", "all", "strategy `ids`, comma "+
		"separated, or all")
	fs.StringVar(&f.symbol, "symbol", "", "symbol the strategies see, "+
		"upper-cased (default: from the file name, e.g. btcusdt_1h_... "+
		"is BTCUSDT)")
	fs.StringVar(&f.interval, "interval", "", "candle interval, e.g. "+
		"15m (default: from the file name)")
	fs.IntVar(&f.window, "window", backtest.DefaultWindow,
		"candles in each window, as WINDOW_SIZE live")
	fs.Float64Var(&f.bounds.Min, "min-confidence",
		strategy.DefaultBounds().Min, "lowest confidence of a signal, as "+
			"MIN_CONFIDENCE live")
	fs.Float64Var(&f.bounds.Max, "max-confidence",
		strategy.DefaultBounds().Max, "highest confidence of a signal, as "+
			"MAX_CONFIDENCE live")
	fs.Float64Var(&f.fee, "fee", backtest.DefaultFee, "fee per side, a "+
		"fraction of the notional (0.001 is 0.1 %)")
	fs.DurationVar(&f.timeStop, "time-stop", 0, "close a trade this "+
		"long after its entry, e.g. 24h (0: never)")
	fs.IntVar(&f.workers, "workers", 0, "candles evaluated in parallel "+
		"(0: one per CPU)")
	fs.BoolVar(&f.json, "json", false, "print the result as JSON "+
		"instead of a table")
	fs.StringVar(&f.html, "html", "", "write a self-contained HTML "+
		"report to `file`")
	fs.StringVar(&f.push, "push", "", "push the backtest metrics to the "+
		"Pushgateway at `url`")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "usage: tabot backtest --data FILE [flags]")
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return f, err
		}
		return f, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("%w: unexpected argument %q", errUsage,
			fs.Arg(0))
	}
	if f.data == "" {
		return f, fmt.Errorf("%w: --data FILE is required", errUsage)
	}
	if _, err := os.Stat(f.data); err != nil {
		return f, fmt.Errorf("--data: %w", err)
	}
	for _, id := range strings.Split(*ids, ",") {
		if id = strings.TrimSpace(id); id != "" {
			f.strategies = append(f.strategies, id)
		}
	}
	if len(f.strategies) == 0 {
		return f, fmt.Errorf("%w: --strategies is empty", errUsage)
	}
	if err := f.inferMarket(); err != nil {
		return f, err
	}
	if f.push != "" {
		u, err := url.Parse(f.push)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
			u.Host == "" {
			return f, fmt.Errorf("%w: --push %q: want http(s)://host:port",
				errUsage, f.push)
		}
	}
	if f.window <= 0 || f.workers < 0 {
		return f, fmt.Errorf("%w: --window must be positive and "+
			"--workers not negative", errUsage)
	}
	return f, nil
}

// inferMarket fills symbol and interval from the data file's name where
// the flags left them empty.
func (f *backtestFlags) inferMarket() error {
	m := btFileName.FindStringSubmatch(filepath.Base(f.data))
	if m != nil && f.symbol == "" {
		f.symbol = m[1]
	}
	f.symbol = strings.ToUpper(f.symbol)
	if m != nil && f.interval == "" {
		f.interval = m[2]
	}
	if f.symbol == "" || f.interval == "" {
		return fmt.Errorf("%w: --symbol and --interval are required: the "+
			"file name %q does not start with symbol_interval_ (e.g. "+
			"btcusdt_1h_...)", errUsage, filepath.Base(f.data))
	}
	if err := candle.ValidateSymbol(f.symbol); err != nil {
		return fmt.Errorf("%w: --symbol: %v", errUsage, err)
	}
	if _, err := candle.ParseInterval(f.interval); err != nil {
		return fmt.Errorf("%w: --interval: %v", errUsage, err)
	}
	return nil
}

// dataset is the name of the data set: the file name without extension.
func (f *backtestFlags) dataset() string {
	base := filepath.Base(f.data)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

func runBacktest(ctx context.Context, reg *strategy.Registry,
	args []string, stdout, stderr io.Writer) error {
	f, err := parseBacktestFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	list, err := reg.Select(f.strategies)
	if err != nil {
		return fmt.Errorf("%w: --strategies: %v", errUsage, err)
	}
	if len(list) == 0 {
		return errors.New("no strategy is registered in this build")
	}
	cs, err := readCandleFile(f.data)
	if err != nil {
		return err
	}
	if err := checkInterval(cs, f.interval); err != nil {
		return fmt.Errorf("%w: --interval: %v", errUsage, err)
	}

	s := candle.NewSeries(cs)
	cfg := backtest.Config{Symbol: f.symbol, Interval: f.interval,
		Window: f.window, Bounds: f.bounds, Workers: f.workers,
		Rules: backtest.Rules{Fee: f.fee, TimeStop: f.timeStop}}
	bar := btProgress(stderr, len(cs))
	if bar != nil {
		cfg.Progress = func(done, _ int) { _ = bar.Set(done) }
	}
	res, err := backtest.Run(ctx, s, list, cfg)
	if bar != nil {
		_ = bar.Finish()
	}
	if errors.Is(err, backtest.ErrConfig) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err != nil {
		return err
	}

	if f.json {
		err = json.NewEncoder(stdout).Encode(res)
	} else {
		err = btWriteTable(stdout, res)
	}
	if err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	if f.html != "" {
		if err := btWriteReport(f.html, res, s); err != nil {
			return err
		}
	}
	if f.push != "" {
		return btPush(ctx, f.push, f.dataset(), res)
	}
	return nil
}

// btProgress returns a progress bar of n candles on stderr when it is a
// terminal and n is large enough to wait for; nil otherwise.
func btProgress(stderr io.Writer, n int) *progressbar.ProgressBar {
	file, ok := stderr.(*os.File)
	if !ok || n < btProgressMin || !term.IsTerminal(int(file.Fd())) {
		return nil
	}
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("backtest"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString("candles"),
		progressbar.OptionShowIts(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

// btWriteTable prints res as one line per strategy.
func btWriteTable(w io.Writer, res *backtest.Result) error {
	stamp := func(ms int64) string {
		return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04")
	}
	timeStop := res.TimeStop
	if timeStop == "0s" {
		timeStop = "none"
	}
	fmt.Fprintf(w, "%s %s: %d candles from %s to %s UTC; window %d, "+
		"confidence %.2f-%.2f, fee %.3f %% per side, time stop %s\n\n",
		res.Symbol, res.Interval, res.Candles, stamp(res.FirstOpenTime),
		stamp(res.LastOpenTime), res.Window, res.MinConfidence,
		res.MaxConfidence, 100*res.Fee, timeStop)

	rows := [][]string{{"strategy", "signals", "in pos.", "trades",
		"win rate", "P&L %", "profit factor", "max DD %", "avg bars"}}
	for _, r := range res.Strategies {
		st := r.Stats
		row := []string{r.ID, strconv.Itoa(st.Signals),
			strconv.Itoa(st.InPosition), strconv.Itoa(st.Trades),
			"-", "-", "-", "-", "-"}
		if st.Trades > 0 {
			copy(row[4:], []string{
				fmt.Sprintf("%.1f %%", 100*st.WinRate),
				fmt.Sprintf("%+.2f", 100*st.PnL), btFactor(st.ProfitFactor),
				fmt.Sprintf("%.2f", 100*st.MaxDrawdown),
				fmt.Sprintf("%.1f", st.AvgBars)})
		}
		rows = append(rows, row)
	}
	if err := btColumns(w, rows); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "\nsignals: decisions within the confidence "+
		"bounds, holds included (holds are alerts, never traded); in pos.: "+
		"buys and sells that came while the strategy's previous trade was "+
		"open, counted but not traded. P&L sums the trades' returns net of "+
		"fees, each trade staking the same amount; max DD is the largest "+
		"fall of that sum from its peak.")
	return err
}

// btColumns prints rows as columns two spaces apart, the first
// aligned left and the others right.
func btColumns(w io.Writer, rows [][]string) error {
	width := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			width[i] = max(width[i], len(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		fmt.Fprintf(&b, "%-*s", width[0], row[0])
		for i, cell := range row[1:] {
			fmt.Fprintf(&b, "  %*s", width[i+1], cell)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func btFactor(r backtest.Ratio) string {
	if math.IsInf(float64(r), 1) {
		return "inf"
	}
	return fmt.Sprintf("%.2f", float64(r))
}

// btWriteReport writes the HTML report of res to name.
func btWriteReport(name string, res *backtest.Result, s candle.Series) error {
	file, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := report.Write(file, res, s); err != nil {
		file.Close()
		return fmt.Errorf("write report: %w", err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// btPush sends the backtest gauges of the strategies that traded to
// the Pushgateway at rawURL, in the group {job="tabot_backtest",
// instance=<data set>}, replacing what that group held. A strategy
// without trades has no win rate or accuracy, so it is left out rather
// than shown as 0.
func btPush(ctx context.Context, rawURL, dataset string,
	res *backtest.Result) error {
	reg := prometheus.NewRegistry()
	m := metrics.NewBacktest(reg)
	for _, r := range res.Strategies {
		if st := r.Stats; st.Trades > 0 {
			m.Record(r.ID, st.Accuracy, st.PnL, st.WinRate)
		}
	}

	p, err := push.New(rawURL, btPushJob, reg, push.WithInstance(dataset),
		push.WithTimeout(btPushTimeout))
	if err != nil {
		return fmt.Errorf("%w: --push: %v", errUsage, err)
	}
	return p.Push(ctx)
}
