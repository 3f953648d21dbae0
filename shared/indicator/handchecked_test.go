package indicator

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// readVector reads a hand-checked vector of the package's testdata/: one
// column per header name, an empty cell as NaN, '#' lines as comments
// (the derivation).
func readVector(tb testing.TB, file string) map[string][]float64 {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", file, err)
	}
	cols := make(map[string][]float64)
	for j, name := range rows[0] {
		for i, row := range rows[1:] {
			v := math.NaN()
			if row[j] != "" {
				if v, err = strconv.ParseFloat(row[j], 64); err != nil {
					tb.Fatalf("%s row %d: %v", file, i, err)
				}
			}
			cols[name] = append(cols[name], v)
		}
	}
	return cols
}

// ints converts a column of whole numbers.
func ints(col []float64) []int {
	out := make([]int, len(col))
	for i, v := range col {
		out[i] = int(v)
	}
	return out
}

// TestHandChecked checks the indicators TA-Lib lacks against the vectors
// derived by hand in testdata/.
func TestHandChecked(t *testing.T) {
	t.Run("VWAP", func(t *testing.T) {
		v := readVector(t, "vwap.csv")
		times := make([]int64, len(v["open_time"]))
		for i, ms := range v["open_time"] {
			times[i] = int64(ms)
		}
		got := VWAP(times, v["high"], v["low"], v["close"], v["volume"])
		wantValues(t, "vwap", got, v["vwap"])
	})
	t.Run("Ichimoku", func(t *testing.T) {
		v := readVector(t, "ichimoku_2_3_4.csv")
		r := Ichimoku(v["high"], v["low"], 2, 3, 4)
		wantValues(t, "tenkan", r.Tenkan, v["tenkan"])
		wantValues(t, "kijun", r.Kijun, v["kijun"])
		wantValues(t, "span_a", r.SpanA, v["span_a"])
		wantValues(t, "span_b", r.SpanB, v["span_b"])
		if got, want := firstValid(r.SpanB), LookbackIchimoku(2, 3, 4); got != want {
			t.Errorf("span_b starts at %d, LookbackIchimoku = %d", got, want)
		}
	})
	swings := []struct {
		file string
		col  string
		f    func([]float64, int) Swings
		k    int
	}{
		{"swing_highs_k2.csv", "high", SwingHighs, 2},
		{"swing_lows_k1.csv", "low", SwingLows, 1},
	}
	for _, tt := range swings {
		t.Run(tt.file, func(t *testing.T) {
			v := readVector(t, tt.file)
			s := tt.f(v[tt.col], tt.k)
			wantValues(t, "price", s.Price, v["price"])
			want := ints(v["bar"])
			for i := range want {
				if s.Bar[i] != want[i] {
					t.Errorf("bar[%d] = %d, want %d", i, s.Bar[i], want[i])
				}
			}
		})
	}
}

// TestSwingNoLookAhead checks that a swing's value at each index is the
// same whether or not the later candles are in the input.
func TestSwingNoLookAhead(t *testing.T) {
	s := loadSeries(t, datasets[0])
	high := s.High[:400]
	full := SwingHighs(high, 3)
	for end := 1; end <= len(high); end++ {
		part := SwingHighs(high[:end], 3)
		if got, want := part.Bar[end-1], full.Bar[end-1]; got != want {
			t.Fatalf("bar at %d with %d candles = %d, with all = %d",
				end-1, end, got, want)
		}
	}
	if firstValid(full.Price) < LookbackSwing(3) {
		t.Errorf("first swing at %d, before LookbackSwing(3) = %d",
			firstValid(full.Price), LookbackSwing(3))
	}
}

// TestSwingTies checks that equal highs (a double top) make no swing.
func TestSwingTies(t *testing.T) {
	s := SwingHighs([]float64{1, 2, 5, 3, 5, 2, 1}, 2)
	for i, b := range s.Bar {
		if b != -1 || !math.IsNaN(s.Price[i]) {
			t.Errorf("index %d: swing at bar %d (%v), want none", i, b,
				s.Price[i])
		}
	}
}
