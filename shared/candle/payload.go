package candle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tabot-functions/tabot/shared/event/cejson"
)

// ErrMismatch marks a payload whose symbol or interval differs from the
// subject it arrived on (or from its CloudEvent extensions). Errors
// wrapping it also wrap ErrInvalid.
var ErrMismatch = errors.New("subject and payload disagree")

// Payload is one candle as it arrives on candles.<SYMBOL>.<INTERVAL>.
type Payload struct {
	Symbol   string
	Interval Interval
	Candle   Candle
	// Closed is false for a Binance kline still forming (k.x false): the
	// caller acknowledges it and makes no decision on it. Every other
	// form is a closed candle.
	Closed bool
}

// Validate checks p's symbol, interval and candle, and that the candle's
// open time is on p's interval grid; the error wraps ErrInvalid.
func (p Payload) Validate() error {
	if err := ValidateSymbol(p.Symbol); err != nil {
		return err
	}
	if _, err := ParseInterval(string(p.Interval)); err != nil {
		return err
	}
	if err := p.Candle.Validate(); err != nil {
		return err
	}
	return p.Interval.CheckOpenTime(p.Candle.OpenTime)
}

// CheckSubject returns an error wrapping ErrMismatch (and ErrInvalid)
// when p's symbol or interval is not the one subject names, and the
// error of ParseSubject when subject is malformed.
func (p Payload) CheckSubject(subject string) error {
	symbol, iv, err := ParseSubject(subject)
	if err != nil {
		return err
	}
	return p.check(symbol, iv, "subject "+subject)
}

func (p Payload) check(symbol string, iv Interval, where string) error {
	if p.Symbol != symbol {
		return fmt.Errorf("%w: %w: symbol %q, %s", ErrInvalid, ErrMismatch,
			truncate(p.Symbol), truncate(where))
	}
	if p.Interval != iv {
		return fmt.Errorf("%w: %w: interval %q, %s", ErrInvalid,
			ErrMismatch, truncate(string(p.Interval)), truncate(where))
	}
	return nil
}

// ParseSubject reads the symbol and interval from a candle subject,
// candles.<SYMBOL>.<INTERVAL>: the last two tokens, behind at least one
// prefix token. The error wraps ErrInvalid.
func ParseSubject(subject string) (string, Interval, error) {
	tokens := strings.Split(subject, ".")
	if len(tokens) < 3 {
		return "", "", fmt.Errorf("%w: subject %q is not "+
			"candles.<SYMBOL>.<INTERVAL>", ErrInvalid, truncate(subject))
	}
	symbol := tokens[len(tokens)-2]
	if err := ValidateSymbol(symbol); err != nil {
		return "", "", fmt.Errorf("subject: %w", err)
	}
	iv, err := ParseInterval(tokens[len(tokens)-1])
	if err != nil {
		return "", "", fmt.Errorf("subject: %w", err)
	}
	return symbol, iv, nil
}

// DecodeMessage decodes a message that arrived on subject: any form
// DecodePayload takes, and a Binance REST kline row too. A symbol or
// interval the payload leaves out is taken from the subject; one that
// differs is an error wrapping ErrMismatch. Every error wraps ErrInvalid:
// the message can never succeed.
func DecodeMessage(subject string, b []byte) (Payload, error) {
	symbol, iv, err := ParseSubject(subject)
	if err != nil {
		return Payload{}, err
	}
	p, err := decode(b)
	if err != nil {
		return Payload{}, err
	}
	if p.Symbol == "" {
		p.Symbol = symbol
	}
	if p.Interval == "" {
		p.Interval = iv
	}
	if err := p.check(symbol, iv, "subject "+subject); err != nil {
		return Payload{}, err
	}
	if err := p.Validate(); err != nil {
		return Payload{}, err
	}
	return p, nil
}

