package backtest

import (
	"encoding/json"
	"math"
)

// Ratio is a number that may be infinite, such as the profit factor of
// a strategy that never lost. It encodes as JSON null when it is not
// finite, since JSON has no infinity.
type Ratio float64

// MarshalJSON encodes r as a number, or null when r is not finite.
func (r Ratio) MarshalJSON() ([]byte, error) {
	f := float64(r)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON decodes a number, and null as +Inf.
func (r *Ratio) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*r = Ratio(math.Inf(1))
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*r = Ratio(f)
	return nil
}

// Exits counts trades by exit reason.
type Exits struct {
	Stop   int `json:"stop"`
	Target int `json:"target"`
	Time   int `json:"time"`
	End    int `json:"end"`
}

// Stats sums up one strategy's run. Fractions are fractions: 0.05 is 5 %.
type Stats struct {
	// Evaluated counts the windows long enough for the strategy;
	// NotReady the ones that were not (or where an indicator it reads
	// had no value yet).
	Evaluated int `json:"evaluated"`
	NotReady  int `json:"not_ready"`
	// Errors counts windows where the strategy broke a rule every
	// decision obeys, or panicked; such a decision is dropped, as live.
	Errors int `json:"errors"`
	// Filtered counts decisions outside the confidence bounds.
	Filtered int `json:"filtered"`
	// Signals counts the decisions inside the bounds, holds included;
	// Holds, InPosition and NoNextCandle count those not traded.
	Signals      int `json:"signals"`
	Holds        int `json:"holds"`
	InPosition   int `json:"in_position"`
	NoNextCandle int `json:"no_next_candle"`

	Trades int   `json:"trades"`
	Wins   int   `json:"wins"`
	Losses int   `json:"losses"`
	Exits  Exits `json:"exits"`
	// WinRate is Wins over Trades; a trade wins when its net return is
	// above zero.
	WinRate float64 `json:"win_rate"`
	// Accuracy is the share of trades that reached their target.
	Accuracy float64 `json:"accuracy"`
	// PnL is the sum of the trades' net returns: every trade stakes the
	// same notional.
	PnL float64 `json:"pnl"`
	// GrossProfit sums the winning returns, GrossLoss the losing ones
	// (as a positive number).
	GrossProfit float64 `json:"gross_profit"`
	GrossLoss   float64 `json:"gross_loss"`
	// ProfitFactor is GrossProfit over GrossLoss: +Inf (null in JSON)
	// with profits and no loss, 0 without either.
	ProfitFactor Ratio `json:"profit_factor"`
	// MaxDrawdown is the largest fall of the cumulative P&L from its
	// running peak (which starts at 0), in the same unit as PnL: a
	// fraction of the stake.
	MaxDrawdown float64 `json:"max_drawdown"`
	// AvgBars is the mean number of candles a trade was held.
	AvgBars float64 `json:"avg_bars"`
}

// Point is one step of an equity curve: the equity after the trade that
// exited in the candle opened at Time (milliseconds).
type Point struct {
	Time   int64   `json:"time"`
	Equity float64 `json:"equity"`
}

// Equity returns the equity curve of trades, closed in order: it starts
// at 1 and adds each trade's return.
func Equity(trades []Trade) []Point {
	out := make([]Point, len(trades))
	e := 1.0
	for i, t := range trades {
		e += t.Return
		out[i] = Point{Time: t.ExitTime, Equity: e}
	}
	return out
}

// MaxDrawdown returns the largest fall of the equity curve of trades
// from its running peak, which starts at 1. Every trade stakes the same
// amount, so the fall is in units of the stake, not of the peak.
func MaxDrawdown(trades []Trade) float64 {
	peak, dd := 1.0, 0.0
	for _, p := range Equity(trades) {
		peak = max(peak, p.Equity)
		dd = max(dd, peak-p.Equity)
	}
	return dd
}

// tally fills the trade and signal figures of st.
func (st *Stats) tally(signals []Signal, trades []Trade) {
	st.Signals = len(signals)
	for _, sg := range signals {
		switch sg.Status {
		case Alert:
			st.Holds++
		case InPosition:
			st.InPosition++
		case NoNextCandle:
			st.NoNextCandle++
		}
	}

	st.Trades = len(trades)
	bars := 0
	for _, t := range trades {
		bars += t.Bars
		st.PnL += t.Return
		switch {
		case t.Return > 0:
			st.Wins++
			st.GrossProfit += t.Return
		case t.Return < 0:
			st.Losses++
			st.GrossLoss -= t.Return
		}
		switch t.Reason {
		case Stop:
			st.Exits.Stop++
		case Target:
			st.Exits.Target++
		case Time:
			st.Exits.Time++
		case End:
			st.Exits.End++
		}
	}
	if st.Trades > 0 {
		n := float64(st.Trades)
		st.WinRate = float64(st.Wins) / n
		st.Accuracy = float64(st.Exits.Target) / n
		st.AvgBars = float64(bars) / n
	}
	st.ProfitFactor = profitFactor(st.GrossProfit, st.GrossLoss)
	st.MaxDrawdown = MaxDrawdown(trades)
}

func profitFactor(profit, loss float64) Ratio {
	switch {
	case loss > 0:
		return Ratio(profit / loss)
	case profit > 0:
		return Ratio(math.Inf(1))
	default:
		return 0
	}
}
