package event

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event/cejson"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// The fixed values of a signal built here.
const (
	// SignalSource is the signal's "source" field.
	SignalSource = "ta_bot"
	// ModeDeterministic is the strategy_mode of every rule-based signal.
	ModeDeterministic = "deterministic"
	// OrderMarket and TimeInForceGTC are the order defaults.
	OrderMarket    = "market"
	TimeInForceGTC = "GTC"
)

// Metadata keys NewSignal adds to the strategy's own.
const (
	MetaCandleOpenTime = "candle_open_time"
	MetaInterval       = "interval"
)

// NewSignal returns the signal of strategyID's decision d on the last
// candle of w:
//   - strategy and strategy_id are strategyID; source "ta_bot",
//     strategy_mode "deterministic", order_type "market", time_in_force
//     "GTC", quantity 0 (sizing is left downstream);
//   - symbol, timeframe from w; current_price the last close; action,
//     confidence, price from d; strength strategy.Strength(confidence);
//   - stop_loss and take_profit from d for buy and sell, nil for hold;
//   - metadata d's own plus candle_open_time (ms) and interval;
//   - timestamp the candle's close: its open time plus the interval (the
//     next candle's open, calendar-aware for 1M), RFC 3339 UTC, so the
//     same candle always gives the same signal whatever close_time a
//     producer sent;
//   - intent_id SignalID(strategyID, symbol, interval, open time).
//
// It does not check the result; Validate does, and NewSignalEvent calls
// it. d must not be nil.
func NewSignal(strategyID string, w Window, d *strategy.Decision) Signal {
	last := w.Last()
	iv := candle.Interval(w.Interval)
	meta := make(map[string]any, len(d.Metadata)+2)
	maps.Copy(meta, d.Metadata)
	meta[MetaCandleOpenTime] = last.OpenTime
	meta[MetaInterval] = w.Interval

	s := Signal{
		StrategyID:   strategyID,
		Symbol:       w.Symbol,
		Action:       string(d.Action),
		Confidence:   d.Confidence,
		CurrentPrice: last.Close,
		Price:        d.Price,
		StrategyMode: ModeDeterministic,
		Strength:     strategy.Strength(d.Confidence),
		Source:       SignalSource,
		Strategy:     strategyID,
		Metadata:     meta,
		Timeframe:    w.Interval,
		OrderType:    OrderMarket,
		TimeInForce:  TimeInForceGTC,
		Timestamp:    closeTimestamp(iv, last.OpenTime),
		IntentID: SignalID(strategyID, w.Symbol, w.Interval,
			last.OpenTime),
	}
	if d.Action != strategy.Hold {
		sl, tp := d.StopLoss, d.TakeProfit
		s.StopLoss, s.TakeProfit = &sl, &tp
	}
	return s
}

// closeTimestamp formats the close of the candle of iv opening at
// openTime.
func closeTimestamp(iv candle.Interval, openTime int64) string {
	return candle.Time(iv.Next(openTime)).Format(time.RFC3339Nano)
}

// OpenTime returns the candle open time recorded in s's metadata
// (candle_open_time), as an integer whether s was built here or
// decoded from JSON; ok is false when it is absent or not an integer.
func (s Signal) OpenTime() (int64, bool) {
	switch v := s.Metadata[MetaCandleOpenTime].(type) {
	case int64:
		return v, true
	case int:
		return int64(v), true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), true
		}
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	}
	return 0, false
}

// Validate reports whether s may be published: known ids and names, a
// known action, a confidence in [0,1] whose strength matches, finite
// numbers everywhere (metadata included, so its JSON is always valid,
// BC-13), positive prices, risk levels on the right side of the price
// for buy and sell and none for hold, a timestamp at the candle's close,
// and an intent_id equal to the deterministic SignalID. The error wraps
// ErrInvalid and names the field.
func (s Signal) Validate() error {
	if err := s.validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}

