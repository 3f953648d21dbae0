package strategy

// OrderFlowImbalance reads accumulation or distribution from candles
// alone: despite its name it sees no order book or trade flow, only
// OHLCV. Over candles 10..19 back it takes the mean volume Vref, the
// lowest low S and the highest high R. It buys (accumulation, checked
// first) when one of candles 2..9 back traded more than 2 Vref in a range
// under 2% of its low and closed above S, the mean volume of the last 5
// candles is above 1.2 times that of the 5 before, and the last 10 closes
// span less than 3% of their mean; it sells (distribution) on the same
// spike closing under R, with the recent volume under 0.8 times the
// earlier, in the same tight range. The stop is 1% beyond S or R, the
// target 2.5 times the risk; a close already beyond the stop gives no
// signal. Confidence is 0.75, +0.05 when volume is above 1.5 times its
// 20-candle mean, +0.05 when RSI(14) is under 70 for a buy (above 30 for a
// sell). A spike stays in view for 8 candles, so one spike can give a
// signal on each of them.
//
// History is 264 candles, what RSI(14) needs to settle.
type OrderFlowImbalance struct{}

// ID returns "order_flow_imbalance".
func (OrderFlowImbalance) ID() string { return "order_flow_imbalance" }

// History returns 264.
func (OrderFlowImbalance) History() int { return 264 }

// Evaluate returns a buy on accumulation or a sell on distribution.
func (s OrderFlowImbalance) Evaluate(in *Input) (*Decision, error) {
	return decided(s.read(in))
}

type orderFlowValues struct {
	rsi, volumeSMA       float64
	volRef, support, res float64     // over lags 10..19
	high, low, close     [10]float64 // lags 0..9
	vol                  [10]float64
}

func (s OrderFlowImbalance) read(in *Input) (orderFlowValues, error) {
	if err := needCandles(in, s.History()); err != nil {
		return orderFlowValues{}, err
	}
	var r lagReader
	v := orderFlowValues{
		rsi:       r.at("rsi", in.RSI(14), 0),
		volumeSMA: r.at("volume_sma", in.VolumeSMA(20), 0),
		volRef:    r.at("volume_sma_10", in.VolumeSMA(10), 10),
		support:   r.at("lowest_low_10", in.Lowest(10), 10),
		res:       r.at("highest_high_10", in.Highest(10), 10),
	}
	r.span("high", in.High, v.high[:])
	r.span("low", in.Low, v.low[:])
	r.span("close", in.Close, v.close[:])
	r.span("volume", in.Volume, v.vol[:])
	return v, r.err
}

// spike reports whether one of candles 2..9 back traded more than twice
// the reference volume in a range under 2% and closed where above says.
func (v orderFlowValues) spike(above func(close float64) bool) bool {
	for j := 2; j < 10; j++ {
		if v.vol[j] > 2*v.volRef && (v.high[j]-v.low[j])/v.low[j] < 0.02 &&
			above(v.close[j]) {
			return true
		}
	}
	return false
}

// volumeTrend returns the mean volume of the last 5 candles and that of
// the 5 before.
func (v orderFlowValues) volumeTrend() (recent, earlier float64) {
	for j := range 5 {
		recent += v.vol[j] / 5
		earlier += v.vol[j+5] / 5
	}
	return recent, earlier
}

// tight reports whether the last 10 closes span less than 3% of their
// mean.
func (v orderFlowValues) tight() bool {
	lo, hi, sum := v.close[0], v.close[0], 0.0
	for _, c := range v.close {
		lo, hi, sum = min(lo, c), max(hi, c), sum+c
	}
	return (hi-lo)/(sum/10) < 0.03
}

func (v orderFlowValues) decide() *Decision {
	recent, earlier := v.volumeTrend()
	var (
		a      Action
		stop   float64
		kind   string
		rsiAck bool
	)
	switch {
	case !v.tight():
		return nil
	case v.spike(func(c float64) bool { return c > v.support }) &&
		recent > 1.2*earlier:
		a, stop, kind = Buy, 0.99*v.support, "order_flow_accumulation"
		rsiAck = v.rsi < 70
	case v.spike(func(c float64) bool { return c < v.res }) &&
		recent < 0.8*earlier:
		a, stop, kind = Sell, 1.01*v.res, "order_flow_distribution"
		rsiAck = v.rsi > 30
	default:
		return nil
	}
	ratio := volumeRatio(v.vol[0], v.volumeSMA)
	conf := stepConf(75, 95, ratio > 1.5, rsiAck)
	target := riskTarget(v.close[0], stop, 2.5)
	return newTrade(a, conf, v.close[0], stop, target,
		map[string]any{
			"stop_loss":            stop,
			"take_profit":          target,
			"rsi":                  v.rsi,
			"volume_ratio":         ratio,
			"signal_type":          kind,
			"order_flow_imbalance": true,
			"volume_confirmed":     ratio > 1.5,
			"rsi_confirmed":        rsiAck,
			"risk_reward_ratio":    2.5,
		})
}
