package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tabot-functions/tabot/shared/backtest"
	"github.com/tabot-functions/tabot/shared/push/pushtest"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// btCross is the tests' own strategy: a buy when EMA(9) crosses above
// EMA(21), a sell when it crosses below, stop 1.5 ATR and target 3 ATR
// away.
type btCross struct{}

func (btCross) ID() string   { return "test_cross" }
func (btCross) History() int { return 60 }

func (btCross) Evaluate(in *strategy.Input) (*strategy.Decision, error) {
	f0, ok0 := strategy.Last(in.EMA(9), 0)
	f1, ok1 := strategy.Last(in.EMA(9), 1)
	s0, ok2 := strategy.Last(in.EMA(21), 0)
	s1, ok3 := strategy.Last(in.EMA(21), 1)
	a, ok4 := strategy.Last(in.ATR(14), 0)
	if !(ok0 && ok1 && ok2 && ok3 && ok4) {
		return nil, strategy.ErrNotReady
	}
	p := in.Close[in.Len()-1]
	d := &strategy.Decision{Price: p, Confidence: 0.7}
	switch {
	case f1 <= s1 && f0 > s0:
		d.Action, d.StopLoss, d.TakeProfit = strategy.Buy, p-1.5*a, p+3*a
	case f1 >= s1 && f0 < s0:
		d.Action, d.StopLoss, d.TakeProfit = strategy.Sell, p+1.5*a, p-3*a
	default:
		return nil, nil
	}
	return d, nil
}

// btRegistry is btCross followed by every registered strategy.
func btRegistry(tb testing.TB) *strategy.Registry {
	tb.Helper()
	reg, err := strategy.NewRegistry(append([]strategy.Strategy{btCross{}},
		strategy.Default().All()...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return reg
}

// btData writes the first candles of the real BTC file that a window of
// the registry's longest history needs, plus 100, to a file of the
// given name in a temporary directory, and returns its path and that
// window.
func btData(tb testing.TB, name string) (string, int) {
	tb.Helper()
	window := max(strategy.MaxHistory(btRegistry(tb).All()), 100)
	src, err := os.Open(filepath.Join(testdata,
		"btcusdt_1h_2021-11_2022-07.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()

	var b strings.Builder
	sc := bufio.NewScanner(src)
	for i := 0; i <= window+100 && sc.Scan(); i++ {
		b.WriteString(sc.Text() + "\n")
	}
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path, window
}

// runBacktestCmd runs tabot backtest over btRegistry.
func runBacktestCmd(tb testing.TB, args ...string) (string, string) {
	tb.Helper()
	var out, errb bytes.Buffer
	err := backtestOver(btRegistry(tb)).run(context.Background(), args,
		&out, &errb)
	if err != nil {
		tb.Fatalf("tabot backtest %v: %v (stderr %q)", args, err,
			errb.String())
	}
	return out.String(), errb.String()
}

func TestBacktestErrors(t *testing.T) {
	good, _ := btData(t, "btcusdt_1h_test.csv")
	plain := filepath.Join(filepath.Dir(good), "candles.csv")
	if err := os.Link(good, plain); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "btcusdt_1h_bad.csv")
	if err := os.WriteFile(bad, []byte("open_time,open,high,low,close,"+
		"volume\n1704067200000,100,101,99,100.5,12\n1704067200000,1,1,1,1,1"+
		"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no data", nil, 2, "--data FILE is required"},
		{"unknown flag", []string{"--data", good, "--speed", "9"}, 2,
			"flag provided but not defined: -speed"},
		{"bad fee", []string{"--data", good, "--fee", "x"}, 2,
			`invalid value "x" for flag -fee`},
		{"bad duration", []string{"--data", good, "--time-stop", "1 day"}, 2,
			"invalid value"},
		{"argument", []string{"--data", good, "more"}, 2,
			`unexpected argument "more"`},
		{"no window", []string{"--data", good, "--window", "0"}, 2,
			"--window must be positive"},
		{"short window", []string{"--data", good, "--window", "10"}, 2,
			"window 10 is shorter than"},
		{"push url", []string{"--data", good, "--push", "ftp://gw"}, 2,
			`--push "ftp://gw": want http(s)://host:port`},
		{"unknown strategy", []string{"--data", good, "--strategies",
			"nope"}, 2, `unknown strategy "nope"`},
		{"no strategies", []string{"--data", good, "--strategies", " , "},
			2, "--strategies is empty"},
		{"no market in the name", []string{"--data", plain}, 2,
			"--symbol and --interval are required"},
		{"bad symbol", []string{"--data", good, "--symbol", "BTC-USDT"}, 2,
			"--symbol: invalid candle"},
		{"bad interval", []string{"--data", good, "--interval", "7h"}, 2,
			`--interval: invalid candle: interval "7h"`},
		{"bounds", []string{"--data", good, "--min-confidence", "0.9",
			"--max-confidence", "0.8"}, 2, "confidence bounds 0.9..0.8"},
		{"fee too high", []string{"--data", good, "--fee", "1.5"}, 2,
			"fee 1.5: want 0 <= fee < 1"},
		{"missing file", []string{"--data", good + ".nope"}, 1,
			"--data: stat "},
		{"interval not the file's", []string{"--data", good,
			"--interval", "4h"}, 2, "is not on a 4h boundary"},
		{"bad rows", []string{"--data", bad}, 1,
			"read btcusdt_1h_bad.csv: bad candle csv: line 3: open_time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runTabot(t,
				append([]string{"backtest"}, tt.args...)...)
			if code != tt.code || !strings.HasPrefix(stderr,
				"tabot backtest: ") || !strings.Contains(stderr, tt.want) ||
				strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit %d and one line "+
					"with %q", code, stderr, tt.code, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want none", stdout)
			}
		})
	}
}