func (s Signal) validate() error {
	if err := s.validateNames(); err != nil {
		return err
	}
	if err := s.validateNumbers(); err != nil {
		return err
	}
	if err := s.validateRisk(); err != nil {
		return err
	}
	if err := finiteJSON("metadata", s.Metadata); err != nil {
		return err
	}
	return s.validateCandle()
}

func (s Signal) validateNames() error {
	if err := ValidateStrategyID(s.StrategyID); err != nil {
		return fmt.Errorf("strategy_id: %w", err)
	}
	if s.Strategy != s.StrategyID {
		return fmt.Errorf("strategy %q differs from strategy_id %q",
			truncate(s.Strategy), s.StrategyID)
	}
	if err := candle.ValidateSymbol(s.Symbol); err != nil {
		return err
	}
	if _, err := candle.ParseInterval(s.Timeframe); err != nil {
		return fmt.Errorf("timeframe: %w", err)
	}
	checks := []struct {
		field, value string
		allowed      []string
	}{
		{"action", s.Action, []string{"buy", "sell", "hold"}},
		{"strategy_mode", s.StrategyMode,
			[]string{ModeDeterministic, "ml_light", "llm_reasoning"}},
		{"order_type", s.OrderType, []string{OrderMarket, "limit", "stop",
			"stop_limit", "take_profit", "take_profit_limit"}},
		{"time_in_force", s.TimeInForce, []string{"GTC", "IOC", "FOK",
			"GTX"}},
	}
	for _, c := range checks {
		if !slices.Contains(c.allowed, c.value) {
			return fmt.Errorf("%s %q is not one of %v", c.field,
				truncate(c.value), c.allowed)
		}
	}
	if s.Source == "" {
		return fmt.Errorf("source is empty")
	}
	return nil
}

func (s Signal) validateNumbers() error {
	numbers := []struct {
		field string
		v     float64
	}{
		{"confidence", s.Confidence}, {"current_price", s.CurrentPrice},
		{"price", s.Price}, {"quantity", s.Quantity},
	}
	optional := []struct {
		field string
		v     *float64
	}{
		{"position_size_pct", s.PositionSizePct}, {"stop_loss", s.StopLoss},
		{"stop_loss_pct", s.StopLossPct}, {"take_profit", s.TakeProfit},
		{"take_profit_pct", s.TakeProfitPct},
	}
	for _, o := range optional {
		if o.v != nil {
			numbers = append(numbers, struct {
				field string
				v     float64
			}{o.field, *o.v})
		}
	}
	for _, n := range numbers {
		if math.IsNaN(n.v) || math.IsInf(n.v, 0) {
			return fmt.Errorf("%s is %v, not a finite number", n.field, n.v)
		}
	}

	switch {
	case s.Confidence < 0 || s.Confidence > 1:
		return fmt.Errorf("confidence %v is outside [0,1]", s.Confidence)
	case s.Strength != strategy.Strength(s.Confidence):
		return fmt.Errorf("strength %q does not match confidence %v (%s)",
			truncate(s.Strength), s.Confidence,
			strategy.Strength(s.Confidence))
	case s.CurrentPrice <= 0:
		return fmt.Errorf("current_price %v is not positive", s.CurrentPrice)
	case s.Price <= 0:
		return fmt.Errorf("price %v is not positive", s.Price)
	case s.Quantity < 0:
		return fmt.Errorf("quantity %v is negative", s.Quantity)
	}
	for _, p := range []struct {
		field string
		v     *float64
	}{{"position_size_pct", s.PositionSizePct},
		{"stop_loss_pct", s.StopLossPct},
		{"take_profit_pct", s.TakeProfitPct}} {
		if p.v != nil && (*p.v < 0 || *p.v > 1) {
			return fmt.Errorf("%s %v is outside [0,1]", p.field, *p.v)
		}
	}
	if s.RecommendedLeverage != nil && *s.RecommendedLeverage < 1 {
		return fmt.Errorf("recommended_leverage %d is below 1",
			*s.RecommendedLeverage)
	}
	return nil
}

