package strategy

import "math"

// MeanReversionScalper fades a stretch away from EMA(21): the close is at
// least 2% from EMA(21) (a fixed distance; the upstream docstring's "2
// standard deviations" was never the rule) and it buys when RSI(14) is
// under 30 and the close under the lower Bollinger Band(20, 2), or sells
// when RSI(14) is above 70 and the close above the upper band. The target
// is EMA(21), the stop 1.5% beyond the band; a close already further out
// than the stop, or on the far side of EMA(21), gives no signal.
// Confidence is 0.70, +0.05 when the last two closes already move back
// toward the mean, +0.05 beyond 3% from EMA(21), +0.05 more beyond 4%.
// The rule is a state: it fires on every candle that closes beyond the
// band.
//
// History is 264 candles, what RSI(14) needs to settle (EMA(21) settles
// in 166, the bands are exact after 20).
type MeanReversionScalper struct{}

// ID returns "mean_reversion_scalper".
func (MeanReversionScalper) ID() string { return "mean_reversion_scalper" }

// History returns 264.
func (MeanReversionScalper) History() int { return 264 }

// Evaluate returns a buy or sell back toward EMA(21).
func (s MeanReversionScalper) Evaluate(in *Input) (*Decision, error) {
	return decided(s.read(in))
}

type meanReversionValues struct {
	ema21, rsi, lower, upper float64
	close                    [3]float64 // lags 0..2
}

func (s MeanReversionScalper) read(in *Input) (meanReversionValues, error) {
	if err := needCandles(in, s.History()); err != nil {
		return meanReversionValues{}, err
	}
	bb := in.BBands(20, 2)
	var r lagReader
	v := meanReversionValues{
		ema21: r.at("ema21", in.EMA(21), 0),
		rsi:   r.at("rsi", in.RSI(14), 0),
		lower: r.at("bb_lower", bb.Lower, 0),
		upper: r.at("bb_upper", bb.Upper, 0),
	}
	r.span("close", in.Close, v.close[:])
	return v, r.err
}

func (v meanReversionValues) decide() *Decision {
	c := v.close
	dev := math.Abs(c[0]-v.ema21) / v.ema21
	if dev < 0.02 {
		return nil
	}
	var (
		a         Action
		stop      float64
		kind      string
		reversing bool
	)
	switch {
	case v.rsi < 30 && c[0] < v.lower:
		a, stop, kind = Buy, 0.985*v.lower, "oversold_reversal"
		reversing = c[0] > c[1] && c[1] > c[2]
	case v.rsi > 70 && c[0] > v.upper:
		a, stop, kind = Sell, 1.015*v.upper, "overbought_reversal"
		reversing = c[0] < c[1] && c[1] < c[2]
	default:
		return nil
	}
	conf := stepConf(70, 90, reversing, dev > 0.03, dev > 0.04)
	target := v.ema21
	return newTrade(a, conf, c[0], stop, target,
		map[string]any{
			"stop_loss":          stop,
			"take_profit":        target,
			"deviation_from_ema": dev,
			"rsi":                v.rsi,
			"ema21":              v.ema21,
			"bb_lower":           v.lower,
			"bb_upper":           v.upper,
			"signal_type":        kind,
			"mean_reversion":     true,
			"target":             "ema21",
		})
}
