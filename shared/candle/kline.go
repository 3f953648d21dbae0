package candle

import (
	"encoding/json"
	"fmt"
)

// klineMessage is a Binance kline stream message. encoding/json matches
// keys without regard to case when no field matches exactly, so every
// key Binance sends in two cases (e and E, t and T, l and L, v and V,
// q and Q) has a field of its own; otherwise the event time would land
// in "e", the last trade id in the low, the taker volume in the volume.
type klineMessage struct {
	Type      string          `json:"e"`
	EventTime json.RawMessage `json:"E"`
	Symbol    string          `json:"s"`
	K         *klineJSON      `json:"k"`
}

type klineJSON struct {
	OpenTime    json.RawMessage `json:"t"`
	CloseTime   json.RawMessage `json:"T"`
	Symbol      string          `json:"s"`
	Interval    string          `json:"i"`
	FirstID     json.RawMessage `json:"f"`
	LastID      json.RawMessage `json:"L"`
	Open        json.RawMessage `json:"o"`
	Close       json.RawMessage `json:"c"`
	High        json.RawMessage `json:"h"`
	Low         json.RawMessage `json:"l"`
	Volume      json.RawMessage `json:"v"`
	Trades      json.RawMessage `json:"n"`
	Closed      *bool           `json:"x"`
	QuoteVolume json.RawMessage `json:"q"`
	TakerBase   json.RawMessage `json:"V"`
	TakerQuote  json.RawMessage `json:"Q"`
	Ignore      json.RawMessage `json:"B"`
}

// DecodeKline decodes a Binance kline stream message,
// {"e":"kline","E":..,"s":"BTCUSDT","k":{"t":..,"i":"1m","o":"..",..,
// "x":true}}, with numbers as strings or JSON numbers. Closed is k.x.
// The result passes Validate; every error wraps ErrInvalid.
func DecodeKline(b []byte) (Payload, error) {
	p, err := decodeKline(b)
	if err != nil {
		return Payload{}, err
	}
	if err := p.Validate(); err != nil {
		return Payload{}, err
	}
	return p, nil
}

func decodeKline(b []byte) (Payload, error) {
	var m klineMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return Payload{}, fmt.Errorf("%w: kline: %s", ErrInvalid,
			jsonReason(err))
	}
	if m.Type != "" && m.Type != "kline" {
		return Payload{}, fmt.Errorf("%w: e %q is not a kline event",
			ErrInvalid, truncate(m.Type))
	}
	k := m.K
	if k == nil {
		return Payload{}, fmt.Errorf("%w: kline: k is missing", ErrInvalid)
	}
	if k.Closed == nil {
		return Payload{}, fmt.Errorf("%w: kline: k.x is missing",
			ErrInvalid)
	}
	if m.Symbol != "" && k.Symbol != "" && m.Symbol != k.Symbol {
		return Payload{}, fmt.Errorf("%w: kline: s %q and k.s %q differ",
			ErrInvalid, truncate(m.Symbol), truncate(k.Symbol))
	}

	var np numParser
	c := Candle{
		OpenTime:    np.int("k.t", k.OpenTime, true),
		Open:        np.float("k.o", k.Open, true),
		High:        np.float("k.h", k.High, true),
		Low:         np.float("k.l", k.Low, true),
		Close:       np.float("k.c", k.Close, true),
		Volume:      np.float("k.v", k.Volume, true),
		CloseTime:   np.int("k.T", k.CloseTime, false),
		QuoteVolume: np.float("k.q", k.QuoteVolume, false),
		Trades:      np.int("k.n", k.Trades, false),
	}
	if np.err != nil {
		return Payload{}, fmt.Errorf("kline: %w", np.err)
	}
	symbol := m.Symbol
	if symbol == "" {
		symbol = k.Symbol
	}
	if symbol == "" {
		return Payload{}, fmt.Errorf("%w: kline: s is missing", ErrInvalid)
	}
	if k.Interval == "" {
		return Payload{}, fmt.Errorf("%w: kline: k.i is missing",
			ErrInvalid)
	}
	return Payload{Symbol: symbol, Interval: Interval(k.Interval),
		Candle: c, Closed: *k.Closed}, nil
}

// DecodeKlineRow decodes one row of Binance's REST klines answer,
// [open_time, "open", "high", "low", "close", "volume", close_time,
// "quote_volume", trades, ...], or the six-column form freqtrade and
// others store; numbers may be strings or JSON numbers. A row says
// nothing about being closed: the caller knows whether it asked for
// history. The result passes Validate; errors wrap ErrInvalid.
func DecodeKlineRow(b []byte) (Candle, error) {
	var row []json.RawMessage
	if err := json.Unmarshal(b, &row); err != nil {
		return Candle{}, fmt.Errorf("%w: kline row: %s", ErrInvalid,
			jsonReason(err))
	}
	if len(row) < 6 {
		return Candle{}, fmt.Errorf("%w: kline row has %d columns, want "+
			"at least 6", ErrInvalid, len(row))
	}
	at := func(i int) json.RawMessage {
		if i < len(row) {
			return row[i]
		}
		return nil
	}

	var np numParser
	c := Candle{
		OpenTime:    np.int("row[0] open_time", row[0], true),
		Open:        np.float("row[1] open", row[1], true),
		High:        np.float("row[2] high", row[2], true),
		Low:         np.float("row[3] low", row[3], true),
		Close:       np.float("row[4] close", row[4], true),
		Volume:      np.float("row[5] volume", row[5], true),
		CloseTime:   np.int("row[6] close_time", at(6), false),
		QuoteVolume: np.float("row[7] quote_volume", at(7), false),
		Trades:      np.int("row[8] trades", at(8), false),
	}
	if np.err != nil {
		return Candle{}, np.err
	}
	if err := c.Validate(); err != nil {
		return Candle{}, fmt.Errorf("kline row: %w", err)
	}
	return c, nil
}
