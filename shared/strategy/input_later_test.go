package strategy

import (
	"math"
	"testing"
)

func TestLaterWarmup(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, want int
	}{
		{"ema8", emaWarmup(8), 82},
		{"ema9", emaWarmup(9), 92},
		{"ema20", emaWarmup(20), 205},
		{"ema30", emaWarmup(30), 307},
		{"ema80", emaWarmup(80), 817},
		{"rsi2", wilderWarmup(2), 30},
		{"atr14", wilderWarmup(14), 264},
	} {
		if tc.got != tc.want {
			t.Errorf("%s warm-up %d, want %d", tc.name, tc.got, tc.want)
		}
	}
	// The seed's weight after the warm-up is under warmupWeight, and was
	// not one candle earlier.
	for _, n := range []int{8, 9, 20, 30, 80} {
		keep := 1 - 2/float64(n+1)
		steps := emaWarmup(n) - n
		if w := math.Pow(keep, float64(steps)); w > warmupWeight {
			t.Errorf("ema%d: seed weight %v after %d steps", n, w, steps)
		}
		if w := math.Pow(keep, float64(steps-1)); w <= warmupWeight {
			t.Errorf("ema%d: %d steps would do", n, steps-1)
		}
	}
}

// TestLaterScaleFree checks the scale-free bands and RSI equal TA-Lib's
// at BTC prices bit for bit, and keep their shape at 0.00001, where
// TA-Lib's zero tests flatten them.
func TestLaterScaleFree(t *testing.T) {
	s := laterLoadSeries(t, "btcusdt_1h_2021-11_2022-07")
	s = laterSlice(s, s.Len()-laterWindow, s.Len())
	in := NewInput("BTCUSDT", "1h", s)
	for _, tc := range []struct {
		name      string
		got, want []float64
	}{
		{"bb upper", in.ScaleFreeBBands(20, 2).Upper, in.BBands(20, 2).Upper},
		{"bb lower", in.ScaleFreeBBands(20, 2).Lower, in.BBands(20, 2).Lower},
		{"rsi2", in.ScaleFreeRSI(2), in.RSI(2)},
		{"rsi14", in.ScaleFreeRSI(14), in.RSI(14)},
	} {
		for i := range tc.want {
			g, w := tc.got[i], tc.want[i]
			if g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
				t.Fatalf("%s[%d] = %v, TA-Lib's %v", tc.name, i, g, w)
			}
		}
	}

	const f = 2.5e-10 // about 0.00001
	small := s
	small.Close = make([]float64, s.Len())
	for i, c := range s.Close {
		small.Close[i] = c * f
	}
	tiny := NewInput("TINY", "1h", small)
	plain, free := tiny.BBands(20, 2), tiny.ScaleFreeBBands(20, 2)
	last := s.Len() - 1
	if plain.Upper[last] != plain.Lower[last] {
		t.Errorf("TA-Lib bands at 0.00001 no longer collapse: %v..%v",
			plain.Lower[last], plain.Upper[last])
	}
	want := in.BBands(20, 2)
	for _, p := range [][2]float64{{free.Upper[last], want.Upper[last]},
		{free.Lower[last], want.Lower[last]}} {
		if math.Abs(p[0]/f-p[1]) > 1e-9*p[1] {
			t.Errorf("scale-free band %v at 0.00001, want %v", p[0]/f, p[1])
		}
	}
	r, w := laterAt(tiny.ScaleFreeRSI(2), 0), laterAt(in.RSI(2), 0)
	if math.Abs(r-w) > 1e-9 {
		t.Errorf("scale-free RSI(2) at 0.00001 = %v, want %v", r, w)
	}
}
