package metrics

import "github.com/prometheus/client_golang/prometheus"

// Backtest holds the gauges a backtest sets per strategy. They are
// separate from Metrics: a backtest run registers them alone, typically
// on a registry it pushes to the Pushgateway.
type Backtest struct {
	// Accuracy is ta_bot_signal_accuracy{strategy}: the share of
	// signals whose trade reached its target, in [0,1].
	Accuracy *prometheus.GaugeVec
	// ProfitLoss is ta_bot_profit_loss_total{strategy}: the summed
	// return of the simulated trades. It is a gauge despite the _total
	// suffix the guide fixed, because a loss makes it go down.
	ProfitLoss *prometheus.GaugeVec
	// WinRate is ta_bot_win_rate{strategy}: winning trades over all
	// closed trades, in [0,1].
	WinRate *prometheus.GaugeVec
}

// NewBacktest creates the backtest gauges and registers them on reg. It
// panics if reg already holds metrics of the same names.
func NewBacktest(reg prometheus.Registerer) *Backtest {
	gauge := func(name, help string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: Namespace, Name: name, Help: help,
		}, []string{"strategy"})
	}
	b := &Backtest{
		Accuracy: gauge("signal_accuracy",
			"Backtest share of signals that reached their target."),
		ProfitLoss: gauge("profit_loss_total",
			"Backtest summed return of the simulated trades."),
		WinRate: gauge("win_rate",
			"Backtest winning trades over closed trades."),
	}
	reg.MustRegister(b.Accuracy, b.ProfitLoss, b.WinRate)
	return b
}

// Record sets the three gauges of strategy.
func (b *Backtest) Record(strategy string, accuracy, profitLoss,
	winRate float64) {
	b.Accuracy.WithLabelValues(strategy).Set(accuracy)
	b.ProfitLoss.WithLabelValues(strategy).Set(profitLoss)
	b.WinRate.WithLabelValues(strategy).Set(winRate)
}
