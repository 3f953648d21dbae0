package candle

import (
	"bytes"
	"strconv"
	"strings"
)

// candleMembers is the number of members of the candle object.
const candleMembers = 9

// candleField returns the index of the member named key in field order,
// as memberIndex does.
func candleField(key []byte) int {
	names := [candleMembers]string{"open_time", "open", "high", "low",
		"close", "volume", "close_time", "quote_volume", "trades"}
	return memberIndex(key, names[:])
}

// memberIndex returns the index of key in names, -1 when key is none of
// them, and -2 when encoding/json would match it to one without regard
// to case, which the fast readers leave to it.
func memberIndex(key []byte, names []string) int {
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
	p := scanner{b: b}
	c, ok = p.candle()
	if !ok || !p.end() {
		return Candle{}, false
	}
	return c, true
}

// candle reads one candle object as fastCandle does.
func (p *scanner) candle() (Candle, bool) {
	var vals [candleMembers][]byte
	if !p.byte('{') {
		return Candle{}, false
	}
	if p.byte('}') {
		return parseFast(vals)
	}
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
			return parseFast(vals)
		}
		if !p.byte(',') {
			return Candle{}, false
		}
	}
}

// FastWindowJSON reads the common shape of a candle window object,
// {"symbol":"..","interval":"..","candles":[{..},..]} with its members in
// any order and other members skipped, in one pass over b. ok is false
// on anything else (a member missing, repeated or named in another case,
// null, a string with escapes, a candle the allocation-free candle reader
// does not take...): the caller then reads b with encoding/json, which
// also words the error. It does not validate the window.
func FastWindowJSON(b []byte) (symbol, interval string, candles []Candle,
	ok bool) {
	var seen [3]bool
	p := scanner{b: b}
	if !p.byte('{') || p.byte('}') {
		return "", "", nil, false
	}
	for {
		key, ok := p.str()
		if !ok || !p.byte(':') {
			return "", "", nil, false
		}
		i := windowField(key)
		if i >= 0 && seen[i] {
			return "", "", nil, false
		}
		switch i {
		case -2:
			ok = false
		case -1:
			ok = p.skip(0)
		case 0:
			symbol, ok = p.text()
		case 1:
			interval, ok = p.text()
		case 2:
			candles, ok = p.candles()
		}
		if !ok {
			return "", "", nil, false
		}
		if i >= 0 {
			seen[i] = true
		}
		if p.byte('}') {
			break
		}
		if !p.byte(',') {
			return "", "", nil, false
		}
	}
	if !p.end() || seen != [3]bool{true, true, true} {
		return "", "", nil, false
	}
	return symbol, interval, candles, true
}

// windowField is candleField for the members of a window object that
// FastWindowJSON reads.
func windowField(key []byte) int {
	names := [...]string{"symbol", "interval", "candles"}
	return memberIndex(key, names[:])
}

// minCandleJSON is the length of the shortest candle object the scanner
// reads; it bounds the room taken for candles by the length of the input.
const minCandleJSON = len(`{"open_time":0,"open":0,"high":0,"low":0,` +
	`"close":0,"volume":0}`)

// candles reads an array of candle objects into a slice sized from the
// opening braces left in the input.
func (p *scanner) candles() ([]Candle, bool) {
	if !p.byte('[') {
		return nil, false
	}
	rest := p.b[p.i:]
	n := min(bytes.Count(rest, []byte{'{'}), len(rest)/minCandleJSON)
	out := make([]Candle, 0, n)
	if p.byte(']') {
		return out, true
	}
	for {
		c, ok := p.candle()
		if !ok {
			return nil, false
		}
		out = append(out, c)
		if p.byte(']') {
			return out, true
		}
		if !p.byte(',') {
			return nil, false
		}
	}
}

// text reads a string as str does, and copies it.
func (p *scanner) text() (string, bool) {
	s, ok := p.str()
	return string(s), ok
}

// maxSkipDepth is how deeply nested a skipped value may be; deeper ones
// are left to encoding/json.
const maxSkipDepth = 32

// skip passes over a value the scanner reads: a number, a string without
// escapes, true, false, null, or an array or object of those.
func (p *scanner) skip(depth int) bool {
	p.space()
	if p.i >= len(p.b) || depth > maxSkipDepth {
		return false
	}
	switch p.b[p.i] {
	case '[':
		p.i++
		if p.byte(']') {
			return true
		}
		for {
			if !p.skip(depth + 1) {
				return false
			}
			if p.byte(']') {
				return true
			}
			if !p.byte(',') {
				return false
			}
		}
	case '{':
		p.i++
		if p.byte('}') {
			return true
		}
		for {
			if _, ok := p.str(); !ok || !p.byte(':') || !p.skip(depth+1) {
				return false
			}
			if p.byte('}') {
				return true
			}
			if !p.byte(',') {
				return false
			}
		}
	case 't':
		return p.literal("true")
	case 'f':
		return p.literal("false")
	}
	_, _, ok := p.value()
	return ok
}

// literal consumes lit.
func (p *scanner) literal(lit string) bool {
	if len(p.b)-p.i >= len(lit) && string(p.b[p.i:p.i+len(lit)]) == lit {
		p.i += len(lit)
		return true
	}
	return false
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
	if f, ok := exactFloat(v); ok {
		return f, true
	}
	f, err := strconv.ParseFloat(string(v), 64)
	return f, err == nil
}

// exactPow10 holds the powers of ten a float64 holds exactly, as far as
// exactFloat needs them.
var exactPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
	1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// exactFloat reads the usual price, a JSON number of at most 15 digits
// without exponent, faster than strconv.ParseFloat and to the same bits:
// the digits and the power of ten are both exact float64 values, and one
// IEEE division rounds their quotient correctly, as ParseFloat does.
func exactFloat(v []byte) (float64, bool) {
	neg := len(v) > 0 && v[0] == '-'
	if neg {
		v = v[1:]
	}
	var mant uint64
	digits, point := 0, -1
	for i, c := range v {
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
		case c == '.' && point < 0:
			point = i
		default:
			return 0, false
		}
	}
	if digits == 0 || digits >= len(exactPow10) {
		return 0, false
	}
	scale := 0
	if point >= 0 {
		scale = len(v) - point - 1
	}
	f := float64(mant) / exactPow10[scale]
	if neg {
		f = -f
	}
	return f, true
}

func fastInt(v []byte, required bool) (int64, bool) {
	if v == nil || string(v) == "null" {
		return 0, !required
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	return n, err == nil
}

// scanner walks a JSON text; it accepts only what fastCandle and
// FastWindowJSON handle.
type scanner struct {
	b []byte
	i int
}

// end reports whether only white space is left.
func (p *scanner) end() bool {
	p.space()
	return p.i == len(p.b)
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
		// What may follow a number is never part of one, so the
		// number ends where its prefix does.
		n := numberPrefix(p.b[p.i:])
		p.i += n
		return p.b[p.i-n : p.i], n > 0, n > 0
	}
	return nil, false, false
}

// numberLiteral reports whether s is a JSON number (RFC 8259 §6).
func numberLiteral(s []byte) bool {
	n := numberPrefix(s)
	return n > 0 && n == len(s)
}

// numberPrefix returns the length of the JSON number s starts with, 0
// when it starts with none.
func numberPrefix(s []byte) int {
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
		return 0
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return 0
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
			return 0
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return i
}
