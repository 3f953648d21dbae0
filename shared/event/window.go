package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	ce "github.com/cloudevents/sdk-go/v2/event"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event/cejson"
)

// Validate reports whether w is a window a strategy may read: a valid
// symbol and interval, at least one candle, every candle valid and on
// the interval's grid, open times strictly ascending, and Missing equal
// to the bars missing between them. The error wraps ErrInvalid.
func (w Window) Validate() error {
	if err := candle.ValidateSymbol(w.Symbol); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	iv, err := candle.ParseInterval(w.Interval)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if len(w.Candles) == 0 {
		return fmt.Errorf("%w: candles is empty", ErrInvalid)
	}
	for i, c := range w.Candles {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("%w: candles[%d]: %w", ErrInvalid, i, err)
		}
		if err := iv.CheckOpenTime(c.OpenTime); err != nil {
			return fmt.Errorf("%w: candles[%d]: %w", ErrInvalid, i, err)
		}
		if i > 0 && c.OpenTime <= w.Candles[i-1].OpenTime {
			return fmt.Errorf("%w: candles[%d]: open_time %d is not after "+
				"%d: want ascending unique open times", ErrInvalid, i,
				c.OpenTime, w.Candles[i-1].OpenTime)
		}
	}
	if m := candle.Missing(iv, w.Candles); w.Missing != m {
		return fmt.Errorf("%w: missing is %d, the candles miss %d",
			ErrInvalid, w.Missing, m)
	}
	return nil
}

// Last returns the newest candle of w, the one that just closed; the
// zero Candle when w is empty.
func (w Window) Last() candle.Candle {
	if len(w.Candles) == 0 {
		return candle.Candle{}
	}
	return w.Candles[len(w.Candles)-1]
}

// CandleSubject returns the NATS subject candles of symbol and interval
// arrive on: candles.<SYMBOL>.<INTERVAL>.
func CandleSubject(symbol, interval string) string {
	return "candles." + symbol + "." + interval
}

// NewWindowEvent returns the TypeCandles event carrying w, built from
// candles that arrived on natsSubject (CandleSubject of w when empty):
// source /tabot/candle-source/<subject>, subject SYMBOL/INTERVAL, id
// WindowID of the last candle, the symbol and interval extensions, time
// the last candle's close (its open plus the interval), and w as JSON
// data. An invalid w is an error wrapping ErrInvalid.
func NewWindowEvent(w Window, natsSubject string) (ce.Event, error) {
	if err := w.Validate(); err != nil {
		return ce.Event{}, fmt.Errorf("window event: %w", err)
	}
	if natsSubject == "" {
		natsSubject = CandleSubject(w.Symbol, w.Interval)
	}
	last := w.Last().OpenTime
	closeTime := candle.Interval(w.Interval).Next(last)

	e := ce.New()
	e.SetID(WindowID(w.Symbol, w.Interval, last))
	e.SetSource("/tabot/candle-source/" + natsSubject)
	e.SetType(TypeCandles)
	e.SetSubject(w.Symbol + "/" + w.Interval)
	e.SetTime(candle.Time(closeTime))
	e.SetExtension(ExtSymbol, w.Symbol)
	e.SetExtension(ExtInterval, w.Interval)

	data, err := w.appendJSON(make([]byte, 0, w.sizeJSON()))
	if err != nil {
		return ce.Event{}, fmt.Errorf("window event: %w: %w", ErrInvalid,
			err)
	}
	// SetData marks a []byte as binary, which structured mode writes as
	// data_base64, and a json.RawMessage it would compact once more: set
	// the encoded JSON as sdk-go's bindings do, so that it is written as
	// it is, a JSON object in binary and structured mode (BC-24).
	e.SetDataContentType(ce.ApplicationJSON)
	e.DataEncoded = data
	e.DataBase64 = false
	if err := e.Validate(); err != nil {
		return ce.Event{}, fmt.Errorf("window event: %w: %v", ErrInvalid,
			err)
	}
	return e, nil
}

// candleJSONSize is about the length of one candle object in JSON, with
// real prices and volumes and no optional members.
const candleJSONSize = 120

// sizeJSON returns about the length of w in JSON.
func (w Window) sizeJSON() int {
	return 64 + len(w.Symbol) + len(w.Interval) +
		len(w.Candles)*candleJSONSize
}

// appendJSON appends w to dst as JSON, byte for byte what encoding/json
// writes for it, in one pass and without reflection.
func (w Window) appendJSON(dst []byte) ([]byte, error) {
	dst = appendString(append(dst, `{"symbol":`...), w.Symbol)
	dst = appendString(append(dst, `,"interval":`...), w.Interval)
	dst, err := candle.AppendCandlesJSON(append(dst, `,"candles":`...),
		w.Candles)
	if err != nil {
		return nil, err
	}
	if w.Missing != 0 {
		dst = strconv.AppendInt(append(dst, `,"missing":`...),
			int64(w.Missing), 10)
	}
	return append(dst, '}'), nil
}

