package candle

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrCSV marks a candle file that cannot be read.
var ErrCSV = errors.New("bad candle csv")

// csvColumns are the columns ReadCSV knows; the first six are required.
var csvColumns = [...]string{"open_time", "open", "high", "low", "close",
	"volume", "close_time", "quote_volume", "trades"}

// ReadCSV reads candles from CSV with a header row naming at least
// open_time, open, high, low, close and volume (close_time, quote_volume
// and trades are optional, other columns ignored), one candle per row,
// open_time in milliseconds since the epoch, oldest first. A row that is
// not a valid candle, or does not open after the row before it, stops the
// read with an error naming its line.
func ReadCSV(r io.Reader) ([]Candle, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: empty file", ErrCSV)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCSV, err)
	}
	col, err := columns(head)
	if err != nil {
		return nil, err
	}

	var out []Candle
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCSV, err)
		}
		line, _ := cr.FieldPos(0)
		c, err := parseRow(rec, col)
		if err == nil && len(out) > 0 &&
			c.OpenTime <= out[len(out)-1].OpenTime {
			err = fmt.Errorf("open_time %d is not after %d", c.OpenTime,
				out[len(out)-1].OpenTime)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %w", ErrCSV, line, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no candles after the header", ErrCSV)
	}
	return out, nil
}

// columns maps each known column to its index in head, -1 when absent.
func columns(head []string) ([len(csvColumns)]int, error) {
	var col [len(csvColumns)]int
	for k, name := range csvColumns {
		col[k] = -1
		for i, h := range head {
			h = strings.TrimPrefix(h, "\ufeff") // a BOM on the first
			if strings.EqualFold(strings.TrimSpace(h), name) {
				col[k] = i
				break
			}
		}
		if col[k] < 0 && k < 6 {
			return col, fmt.Errorf("%w: header has no %s column (want "+
				"open_time,open,high,low,close,volume)", ErrCSV, name)
		}
	}
	return col, nil
}

// parseRow reads one record; col comes from columns.
func parseRow(rec []string, col [len(csvColumns)]int) (Candle,
	error) {
	var c Candle
	for k, i := range col {
		v := ""
		if i >= 0 {
			v = strings.TrimSpace(rec[i])
		}
		if k >= 6 && v == "" {
			continue // optional
		}
		var err error
		switch csvColumns[k] {
		case "open_time":
			c.OpenTime, err = strconv.ParseInt(v, 10, 64)
		case "close_time":
			c.CloseTime, err = strconv.ParseInt(v, 10, 64)
		case "trades":
			c.Trades, err = strconv.ParseInt(v, 10, 64)
		case "open":
			c.Open, err = strconv.ParseFloat(v, 64)
		case "high":
			c.High, err = strconv.ParseFloat(v, 64)
		case "low":
			c.Low, err = strconv.ParseFloat(v, 64)
		case "close":
			c.Close, err = strconv.ParseFloat(v, 64)
		case "volume":
			c.Volume, err = strconv.ParseFloat(v, 64)
		case "quote_volume":
			c.QuoteVolume, err = strconv.ParseFloat(v, 64)
		}
		if err != nil {
			return c, fmt.Errorf("%s %q is not a number", csvColumns[k],
				truncate(v))
		}
	}
	return c, c.Validate()
}
