package candle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
)

// numParser reads numbers that arrive as JSON numbers or as strings
// holding one, keeping the first error so a decoder reads every field in
// one go and reports the first field at fault.
type numParser struct {
	err error
}

// text returns the number literal in raw, "" when raw is absent or null.
func (p *numParser) text(name string, raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	s := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			p.fail("%w: %s is not a valid string", ErrInvalid, name)
			return ""
		}
	}
	if !isNumberLiteral(s) {
		p.fail("%w: %s %s is not a number", ErrInvalid, name,
			truncate(string(raw)))
		return ""
	}
	return s
}

func (p *numParser) float(name string, raw json.RawMessage,
	required bool) float64 {
	s := p.present(name, raw, required)
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		p.fail("%w: %s %s is out of range", ErrInvalid, name, truncate(s))
		return 0
	}
	return v
}

func (p *numParser) int(name string, raw json.RawMessage,
	required bool) int64 {
	s := p.present(name, raw, required)
	if s == "" {
		return 0
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		p.fail("%w: %s %s is not a whole number in range", ErrInvalid,
			name, truncate(s))
		return 0
	}
	return v
}

func (p *numParser) present(name string, raw json.RawMessage,
	required bool) string {
	if p.err != nil {
		return ""
	}
	s := p.text(name, raw)
	if s == "" && required && p.err == nil {
		p.fail("%w: %s is missing", ErrInvalid, name)
	}
	return s
}

func (p *numParser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format, args...)
	}
}

// isNumberLiteral reports whether s is a JSON number: no sign but "-",
// no hex, no NaN or Inf, no spaces.
func isNumberLiteral(s string) bool { return numberLiteral([]byte(s)) }

// jsonReason turns an encoding/json error into a short reason that names
// the field when the decoder knows it.
func jsonReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("%s: want %s, got %s", te.Field,
				jsonKind(te.Type), te.Value)
		}
		return fmt.Sprintf("want %s, got %s", jsonKind(te.Type), te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("not valid JSON at byte %d", se.Offset)
	}
	return truncate(err.Error())
}

// jsonKind names the JSON value a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "a number"
}
