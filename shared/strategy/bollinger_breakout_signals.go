package strategy

import "math"

// BollingerBreakoutSignals is bollinger_breakout_signals (Quantzed
// screenings 04 and 05): a buy when the close is below the lower Bollinger
// Band (20, 2), a sell when it is above the upper one. The stop is 2%
// beyond the broken band and the target the middle band. Confidence is
// 0.68 plus 50 times the relative distance past the band, the bonus capped
// at 0.12 and the total at 0.85.
//
// A close more than 2% past the band puts upstream's stop on the wrong
// side of the entry (UPSTREAM.md §7 item 23); such a candle gives no
// signal. History is 20 candles.
type BollingerBreakoutSignals struct{}

// ID returns "bollinger_breakout_signals".
func (BollingerBreakoutSignals) ID() string { return "bollinger_breakout_signals" }

// History returns 20, the bands' period.
func (BollingerBreakoutSignals) History() int { return 20 }

// Evaluate implements Strategy.
func (BollingerBreakoutSignals) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	b := in.BBands(20, 2)
	c := r.at("close", in.Close, 0)
	u, m, l := r.at("bb_upper", b.Upper, 0), r.at("bb_middle", b.Middle, 0),
		r.at("bb_lower", b.Lower, 0)
	if r.err != nil {
		return nil, r.err
	}

	var (
		action           Action
		band, dist, stop float64
		kind, origin     string
	)
	switch {
	case c < l:
		action, band, dist, stop = Buy, l, (l-c)/l, 0.98*l
		kind, origin = "lower_band_breakout", "quantzed_screening_04"
	case c > u:
		action, band, dist, stop = Sell, u, (c-u)/u, 1.02*u
		kind, origin = "upper_band_breakout", "quantzed_screening_05"
	default:
		return nil, nil
	}

	width, position := 0.0, 0.5
	if m > 0 {
		width = (u - l) / m
	}
	if u > l {
		position = (c - l) / (u - l)
	}
	return newTrade(action, min(0.85, 0.68+min(0.12, 50*dist)), c, stop, m,
		map[string]any{
			"bb_upper":           u,
			"bb_lower":           l,
			"bb_middle":          m,
			"band_width":         width,
			"position_in_bands":  position,
			"breakout_type":      kind,
			"distance_from_band": math.Abs(c-band) / c,
			"strategy_origin":    origin,
			"stop_loss":          stop,
			"take_profit":        m,
			"target":             "middle_band",
		}), nil
}
