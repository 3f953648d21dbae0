package strategy

import (
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

func bollingerBreakoutSpec() barSpec {
	return barSpec{
		conds: func(in *Input, _ string) map[string]bool {
			b := indicator.BBands(in.Close, 20, 2)
			c := lagged(in.Close, 0)
			u, l := lagged(b.Upper, 0), lagged(b.Lower, 0)
			return map[string]bool{
				"close outside the bands": c < l || c > u,
				"stop beyond the close": !(c < l && 0.98*l >= c) &&
					!(c > u && 1.02*u <= c),
			}
		},
		keys: []string{"bb_upper", "bb_lower", "bb_middle", "band_width",
			"position_in_bands", "breakout_type", "distance_from_band",
			"strategy_origin", "stop_loss", "take_profit", "target"},
	}
}

func breakoutWant(bars []bar) *Decision {
	b := indicator.BBands(closesOf(bars), 20, 2)
	c := bars[len(bars)-1].c
	u, m, l := lagged(b.Upper, 0), lagged(b.Middle, 0), lagged(b.Lower, 0)
	if c < l {
		return &Decision{Buy, min(0.85, 0.68+min(0.12, 50*(l-c)/l)), c,
			0.98 * l, m, map[string]any{"breakout_type": "lower_band_breakout",
				"strategy_origin": "quantzed_screening_04"}}
	}
	return &Decision{Sell, min(0.85, 0.68+min(0.12, 50*(c-u)/u)), c,
		1.02 * u, m, map[string]any{"breakout_type": "upper_band_breakout",
			"strategy_origin": "quantzed_screening_05"}}
}

func TestBollingerBreakoutSignals(t *testing.T) {
	wave := waveBars(1000, 50_000, 0.01, 20)
	below := thenMoves(wave, -0.02)
	above := thenMoves(wave, 0.02)
	far := thenMoves(wave, -0.028)
	farWant := breakoutWant(far)
	farWant.Confidence = 0.80 // distance bonus at its cap

	runBars(t, BollingerBreakoutSignals{}, bollingerBreakoutSpec(),
		[]barCase{
			{name: "close under the lower band", bars: below,
				want: breakoutWant(below)},
			{name: "close over the upper band", bars: above,
				want: breakoutWant(above)},
			{name: "far under the band, bonus capped", bars: far,
				want: farWant},
			{name: "inside the bands", bars: wave,
				miss: []string{"close outside the bands"}},
			// Upstream bought here with its stop above the entry.
			{name: "crash past the stop", bars: thenMoves(wave, -0.08),
				miss: []string{"stop beyond the close"}},
			{name: "spike past the stop", bars: thenMoves(wave, 0.08),
				miss: []string{"stop beyond the close"}},
		})
}
