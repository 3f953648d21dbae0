package indicator

import (
	"math"
	"testing"
)

// na marks an index without a value ("—" in the case descriptions).
var na = math.NaN()

// wantValues fails t where got differs from want by more than 1e-6 (the
// cases give 6 decimals) or where exactly one of them is NaN.
func wantValues(t *testing.T, name string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values %v, want %d", name, len(got), got,
			len(want))
	}
	for i := range want {
		if math.IsNaN(want[i]) != math.IsNaN(got[i]) ||
			math.Abs(got[i]-want[i]) > 1e-6 {
			t.Errorf("%s[%d] = %v, want %v", name, i, got[i], want[i])
		}
	}
}

// TestCases pins the right values of the IND-WARMUP, IND-FORMULA and
// DEGENERATE-INPUT failure cases of docs CASES.md (BC-xx).
func TestCases(t *testing.T) {
	bc04H := []float64{10, 11, 12, 11.5, 13, 14, 13.5, 15, 16}
	bc04L := []float64{8, 9, 10, 9.5, 11, 12, 11.5, 13, 14}
	bc04C := []float64{9, 10.5, 11.5, 10, 12.5, 13.5, 12, 14.5, 15.5}
	flat7 := []float64{100, 100, 100, 100, 100, 100, 100}
	bc10 := Stoch(flat7, flat7, flat7, 3, 3, 3)

	tests := []struct {
		name      string
		got, want []float64
	}{
		// BC-01: Wilder's RSI, not Cutler's simple means.
		{"BC-01 RSI(3) Wilder",
			RSI([]float64{100, 102, 101, 104, 103, 105, 102, 106}, 3),
			[]float64{na, na, na, 83.333333, 66.666667, 79.166667,
				42.937853, 70.206490}},
		// BC-01: less history gives another value for the same candle;
		// the window must hold SettleRSI candles.
		{"BC-01 RSI(3) of the last 4 closes",
			RSI([]float64{103, 105, 102, 106}, 3),
			[]float64{na, na, na, 66.666667}},
		// BC-02: the EMA is seeded with the SMA, not the first close.
		{"BC-02 EMA(3) SMA seed",
			EMA([]float64{10, 11, 12, 13, 14, 13}, 3),
			[]float64{na, na, 11, 12, 13, 13}},
		// BC-04: DI from bar n, ADX from bar 2n-1 seeded with mean DX.
		{"BC-04 +DI(3)", DMI(bc04H, bc04L, bc04C, 3).PlusDI,
			[]float64{na, na, na, 28.571429, 39.090909, 42.682927,
				28.571429, 37.712112, 41.386382}},
		{"BC-04 -DI(3)", DMI(bc04H, bc04L, bc04C, 3).MinusDI,
			[]float64{na, na, na, 10.714286, 5.454545, 3.658537,
				10.714286, 6.143944, 4.306809}},
		{"BC-04 DX(3)", dx(DMI(bc04H, bc04L, bc04C, 3)),
			[]float64{na, na, na, 45.454545, 75.510204, 84.210526,
				45.454545, 71.981321, 81.149013}},
		{"BC-04 ADX(3)", DMI(bc04H, bc04L, bc04C, 3).ADX,
			[]float64{na, na, na, na, na, 68.391759, 60.746021,
				64.491121, 70.043751}},
		{"BC-04 ADX(3) without the first candle",
			DMI(bc04H[1:], bc04L[1:], bc04C[1:], 3).ADX[7:],
			[]float64{72.411633}},
		// BC-05: too little history is NaN, never a panic or a 0.
		{"BC-05a EMA(3) of 2 closes", EMA([]float64{10, 11}, 3),
			[]float64{na, na}},
		{"BC-05b EMA(3) warm-up", EMA([]float64{10, 11, 12, 13, 14, 13}, 3),
			[]float64{na, na, 11, 12, 13, 13}},
		// BC-06: population standard deviation.
		{"BC-06 BB(5,2) upper", BBands([]float64{1, 2, 3, 4, 5, 6}, 5, 2).Upper,
			[]float64{na, na, na, na, 5.828427, 6.828427}},
		{"BC-06 BB(5,2) middle", BBands([]float64{1, 2, 3, 4, 5, 6}, 5, 2).Middle,
			[]float64{na, na, na, na, 3, 4}},
		{"BC-06 BB(5,2) lower", BBands([]float64{1, 2, 3, 4, 5, 6}, 5, 2).Lower,
			[]float64{na, na, na, na, 0.171573, 1.171573}},
		// BC-07: true range against the previous close.
		{"BC-07 TrueRange",
			TrueRange([]float64{10, 15, 15, 14}, []float64{9, 14, 13, 10},
				[]float64{10, 14.5, 13.5, 11}),
			[]float64{na, 5, 2, 4}},
		{"BC-07 ATR(2)",
			ATR([]float64{10, 15, 15, 14}, []float64{9, 14, 13, 10},
				[]float64{10, 14.5, 13.5, 11}, 2),
			[]float64{na, na, 3.5, 3.75}},
		// BC-09: (HH + LL)/2, not HH + LL/2.
		{"BC-09 Tenkan(9)",
			Ichimoku([]float64{12, 14, 20, 15, 13, 16, 18, 17, 19},
				[]float64{10, 11, 13, 12, 11, 14, 15, 14, 16}, 9, 26, 52).Tenkan,
			[]float64{na, na, na, na, na, na, na, na, 15}},
		// BC-10: a zero range gives %K 0, finite.
		{"BC-10 fast %K(3) flat", fastK(flat7, 3),
			[]float64{na, na, 0, 0, 0, 0, 0}},
		{"BC-10 Stoch(3,3,3) %K flat", bc10.K,
			[]float64{na, na, na, na, na, na, 0}},
		{"BC-10 Stoch(3,3,3) %D flat", bc10.D,
			[]float64{na, na, na, na, na, na, 0}},
		// BC-11: RSI on a flat window is 0 (TA-Lib), never NaN.
		{"BC-11 RSI(3) flat", RSI([]float64{100, 100, 100, 100, 100, 100}, 3),
			[]float64{na, na, na, 0, 0, 0}},
		{"BC-11 RSI(3) all gains", RSI([]float64{1, 2, 3, 4, 5}, 3),
			[]float64{na, na, na, 100, 100}},
		{"BC-11 RSI(3) all losses", RSI([]float64{5, 4, 3, 2, 1}, 3),
			[]float64{na, na, na, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantValues(t, tt.name, tt.got, tt.want)
		})
	}
}

// dx derives DX from the two DI lines.
func dx(r DMIResult) []float64 {
	out := nanSlice(len(r.PlusDI))
	for i, p := range r.PlusDI {
		m := r.MinusDI[i]
		if !math.IsNaN(p) && p+m != 0 {
			out[i] = 100 * math.Abs(p-m) / (p + m)
		}
	}
	return out
}

// fastK is the fast %K over n candles of a series whose high, low and
// close are all c: the slow %K with 1-candle smoothing.
func fastK(c []float64, n int) []float64 {
	return Stoch(c, c, c, n, 1, 1).K
}