// appendString appends s as a JSON string the way encoding/json writes
// it. Symbols and intervals need no escaping; anything else is left to
// encoding/json.
func appendString(dst []byte, s string) []byte {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ||
			c == '<' || c == '>' || c == '&' {
			quoted, _ := json.Marshal(s) // a string always encodes
			return append(dst, quoted...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// DecodeWindow returns the window an event carries. Its data must be
// JSON: datacontenttype application/json, with parameters, absent, or
// any */*+json type; other data is an error wrapping ErrUnsupported. The
// type is not checked, so `kn event send` works, except that a signal
// event is refused; symbol and interval extensions, when set, must agree
// with the data. The window passes Validate; its Missing is recomputed
// from the candles. Every error wraps ErrInvalid.
func DecodeWindow(e ce.Event) (Window, error) {
	if e.Type() == TypeSignal {
		return Window{}, fmt.Errorf("decode window: %w: a %s event is not "+
			"a candle window", ErrInvalid, TypeSignal)
	}
	data, err := cejson.Data(e)
	if err != nil {
		return Window{}, fmt.Errorf("decode window: %w: %w", ErrInvalid, err)
	}
	w, err := DecodeWindowJSON(data)
	if err != nil {
		return Window{}, err
	}
	if err := checkExtensions(e, map[string]string{
		ExtSymbol: w.Symbol, ExtInterval: w.Interval,
	}); err != nil {
		return Window{}, fmt.Errorf("decode window: %w", err)
	}
	return w, nil
}

// windowJSON is the wire form of a window; candles are read by
// candle.Candle's UnmarshalJSON, which takes numbers or numeric strings.
type windowJSON struct {
	Symbol   *string         `json:"symbol"`
	Interval *string         `json:"interval"`
	Candles  []candle.Candle `json:"candles"`
}

// DecodeWindowJSON reads the data of a candle event, or a bare window
// posted without an envelope: {"symbol":..,"interval":..,"candles":[..]}.
// Candle numbers may be JSON numbers or strings. The window passes
// Validate, with Missing recomputed from the candles; every error wraps
// ErrInvalid and names the field at fault.
func DecodeWindowJSON(b []byte) (Window, error) {
	w, err := decodeWindowJSON(b, true)
	if err != nil {
		return Window{}, fmt.Errorf("decode window: %w", err)
	}
	return w, nil
}

// decodeWindowJSON reads b with candle.FastWindowJSON when fast is set
// and b has the common shape, else with encoding/json; the fuzz test
// holds the two to the same answers.
func decodeWindowJSON(b []byte, fast bool) (Window, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return Window{}, fmt.Errorf("%w: want a JSON object", ErrInvalid)
	}
	var raw windowJSON
	ok := false
	if fast {
		raw, ok = fastWindowJSON(b)
	}
	if !ok {
		if err := json.Unmarshal(b, &raw); err != nil {
			return Window{}, fmt.Errorf("%w: %s", ErrInvalid,
				windowReason(b, err))
		}
	}
	switch {
	case raw.Symbol == nil:
		return Window{}, fmt.Errorf("%w: symbol is missing", ErrInvalid)
	case raw.Interval == nil:
		return Window{}, fmt.Errorf("%w: interval is missing", ErrInvalid)
	case raw.Candles == nil:
		return Window{}, fmt.Errorf("%w: candles is missing", ErrInvalid)
	}

	w := Window{Symbol: *raw.Symbol, Interval: *raw.Interval,
		Candles: raw.Candles}
	if iv := candle.Interval(w.Interval); iv.Valid() {
		w.Missing = candle.Missing(iv, w.Candles)
	}
	if err := w.Validate(); err != nil {
		return Window{}, err
	}
	return w, nil
}

// fastWindowJSON reads b with candle.FastWindowJSON; ok false leaves b
// to encoding/json.
func fastWindowJSON(b []byte) (windowJSON, bool) {
	symbol, interval, candles, ok := candle.FastWindowJSON(b)
	if !ok {
		return windowJSON{}, false
	}
	return windowJSON{Symbol: &symbol, Interval: &interval,
		Candles: candles}, true
}

// windowReason words a decoding error of b. A candle's own error does
// not say which candle it is, so the candles are read again one by one
// to name it; this only runs on bad input.
func windowReason(b []byte, err error) string {
	if !errors.Is(err, candle.ErrInvalid) {
		return jsonReason(err)
	}
	var raw struct {
		Candles []json.RawMessage `json:"candles"`
	}
	if json.Unmarshal(b, &raw) == nil {
		for i, r := range raw.Candles {
			var c candle.Candle
			if cerr := c.UnmarshalJSON(r); cerr != nil {
				return fmt.Sprintf("candles[%d]: %v", i, cerr)
			}
		}
	}
	return err.Error()
}

// checkExtensions compares the string extensions of e that are set with
// want; a difference is an error wrapping ErrInvalid.
func checkExtensions(e ce.Event, want map[string]string) error {
	ext := e.Extensions()
	for _, name := range []string{ExtStrategy, ExtSymbol, ExtInterval,
		ExtAction} {
		w, ok := want[name]
		if !ok {
			continue
		}
		v, set := ext[name]
		if !set {
			continue
		}
		if s := fmt.Sprint(v); s != w {
			return fmt.Errorf("%w: extension %s %q, data says %q", ErrInvalid,
				name, truncate(s), truncate(w))
		}
	}
	return nil
}

// jsonReason turns an encoding/json error into a short reason that names
// the field when the decoder knows it.
func jsonReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("%s: want %s, got %s", te.Field, te.Type,
				te.Value)
		}
		return fmt.Sprintf("want %s, got %s", te.Type, te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("not valid JSON at byte %d", se.Offset)
	}
	return truncate(err.Error())
}

func truncate(s string) string {
	const limit = 40
	if len(s) > limit {
		return s[:limit] + "..."
	}
	return s
}
