package strategy

// BandFadeReversal buys a turn up near the lower Bollinger Band(20, 2):
// the close is at most 1% above the lower band and below the middle band,
// the previous close was below the one before it, and the last close is
// above the previous one. The stop is 2% under the lower band, the target
// the middle band; confidence is a fixed 0.72. It only buys: the archived
// upstream docs describe a sell at the upper band that the code never had.
// When the close has already fallen 2% under the lower band, the stop
// would sit above the entry and the strategy does not fire.
//
// History is 20 candles: the bands use 20 closes and nothing recursive.
type BandFadeReversal struct{}

// ID returns "band_fade_reversal".
func (BandFadeReversal) ID() string { return "band_fade_reversal" }

// History returns 20.
func (BandFadeReversal) History() int { return 20 }

// Evaluate returns a buy on a turn up at the lower band.
func (s BandFadeReversal) Evaluate(in *Input) (*Decision, error) {
	return decided(s.read(in))
}

type bandFadeValues struct {
	lower, middle, upper float64
	close                [3]float64 // lags 0..2
}

func (s BandFadeReversal) read(in *Input) (bandFadeValues, error) {
	if err := needCandles(in, s.History()); err != nil {
		return bandFadeValues{}, err
	}
	bb := in.BBands(20, 2)
	var r lagReader
	v := bandFadeValues{
		lower:  r.at("bb_lower", bb.Lower, 0),
		middle: r.at("bb_middle", bb.Middle, 0),
		upper:  r.at("bb_upper", bb.Upper, 0),
	}
	r.span("close", in.Close, v.close[:])
	return v, r.err
}

func (v bandFadeValues) decide() *Decision {
	c := v.close
	if c[0] > 1.01*v.lower || c[0] >= v.middle || c[1] >= c[2] ||
		c[0] <= c[1] {
		return nil
	}
	stop, target := 0.98*v.lower, v.middle
	return newTrade(Buy, 0.72, c[0], stop, target,
		map[string]any{
			"stop_loss":           stop,
			"take_profit":         target,
			"bb_lower":            v.lower,
			"bb_middle":           v.middle,
			"bb_upper":            v.upper,
			"distance_from_lower": (c[0] - v.lower) / v.lower,
			"target":              "middle_band",
		})
}