func TestBacktestHelp(t *testing.T) {
	code, _, stderr := runTabot(t, "backtest", "-h")
	if code != 0 || !strings.Contains(stderr, "-time-stop duration") {
		t.Errorf("exit %d, stderr %q; want 0 and the flags", code, stderr)
	}
}

func TestBacktestMarketFromFileName(t *testing.T) {
	tests := []struct {
		file, symbol, interval string
		wantSymbol, wantIv     string
	}{
		{"data/btcusdt_1h_2021-11_2022-07.csv", "", "", "BTCUSDT", "1h"},
		{"ETHUSDT_15m.csv", "", "", "ETHUSDT", "15m"},
		{"solusdt_1M_all.csv", "", "", "SOLUSDT", "1M"},
		{"btcusdt_1h_x.csv", "xrpusdt", "4h", "XRPUSDT", "4h"},
		{"candles.csv", "BNBUSDT", "1d", "BNBUSDT", "1d"},
	}
	for _, tt := range tests {
		f := backtestFlags{data: tt.file, symbol: tt.symbol,
			interval: tt.interval}
		if err := f.inferMarket(); err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		if f.symbol != tt.wantSymbol || f.interval != tt.wantIv {
			t.Errorf("%s: got %s %s, want %s %s", tt.file, f.symbol,
				f.interval, tt.wantSymbol, tt.wantIv)
		}
	}
}

func TestBacktestTable(t *testing.T) {
	data, window := btData(t, "btcusdt_1h_test.csv")
	stdout, stderr := runBacktestCmd(t, "--data", data, "--window",
		strconv.Itoa(window))
	if stderr != "" {
		t.Errorf("stderr %q, want none (no terminal, no progress bar)",
			stderr)
	}

	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if !strings.HasPrefix(lines[0], "BTCUSDT 1h: ") {
		t.Errorf("first line %q, want the data set", lines[0])
	}
	head := strings.Fields(lines[2])
	if head[0] != "strategy" || !slices.Contains(head, "P&L") {
		t.Errorf("header %q", lines[2])
	}
	ids := btRegistry(t).IDs()
	for i, id := range ids {
		row := strings.Fields(lines[3+i])
		if row[0] != id || len(row) < 9 {
			t.Errorf("row %d: %q, want %s and its figures", i, lines[3+i],
				id)
		}
	}
	cross := strings.Fields(lines[3])
	if cross[3] == "0" || cross[4] == "-" {
		t.Errorf("test_cross row %q: want trades and a win rate", lines[3])
	}
}

// btKeys lists the field names of every object in the JSON output; the
// shape is documented on backtest.Result and must not change without a
// new backtest.Version.
var btKeys = map[string][]string{
	"result": {"version", "symbol", "interval", "candles",
		"first_open_time", "last_open_time", "window", "min_confidence",
		"max_confidence", "fee", "time_stop", "strategies"},
	"strategy": {"id", "stats", "signals", "trades"},
	"stats": {"evaluated", "not_ready", "errors", "filtered", "signals",
		"holds", "in_position", "no_next_candle", "trades", "wins", "losses",
		"exits", "win_rate", "accuracy", "pnl", "gross_profit", "gross_loss",
		"profit_factor", "max_drawdown", "avg_bars"},
	"exits": {"stop", "target", "time", "end"},
	"signal": {"index", "open_time", "action", "confidence", "price",
		"stop_loss", "take_profit", "status"},
	"trade": {"side", "signal_time", "entry_index", "entry_time", "entry",
		"stop_loss", "take_profit", "exit_index", "exit_time", "exit",
		"reason", "bars", "return"},
}

