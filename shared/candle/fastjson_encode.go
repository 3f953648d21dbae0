package candle

import (
	"fmt"
	"math"
	"strconv"
)

// AppendCandlesJSON appends cs to dst as a JSON array, byte for byte what
// encoding/json writes for the slice (null for a nil one): the same
// member names and order, the optional members left out when zero, and
// numbers in the shortest form that reads back to the same value. A NaN
// or infinite number, which encoding/json refuses too, is an error
// wrapping ErrInvalid.
func AppendCandlesJSON(dst []byte, cs []Candle) ([]byte, error) {
	if cs == nil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '[')
	for i, c := range cs {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = c.appendJSON(dst); err != nil {
			return dst, fmt.Errorf("candles[%d]: %w", i, err)
		}
	}
	return append(dst, ']'), nil
}

// appendJSON appends c as encoding/json writes it.
func (c Candle) appendJSON(dst []byte) ([]byte, error) {
	floats := [...]struct {
		name string
		v    float64
	}{{"open", c.Open}, {"high", c.High}, {"low", c.Low}, {"close", c.Close},
		{"volume", c.Volume}, {"quote_volume", c.QuoteVolume}}
	for _, f := range floats {
		if !finite(f.v) {
			return dst, fmt.Errorf("%w: %s %v is not a finite number",
				ErrInvalid, f.name, f.v)
		}
	}

	dst = append(dst, `{"open_time":`...)
	dst = strconv.AppendInt(dst, c.OpenTime, 10)
	dst = appendFloat(append(dst, `,"open":`...), c.Open)
	dst = appendFloat(append(dst, `,"high":`...), c.High)
	dst = appendFloat(append(dst, `,"low":`...), c.Low)
	dst = appendFloat(append(dst, `,"close":`...), c.Close)
	dst = appendFloat(append(dst, `,"volume":`...), c.Volume)
	if c.CloseTime != 0 {
		dst = append(dst, `,"close_time":`...)
		dst = strconv.AppendInt(dst, c.CloseTime, 10)
	}
	if c.QuoteVolume != 0 {
		dst = appendFloat(append(dst, `,"quote_volume":`...), c.QuoteVolume)
	}
	if c.Trades != 0 {
		dst = append(dst, `,"trades":`...)
		dst = strconv.AppendInt(dst, c.Trades, 10)
	}
	return append(dst, '}'), nil
}

// appendFloat appends the finite v as encoding/json writes a float64:
// the shortest decimal that reads back to v, with an exponent only below
// 1e-6 and from 1e21 on, and no zero padding the exponent (1e-7, not
// 1e-07).
func appendFloat(dst []byte, v float64) []byte {
	if out, ok := appendShortDecimal(dst, v); ok {
		return out
	}
	format := byte('f')
	if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, v, format, -1, 64)
	if n := len(dst); format == 'e' && n >= 4 && dst[n-4] == 'e' &&
		dst[n-3] == '-' && dst[n-2] == '0' {
		dst[n-2] = dst[n-1]
		dst = dst[:n-1]
	}
	return dst
}

// appendShortDecimal appends v as appendFloat does, in a fraction of the
// time, when v is the usual price or volume: at least 1e-6 in size and
// read back from a decimal of at most 15 digits. It looks for the fewest
// decimals k such that v·10^k rounds to an integer m whose m/10^k reads
// back as v, which exactFloat tells without error. As m < 10^15 < 2^50,
// a float64 ulp of v is under a quarter of 10^-k: no other decimal of k
// decimals or fewer reads back as v, and one with more decimals has at
// least as many digits. So m/10^k is the shortest decimal strconv finds,
// and no other of its length is there to be closer. ok is false for
// other numbers.
func appendShortDecimal(dst []byte, v float64) ([]byte, bool) {
	abs := math.Abs(v)
	if !(abs >= 1e-6) {
		return dst, false
	}
	for k, pow := range exactPow10 {
		m := abs * pow
		if m >= 1e15 {
			return dst, false
		}
		// m is within m·2^-52 of the integer when there is one.
		r := math.Round(m)
		if math.Abs(m-r) > r*0x1p-51 || r/pow != abs {
			continue
		}
		return appendDecimal(dst, v < 0, uint64(r), k), true
	}
	return dst, false
}

// appendDecimal appends m/10^k with k decimals, after a minus sign when
// neg is set.
func appendDecimal(dst []byte, neg bool, m uint64, k int) []byte {
	var buf [24]byte
	i := len(buf)
	for range k {
		i--
		buf[i] = byte('0' + m%10)
		m /= 10
	}
	if k > 0 {
		i--
		buf[i] = '.'
	}
	for {
		i--
		buf[i] = byte('0' + m%10)
		m /= 10
		if m == 0 {
			break
		}
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return append(dst, buf[i:]...)
}
