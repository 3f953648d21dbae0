package candle_test

import (
	"encoding/csv"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/indicator"
)

// bar returns a valid 1m candle opening at 2023-11-14 22:<minute> UTC
// that closes at price.
func bar(minute int, price float64) candle.Candle {
	return candle.Candle{
		OpenTime: ms("2023-11-14T22:00:00Z") + int64(minute)*60000,
		Open:     price, High: price + 1, Low: price - 1, Close: price,
		Volume: 10,
	}
}

func newWindow(t testing.TB, size, minCandles int) *candle.Window {
	t.Helper()
	w, err := candle.NewWindow("1m", size, minCandles)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func opens(candles []candle.Candle) []int {
	out := make([]int, len(candles))
	for i, c := range candles {
		out[i] = int((c.OpenTime - ms("2023-11-14T22:00:00Z")) / 60000)
	}
	return out
}

func TestNewWindow(t *testing.T) {
	tests := []struct {
		name      string
		iv        candle.Interval
		size, min int
		ok        bool
	}{
		{"default", "15m", candle.DefaultWindowSize, 200, true},
		{"minimum 0 reads as 1", "1m", 10, 0, true},
		{"minimum = size", "1m", 10, 10, true},
		{"minimum > size", "1m", 10, 11, false},
		{"size 0", "1m", 0, 0, false},
		{"negative minimum", "1m", 10, -1, false},
		{"bad interval", "1x", 10, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := candle.NewWindow(tt.iv, tt.size, tt.min)
			if (err == nil) != tt.ok {
				t.Errorf("error = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// TestWindowAdd follows the candle rules of the design one step at a
// time on a window of 4 that emits from 2 candles.
func TestWindowAdd(t *testing.T) {
	type step struct {
		name    string
		c       candle.Candle
		want    candle.Result // Candles compared through wantOpen
		wantErr error
		window  []int // open minutes after the step
	}
	changed := bar(3, 12)
	changed.Volume = 11
	steps := []step{
		{"first, below minimum", bar(1, 10),
			candle.Result{Outcome: candle.Appended, Newest: true, Len: 1},
			nil, []int{1}},
		{"second emits", bar(2, 11),
			candle.Result{Outcome: candle.Appended, Emit: true, Newest: true,
				Len: 2}, nil, []int{1, 2}},
		{"gap of two", bar(5, 13),
			candle.Result{Outcome: candle.Appended, Emit: true, Newest: true,
				Gap: 2, Missing: 2, Len: 3}, nil, []int{1, 2, 5}},
		{"late fills the gap, no emit", bar(3, 12),
			candle.Result{Outcome: candle.Inserted, Missing: 1, Len: 4},
			nil, []int{1, 2, 3, 5}},
		{"identical duplicate of a late one", bar(3, 12),
			candle.Result{Outcome: candle.Duplicate, Missing: 1, Len: 4},
			nil, []int{1, 2, 3, 5}},
		{"identical duplicate of the newest", bar(5, 13),
			candle.Result{Outcome: candle.Duplicate, Newest: true,
				Missing: 1, Len: 4}, nil, []int{1, 2, 3, 5}},
		{"conflict", changed, candle.Result{}, candle.ErrConflict,
			[]int{1, 2, 3, 5}},
		{"invalid", candle.Candle{OpenTime: bar(6, 1).OpenTime},
			candle.Result{}, candle.ErrInvalid, []int{1, 2, 3, 5}},
		{"misaligned", func() candle.Candle {
			c := bar(6, 14)
			c.OpenTime += 30000
			return c
		}(), candle.Result{}, candle.ErrInvalid, []int{1, 2, 3, 5}},
		{"full: newest trims the oldest", bar(6, 14),
			candle.Result{Outcome: candle.Appended, Emit: true, Newest: true,
				Missing: 1, Len: 4}, nil, []int{2, 3, 5, 6}},
		{"full: older than the oldest is dropped", bar(1, 10),
			candle.Result{Outcome: candle.Dropped, Missing: 1, Len: 4},
			nil, []int{2, 3, 5, 6}},
		{"full: late one trims the oldest", bar(4, 12.5),
			candle.Result{Outcome: candle.Inserted, Len: 4},
			nil, []int{3, 4, 5, 6}},
	}

	w := newWindow(t, 4, 2)
	for _, s := range steps {
		got, err := w.Add(s.c)
		if s.wantErr != nil {
			if !errors.Is(err, s.wantErr) {
				t.Fatalf("%s: error = %v, want %v", s.name, err, s.wantErr)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got.Emit != (got.Candles != nil) {
			t.Errorf("%s: Emit %v with %d candles", s.name, got.Emit,
				len(got.Candles))
		}
		if got.Emit && !slices.Equal(got.Candles, w.Candles()) {
			t.Errorf("%s: result window %v, window %v", s.name,
				opens(got.Candles), opens(w.Candles()))
		}
		got.Candles = nil
		if !reflect.DeepEqual(got, s.want) {
			t.Errorf("%s: result %+v, want %+v", s.name, got, s.want)
		}
		if o := opens(w.Candles()); !slices.Equal(o, s.window) {
			t.Errorf("%s: window %v, want %v", s.name, o, s.window)
		}
	}
}

// BC-14: candles delivered 22:13, 22:15, 22:14, 22:16 are kept in open
// time order, the late 22:14 emits nothing, and EMA(2) over the window is
// the one by open time.
func TestWindowLateCandleBC14(t *testing.T) {
	w := newWindow(t, 10, 1)
	var emitted []int
	for _, c := range []candle.Candle{bar(13, 10), bar(15, 12), bar(14, 11),
		bar(16, 13)} {
		r, err := w.Add(c)
		if err != nil {
			t.Fatal(err)
		}
		if r.Emit {
			emitted = append(emitted, opens(r.Candles[len(r.Candles)-1:])[0])
		}
	}
	if want := []int{13, 15, 16}; !slices.Equal(emitted, want) {
		t.Errorf("emitted for %v, want %v (never the stale 14)", emitted, want)
	}

	s := candle.NewSeries(w.Candles())
	ema := indicator.EMA(s.Close, 2)
	want := []float64{math.NaN(), 10.5, 11.5, 12.5}
	for i := range want {
		if i == 0 {
			if !math.IsNaN(ema[0]) {
				t.Errorf("EMA[0] = %v, want no value", ema[0])
			}
			continue
		}
		if math.Abs(ema[i]-want[i]) > 1e-12 {
			t.Errorf("EMA[%d] = %v, want %v", i, ema[i], want[i])
		}
	}
}

// TestWindowReplayOrder rebuilds a window from candles in a random order,
// as a replay after redeliveries may give them, and gets the same window
// as in order.
func TestWindowReplayOrder(t *testing.T) {
	var in []candle.Candle
	for m := range 40 {
		if m%7 != 3 { // a few gaps
			in = append(in, bar(m, 100+float64(m)))
		}
	}
	inOrder := newWindow(t, 25, 1)
	for _, c := range in {
		if _, err := inOrder.Add(c); err != nil {
			t.Fatal(err)
		}
	}

	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 20 {
		shuffled := slices.Clone(in)
		rng.Shuffle(len(shuffled), func(i, j int) {
			shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
		})
		shuffled = append(shuffled, shuffled[:5]...) // redeliveries
		w := newWindow(t, 25, 1)
		for _, c := range shuffled {
			r, err := w.Restore(c)
			if err != nil {
				t.Fatal(err)
			}
			if want := candle.Missing("1m", w.Candles()); r.Missing != want ||
				w.Missing() != want {
				t.Fatalf("round %d: Missing %d and %d, window has %d",
					round, r.Missing, w.Missing(), want)
			}
		}
		// Candles older than a full window's oldest are dropped, so a
		// shuffled replay may keep some old ones and miss none of the
		// newest 25 that were delivered after the window filled; the
		// newest candle and the order must match.
		got := w.Candles()
		if !slices.IsSortedFunc(got, func(a, b candle.Candle) int {
			return int(a.OpenTime - b.OpenTime)
		}) {
			t.Fatalf("round %d: window not sorted: %v", round, opens(got))
		}
		if got[len(got)-1] != in[len(in)-1] || len(got) != 25 {
			t.Errorf("round %d: window %v", round, opens(got))
		}
	}
}

// loadCSV reads a data file of the repository's testdata.
func loadCSV(t testing.TB, name string) []candle.Candle {
	t.Helper()
	f, err := os.Open("../../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]candle.Candle, 0, len(rows)-1)
	for _, r := range rows[1:] {
		var c candle.Candle
		var errs [6]error
		c.OpenTime, errs[0] = strconv.ParseInt(r[0], 10, 64)
		c.Open, errs[1] = strconv.ParseFloat(r[1], 64)
		c.High, errs[2] = strconv.ParseFloat(r[2], 64)
		c.Low, errs[3] = strconv.ParseFloat(r[3], 64)
		c.Close, errs[4] = strconv.ParseFloat(r[4], 64)
		c.Volume, errs[5] = strconv.ParseFloat(r[5], 64)
		if err := errors.Join(errs[:]...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, c)
	}
	return out
}

// BC-16: real ETH 15m data with two exchange gaps, of 10 bars after
// 2021-04-20 01:45 and of 18 bars after 2021-04-25 04:00. The window is
// emitted across a gap, and says how many bars are missing inside it.
func TestWindowGapsETH(t *testing.T) {
	data := loadCSV(t, "ethusdt_15m_2021-03_2021-05.csv")
	if len(data) != 6884 {
		t.Fatalf("%d candles, want 6884", len(data))
	}

	t.Run("whole file", func(t *testing.T) {
		w, err := candle.NewWindow("15m", len(data), 1)
		if err != nil {
			t.Fatal(err)
		}
		gaps := map[string]int{}
		for _, c := range data {
			r, err := w.Restore(c)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Emit {
				t.Fatalf("%s did not emit", candle.Time(c.OpenTime))
			}
			if r.Gap > 0 {
				gaps[candle.Time(c.OpenTime).Format("2006-01-02 15:04")] = r.Gap
			}
		}
		want := map[string]int{"2021-04-20 04:30": 10, "2021-04-25 08:45": 18}
		if len(gaps) != len(want) || gaps["2021-04-20 04:30"] != 10 ||
			gaps["2021-04-25 08:45"] != 18 {
			t.Errorf("gaps %v, want %v", gaps, want)
		}
		if w.Missing() != 28 {
			t.Errorf("Missing = %d, want 28", w.Missing())
		}
	})

	t.Run("sliding window of 1000", func(t *testing.T) {
		w, err := candle.NewWindow("15m", candle.DefaultWindowSize, 1)
		if err != nil {
			t.Fatal(err)
		}
		missing := make([]int, len(data))
		for i, c := range data {
			r, err := w.Restore(c)
			if err != nil {
				t.Fatal(err)
			}
			missing[i] = r.Missing
			if i%50 == 0 || (i >= 3460 && i <= 3470) {
				if want := candle.Missing("15m", w.Candles()); r.Missing != want {
					t.Fatalf("row %d: Missing %d, window has %d", i,
						r.Missing, want)
				}
			}
		}
		// Row 3464 (0-based) is the first after the 10-bar gap, row 3943
		// the first after the 18-bar one; a window of 1000 ending at row
		// i holds rows i-999..i.
		tests := []struct {
			row         int
			open        string
			wantMissing int
		}{
			{3463, "2021-04-20T01:45:00Z", 0},
			{3464, "2021-04-20T04:30:00Z", 10},
			{3943, "2021-04-25T08:45:00Z", 28},
			{3463 + 999, "", 28},
			{3464 + 999, "", 18},
			{3943 + 998, "", 18},
			{3943 + 999, "", 0},
			{len(data) - 1, "2021-05-25T23:45:00Z", 0},
		}
		for _, tt := range tests {
			if tt.open != "" && data[tt.row].OpenTime != ms(tt.open) {
				t.Fatalf("row %d opens at %s, want %s", tt.row,
					candle.Time(data[tt.row].OpenTime), tt.open)
			}
			if missing[tt.row] != tt.wantMissing {
				t.Errorf("row %d: Missing = %d, want %d", tt.row,
					missing[tt.row], tt.wantMissing)
			}
		}
	})
}

func TestBook(t *testing.T) {
	b, err := candle.NewBook(5, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := candle.NewBook(5, 6); err == nil {
		t.Error("NewBook(5, 6) succeeded, want an error")
	}
	if _, err := b.Add("btcusdt", "1m", bar(1, 10)); !errors.Is(err,
		candle.ErrInvalid) {
		t.Errorf("lower-case symbol: error %v, want ErrInvalid", err)
	}
	if _, err := b.Add("BTCUSDT", "1x", bar(1, 10)); !errors.Is(err,
		candle.ErrInvalid) {
		t.Errorf("bad interval: error %v, want ErrInvalid", err)
	}

	// Windows are kept apart per symbol and interval.
	symbols := []string{"BTCUSDT", "ETHUSDT", "SOLUSDT"}
	var wg sync.WaitGroup
	for _, s := range symbols {
		wg.Go(func() {
			for m := range 20 {
				r, err := b.Add(s, "1m", bar(m, 50+float64(m)))
				if err != nil {
					t.Error(err)
					return
				}
				if r.Emit && r.Candles[len(r.Candles)-1] != bar(m, 50+float64(m)) {
					t.Errorf("%s: emitted window does not end with the "+
						"candle added", s)
				}
			}
		})
	}
	wg.Wait()

	if got := len(b.Keys()); got != len(symbols) {
		t.Errorf("%d windows, want %d", got, len(symbols))
	}
	for _, s := range symbols {
		candles, missing, ok := b.Snapshot(s, "1m")
		if !ok || missing != 0 || !slices.Equal(opens(candles),
			[]int{15, 16, 17, 18, 19}) {
			t.Errorf("%s: snapshot %v missing %d ok %v", s, opens(candles),
				missing, ok)
		}
	}
	if _, _, ok := b.Snapshot("BTCUSDT", "5m"); ok {
		t.Error("snapshot of a window never filled: ok")
	}

	r, err := b.Restore("BTCUSDT", "1m", bar(20, 70))
	if err != nil || !r.Emit || r.Candles != nil {
		t.Errorf("Restore: result %+v error %v, want Emit without a copy",
			r, err)
	}
}

func BenchmarkWindowAdd(b *testing.B) {
	w := newWindow(b, candle.DefaultWindowSize, 200)
	c := bar(0, 100)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.OpenTime += 60000
		if _, err := w.Add(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWindowRestore(b *testing.B) {
	w := newWindow(b, candle.DefaultWindowSize, 200)
	c := bar(0, 100)
	b.ReportAllocs()
	for b.Loop() {
		c.OpenTime += 60000
		if _, err := w.Restore(c); err != nil {
			b.Fatal(err)
		}
	}
}
