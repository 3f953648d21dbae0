package strategy

// IchimokuCloudMomentum trades the close against the Ichimoku(9, 26, 52)
// cloud. It buys (checked first) when the close is above both spans and
// either Tenkan crossed above Kijun on this candle or Span A is above
// Span B; it sells on the mirror. The cloud-colour branch is a state, so
// it fires on most candles of a trend. The stop is Kijun, the target
// twice that risk from the close; when Kijun is on the wrong side of the
// close there is no signal. Confidence is 0.70, 0.75 when volume is above
// 1.5 times its 20-candle mean. The metadata has no chikou_span (upstream
// always sent null): the lagging span at the last candle would be a close
// 26 candles in the future.
//
// History is 78 candles: Span B at the last candle is the 52-candle
// midpoint of 26 candles earlier. Ichimoku is exact, nothing recursive.
type IchimokuCloudMomentum struct{}

// ID returns "ichimoku_cloud_momentum".
func (IchimokuCloudMomentum) ID() string { return "ichimoku_cloud_momentum" }

// History returns 78.
func (IchimokuCloudMomentum) History() int { return 78 }

// Evaluate returns a buy above the cloud or a sell below it.
func (s IchimokuCloudMomentum) Evaluate(in *Input) (*Decision, error) {
	return decided(s.read(in))
}

type ichimokuValues struct {
	tenkan, kijun, prevTenkan, prevKijun float64
	spanA, spanB                         float64
	close, volume, volumeSMA             float64
}

func (s IchimokuCloudMomentum) read(in *Input) (ichimokuValues, error) {
	if err := needCandles(in, s.History()); err != nil {
		return ichimokuValues{}, err
	}
	ich := in.Ichimoku(9, 26, 52)
	var r lagReader
	v := ichimokuValues{
		tenkan:     r.at("tenkan_sen", ich.Tenkan, 0),
		kijun:      r.at("kijun_sen", ich.Kijun, 0),
		prevTenkan: r.at("tenkan_sen", ich.Tenkan, 1),
		prevKijun:  r.at("kijun_sen", ich.Kijun, 1),
		spanA:      r.at("senkou_span_a", ich.SpanA, 0),
		spanB:      r.at("senkou_span_b", ich.SpanB, 0),
		close:      r.at("close", in.Close, 0),
		volume:     r.at("volume", in.Volume, 0),
		volumeSMA:  r.at("volume_sma", in.VolumeSMA(20), 0),
	}
	return v, r.err
}

func (v ichimokuValues) decide() *Decision {
	var (
		a    Action
		kind string
	)
	crossUp := v.tenkan > v.kijun && v.prevTenkan <= v.prevKijun
	crossDown := v.tenkan < v.kijun && v.prevTenkan >= v.prevKijun
	switch {
	case v.close > v.spanA && v.close > v.spanB &&
		(crossUp || v.spanA > v.spanB):
		a, kind = Buy, "bullish_ichimoku"
	case v.close < v.spanA && v.close < v.spanB &&
		(crossDown || v.spanA < v.spanB):
		a, kind = Sell, "bearish_ichimoku"
	default:
		return nil
	}
	conf := stepConf(70, 90, volumeRatio(v.volume, v.volumeSMA) > 1.5)
	stop, target := v.kijun, riskTarget(v.close, v.kijun, 2)
	return newTrade(a, conf, v.close, stop, target,
		map[string]any{
			"stop_loss":         stop,
			"take_profit":       target,
			"tenkan_sen":        v.tenkan,
			"kijun_sen":         v.kijun,
			"senkou_span_a":     v.spanA,
			"senkou_span_b":     v.spanB,
			"signal_type":       kind,
			"ichimoku_momentum": true,
			"risk_reward_ratio": 2.0,
		})
}
