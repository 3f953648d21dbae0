package indicator

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
)

// refTolerance is the reference files' suggested comparison:
// |got - want| <= 1e-8 * max(1, |want|).
const refTolerance = 1e-8

// separate computes the reference set with one public function call per
// indicator, as a strategy calling them one by one would.
func separate(s candle.Series) *Set {
	h, l, c, v := s.High, s.Low, s.Close, s.Volume
	bb := BBands(c, 20, 2)
	return &Set{
		SMA20: SMA(c, 20),
		EMA9:  EMA(c, 9), EMA21: EMA(c, 21), EMA50: EMA(c, 50),
		EMA200:  EMA(c, 200),
		RSI14:   RSI(c, 14),
		MACD:    MACD(c, 12, 26, 9),
		BB:      bb,
		ATR14:   ATR(h, l, c, 14),
		DMI:     DMI(h, l, c, 14),
		Stoch:   Stoch(h, l, c, 14, 3, 3),
		OBV:     OBV(c, v),
		MFI14:   MFI(h, l, c, v, 14),
		CCI20:   CCI(h, l, c, 20),
		WillR14: WillR(h, l, c, 14),
	}
}

// TestReference checks every column of both TA-Lib reference files, for
// Compute and for the single-indicator functions.
func TestReference(t *testing.T) {
	for _, name := range datasets {
		s := loadSeries(t, name)
		ref := loadReference(t, name)
		set, err := Compute(s)
		if err != nil {
			t.Fatal(err)
		}
		ways := map[string]*Set{"Compute": set, "separate": separate(s)}
		for way, set := range ways {
			t.Run(name+"/"+way, func(t *testing.T) {
				cols := set.Columns()
				if len(cols) != len(ref) {
					t.Errorf("%d columns, reference has %d",
						len(cols), len(ref))
				}
				for _, c := range cols {
					want, ok := ref[c.Name]
					if !ok {
						t.Errorf("column %s not in the reference", c.Name)
						continue
					}
					compareColumn(t, c.Name, c.Values, want, refTolerance)
				}
			})
		}
	}
}

// TestFillReuse fills one Set with windows of different lengths and
// checks each against a fresh Compute: nothing of an earlier window stays.
func TestFillReuse(t *testing.T) {
	s := loadSeries(t, datasets[1])
	var set Set
	for _, w := range []int{1000, 300, 5, 0, 1200, 34} {
		part := tail(cut(s, 3000+w), w)
		if err := set.Fill(part); err != nil {
			t.Fatal(err)
		}
		want, err := Compute(part)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range set.Columns() {
			compareColumn(t, fmt.Sprintf("window %d %s", w, c.Name),
				c.Values, want.Columns()[i].Values, 0)
		}
	}
}

// TestComputeColumns checks that Compute refuses columns of unequal
// length.
func TestComputeColumns(t *testing.T) {
	s := cut(loadSeries(t, datasets[0]), 50)
	s.Volume = s.Volume[:49]
	if _, err := Compute(s); !errors.Is(err, ErrColumns) {
		t.Errorf("Compute with 49 volumes for 50 closes: err = %v, want %v",
			err, ErrColumns)
	}
}

// TestReferenceLookbacks checks that each LookbackX is the first row of
// the reference file's column.
func TestReferenceLookbacks(t *testing.T) {
	ref := loadReference(t, datasets[0])
	tests := map[string]int{
		"sma_20":      LookbackSMA(20),
		"ema_9":       LookbackEMA(9),
		"ema_200":     LookbackEMA(200),
		"rsi_14":      LookbackRSI(14),
		"macd":        LookbackMACD(12, 26, 9),
		"macd_hist":   LookbackMACD(12, 26, 9),
		"bb_lower":    LookbackBBands(20),
		"atr_14":      LookbackATR(14),
		"adx_14":      LookbackADX(14),
		"plus_di_14":  LookbackDI(14),
		"minus_di_14": LookbackDI(14),
		"stoch_k":     LookbackStoch(14, 3, 3),
		"stoch_d":     LookbackStoch(14, 3, 3),
		"obv":         LookbackOBV,
		"mfi_14":      LookbackMFI(14),
		"cci_20":      LookbackCCI(20),
		"willr_14":    LookbackWillR(14),
	}
	for name, look := range tests {
		if got := firstValid(ref[name]); got != look {
			t.Errorf("%s: first value at %d, lookback says %d",
				name, got, look)
		}
	}
}

