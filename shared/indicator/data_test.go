package indicator

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
)

// datasets are the real candle files of the repository's testdata/, each
// with its TA-Lib reference file <name>.talib.csv.
var datasets = []string{
	"btcusdt_1h_2021-11_2022-07",
	"ethusdt_15m_2021-03_2021-05",
}

// readCSV reads a testdata file: its header and its rows.
func readCSV(tb testing.TB, file string) ([]string, [][]string) {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", file))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", file, err)
	}
	if len(rows) < 2 {
		tb.Fatalf("%s: no data rows", file)
	}
	return rows[0], rows[1:]
}

// loadSeries reads the candles of a data set.
func loadSeries(tb testing.TB, name string) candle.Series {
	tb.Helper()
	_, rows := readCSV(tb, name+".csv")
	candles := make([]candle.Candle, len(rows))
	for i, r := range rows {
		t, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil {
			tb.Fatalf("%s row %d: %v", name, i, err)
		}
		var v [5]float64
		for j := range v {
			if v[j], err = strconv.ParseFloat(r[j+1], 64); err != nil {
				tb.Fatalf("%s row %d: %v", name, i, err)
			}
		}
		candles[i] = candle.Candle{OpenTime: t, Open: v[0], High: v[1],
			Low: v[2], Close: v[3], Volume: v[4]}
	}
	return candle.NewSeries(candles)
}

// loadReference reads a data set's TA-Lib reference values by column
// name; an empty cell is NaN.
func loadReference(tb testing.TB, name string) map[string][]float64 {
	tb.Helper()
	header, rows := readCSV(tb, name+".talib.csv")
	cols := make(map[string][]float64, len(header))
	for j, h := range header[1:] {
		c := make([]float64, len(rows))
		for i, r := range rows {
			c[i] = math.NaN()
			if r[j+1] == "" {
				continue
			}
			v, err := strconv.ParseFloat(r[j+1], 64)
			if err != nil {
				tb.Fatalf("%s row %d %s: %v", name, i, h, err)
			}
			c[i] = v
		}
		cols[h] = c
	}
	return cols
}

// tail returns the last n candles of s.
func tail(s candle.Series, n int) candle.Series {
	i := max(s.Len()-n, 0)
	return candle.Series{OpenTime: s.OpenTime[i:], Open: s.Open[i:],
		High: s.High[i:], Low: s.Low[i:], Close: s.Close[i:],
		Volume: s.Volume[i:]}
}

// near reports whether got is within tol*max(1, |want|) of want, NaN
// matching only NaN.
func near(got, want, tol float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// compareColumn fails t for every index where got and want differ by
// more than tol*max(1, |want|), reporting the first few.
func compareColumn(t *testing.T, name string, got, want []float64,
	tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values, want %d", name, len(got), len(want))
	}
	bad := 0
	for i := range want {
		if near(got[i], want[i], tol) {
			continue
		}
		if bad++; bad <= 3 {
			t.Errorf("%s[%d] = %v, want %v", name, i, got[i], want[i])
		}
	}
	if bad > 3 {
		t.Errorf("%s: %d values differ in all", name, bad)
	}
}
