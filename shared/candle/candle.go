// Package candle holds the market data every part of TA Bot Functions
// shares: one OHLCV candle and its validation, intervals and open-time
// rules, the payloads candles arrive in on NATS (candle objects, Binance
// klines, CloudEvents), the window book candle-source keeps, and the
// column view indicators compute over. It does no I/O.
package candle

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// ErrInvalid marks a candle that can never be accepted; callers test for
// it with errors.Is and answer 4xx or acknowledge and count it.
var ErrInvalid = errors.New("invalid candle")

// Candle is one closed OHLCV bar. OpenTime is milliseconds since the Unix
// epoch, UTC. The optional fields are zero when the producer did not send
// them.
type Candle struct {
	OpenTime    int64   `json:"open_time"`
	Open        float64 `json:"open"`
	High        float64 `json:"high"`
	Low         float64 `json:"low"`
	Close       float64 `json:"close"`
	Volume      float64 `json:"volume"`
	CloseTime   int64   `json:"close_time,omitempty"`
	QuoteVolume float64 `json:"quote_volume,omitempty"`
	Trades      int64   `json:"trades,omitempty"`
}

// The plausible range of prices and volumes. A number outside is not a
// market's but a producer's mistake (1e308 passes every other check and
// turns every indicator over the window into nonsense), and inside it
// sums and squares over any window stay far from overflowing.
const (
	MinPrice  = 1e-12
	MaxPrice  = 1e12
	MaxVolume = 1e18
)

// Validate reports whether c is a sane closed candle: a plausible open
// time (ValidateOpenTime), finite prices from MinPrice to MaxPrice, a low
// below everything and a high above everything, volumes from 0 to
// MaxVolume, and optional fields that are absent or sane. The error wraps
// ErrInvalid and names the field.
func (c Candle) Validate() error {
	if err := ValidateOpenTime(c.OpenTime); err != nil {
		return err
	}
	prices := [...]struct {
		name string
		v    float64
	}{{"open", c.Open}, {"high", c.High}, {"low", c.Low}, {"close", c.Close}}
	for _, p := range prices {
		if !finite(p.v) || p.v <= 0 {
			return fmt.Errorf("%w: %s %v is not a positive number",
				ErrInvalid, p.name, p.v)
		}
		if p.v < MinPrice || p.v > MaxPrice {
			return fmt.Errorf("%w: %s %v is outside the plausible "+
				"prices %g to %g", ErrInvalid, p.name, p.v, MinPrice,
				MaxPrice)
		}
	}
	if !finite(c.Volume) || c.Volume < 0 || c.Volume > MaxVolume {
		return fmt.Errorf("%w: volume %v is not a number from 0 to %g",
			ErrInvalid, c.Volume, MaxVolume)
	}
	if c.Low > math.Min(c.Open, c.Close) || c.High < math.Max(c.Open, c.Close) {
		return fmt.Errorf("%w: low %v and high %v do not contain open %v "+
			"and close %v", ErrInvalid, c.Low, c.High, c.Open, c.Close)
	}
	if c.CloseTime != 0 && c.CloseTime <= c.OpenTime {
		return fmt.Errorf("%w: close_time %d is not after open_time %d",
			ErrInvalid, c.CloseTime, c.OpenTime)
	}
	if !finite(c.QuoteVolume) || c.QuoteVolume < 0 ||
		c.QuoteVolume > MaxVolume {
		return fmt.Errorf("%w: quote_volume %v is not a number from 0 to %g",
			ErrInvalid, c.QuoteVolume, MaxVolume)
	}
	if c.Trades < 0 {
		return fmt.Errorf("%w: trades %d is negative", ErrInvalid, c.Trades)
	}
	return nil
}

// Same reports whether c and o are the same bar: equal open time, open,
// high, low, close and volume. The optional fields are not compared, so
// one bar sent by two producers (a kline and a candle object) is the same.
func (c Candle) Same(o Candle) bool {
	return c.OpenTime == o.OpenTime && c.Open == o.Open && c.High == o.High &&
		c.Low == o.Low && c.Close == o.Close && c.Volume == o.Volume
}

// candleJSON is the wire form of a candle. Every number is read from a
// JSON number or from a string holding one, so producers that quote
// prices (as Binance does) and producers that do not are both read.
type candleJSON struct {
	OpenTime    json.RawMessage `json:"open_time"`
	Open        json.RawMessage `json:"open"`
	High        json.RawMessage `json:"high"`
	Low         json.RawMessage `json:"low"`
	Close       json.RawMessage `json:"close"`
	Volume      json.RawMessage `json:"volume"`
	CloseTime   json.RawMessage `json:"close_time"`
	QuoteVolume json.RawMessage `json:"quote_volume"`
	Trades      json.RawMessage `json:"trades"`
}

// UnmarshalJSON reads a candle object whose numbers may be JSON numbers
// or strings holding one. The required fields are open_time, open, high,
// low, close and volume; an error names the field at fault. It does not
// call Validate.
func (c *Candle) UnmarshalJSON(b []byte) error {
	if fast, ok := fastCandle(b); ok {
		*c = fast
		return nil
	}
	return c.unmarshalSlow(b)
}

// unmarshalSlow reads any candle object encoding/json reads, and words
// the error.
func (c *Candle) unmarshalSlow(b []byte) error {
	var w candleJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, jsonReason(err))
	}
	var p numParser
	out := Candle{
		OpenTime:    p.int("open_time", w.OpenTime, true),
		Open:        p.float("open", w.Open, true),
		High:        p.float("high", w.High, true),
		Low:         p.float("low", w.Low, true),
		Close:       p.float("close", w.Close, true),
		Volume:      p.float("volume", w.Volume, true),
		CloseTime:   p.int("close_time", w.CloseTime, false),
		QuoteVolume: p.float("quote_volume", w.QuoteVolume, false),
		Trades:      p.int("trades", w.Trades, false),
	}
	if p.err != nil {
		return p.err
	}
	*c = out
	return nil
}

// Series is the column view of a run of candles, oldest first, the shape
// indicators read. Every slice has the same length.
type Series struct {
	OpenTime []int64
	Open     []float64
	High     []float64
	Low      []float64
	Close    []float64
	Volume   []float64
}

// NewSeries copies candles into columns.
func NewSeries(candles []Candle) Series {
	n := len(candles)
	s := Series{
		OpenTime: make([]int64, n),
		Open:     make([]float64, n),
		High:     make([]float64, n),
		Low:      make([]float64, n),
		Close:    make([]float64, n),
		Volume:   make([]float64, n),
	}
	for i, c := range candles {
		s.OpenTime[i] = c.OpenTime
		s.Open[i], s.High[i], s.Low[i] = c.Open, c.High, c.Low
		s.Close[i], s.Volume[i] = c.Close, c.Volume
	}
	return s
}

// Len returns the number of candles in s.
func (s Series) Len() int { return len(s.Close) }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
