package publishfn

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tabot-functions/tabot/shared/metrics"
)

// Destinations of a signal (the destination label).
const (
	destJetStream = "jetstream"
	destLegacy    = "legacy"
	destREST      = "rest"
)

// pubMetrics are the publisher's own metrics, beside the shared ones;
// the destination label takes a value from the constants above.
type pubMetrics struct {
	// sent is ta_bot_signals_published_total{destination}: signals
	// delivered for the first time.
	sent *prometheus.CounterVec
	// duplicates is ta_bot_signal_duplicates_total{destination}: signals
	// delivered again and dropped (JetStream's Nats-Msg-Id window, or an
	// id this replica already delivered).
	duplicates *prometheus.CounterVec
}

func newPubMetrics(reg prometheus.Registerer) *pubMetrics {
	m := &pubMetrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace,
			Name:      "signals_published_total",
			Help:      "Signals published, by destination.",
		}, []string{"destination"}),
		duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace,
			Name:      "signal_duplicates_total",
			Help:      "Signals received again and not published twice, by destination.",
		}, []string{"destination"}),
	}
	reg.MustRegister(m.sent, m.duplicates)
	for _, d := range []string{destJetStream, destLegacy, destREST} {
		m.sent.WithLabelValues(d)
		m.duplicates.WithLabelValues(d)
	}
	return m
}

func (m *pubMetrics) published(dest string) {
	m.sent.WithLabelValues(dest).Inc()
}

func (m *pubMetrics) duplicate(dest string) {
	m.duplicates.WithLabelValues(dest).Inc()
}