// validateRisk checks stop_loss < price < take_profit for a buy, the
// mirror for a sell, and neither for a hold (an alert, never a trade).
func (s Signal) validateRisk() error {
	if s.Action == "hold" {
		if s.StopLoss != nil || s.TakeProfit != nil {
			return fmt.Errorf("hold carries a stop_loss or take_profit")
		}
		return nil
	}
	if s.StopLoss == nil || s.TakeProfit == nil {
		return fmt.Errorf("%s needs stop_loss and take_profit", s.Action)
	}
	sl, tp, p := *s.StopLoss, *s.TakeProfit, s.Price
	if s.Action == "buy" && !(sl > 0 && sl < p && p < tp) {
		return fmt.Errorf("buy needs 0 < stop_loss %v < price %v < "+
			"take_profit %v", sl, p, tp)
	}
	if s.Action == "sell" && !(tp > 0 && tp < p && p < sl) {
		return fmt.Errorf("sell needs 0 < take_profit %v < price %v < "+
			"stop_loss %v", tp, p, sl)
	}
	return nil
}

// validateCandle checks the candle the signal is about: its open time in
// metadata, the interval there, the timestamp at its close, and the id.
func (s Signal) validateCandle() error {
	open, ok := s.OpenTime()
	if !ok {
		return fmt.Errorf("metadata.%s is missing or not an integer",
			MetaCandleOpenTime)
	}
	iv := candle.Interval(s.Timeframe)
	if err := iv.CheckOpenTime(open); err != nil {
		return fmt.Errorf("metadata.%s: %w", MetaCandleOpenTime, err)
	}
	if v := s.Metadata[MetaInterval]; v != s.Timeframe {
		return fmt.Errorf("metadata.%s %s differs from timeframe %q",
			MetaInterval, truncate(fmt.Sprint(v)), s.Timeframe)
	}
	if want := closeTimestamp(iv, open); s.Timestamp != want {
		return fmt.Errorf("timestamp %q is not the candle's close %s",
			truncate(s.Timestamp), want)
	}
	want := SignalID(s.StrategyID, s.Symbol, s.Timeframe, open)
	if s.IntentID != want {
		return fmt.Errorf("intent_id %q is not the signal id %s",
			truncate(s.IntentID), want)
	}
	return nil
}

// finiteJSON checks that v, found at path, encodes as JSON with finite
// numbers only: nil, booleans, strings, numbers, and maps with string
// keys, slices, arrays and pointers of those.
func finiteJSON(path string, v any) error {
	switch v := v.(type) {
	case nil, bool, string, int, int64:
		return nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s is %v, not a finite number", path, v)
		}
		return nil
	case json.Number:
		if _, err := v.Float64(); err != nil {
			return fmt.Errorf("%s %q is not a number", path,
				truncate(string(v)))
		}
		return nil
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if err := finiteJSON(path+"."+k, v[k]); err != nil {
				return err
			}
		}
		return nil
	}
	return finiteValue(path, reflect.ValueOf(v))
}

// finiteValue is finiteJSON for the less common types.
func finiteValue(path string, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Bool, reflect.String, reflect.Int, reflect.Int8,
		reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint,
		reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return nil
	case reflect.Float32, reflect.Float64:
		return finiteJSON(path, v.Float())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return finiteValue(path, v.Elem())
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			err := finiteValue(fmt.Sprintf("%s[%d]", path, i), v.Index(i))
			if err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			break
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int {
			return strings.Compare(a.String(), b.String())
		})
		for _, k := range keys {
			err := finiteValue(path+"."+k.String(), v.MapIndex(k))
			if err != nil {
				return err
			}
		}
		return nil
	}
	if !v.IsValid() {
		return nil
	}
	return fmt.Errorf("%s has type %s, not a JSON value", path, v.Type())
}

// ValidateStrategyID returns nil when id can name a strategy in events,
// subjects and metric labels: 1 to 64 lower-case letters, digits, '_'
// or '-' (upstream ids are like momentum_pulse). The error wraps
// ErrInvalid.
func ValidateStrategyID(id string) error {
	if id == "" || len(id) > 64 {
		return fmt.Errorf("%w: strategy id %q must be 1 to 64 characters",
			ErrInvalid, truncate(id))
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' &&
			c != '-' {
			return fmt.Errorf("%w: strategy id %q must be lower-case "+
				"letters, digits, '_' or '-'", ErrInvalid, truncate(id))
		}
	}
	return nil
}

