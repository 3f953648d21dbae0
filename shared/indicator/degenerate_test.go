package indicator

import (
	"fmt"
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
)

// output is one indicator output and the index of its first value.
type output struct {
	name string
	vals []float64
	look int
}

// outputs computes every indicator the strategies use, with their
// parameters, plus the Compute set.
func outputs(s candle.Series) []output {
	h, l, c, v := s.High, s.Low, s.Close, s.Volume
	var out []output
	add := func(name string, vals []float64, look int) {
		out = append(out, output{name, vals, look})
	}
	for _, n := range []int{8, 9, 20, 21, 30, 50, 80, 200} {
		add(fmt.Sprintf("EMA%d", n), EMA(c, n), LookbackEMA(n))
	}
	for _, n := range []int{10, 20, 50, 150, 200} {
		add(fmt.Sprintf("SMA%d", n), SMA(c, n), LookbackSMA(n))
	}
	add("VolumeSMA20", SMA(v, 20), LookbackSMA(20))
	add("RSI14", RSI(c, 14), LookbackRSI(14))
	add("RSI2", RSI(c, 2), LookbackRSI(2))
	m := MACD(c, 12, 26, 9)
	add("MACD", m.Line, LookbackMACD(12, 26, 9))
	add("MACDSignal", m.Signal, LookbackMACD(12, 26, 9))
	add("MACDHist", m.Hist, LookbackMACD(12, 26, 9))
	b := BBands(c, 20, 2)
	add("BBUpper", b.Upper, LookbackBBands(20))
	add("BBMiddle", b.Middle, LookbackBBands(20))
	add("BBLower", b.Lower, LookbackBBands(20))
	add("TrueRange", TrueRange(h, l, c), LookbackTrueRange)
	add("ATR14", ATR(h, l, c, 14), LookbackATR(14))
	d := DMI(h, l, c, 14)
	add("PlusDI14", d.PlusDI, LookbackDI(14))
	add("MinusDI14", d.MinusDI, LookbackDI(14))
	add("ADX14", d.ADX, LookbackADX(14))
	st := Stoch(h, l, c, 14, 3, 3)
	add("StochK", st.K, LookbackStoch(14, 3, 3))
	add("StochD", st.D, LookbackStoch(14, 3, 3))
	add("WillR14", WillR(h, l, c, 14), LookbackWillR(14))
	add("CCI20", CCI(h, l, c, 20), LookbackCCI(20))
	add("MFI14", MFI(h, l, c, v, 14), LookbackMFI(14))
	add("OBV", OBV(c, v), LookbackOBV)
	add("VWAP", VWAP(s.OpenTime, h, l, c, v), LookbackVWAP)
	ich := Ichimoku(h, l, 9, 26, 52)
	add("Tenkan", ich.Tenkan, 8)
	add("Kijun", ich.Kijun, 25)
	add("SpanA", ich.SpanA, 51)
	add("SpanB", ich.SpanB, LookbackIchimoku(9, 26, 52))
	for _, n := range []int{10, 19, 20} {
		add(fmt.Sprintf("Highest%d", n), Highest(h, n), LookbackHighest(n))
		add(fmt.Sprintf("Lowest%d", n), Lowest(l, n), LookbackLowest(n))
	}
	if set, err := Compute(s); err == nil {
		for _, col := range set.Columns() {
			add("Compute "+col.Name, col.Values, firstValid(col.Values))
		}
	}
	return out
}

// checkOutputs fails t where an output is not as long as the series, has
// a value before its lookback, or is not finite from its lookback on.
func checkOutputs(t *testing.T, s candle.Series) {
	t.Helper()
	for _, o := range outputs(s) {
		if len(o.vals) != s.Len() {
			t.Errorf("%s: %d values for %d candles", o.name, len(o.vals),
				s.Len())
			continue
		}
		for i, v := range o.vals {
			if i < o.look && !math.IsNaN(v) {
				t.Errorf("%s[%d] = %v before lookback %d", o.name, i, v,
					o.look)
				break
			}
			if i >= o.look && (math.IsNaN(v) || math.IsInf(v, 0)) {
				t.Errorf("%s[%d] = %v from lookback %d", o.name, i, v,
					o.look)
				break
			}
		}
	}
	for _, k := range []int{1, 2, 5} {
		for name, sw := range map[string]Swings{
			"SwingHighs": SwingHighs(s.High, k),
			"SwingLows":  SwingLows(s.Low, k),
		} {
			for i, p := range sw.Price {
				if (sw.Bar[i] < 0) != math.IsNaN(p) || sw.Bar[i] > max(i-k, -1) {
					t.Errorf("%s(%d)[%d] = %v at bar %d", name, k, i, p,
						sw.Bar[i])
					break
				}
			}
		}
	}
}

