package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/indicator"
)

// testdata is the repository's testdata/ directory.
var testdata = filepath.Join("..", "..", "testdata")

// runTabot runs the tabot command line and returns its exit status,
// stdout and stderr.
func runTabot(tb testing.TB, args ...string) (int, string, string) {
	tb.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// parseTable reads CSV text into its header and float columns, an empty
// cell as NaN.
func parseTable(tb testing.TB, text string) ([]string, [][]float64) {
	tb.Helper()
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	cols := make([][]float64, len(rows[0]))
	for _, r := range rows[1:] {
		for j, cell := range r {
			v := math.NaN()
			if cell != "" {
				if v, err = strconv.ParseFloat(cell, 64); err != nil {
					tb.Fatal(err)
				}
			}
			cols[j] = append(cols[j], v)
		}
	}
	return rows[0], cols
}

// TestIndicatorsReference runs `tabot indicators` over both data files and
// compares its output with the TA-Lib reference files: same header, same
// open times, every value within 1e-8 relative.
func TestIndicatorsReference(t *testing.T) {
	for _, name := range []string{"btcusdt_1h_2021-11_2022-07",
		"ethusdt_15m_2021-03_2021-05"} {
		t.Run(name, func(t *testing.T) {
			code, out, errs := runTabot(t, "indicators", "--data",
				filepath.Join(testdata, name+".csv"))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			ref, err := os.ReadFile(filepath.Join(testdata, name+".talib.csv"))
			if err != nil {
				t.Fatal(err)
			}
			gotHead, got := parseTable(t, out)
			wantHead, want := parseTable(t, string(ref))
			if strings.Join(gotHead, ",") != strings.Join(wantHead, ",") {
				t.Fatalf("header %v, want %v", gotHead, wantHead)
			}
			for j := range want {
				if len(got[j]) != len(want[j]) {
					t.Fatalf("%s: %d rows, want %d", wantHead[j],
						len(got[j]), len(want[j]))
				}
				for i, w := range want[j] {
					g := got[j][i]
					if math.IsNaN(g) != math.IsNaN(w) ||
						math.Abs(g-w) > 1e-8*math.Max(1, math.Abs(w)) {
						t.Fatalf("%s row %d = %v, want %v", wantHead[j],
							i, g, w)
					}
				}
			}
		})
	}
}

// TestIndicatorsWindow checks --window: each row holds the last values
// over the window ending there, as a strategy function sees them, and
// --extra adds the columns TA-Lib lacks.
func TestIndicatorsWindow(t *testing.T) {
	src := filepath.Join(testdata, "ethusdt_15m_2021-03_2021-05.csv")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	file := filepath.Join(t.TempDir(), "eth.csv")
	if err := os.WriteFile(file, []byte(strings.Join(lines[:601], "")),
		0o600); err != nil {
		t.Fatal(err)
	}

	code, out, errs := runTabot(t, "indicators", "--data", file,
		"--window", "120", "--extra")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	head, got := parseTable(t, out)
	if n := len(got[0]); n != 600 {
		t.Fatalf("%d rows, want 600", n)
	}
	want := strings.Split("open_time,sma_20,ema_9,ema_21,ema_50,ema_200,"+
		"rsi_14,macd,macd_signal,macd_hist,bb_upper,bb_middle,bb_lower,"+
		"atr_14,adx_14,plus_di_14,minus_di_14,stoch_k,stoch_d,obv,mfi_14,"+
		"cci_20,willr_14,vwap,tenkan,kijun,span_a,span_b", ",")
	if strings.Join(head, ",") != strings.Join(want, ",") {
		t.Fatalf("header %v, want %v", head, want)
	}

	cs, err := readCandleFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := candle.NewSeries(cs)
	for _, end := range []int{1, 50, 119, 120, 121, 400, 600} {
		from := max(0, end-120)
		var set indicator.Set
		cols, err := indColumns(&set, indSlice(s, from, end), true)
		if err != nil {
			t.Fatal(err)
		}
		for j, c := range cols {
			w := c.Values[len(c.Values)-1]
			g := got[j+1][end-1]
			if math.IsNaN(g) != math.IsNaN(w) ||
				math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
				t.Errorf("row %d %s = %v, over candles %d..%d = %v",
					end-1, c.Name, g, from, end-1, w)
			}
		}
	}
	if !math.IsNaN(got[5][150]) {
		t.Errorf("ema_200 over a 120-candle window = %v, want empty",
			got[5][150])
	}
}

// TestIndicatorsErrors checks that bad arguments and bad files give one
// clear line and a non-zero exit status.
func TestIndicatorsErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	head := "open_time,open,high,low,close,volume\n"
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no --data", nil, 2, "--data is required"},
		{"negative window", []string{"--data", "x.csv", "--window", "-1"},
			2, "--window -1 is negative"},
		{"unknown flag", []string{"--nope"}, 2, "flag provided but not defined"},
		{"missing file", []string{"--data", filepath.Join(dir, "none.csv")},
			1, "no such file"},
		{"wrong header",
			[]string{"--data", write("h.csv", "time,o,h,l,c,v\n")},
			1, "header has no open_time column"},
		{"high below low", []string{"--data", write("hl.csv",
			head+"1704067200000,10,11,9,10,1\n"+
				"1704070800000,10,9,11,10,1\n")},
			1, "line 3: invalid candle"},
		{"not a number", []string{"--data", write("nan.csv",
			head+"1704067200000,10,11,9,ten,1\n")},
			1, `line 2: close "ten" is not a number`},
		{"time going back", []string{"--data", write("t.csv",
			head+"1704070800000,10,11,9,10,1\n"+
				"1704067200000,10,11,9,10,1\n")},
			1, "line 3: open_time 1704067200000 is not after 1704070800000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runTabot(t, append([]string{"indicators"},
				tt.args...)...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q",
					code, errs, tt.code, tt.want)
			}
		})
	}
}
