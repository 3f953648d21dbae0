package backtest

import (
	"time"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// Status says what became of a signal.
type Status string

// The statuses of a signal.
const (
	// Traded: the signal opened a trade at the next candle's open.
	Traded Status = "traded"
	// InPosition: a buy or sell that came while the strategy's previous
	// trade was still open; counted, not traded.
	InPosition Status = "in_position"
	// NoNextCandle: a buy or sell on the last candle of the data, with
	// no open to enter at.
	NoNextCandle Status = "no_next_candle"
	// Alert: a hold, which is an alert and never a trade.
	Alert Status = "alert"
)

// Reason is why a trade was closed.
type Reason string

// The exit reasons.
const (
	// Stop: the stop loss was touched (or the price opened beyond it).
	Stop Reason = "stop"
	// Target: the take profit was touched (or the price opened beyond
	// it).
	Target Reason = "target"
	// Time: the time stop expired.
	Time Reason = "time"
	// End: the data ended with the trade open; it is closed at the last
	// close.
	End Reason = "end"
)

// Side is the direction of a trade: long for a buy, short for a sell.
type Side string

// The sides of a trade.
const (
	Long  Side = "long"
	Short Side = "short"
)

// Signal is one decision that passed the confidence filter, on the candle
// at Index that had just closed.
type Signal struct {
	Index      int             `json:"index"`
	OpenTime   int64           `json:"open_time"`
	Action     strategy.Action `json:"action"`
	Confidence float64         `json:"confidence"`
	Price      float64         `json:"price"`
	StopLoss   float64         `json:"stop_loss,omitempty"`
	TakeProfit float64         `json:"take_profit,omitempty"`
	Status     Status          `json:"status"`
}

// Trade is one simulated position. Entry is the open of the candle after
// the signal; times are candle open times in milliseconds since the
// epoch; Bars counts the candles from the entry candle to the exit
// candle, both included.
type Trade struct {
	Side       Side    `json:"side"`
	SignalTime int64   `json:"signal_time"`
	EntryIndex int     `json:"entry_index"`
	EntryTime  int64   `json:"entry_time"`
	Entry      float64 `json:"entry"`
	StopLoss   float64 `json:"stop_loss"`
	TakeProfit float64 `json:"take_profit"`
	ExitIndex  int     `json:"exit_index"`
	ExitTime   int64   `json:"exit_time"`
	Exit       float64 `json:"exit"`
	Reason     Reason  `json:"reason"`
	Bars       int     `json:"bars"`
	// Return is the trade's profit net of fees, as a fraction of the
	// entry notional: 0.02 is +2 %.
	Return float64 `json:"return"`
}

// Rules turn signals into trades.
type Rules struct {
	// Fee is charged on each side as a fraction of that side's notional:
	// 0.001 is a 0.1 % taker fee.
	Fee float64
	// TimeStop closes a trade at the close of the candle during which
	// it expires, counted from the entry; 0 means none.
	TimeStop time.Duration
	// IntervalMillis is the candle length, used with TimeStop.
	IntervalMillis int64
}

// Simulate trades the signals of one strategy over s, oldest first, and
// sets each signal's Status. A strategy holds one position at a time: it
// enters at the open of the candle after a buy (long) or sell (short)
// signal, then walks forward candle by candle. In each candle a price
// that opens beyond the stop or target exits at that open; otherwise a
// low or high that touches the stop exits at the stop, one that touches
// the target at the target, the stop first when both are touched (the
// order inside a candle is unknown: assume the worse). Then the time stop
// is checked at the candle's close. A trade still open at the end of the
// data closes at the last close with reason End. Each candle is visited
// at most once per strategy.
func Simulate(s candle.Series, signals []Signal, r Rules) []Trade {
	var trades []Trade
	busy := -1 // signals before this index come while a trade is open
	for i := range signals {
		sg := &signals[i]
		switch {
		case sg.Action == strategy.Hold:
			sg.Status = Alert
		case sg.Index < busy:
			sg.Status = InPosition
		case sg.Index+1 >= s.Len():
			sg.Status = NoNextCandle
		default:
			sg.Status = Traded
			t := walk(s, *sg, r)
			trades = append(trades, t)
			busy = t.ExitIndex
		}
	}
	return trades
}

// walk follows the trade sg opens until it exits.
func walk(s candle.Series, sg Signal, r Rules) Trade {
	e := sg.Index + 1
	t := Trade{Side: Long, SignalTime: sg.OpenTime, EntryIndex: e,
		EntryTime: s.OpenTime[e], Entry: s.Open[e],
		StopLoss: sg.StopLoss, TakeProfit: sg.TakeProfit}
	if sg.Action == strategy.Sell {
		t.Side = Short
	}
	expiry := int64(-1)
	if r.TimeStop > 0 {
		expiry = t.EntryTime + r.TimeStop.Milliseconds()
	}

	for j := e; j < s.Len(); j++ {
		price, reason, ok := t.exitIn(s, j, expiry, r.IntervalMillis)
		if ok {
			return t.close(s, j, price, reason, r.Fee)
		}
	}
	last := s.Len() - 1
	return t.close(s, last, s.Close[last], End, r.Fee)
}

// exitIn reports whether and where t exits in candle j.
func (t *Trade) exitIn(s candle.Series, j int, expiry,
	intervalMs int64) (float64, Reason, bool) {
	o, h, l, c := s.Open[j], s.High[j], s.Low[j], s.Close[j]
	if expiry >= 0 && s.OpenTime[j] >= expiry {
		return o, Time, true // a gap in the data passed the expiry
	}
	sl, tp := t.StopLoss, t.TakeProfit
	if t.Side == Long {
		switch {
		case o <= sl:
			return o, Stop, true
		case o >= tp:
			return o, Target, true
		case l <= sl:
			return sl, Stop, true
		case h >= tp:
			return tp, Target, true
		}
	} else {
		switch {
		case o >= sl:
			return o, Stop, true
		case o <= tp:
			return o, Target, true
		case h >= sl:
			return sl, Stop, true
		case l <= tp:
			return tp, Target, true
		}
	}
	if expiry >= 0 && s.OpenTime[j]+intervalMs >= expiry {
		return c, Time, true
	}
	return 0, "", false
}

// close completes t with its exit in candle j.
func (t Trade) close(s candle.Series, j int, price float64, reason Reason,
	fee float64) Trade {
	t.ExitIndex, t.ExitTime = j, s.OpenTime[j]
	t.Exit, t.Reason = price, reason
	t.Bars = j - t.EntryIndex + 1
	t.Return = tradeReturn(t.Side, t.Entry, t.Exit, fee)
	return t
}

// tradeReturn is the profit of one unit of entry notional: the price move
// in the trade's direction less fee on the entry and on the exit
// notional.
func tradeReturn(side Side, entry, exit, fee float64) float64 {
	move := exit/entry - 1
	if side == Short {
		move = -move
	}
	return move - fee*(1+exit/entry)
}
