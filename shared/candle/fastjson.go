package candle

import (
	"strconv"
	"strings"
)

// candleMembers is the number of members of the candle object.
const candleMembers = 9

// candleField returns the index of the member named key in field order,
// -1 for another name, and -2 for a name encoding/json would match
// without regard to case, which fastCandle leaves to it.
func candleField(key []byte) int {
	names := [candleMembers]string{"open_time", "open", "high", "low",
		"close", "volume", "close_time", "quote_volume", "trades"}
	for i, n := range names {
		if string(key) == n {
			return i
		}
	}
	for _, n := range names {
		if strings.EqualFold(string(key), n) {
			return -2
		}
	}
	return -1
}

// fastCandle reads the common shape of a candle object, a flat object of
// numbers, numeric strings and nulls, without allocating; a window event
// carries a thousand of them. It gives up (ok false) on anything else,
// and then UnmarshalJSON reads the object the slow way, which also
// words the error. The fuzz tests hold the two to the same answers.
func fastCandle(b []byte) (c Candle, ok bool) {
	var vals [candleMembers][]byte
	p := scanner{b: b}
	if !p.byte('{') {
		return Candle{}, false
	}
	if !p.byte('}') {
		for {
			key, ok := p.str()
			if !ok || !p.byte(':') {
				return Candle{}, false
			}
			val, number, ok := p.value()
			if !ok {
				return Candle{}, false
			}
			switch i := candleField(key); {
			case i == -2 || (i >= 0 && !number):
				return Candle{}, false
			case i >= 0:
				vals[i] = val
			}
			if p.byte('}') {
				break
			}
			if !p.byte(',') {
				return Candle{}, false
			}
		}
	}
	p.space()
	if p.i != len(p.b) {
		return Candle{}, false
	}
	return parseFast(vals)
}

func parseFast(v [candleMembers][]byte) (Candle, bool) {
	var c Candle
	var ok [candleMembers]bool
	c.OpenTime, ok[0] = fastInt(v[0], true)
	c.Open, ok[1] = fastFloat(v[1], true)
	c.High, ok[2] = fastFloat(v[2], true)
	c.Low, ok[3] = fastFloat(v[3], true)
	c.Close, ok[4] = fastFloat(v[4], true)
	c.Volume, ok[5] = fastFloat(v[5], true)
	c.CloseTime, ok[6] = fastInt(v[6], false)
	c.QuoteVolume, ok[7] = fastFloat(v[7], false)
	c.Trades, ok[8] = fastInt(v[8], false)
	for _, o := range ok {
		if !o {
			return Candle{}, false
		}
	}
	return c, true
}

func fastFloat(v []byte, required bool) (float64, bool) {
	if v == nil || string(v) == "null" {
		return 0, !required
	}
	f, err := strconv.ParseFloat(string(v), 64)
	return f, err == nil
}

func fastInt(v []byte, required bool) (int64, bool) {
	if v == nil || string(v) == "null" {
		return 0, !required
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	return n, err == nil
}

// scanner walks a JSON text; it accepts only what fastCandle handles.
type scanner struct {
	b []byte
	i int
}

func (p *scanner) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// byte consumes c after optional white space.
func (p *scanner) byte(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str reads a string without escapes or control characters, and returns
// its contents.
func (p *scanner) str() ([]byte, bool) {
	if !p.byte('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return p.b[start : p.i-1], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return nil, false
		}
		p.i++
	}
	return nil, false
}

// value reads a number, a simple string or null. For a number, a string
// holding one, or null it returns the number's text or "null", and
// number true.
func (p *scanner) value() (text []byte, number, ok bool) {
	p.space()
	if p.i >= len(p.b) {
		return nil, false, false
	}
	switch c := p.b[p.i]; {
	case c == '"':
		s, ok := p.str()
		return s, ok && numberLiteral(s), ok
	case c == 'n':
		if len(p.b)-p.i >= 4 && string(p.b[p.i:p.i+4]) == "null" {
			p.i += 4
			return p.b[p.i-4 : p.i], true, true
		}
		return nil, false, false
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		for p.i < len(p.b) && isNumberByte(p.b[p.i]) {
			p.i++
		}
		s := p.b[start:p.i]
		ok := numberLiteral(s)
		return s, ok, ok
	}
	return nil, false, false
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' ||
		c == 'e' || c == 'E'
}

// numberLiteral reports whether s is a JSON number (RFC 8259 §6).
func numberLiteral(s []byte) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return i == len(s)
}
