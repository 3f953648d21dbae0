// Package event defines the two CloudEvents TA Bot Functions exchange,
// the candle window and the signal: their data, deterministic ids,
// validation, and building and decoding them as sdk-go events. It does
// no I/O.
package event

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event/cejson"
)

// ErrInvalid marks an event or data that can never be accepted: callers
// answer 400 (the Broker does not retry) or acknowledge and count it.
var ErrInvalid = errors.New("invalid event")

// ErrUnsupported marks an event whose data is not JSON (BC-24 e). Errors
// wrapping it also wrap ErrInvalid.
var ErrUnsupported = cejson.ErrUnsupported

// CloudEvent types.
const (
	// TypeCandles is a window of closed candles for one symbol and
	// interval; its last candle is the one that just closed.
	TypeCandles = "io.tabot.candles.v1"
	// TypeSignal is a strategy's decision on one candle.
	TypeSignal = "io.tabot.signal.v1"
)

// Extension attribute names (lower case, usable in Trigger filters).
const (
	ExtSymbol   = "symbol"
	ExtInterval = "interval"
	ExtStrategy = "strategy"
	ExtAction   = "action"
)

// Window is the data of a TypeCandles event.
type Window struct {
	Symbol   string          `json:"symbol"`
	Interval string          `json:"interval"`
	Candles  []candle.Candle `json:"candles"`
	// Missing counts the candles absent inside the window (exchange
	// gaps); indicators run over the rows as they are.
	Missing int `json:"missing,omitempty"`
}

// Signal is the data of a TypeSignal event: the object the downstream
// trade engine takes, with the fields and order of the old bot's signal
// (UPSTREAM.md §3.5) so its consumers read it unchanged.
type Signal struct {
	StrategyID   string  `json:"strategy_id"`
	Symbol       string  `json:"symbol"`
	Action       string  `json:"action"`
	Confidence   float64 `json:"confidence"`
	CurrentPrice float64 `json:"current_price"`
	Price        float64 `json:"price"`
	StrategyMode string  `json:"strategy_mode"`
	Strength     string  `json:"strength"`
	Quantity     float64 `json:"quantity"`
	Source       string  `json:"source"`
	Strategy     string  `json:"strategy"`
	// Metadata holds indicator values (never NaN or Inf),
	// candle_open_time and interval.
	Metadata    map[string]any `json:"metadata"`
	Timeframe   string         `json:"timeframe"`
	OrderType   string         `json:"order_type"`
	TimeInForce string         `json:"time_in_force"`
	// PositionSizePct, StopLossPct and TakeProfitPct are always null:
	// sizing is left downstream. They keep the old field set.
	PositionSizePct *float64 `json:"position_size_pct"`
	// StopLoss and TakeProfit are set for buy and sell, nil for hold.
	StopLoss      *float64 `json:"stop_loss"`
	StopLossPct   *float64 `json:"stop_loss_pct"`
	TakeProfit    *float64 `json:"take_profit"`
	TakeProfitPct *float64 `json:"take_profit_pct"`
	// Timestamp is the candle's close time, RFC 3339 UTC.
	Timestamp string `json:"timestamp"`
	// RecommendedLeverage is always null (no opinion).
	RecommendedLeverage *int `json:"recommended_leverage"`
	// IntentID is the deterministic signal id.
	IntentID string `json:"intent_id"`
	// LegacySignalID is always null, as upstream never set it.
	LegacySignalID *string `json:"signal_id"`
}

// WindowID is the id of the candle event whose last candle opened at
// openTime: a redelivered window gets the same id.
func WindowID(symbol, interval string, openTime int64) string {
	return "candles-" + symbol + "-" + interval + "-" +
		strconv.FormatInt(openTime, 10)
}

// SignalID is the deterministic id of strategy's signal on the candle of
// symbol and interval that opened at openTime: 32 lower-case hex digits,
// the de-duplication key from the strategy to JetStream.
func SignalID(strategy, symbol, interval string, openTime int64) string {
	h := sha256.Sum256([]byte(strategy + "|" + symbol + "|" + interval +
		"|" + strconv.FormatInt(openTime, 10)))
	return hex.EncodeToString(h[:16])
}