// DecodePayload decodes one candle in any of the forms accepted on NATS:
//   - the candle object of a window event, with "symbol" and "interval";
//   - a Binance kline stream message {"e":"kline","s":..,"k":{..}}, or the
//     same wrapped by a combined stream as {"stream":..,"data":{..}};
//   - a structured CloudEvent whose JSON data is either of those, whose
//     symbol and interval extensions, when set, must agree.
//
// Numbers may be JSON numbers or strings holding one. The result passes
// Validate; every error wraps ErrInvalid and names the field at fault.
func DecodePayload(b []byte) (Payload, error) {
	p, err := decode(b)
	if err != nil {
		return Payload{}, err
	}
	if err := p.Validate(); err != nil {
		return Payload{}, err
	}
	return p, nil
}

// decode reads any accepted form without validating it; a REST row
// gives a payload without symbol and interval.
func decode(b []byte) (Payload, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return Payload{}, fmt.Errorf("%w: empty payload", ErrInvalid)
	}
	if b[0] == '[' {
		c, err := DecodeKlineRow(b)
		return Payload{Candle: c, Closed: true}, err
	}
	if b[0] != '{' {
		return Payload{}, fmt.Errorf("%w: payload is not a JSON object",
			ErrInvalid)
	}

	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return Payload{}, fmt.Errorf("%w: %s", ErrInvalid, jsonReason(err))
	}
	if _, ok := members["specversion"]; ok {
		return decodeCloudEvent(b)
	}
	return decodeObject(b, members)
}

// decodeObject reads a candle object or a Binance kline message.
func decodeObject(b []byte, members map[string]json.RawMessage) (
	Payload, error) {
	if _, ok := members["k"]; ok {
		return decodeKline(b)
	}
	if data, ok := members["data"]; ok {
		if _, ok := members["stream"]; ok {
			return decodeKline(data)
		}
	}
	if _, ok := members["e"]; ok {
		return decodeKline(b)
	}
	return decodeCandle(b)
}

// decodeCandle reads the candle object of a window event plus its
// symbol and interval.
func decodeCandle(b []byte) (Payload, error) {
	var names struct {
		Symbol   *string `json:"symbol"`
		Interval *string `json:"interval"`
	}
	if err := json.Unmarshal(b, &names); err != nil {
		return Payload{}, fmt.Errorf("%w: %s", ErrInvalid, jsonReason(err))
	}
	var c Candle
	if err := c.UnmarshalJSON(b); err != nil {
		return Payload{}, err
	}
	p := Payload{Candle: c, Closed: true}
	if names.Symbol != nil {
		p.Symbol = *names.Symbol
		if err := ValidateSymbol(p.Symbol); err != nil {
			return Payload{}, err
		}
	}
	if names.Interval != nil {
		iv, err := ParseInterval(*names.Interval)
		if err != nil {
			return Payload{}, err
		}
		p.Interval = iv
	}
	return p, nil
}

// decodeCloudEvent reads a structured CloudEvent carrying a candle object
// or a kline message as JSON data.
func decodeCloudEvent(b []byte) (Payload, error) {
	e, err := cejson.Parse(b)
	if err != nil {
		return Payload{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	data, err := cejson.Data(e)
	if err != nil {
		return Payload{}, fmt.Errorf("%w: cloudevent data: %w", ErrInvalid,
			err)
	}

	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return Payload{}, fmt.Errorf("%w: cloudevent data: want a JSON "+
			"object", ErrInvalid)
	}
	if _, ok := members["specversion"]; ok {
		return Payload{}, fmt.Errorf("%w: cloudevent data is another "+
			"cloudevent", ErrInvalid)
	}
	p, err := decodeObject(data, members)
	if err != nil {
		return Payload{}, fmt.Errorf("cloudevent data: %w", err)
	}
	return p, p.fromExtensions(e.Extensions())
}

// fromExtensions fills a missing symbol or interval from the event's
// extensions and checks those the payload has against them.
func (p *Payload) fromExtensions(ext map[string]any) error {
	symbol, _ := ext["symbol"].(string)
	interval, _ := ext["interval"].(string)
	if p.Symbol == "" {
		p.Symbol = symbol
	}
	if p.Interval == "" {
		p.Interval = Interval(interval)
	}
	if symbol != "" && symbol != p.Symbol {
		return p.check(symbol, p.Interval, "extension symbol "+symbol)
	}
	if interval != "" && Interval(interval) != p.Interval {
		return p.check(p.Symbol, Interval(interval),
			"extension interval "+interval)
	}
	return nil
}
