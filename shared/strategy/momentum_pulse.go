package strategy

// MomentumPulse buys when the MACD(12,26,9) histogram turns positive
// inside an uptrend: the histogram crosses from <= 0 on the previous
// candle to > 0, RSI(14) is in [50, 65], ADX(14) is above 20 and the close
// is above both EMA(21) and EMA(50) (their order is not checked). The stop
// is EMA(50), the target 2.5 times that risk above the close; confidence is
// a fixed 0.74.
//
// History is 396 candles, what EMA(50), the slowest indicator it reads,
// needs to settle: its last value is then within 1e-6 of its value over
// any longer history (MACD and ADX settle in 306 candles, RSI in 264).
type MomentumPulse struct{}

// ID returns "momentum_pulse".
func (MomentumPulse) ID() string { return "momentum_pulse" }

// History returns 396.
func (MomentumPulse) History() int { return 396 }

// Evaluate returns a buy when the histogram crosses up in a trend.
func (s MomentumPulse) Evaluate(in *Input) (*Decision, error) {
	return decided(s.read(in))
}

type momentumPulseValues struct {
	hist, prevHist, signal float64
	rsi, adx, ema21, ema50 float64
	close, volume          float64
}

func (s MomentumPulse) read(in *Input) (momentumPulseValues, error) {
	if err := needCandles(in, s.History()); err != nil {
		return momentumPulseValues{}, err
	}
	m := in.MACD()
	var r lagReader
	v := momentumPulseValues{
		hist:     r.at("macd_hist", m.Hist, 0),
		prevHist: r.at("macd_hist", m.Hist, 1),
		signal:   r.at("macd_signal", m.Signal, 0),
		rsi:      r.at("rsi", in.RSI(14), 0),
		adx:      r.at("adx", in.DMI(14).ADX, 0),
		ema21:    r.at("ema21", in.EMA(21), 0),
		ema50:    r.at("ema50", in.EMA(50), 0),
		close:    r.at("close", in.Close, 0),
		volume:   r.at("volume", in.Volume, 0),
	}
	return v, r.err
}

func (v momentumPulseValues) decide() *Decision {
	crossUp := v.prevHist <= 0 && v.hist > 0
	if !crossUp || v.rsi < 50 || v.rsi > 65 || v.adx <= 20 ||
		v.close <= v.ema21 || v.close <= v.ema50 {
		return nil
	}
	stop, target := v.ema50, riskTarget(v.close, v.ema50, 2.5)
	return newTrade(Buy, 0.74, v.close, stop, target,
		map[string]any{
			"stop_loss":         stop,
			"take_profit":       target,
			"macd_hist":         v.hist,
			"macd_signal":       v.signal,
			"rsi":               v.rsi,
			"volume":            v.volume,
			"risk_reward_ratio": 2.5,
		})
}
