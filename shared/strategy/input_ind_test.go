package strategy

import (
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/indicator"
)

// TestInputIndicators checks that each accessor of input_ind.go returns
// the indicator package's values and computes them once per Input.
func TestInputIndicators(t *testing.T) {
	var cs []candle.Candle
	for i := range 120 {
		c := 100 + 10*math.Sin(float64(i)/5)
		cs = append(cs, candle.Candle{OpenTime: int64(i) * 900_000,
			Open: c - 1, High: c + 2, Low: c - 2, Close: c,
			Volume: float64(1 + i%7)})
	}
	s := candle.NewSeries(cs)
	in := NewInput("BTCUSDT", "15m", s)
	h, l, c, v := s.High, s.Low, s.Close, s.Volume
	tests := []struct {
		name      string
		got, want func() []float64
	}{
		{"TrueRange", func() []float64 { return in.TrueRange() },
			func() []float64 { return indicator.TrueRange(h, l, c) }},
		{"Stoch K", func() []float64 { return in.Stoch(14, 3, 3).K },
			func() []float64 { return indicator.Stoch(h, l, c, 14, 3, 3).K }},
		{"Stoch(5,3,3) D", func() []float64 { return in.Stoch(5, 3, 3).D },
			func() []float64 { return indicator.Stoch(h, l, c, 5, 3, 3).D }},
		{"WillR", func() []float64 { return in.WillR(14) },
			func() []float64 { return indicator.WillR(h, l, c, 14) }},
		{"CCI", func() []float64 { return in.CCI(20) },
			func() []float64 { return indicator.CCI(h, l, c, 20) }},
		{"MFI", func() []float64 { return in.MFI(14) },
			func() []float64 { return indicator.MFI(h, l, c, v, 14) }},
		{"OBV", func() []float64 { return in.OBV() },
			func() []float64 { return indicator.OBV(c, v) }},
		{"VWAP", func() []float64 { return in.VWAP() },
			func() []float64 {
				return indicator.VWAP(s.OpenTime, h, l, c, v)
			}},
		{"Ichimoku SpanB", func() []float64 { return in.Ichimoku(9, 26, 52).SpanB },
			func() []float64 { return indicator.Ichimoku(h, l, 9, 26, 52).SpanB }},
		{"Ichimoku(7,22,44) Kijun",
			func() []float64 { return in.Ichimoku(7, 22, 44).Kijun },
			func() []float64 { return indicator.Ichimoku(h, l, 7, 22, 44).Kijun }},
		{"SwingHighs", func() []float64 { return in.SwingHighs(3).Price },
			func() []float64 { return indicator.SwingHighs(h, 3).Price }},
		{"SwingLows", func() []float64 { return in.SwingLows(3).Price },
			func() []float64 { return indicator.SwingLows(l, 3).Price }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := tt.got(), tt.want()
			for i := range want {
				if got[i] != want[i] &&
					!(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
					t.Fatalf("[%d] = %v, want %v", i, got[i], want[i])
				}
			}
			if again := tt.got(); &again[0] != &got[0] {
				t.Errorf("computed twice, want memoised")
			}
		})
	}
}
