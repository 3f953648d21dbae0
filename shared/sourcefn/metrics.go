package sourcefn

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/metrics"
)

// Outcomes of a candle message (the outcome label): the book's
// outcomes, and these.
const (
	outcomeForming  = "forming"
	outcomeIgnored  = "ignored"
	outcomeInvalid  = "invalid"
	outcomeConflict = "conflict"
)

// Results of one POST of a window to one target (the result label).
const (
	resultDelivered = "delivered"
	resultRefused   = "refused"
	resultFailed    = "failed"
)

// sourceMetrics are the candle-source's own metrics, beside the shared
// ones; every label takes a value from the constants above.
type sourceMetrics struct {
	// candles is ta_bot_candles_total{outcome}: candle messages by what
	// became of them.
	candles *prometheus.CounterVec
	// deliveries is ta_bot_window_deliveries_total{result}: POSTs of a
	// window to a target by result.
	deliveries *prometheus.CounterVec
}

func newSourceMetrics(reg prometheus.Registerer) *sourceMetrics {
	m := &sourceMetrics{
		candles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace,
			Name:      "candles_total",
			Help:      "Candle messages consumed, by outcome.",
		}, []string{"outcome"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace,
			Name:      "window_deliveries_total",
			Help:      "Window events posted to a target, by result.",
		}, []string{"result"}),
	}
	reg.MustRegister(m.candles, m.deliveries)
	for _, o := range []string{
		candle.Appended.String(), candle.Inserted.String(),
		candle.Duplicate.String(), candle.Dropped.String(),
		outcomeForming, outcomeIgnored, outcomeInvalid, outcomeConflict,
	} {
		m.candles.WithLabelValues(o)
	}
	for _, r := range []string{resultDelivered, resultRefused, resultFailed} {
		m.deliveries.WithLabelValues(r)
	}
	return m
}

func (m *sourceMetrics) candle(outcome string) {
	m.candles.WithLabelValues(outcome).Inc()
}

func (m *sourceMetrics) delivery(result string) {
	m.deliveries.WithLabelValues(result).Inc()
}
