package strategy

// Squeeze thresholds: upstream's 10% width cap, and the number of candles
// whose narrowest width a squeeze must match.
const (
	squeezeThreshold = 0.1
	squeezeLookback  = 125
)

// BollingerSqueezeAlert is bollinger_squeeze_alert (Quantzed screening
// 02): a hold alert, never a trade, when the Bollinger Bands (20, 2) are
// squeezed. It carries no stop or target.
//
// Upstream fired whenever the band width was under 10% of the middle band
// (UPSTREAM.md §7 item 26), which on intraday crypto is nearly always: it
// alerted on 93% of the candles of both the BTC 1h and ETH 15m sets. Here
// the width must in addition be the narrowest of the last 125 candles,
// Bollinger's own definition of a squeeze, so the alert marks a real
// contraction. The 10% cap, the intensity and the confidence
// (0.65 + 0.15·intensity, 0.65 to 0.80) are upstream's. History is 144
// candles: 125 widths, the oldest over 20 closes.
type BollingerSqueezeAlert struct{}

// ID returns "bollinger_squeeze_alert".
func (BollingerSqueezeAlert) ID() string { return "bollinger_squeeze_alert" }

// History returns 144: band widths for the last 125 candles.
func (BollingerSqueezeAlert) History() int { return 20 + squeezeLookback - 1 }

// Evaluate implements Strategy.
func (BollingerSqueezeAlert) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	b := in.BBands(20, 2)
	width := func(lag int) float64 {
		u, l := r.at("bb_upper", b.Upper, lag), r.at("bb_lower", b.Lower, lag)
		return (u - l) / r.at("bb_middle", b.Middle, lag)
	}
	c := r.at("close", in.Close, 0)
	u, m, l := r.at("bb_upper", b.Upper, 0), r.at("bb_middle", b.Middle, 0),
		r.at("bb_lower", b.Lower, 0)
	ratio := width(0)
	narrowest := true
	for lag := 1; lag < squeezeLookback; lag++ {
		if width(lag) < ratio {
			narrowest = false
		}
	}
	if r.err != nil {
		return nil, r.err
	}

	if m <= 0 || !(ratio < squeezeThreshold) || !narrowest {
		return nil, nil
	}

	intensity := max(0, (squeezeThreshold-ratio)/squeezeThreshold)
	position := 0.5
	if u > l {
		position = (c - l) / (u - l)
	}
	return &Decision{
		Action:     Hold,
		Confidence: min(0.85, 0.65+0.15*intensity),
		Price:      c,
		Metadata: map[string]any{
			"bb_upper":          u,
			"bb_lower":          l,
			"bb_middle":         m,
			"squeeze_ratio":     ratio,
			"squeeze_threshold": squeezeThreshold,
			"squeeze_intensity": intensity,
			"squeeze_lookback":  squeezeLookback,
			"band_position":     position,
			"band_width_pct":    ratio,
			"strategy_origin":   "quantzed_screening_02",
		},
	}, nil
}
