package strategy

import (
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

// squeezeWidths returns the Bollinger (20, 2) width over the middle band
// of the last lags candles of in, newest first.
func squeezeWidths(in *Input, lags int) []float64 {
	b := indicator.BBands(in.Close, 20, 2)
	out := make([]float64, lags)
	for lag := range out {
		out[lag] = (lagged(b.Upper, lag) - lagged(b.Lower, lag)) /
			lagged(b.Middle, lag)
	}
	return out
}

func bollingerSqueezeSpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			w := squeezeWidths(in, 125)
			narrowest := true
			for _, x := range w[1:] {
				narrowest = narrowest && w[0] <= x
			}
			return map[string]bool{
				"width under 10%":  w[0] < 0.1,
				"narrowest in 125": narrowest,
			}
		},
		keys: []string{"bb_upper", "bb_lower", "bb_middle", "squeeze_ratio",
			"squeeze_threshold", "squeeze_intensity", "squeeze_lookback",
			"band_position", "band_width_pct", "strategy_origin"},
	}
}

func squeezeWant(bars []bar) *Decision {
	w := squeezeWidths(inputOf(bars), 1)[0]
	intensity := (0.1 - w) / 0.1
	return &Decision{Hold, min(0.85, 0.65+0.15*intensity),
		bars[len(bars)-1].c, 0, 0, nil}
}

func TestBollingerSqueezeAlert(t *testing.T) {
	// A 20-candle sine fills each band window with one whole period, so
	// the width follows the amplitude.
	fading := waveBarsAmp(1000, 50_000, 20, func(i int) float64 {
		return 0.03 * math.Pow(0.998, float64(i))
	})
	wideFading := waveBarsAmp(1000, 50_000, 20, func(i int) float64 {
		return 0.2 * math.Pow(0.999, float64(i))
	})
	growing := waveBarsAmp(1000, 50_000, 20, func(i int) float64 {
		return 0.002 * math.Pow(1.001, float64(i))
	})
	// Narrower bands 115 to 130 candles back than now.
	patch := waveBarsAmp(1000, 50_000, 20, func(i int) float64 {
		switch {
		case i < 850:
			return 0.03
		case i < 885:
			return 0.005
		}
		return 0.03 * math.Pow(0.995, float64(i-885))
	})
	flat := trendBars(200, 50_000, 0)
	flatWant := squeezeWant(flat)
	flatWant.Confidence = 0.80 // zero width, full intensity

	runBars(t, BollingerSqueezeAlert{}, bollingerSqueezeSpec(), []barCase{
		{name: "bands narrowing", bars: fading, want: squeezeWant(fading)},
		{name: "flat market, zero width", bars: flat, want: flatWant},
		{name: "narrowing but wider than 10%", bars: wideFading,
			miss: []string{"width under 10%"}},
		{name: "narrowest in 100 candles, not in 125", bars: patch,
			miss: []string{"narrowest in 125"}},
		// Upstream alerted here: the width is under 10% of the price.
		{name: "bands widening", bars: growing,
			miss: []string{"narrowest in 125"}},
	})
}