// series builds a Series from closes: each candle opens at the previous
// close, spans its open and close widened by pad, trades vol, and opens
// 15 minutes after the previous one.
func series(closes []float64, pad, vol float64) candle.Series {
	cs := make([]candle.Candle, len(closes))
	for i, c := range closes {
		o := c
		if i > 0 {
			o = closes[i-1]
		}
		cs[i] = candle.Candle{OpenTime: int64(i) * 900_000, Open: o,
			High: max(o, c) + pad, Low: min(o, c) - pad, Close: c,
			Volume: vol}
	}
	return candle.NewSeries(cs)
}

// repeat returns n copies of v.
func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// TestDegenerate checks that no degenerate input gives NaN or Inf after
// an output's lookback, nor a value before it.
func TestDegenerate(t *testing.T) {
	real := loadSeries(t, datasets[0])
	real300 := cut(real, 300)

	zeroRange := cut(loadSeries(t, datasets[0]), 300)
	for _, i := range []int{100, 101, 150} {
		p := zeroRange.Close[i-1]
		zeroRange.Open[i], zeroRange.High[i] = p, p
		zeroRange.Low[i], zeroRange.Close[i] = p, p
	}

	zeroVolume := cut(loadSeries(t, datasets[0]), 300)
	for i := 100; i < 140; i++ {
		zeroVolume.Volume[i] = 0
	}

	flatAfter := append(append([]float64(nil), real.Close[:250]...),
		repeat(real.Close[249], 100)...)

	tests := map[string]candle.Series{
		"flat":                   series(repeat(100, 300), 0, 10),
		"flat, no volume":        series(repeat(100, 300), 0, 0),
		"flat after real prices": series(flatAfter, 0, 5),
		"zero-range candles":     zeroRange,
		"zero volume for 40":     zeroVolume,
		"price 0.00000123":       series(repeat(0.00000123, 300), 1e-8, 3),
		"real 300":               real300,
	}
	for n := 0; n <= 80; n++ {
		tests[fmt.Sprintf("first %d candles", n)] = cut(real, n)
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) { checkOutputs(t, s) })
	}
}

