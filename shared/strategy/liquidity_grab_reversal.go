package strategy

// LiquidityGrabReversal trades a sweep of the support or resistance of
// candles 5..19 back that price at once rejects. Support S is their lowest
// low, resistance R their highest high, Vavg their mean volume. A bullish
// grab is a candle c, 4, 3 or 2 candles back, whose low reaches 1.005 S,
// that closes up and in the upper 70% of its range, on more than 1.5 Vavg,
// with the two candles after it closing above S; a bearish grab is the
// mirror at R. (Upstream calls the close-location test a wick test.) The
// bullish pattern is checked first. A grab stays visible for up to three
// candles, so one pattern can give up to three signals, one per candle.
// The stop is 0.5% beyond the level, the target twice the risk; when the
// last close has already crossed the stop there is no signal. Confidence
// is 0.75, +0.05 when volume is above twice its 20-candle mean, +0.05 on an
// RSI(14) divergence with the close 4 candles back.
//
// History is 268 candles: RSI(14) needs 264 to settle and is read 4
// candles back.
type LiquidityGrabReversal struct{}

// ID returns "liquidity_grab_reversal".
func (LiquidityGrabReversal) ID() string { return "liquidity_grab_reversal" }

// History returns 268.
func (LiquidityGrabReversal) History() int { return 268 }

// Evaluate returns a buy or sell after a rejected sweep of a level.
func (s LiquidityGrabReversal) Evaluate(in *Input) (*Decision, error) {
	return decided(s.read(in))
}

type liquidityGrabValues struct {
	rsi, rsi4, volumeSMA        float64
	support, resistance, volAvg float64    // over lags 5..19
	open, high, low, close, vol [5]float64 // lags 0..4
}

func (s LiquidityGrabReversal) read(in *Input) (liquidityGrabValues, error) {
	if err := needCandles(in, s.History()); err != nil {
		return liquidityGrabValues{}, err
	}
	rsi := in.RSI(14)
	var r lagReader
	v := liquidityGrabValues{
		rsi:        r.at("rsi", rsi, 0),
		rsi4:       r.at("rsi", rsi, 4),
		volumeSMA:  r.at("volume_sma", in.VolumeSMA(20), 0),
		support:    r.at("lowest_low_15", in.Lowest(15), 5),
		resistance: r.at("highest_high_15", in.Highest(15), 5),
		volAvg:     r.at("volume_sma_15", in.VolumeSMA(15), 5),
	}
	r.span("open", in.Open, v.open[:])
	r.span("high", in.High, v.high[:])
	r.span("low", in.Low, v.low[:])
	r.span("close", in.Close, v.close[:])
	r.span("volume", in.Volume, v.vol[:])
	return v, r.err
}

// liquidityGrabTriples returns the (grab, next, after) candle lags
// searched, oldest first.
func liquidityGrabTriples() [3][3]int {
	return [3][3]int{{4, 3, 2}, {3, 2, 1}, {2, 1, 0}}
}

// bullish reports whether a candle swept the support and was rejected.
func (v liquidityGrabValues) bullish() bool {
	for _, t := range liquidityGrabTriples() {
		c, n, k := t[0], t[1], t[2]
		rng := v.high[c] - v.low[c]
		if v.low[c] <= 1.005*v.support && rng > 0 &&
			(v.close[c]-v.low[c])/rng > 0.3 && v.close[c] > v.open[c] &&
			v.close[n] > v.support && v.close[k] > v.support &&
			v.vol[c] > 1.5*v.volAvg {
			return true
		}
	}
	return false
}

// bearish reports whether a candle swept the resistance and was rejected.
func (v liquidityGrabValues) bearish() bool {
	for _, t := range liquidityGrabTriples() {
		c, n, k := t[0], t[1], t[2]
		rng := v.high[c] - v.low[c]
		if v.high[c] >= 0.995*v.resistance && rng > 0 &&
			(v.high[c]-v.close[c])/rng > 0.3 && v.close[c] < v.open[c] &&
			v.close[n] < v.resistance && v.close[k] < v.resistance &&
			v.vol[c] > 1.5*v.volAvg {
			return true
		}
	}
	return false
}

func (v liquidityGrabValues) decide() *Decision {
	var (
		a          Action
		stop       float64
		kind       string
		divergence bool
	)
	switch {
	case v.bullish():
		a, stop, kind = Buy, 0.995*v.support, "liquidity_grab_bullish"
		divergence = v.close[0] < v.close[4] && v.rsi > v.rsi4
	case v.bearish():
		a, stop, kind = Sell, 1.005*v.resistance, "liquidity_grab_bearish"
		divergence = v.close[0] > v.close[4] && v.rsi < v.rsi4
	default:
		return nil
	}
	ratio := volumeRatio(v.vol[0], v.volumeSMA)
	conf := stepConf(75, 95, ratio > 2, divergence)
	target := riskTarget(v.close[0], stop, 2)
	return newTrade(a, conf, v.close[0], stop, target,
		map[string]any{
			"stop_loss":         stop,
			"take_profit":       target,
			"rsi":               v.rsi,
			"volume_ratio":      ratio,
			"signal_type":       kind,
			"liquidity_grab":    true,
			"rsi_divergence":    divergence,
			"risk_reward_ratio": 2.0,
		})
}
