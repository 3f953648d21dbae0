package strategy

// VolumeSurgeBreakout trades a breakout of the last 19 candles on a
// volume surge: volume above 3 times its 20-candle mean (the current
// candle included) and RSI(14) in [25, 75]. It buys when the high clears
// the highest high of the 19 candles before, the close is above 0.998
// times that level and MACD is above its signal; it sells when the low
// breaks the lowest low of those candles, the close is under 1.002 times
// it and MACD is under its signal. (Upstream required MACD above its
// signal for both directions; a sell now needs the bearish side.) The
// stop is 2% beyond the broken level, the target 2.5 times the risk;
// confidence is 0.75, 0.80 above 5 times the mean volume, 0.85 above 7.
//
// History is 306 candles, what MACD(12,26,9) needs to settle (RSI(14)
// settles in 264).
type VolumeSurgeBreakout struct{}

// ID returns "volume_surge_breakout".
func (VolumeSurgeBreakout) ID() string { return "volume_surge_breakout" }

// History returns 306.
func (VolumeSurgeBreakout) History() int { return 306 }

// Evaluate returns a buy or sell on a breakout with a volume surge.
func (s VolumeSurgeBreakout) Evaluate(in *Input) (*Decision, error) {
	return decided(s.read(in))
}

type volumeSurgeValues struct {
	volume, volumeSMA, rsi, macd, signal float64
	high, low, close                     float64
	resistance, support                  float64 // over lags 1..19
}

func (s VolumeSurgeBreakout) read(in *Input) (volumeSurgeValues, error) {
	if err := needCandles(in, s.History()); err != nil {
		return volumeSurgeValues{}, err
	}
	m := in.MACD()
	var r lagReader
	v := volumeSurgeValues{
		volume:     r.at("volume", in.Volume, 0),
		volumeSMA:  r.at("volume_sma", in.VolumeSMA(20), 0),
		rsi:        r.at("rsi", in.RSI(14), 0),
		macd:       r.at("macd", m.Line, 0),
		signal:     r.at("macd_signal", m.Signal, 0),
		high:       r.at("high", in.High, 0),
		low:        r.at("low", in.Low, 0),
		close:      r.at("close", in.Close, 0),
		resistance: r.at("highest_high_19", in.Highest(19), 1),
		support:    r.at("lowest_low_19", in.Lowest(19), 1),
	}
	return v, r.err
}

func (v volumeSurgeValues) decide() *Decision {
	if v.volumeSMA <= 0 || v.volume <= 3*v.volumeSMA ||
		v.rsi < 25 || v.rsi > 75 {
		return nil
	}
	var (
		a     Action
		stop  float64
		level string
	)
	switch {
	case v.high > v.resistance && v.close > 0.998*v.resistance &&
		v.macd > v.signal:
		a, stop, level = Buy, 0.98*v.resistance, "resistance"
	case v.low < v.support && v.close < 1.002*v.support &&
		v.macd < v.signal:
		a, stop, level = Sell, 1.02*v.support, "support"
	default:
		return nil
	}
	ratio := v.volume / v.volumeSMA
	conf := stepConf(75, 95, ratio > 5, ratio > 7)
	target := riskTarget(v.close, stop, 2.5)
	return newTrade(a, conf, v.close, stop, target,
		map[string]any{
			"stop_loss":         stop,
			"take_profit":       target,
			"volume_ratio":      ratio,
			"rsi":               v.rsi,
			"macd":              v.macd,
			"macd_signal":       v.signal,
			"breakout_type":     level,
			"volume_surge":      true,
			"risk_reward_ratio": 2.5,
		})
}