func TestBacktestJSON(t *testing.T) {
	data, window := btData(t, "btcusdt_1h_test.csv")
	stdout, _ := runBacktestCmd(t, "--data", data, "--window",
		strconv.Itoa(window), "--json", "--time-stop", "24h", "--fee", "0.002")

	var res map[string]any
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	keys(t, "result", res)
	if res["version"] != float64(backtest.Version) ||
		res["symbol"] != "BTCUSDT" || res["interval"] != "1h" ||
		res["window"] != float64(window) || res["fee"] != 0.002 ||
		res["time_stop"] != "24h0m0s" || res["min_confidence"] != 0.6 {
		t.Errorf("header %v", res)
	}
	list := res["strategies"].([]any)
	if len(list) != len(btRegistry(t).IDs()) {
		t.Fatalf("%d strategies, want %d", len(list),
			len(btRegistry(t).IDs()))
	}
	cross := list[0].(map[string]any)
	keys(t, "strategy", cross)
	stats := cross["stats"].(map[string]any)
	keys(t, "stats", stats)
	keys(t, "exits", stats["exits"].(map[string]any))
	signals, trades := cross["signals"].([]any), cross["trades"].([]any)
	if cross["id"] != "test_cross" || len(signals) == 0 || len(trades) == 0 {
		t.Fatalf("test_cross: %d signals, %d trades; want some",
			len(signals), len(trades))
	}
	keys(t, "signal", signals[0].(map[string]any))
	keys(t, "trade", trades[0].(map[string]any))
	for _, s := range list {
		st := s.(map[string]any)
		if _, ok := st["signals"].([]any); !ok {
			t.Errorf("%s: signals %v, want an array", st["id"], st["signals"])
		}
	}
}

// keys checks that obj has exactly the documented fields of kind.
func keys(t *testing.T, kind string, obj map[string]any) {
	t.Helper()
	got := slices.Sorted(maps.Keys(obj))
	want := slices.Sorted(slices.Values(btKeys[kind]))
	if !slices.Equal(got, want) {
		t.Errorf("%s fields %v, want %v", kind, got, want)
	}
}

func TestBacktestHTML(t *testing.T) {
	data, window := btData(t, "btcusdt_1h_test.csv")
	out := filepath.Join(t.TempDir(), "report.html")
	runBacktestCmd(t, "--data", data, "--window", strconv.Itoa(window),
		"--strategies", "test_cross", "--html", out)
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(page, []byte("<!doctype html>")) ||
		!bytes.Contains(page, []byte("<td>test_cross</td>")) {
		t.Errorf("report.html is not the report of test_cross")
	}
}

func TestBacktestPush(t *testing.T) {
	gw := pushtest.Start(t)
	data, window := btData(t, "btcusdt_1h_pushed.csv")
	stdout, _ := runBacktestCmd(t, "--data", data, "--window",
		strconv.Itoa(window), "--json", "--push", gw)
	var res backtest.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}

	resp, err := http.Get(gw + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	value := func(name, id string) (float64, bool) {
		for _, m := range families[name].GetMetric() {
			l := map[string]string{}
			for _, p := range m.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			if l["job"] == btPushJob && l["instance"] == "btcusdt_1h_pushed" &&
				l["strategy"] == id {
				return m.GetGauge().GetValue(), true
			}
		}
		return 0, false
	}
	for _, r := range res.Strategies {
		st := r.Stats
		for name, want := range map[string]float64{
			"ta_bot_win_rate":          st.WinRate,
			"ta_bot_signal_accuracy":   st.Accuracy,
			"ta_bot_profit_loss_total": st.PnL,
		} {
			got, ok := value(name, r.ID)
			switch {
			case st.Trades == 0 && ok:
				t.Errorf("%s{strategy=%q} pushed without a trade", name, r.ID)
			case st.Trades > 0 && (!ok || got != want):
				t.Errorf("%s{strategy=%q} = %v (found %v), want %v", name,
					r.ID, got, ok, want)
			}
		}
	}
}