// TestWindowConvergence computes every indicator the strategies use (and
// every reference column) over the last DefaultWindow candles and compares
// its last value with the value over the whole file, to 1e-6 relative.
// OBV, a running total, is compared by its change over the window
// instead. EMA 200 needs SettleEMA(200) candles, more than the default
// window: it is checked at that length (and TestEMA200DefaultWindow
// bounds it at the default window).
func TestWindowConvergence(t *testing.T) {
	long := map[string]bool{"EMA200": true, "Compute ema_200": true}
	obv := map[string]bool{"OBV": true, "Compute obv": true}
	for _, name := range datasets {
		s := loadSeries(t, name)
		full := outputs(s)
		short := map[int][]output{
			DefaultWindow:  outputs(tail(s, DefaultWindow)),
			SettleEMA(200): outputs(tail(s, SettleEMA(200))),
		}
		for i, o := range full {
			w := DefaultWindow
			if long[o.name] {
				w = SettleEMA(200)
			}
			got := short[w][i].vals[w-1]
			want := o.vals[s.Len()-1]
			if obv[o.name] {
				want -= o.vals[s.Len()-w] - s.Volume[s.Len()-w]
			}
			if !near(got, want, 1e-6) {
				t.Errorf("%s %s over the last %d candles = %v, "+
					"over all %d = %v", name, o.name, w, got, s.Len(), want)
			}
		}
	}
}

// TestSettle checks each recursive indicator at exactly its settling
// length, on every 97th end row of both files (about 130 windows).
func TestSettle(t *testing.T) {
	tests := []struct {
		name   string
		settle int
		f      func(s candle.Series) []float64
	}{
		{"EMA9", SettleEMA(9), func(s candle.Series) []float64 {
			return EMA(s.Close, 9)
		}},
		{"EMA50", SettleEMA(50), func(s candle.Series) []float64 {
			return EMA(s.Close, 50)
		}},
		{"EMA200", SettleEMA(200), func(s candle.Series) []float64 {
			return EMA(s.Close, 200)
		}},
		{"RSI14", SettleRSI(14), func(s candle.Series) []float64 {
			return RSI(s.Close, 14)
		}},
		{"RSI2", SettleRSI(2), func(s candle.Series) []float64 {
			return RSI(s.Close, 2)
		}},
		{"ATR14", SettleATR(14), func(s candle.Series) []float64 {
			return ATR(s.High, s.Low, s.Close, 14)
		}},
		{"ADX14", SettleDMI(14), func(s candle.Series) []float64 {
			return DMI(s.High, s.Low, s.Close, 14).ADX
		}},
		{"PlusDI14", SettleDMI(14), func(s candle.Series) []float64 {
			return DMI(s.High, s.Low, s.Close, 14).PlusDI
		}},
		{"MACDSignal", SettleMACD(12, 26, 9), func(s candle.Series) []float64 {
			return MACD(s.Close, 12, 26, 9).Signal
		}},
		{"MACDHist", SettleMACD(12, 26, 9), func(s candle.Series) []float64 {
			return MACD(s.Close, 12, 26, 9).Hist
		}},
	}
	for _, name := range datasets {
		s := loadSeries(t, name)
		for _, tt := range tests {
			full := tt.f(s)
			worst := 0.0
			for end := s.Len(); end > tt.settle; end -= 97 {
				w := tail(cut(s, end), tt.settle)
				got := tt.f(w)
				g, want := got[len(got)-1], full[end-1]
				d := math.Abs(g-want) / math.Max(1, math.Abs(want))
				worst = math.Max(worst, d)
			}
			if worst > 1e-6 {
				t.Errorf("%s %s over %d candles: worst relative "+
					"difference %.3g, want <= 1e-6", name, tt.name,
					tt.settle, worst)
			}
		}
	}
}

// cut returns the first n candles of s.
func cut(s candle.Series, n int) candle.Series {
	return candle.Series{OpenTime: s.OpenTime[:n], Open: s.Open[:n],
		High: s.High[:n], Low: s.Low[:n], Close: s.Close[:n],
		Volume: s.Volume[:n]}
}

// TestEMA200DefaultWindow pins what the docs say of EMA 200 over the
// default window, shorter than its settling length: at most 2e-5 off
// the value over the whole file, on every 7th window of both files.
func TestEMA200DefaultWindow(t *testing.T) {
	for _, name := range datasets {
		s := loadSeries(t, name)
		full := EMA(s.Close, 200)
		worst := 0.0
		for end := s.Len(); end > DefaultWindow; end -= 7 {
			got := EMA(s.Close[end-DefaultWindow:end], 200)
			d := math.Abs(got[DefaultWindow-1]-full[end-1]) / full[end-1]
			worst = math.Max(worst, d)
		}
		if worst > 2e-5 {
			t.Errorf("%s: EMA 200 over %d candles is off by %.3g, "+
				"docs say at most 2e-5", name, DefaultWindow, worst)
		}
	}
}