// NewSignalEvent returns the TypeSignal event carrying s, the decision
// on the candle of interval that opened at openTime: id SignalID (equal
// to s.IntentID), source /tabot/strategy/<strategy>, subject
// SYMBOL/INTERVAL, time the candle's close, the strategy, symbol,
// interval and action extensions, and s as a JSON object. s must pass
// Validate and be about that candle; otherwise the error wraps
// ErrInvalid and names the field, and no event is built (BC-13: nothing
// non-finite ever reaches JSON).
func NewSignalEvent(s Signal, interval string, openTime int64) (ce.Event,
	error) {
	if err := s.Validate(); err != nil {
		return ce.Event{}, fmt.Errorf("signal event: %w", err)
	}
	if open, _ := s.OpenTime(); s.Timeframe != interval || open != openTime {
		return ce.Event{}, fmt.Errorf("signal event: %w: signal is about "+
			"%s at %d, not %s at %d", ErrInvalid, s.Timeframe, open,
			truncate(interval), openTime)
	}

	e := ce.New()
	e.SetID(SignalID(s.StrategyID, s.Symbol, interval, openTime))
	e.SetSource("/tabot/strategy/" + s.Strategy)
	e.SetType(TypeSignal)
	e.SetSubject(s.Symbol + "/" + interval)
	e.SetTime(candle.Time(candle.Interval(interval).Next(openTime)))
	e.SetExtension(ExtStrategy, s.Strategy)
	e.SetExtension(ExtSymbol, s.Symbol)
	e.SetExtension(ExtInterval, interval)
	e.SetExtension(ExtAction, s.Action)
	if err := e.SetData(ce.ApplicationJSON, s); err != nil {
		return ce.Event{}, fmt.Errorf("signal event: %w: %v", ErrInvalid,
			err)
	}
	if err := e.Validate(); err != nil {
		return ce.Event{}, fmt.Errorf("signal event: %w: %v", ErrInvalid,
			err)
	}
	return e, nil
}

// DecodeSignal returns the signal an event carries, for the publisher.
// The data must be JSON (see DecodeWindow; other data wraps
// ErrUnsupported), the signal must pass Validate, and the strategy,
// symbol, interval and action extensions, when set, must agree with it.
// A candle event is refused. The event id is not compared: the
// publisher keys on the signal's IntentID. Every error wraps ErrInvalid.
func DecodeSignal(e ce.Event) (Signal, error) {
	if e.Type() == TypeCandles {
		return Signal{}, fmt.Errorf("decode signal: %w: a %s event is not "+
			"a signal", ErrInvalid, TypeCandles)
	}
	data, err := cejson.Data(e)
	if err != nil {
		return Signal{}, fmt.Errorf("decode signal: %w: %w", ErrInvalid, err)
	}
	s, err := DecodeSignalJSON(data)
	if err != nil {
		return Signal{}, err
	}
	if err := checkExtensions(e, map[string]string{
		ExtStrategy: s.Strategy, ExtSymbol: s.Symbol,
		ExtInterval: s.Timeframe, ExtAction: s.Action,
	}); err != nil {
		return Signal{}, fmt.Errorf("decode signal: %w", err)
	}
	return s, nil
}

// DecodeSignalJSON reads a signal object and validates it. Every error
// wraps ErrInvalid.
func DecodeSignalJSON(b []byte) (Signal, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return Signal{}, fmt.Errorf("decode signal: %w: want a JSON object",
			ErrInvalid)
	}
	var s Signal
	if err := json.Unmarshal(b, &s); err != nil {
		return Signal{}, fmt.Errorf("decode signal: %w: %s", ErrInvalid,
			jsonReason(err))
	}
	if err := s.Validate(); err != nil {
		return Signal{}, fmt.Errorf("decode signal: %w", err)
	}
	return s, nil
}
