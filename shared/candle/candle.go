// Package candle holds the market data types every part of TA Bot
// Functions shares: one OHLCV candle, the window of candles a strategy
// reads, and the column view indicators compute over. It does no I/O.
package candle

import (
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

// Validate reports whether c is a sane closed candle: finite positive
// prices, a low below everything and a high above everything, and a
// volume that is finite and not negative.
func (c Candle) Validate() error {
	for _, v := range [...]float64{c.Open, c.High, c.Low, c.Close} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return fmt.Errorf("%w: price %v is not a positive number",
				ErrInvalid, v)
		}
	}
	if math.IsNaN(c.Volume) || math.IsInf(c.Volume, 0) || c.Volume < 0 {
		return fmt.Errorf("%w: volume %v is not a number >= 0",
			ErrInvalid, c.Volume)
	}
	if c.Low > math.Min(c.Open, c.Close) || c.High < math.Max(c.Open, c.Close) {
		return fmt.Errorf("%w: low %v and high %v do not contain open %v "+
			"and close %v", ErrInvalid, c.Low, c.High, c.Open, c.Close)
	}
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