// TestDegenerateValues pins TA-Lib's value for each 0/0 case on a flat
// market, and the flat window that follows real prices.
func TestDegenerateValues(t *testing.T) {
	flat := series(repeat(100, 300), 0, 10)
	h, l, c, v := flat.High, flat.Low, flat.Close, flat.Volume
	last := func(x []float64) float64 { return x[len(x)-1] }
	b := BBands(c, 20, 2)
	d := DMI(h, l, c, 14)
	tests := []struct {
		name      string
		got, want float64
	}{
		{"RSI flat is 0", last(RSI(c, 14)), 0},
		{"RSI(2) flat is 0", last(RSI(c, 2)), 0},
		{"Stoch %K zero range is 0", last(Stoch(h, l, c, 14, 3, 3).K), 0},
		{"Stoch %D zero range is 0", last(Stoch(h, l, c, 14, 3, 3).D), 0},
		{"WillR zero range is 0", last(WillR(h, l, c, 14)), 0},
		{"CCI zero deviation is 0", last(CCI(h, l, c, 20)), 0},
		{"MFI without flow is 0", last(MFI(h, l, c, v, 14)), 0},
		{"MFI zero volume is 0",
			last(MFI(h, l, c, repeat(0, 300), 14)), 0},
		{"BB upper is the middle", last(b.Upper), 100},
		{"BB lower is the middle", last(b.Lower), 100},
		{"ATR is 0", last(ATR(h, l, c, 14)), 0},
		{"+DI without range is 0", last(d.PlusDI), 0},
		{"-DI without range is 0", last(d.MinusDI), 0},
		{"ADX without range is 0", last(d.ADX), 0},
		{"MACD is 0", last(MACD(c, 12, 26, 9).Line), 0},
		{"OBV keeps volume[0]", last(OBV(c, v)), 10},
		{"VWAP is the price", last(VWAP(flat.OpenTime, h, l, c, v)), 100},
		{"VWAP without volume is the price",
			last(VWAP(flat.OpenTime, h, l, c, repeat(0, 300))), 100},
		{"EMA is the price", last(EMA(c, 200)), 100},
	}

	real := loadSeries(t, datasets[0])
	p := real.Close[249]
	fa := series(append(append([]float64(nil), real.Close[:250]...),
		repeat(p, 60)...), 0, 5)
	fb := BBands(fa.Close, 20, 2)
	tests = append(tests, []struct {
		name      string
		got, want float64
	}{
		{"flat after real prices: BB upper is the middle",
			last(fb.Upper) - last(fb.Middle), 0},
		{"flat after real prices: CCI is 0",
			last(CCI(fa.High, fa.Low, fa.Close, 20)), 0},
		{"flat after real prices: MFI is 0",
			last(MFI(fa.High, fa.Low, fa.Close, fa.Volume, 14)), 0},
		{"flat after real prices: Stoch %K is 0",
			last(Stoch(fa.High, fa.Low, fa.Close, 14, 3, 3).K), 0},
		{"flat after real prices: WillR is 0",
			last(WillR(fa.High, fa.Low, fa.Close, 14)), 0},
		{"volume SMA over zero volume after real volume is 0",
			last(SMA(append(append([]float64(nil), real.Volume[:250]...),
				repeat(0, 20)...), 20)), 0},
	}...)
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// TestTinyPrices runs the BTC file scaled by 2^-35 (last close about
// 0.0000006): the scaling is exact in binary, so every price-valued output
// must be exactly the scaled one and every oscillator exactly the same.
// TA-Lib's absolute bounds would zero RSI, DI, ADX and MFI here.
func TestTinyPrices(t *testing.T) {
	s := cut(loadSeries(t, datasets[0]), 1200)
	f := math.Ldexp(1, -35)
	tiny := candle.Series{OpenTime: s.OpenTime, Open: scale(s.Open, f),
		High: scale(s.High, f), Low: scale(s.Low, f),
		Close: scale(s.Close, f), Volume: s.Volume}
	want, got := outputs(s), outputs(tiny)
	for i, o := range want {
		k := f
		if scaleFree[o.name] {
			k = 1
		}
		for j, v := range o.vals {
			g := got[i].vals[j]
			if g != v*k && !(math.IsNaN(v) && math.IsNaN(g)) {
				t.Errorf("%s[%d] = %v, want %v", o.name, j, g, v*k)
				break
			}
		}
	}

	// A hand-made coin at 0.00000123 with 1-satoshi moves and a volume
	// whose money flow is far below 1.0 per candle.
	closes := []float64{123, 124, 122, 125, 125, 126, 124, 127, 128, 126,
		129, 130, 128, 131, 132, 130, 133}
	big := series(closes, 1, 1000)
	small := series(scale(closes, 1e-8), 1e-8, 1000)
	for _, tt := range []struct {
		name string
		a, b []float64
	}{
		{"RSI", RSI(big.Close, 14), RSI(small.Close, 14)},
		{"+DI", DMI(big.High, big.Low, big.Close, 5).PlusDI,
			DMI(small.High, small.Low, small.Close, 5).PlusDI},
		{"MFI", MFI(big.High, big.Low, big.Close, big.Volume, 14),
			MFI(small.High, small.Low, small.Close, small.Volume, 14)},
		{"CCI", CCI(big.High, big.Low, big.Close, 14),
			CCI(small.High, small.Low, small.Close, 14)},
	} {
		a, b := tt.a[len(tt.a)-1], tt.b[len(tt.b)-1]
		if a == 0 || math.Abs(a-b) > 1e-9*math.Abs(a) {
			t.Errorf("%s at 0.00000123 = %v, at 123 = %v", tt.name, b, a)
		}
	}
	bb, sb := BBands(big.Close, 10, 2), BBands(small.Close, 10, 2)
	a := bb.Upper[16] - bb.Middle[16]
	b := (sb.Upper[16] - sb.Middle[16]) * 1e8
	if a == 0 || math.Abs(a-b) > 1e-6*a {
		t.Errorf("BB width at 0.00000123 = %v (scaled), at 123 = %v", b, a)
	}
}

// scaleFree names the outputs that do not scale with the price.
var scaleFree = map[string]bool{
	"RSI14": true, "RSI2": true, "PlusDI14": true, "MinusDI14": true,
	"ADX14": true, "StochK": true, "StochD": true, "WillR14": true,
	"CCI20": true, "MFI14": true, "VolumeSMA20": true, "OBV": true,
	"Compute rsi_14": true, "Compute adx_14": true,
	"Compute plus_di_14": true, "Compute minus_di_14": true,
	"Compute stoch_k": true, "Compute stoch_d": true, "Compute obv": true,
	"Compute mfi_14": true, "Compute cci_20": true, "Compute willr_14": true,
}

// scale returns x times f.
func scale(x []float64, f float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v * f
	}
	return out
}
