// Package logs builds the zap JSON logger every TA Bot function writes to
// stdout, and defines the field keys its lines share, so that a signal
// line reads the same from every function.
package logs

import (
	"fmt"
	"io"
	"os"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Keys of the fixed fields of every line.
const (
	KeyTimestamp = "timestamp"
	KeyLevel     = "level"
	KeyLogger    = "logger"
	KeyMessage   = "event"
	KeyCaller    = "caller"
	KeyStack     = "stacktrace"
)

// Keys of the fields lines carry as they apply.
const (
	KeySymbol         = "symbol"
	KeyInterval       = "interval"
	KeyStrategy       = "strategy"
	KeyConfidence     = "confidence"
	KeySignalType     = "signal_type"
	KeyProcessingTime = "processing_time"
	KeySignalID       = "signal_id"
	KeyEventID        = "event_id"
	KeyEventType      = "event_type"
	KeyErrorType      = "error_type"
	KeyComponent      = "component"
	KeyStatus         = "status"
	KeyCandles        = "candles"
	KeyURL            = "url"
)

// New returns a JSON logger named name that writes to stdout at level
// ("debug", "info", "warn", "error"). It does not sample: every signal
// line is kept.
func New(level, name string) (*zap.Logger, error) {
	return NewWriter(os.Stdout, level, name)
}

// NewWriter is New writing to w.
func NewWriter(w io.Writer, level, name string) (*zap.Logger, error) {
	lvl, err := ParseLevel(level)
	if err != nil {
		return nil, err
	}
	core := zapcore.NewCore(zapcore.NewJSONEncoder(EncoderConfig()),
		zapcore.Lock(zapcore.AddSync(w)), lvl)
	return zap.New(core, zap.AddCaller(),
		zap.AddStacktrace(zapcore.ErrorLevel)).Named(name), nil
}

// ParseLevel parses a LOG_LEVEL value.
func ParseLevel(level string) (zapcore.Level, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return 0, fmt.Errorf("log level %q: want debug, info, warn "+
			"or error", level)
	}
	return lvl, nil
}

// EncoderConfig is the encoder of every function's lines: the keys
// above, lower-case levels, RFC 3339 UTC timestamps, durations in
// seconds.
func EncoderConfig() zapcore.EncoderConfig {
	return zapcore.EncoderConfig{
		TimeKey:        KeyTimestamp,
		LevelKey:       KeyLevel,
		NameKey:        KeyLogger,
		CallerKey:      KeyCaller,
		MessageKey:     KeyMessage,
		StacktraceKey:  KeyStack,
		LineEnding:     zapcore.DefaultLineEnding,
		EncodeLevel:    zapcore.LowercaseLevelEncoder,
		EncodeTime:     utcTime,
		EncodeDuration: zapcore.SecondsDurationEncoder,
		EncodeCaller:   zapcore.ShortCallerEncoder,
	}
}

func utcTime(t time.Time, enc zapcore.PrimitiveArrayEncoder) {
	enc.AppendString(t.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
}

// Symbol is the symbol field.
func Symbol(s string) zap.Field { return zap.String(KeySymbol, s) }

// Interval is the interval field.
func Interval(s string) zap.Field { return zap.String(KeyInterval, s) }

// Strategy is the strategy field.
func Strategy(id string) zap.Field { return zap.String(KeyStrategy, id) }

// Confidence is the confidence field.
func Confidence(c float64) zap.Field { return zap.Float64(KeyConfidence, c) }

// SignalType is the signal_type field: the action in upper case, as the
// guide's lines show it (BUY, SELL, HOLD).
func SignalType(action string) zap.Field {
	return zap.String(KeySignalType, upper(action))
}

// ProcessingTime is the processing_time field, in seconds.
func ProcessingTime(d time.Duration) zap.Field {
	return zap.Float64(KeyProcessingTime, d.Seconds())
}

// SignalID is the signal_id field.
func SignalID(id string) zap.Field { return zap.String(KeySignalID, id) }

// EventID is the event_id field.
func EventID(id string) zap.Field { return zap.String(KeyEventID, id) }

// EventType is the event_type field.
func EventType(t string) zap.Field { return zap.String(KeyEventType, t) }

// ErrorType is the error_type field: a metrics error type.
func ErrorType(t string) zap.Field { return zap.String(KeyErrorType, t) }

// Component is the component field.
func Component(c string) zap.Field { return zap.String(KeyComponent, c) }

// Status is the status field: an HTTP status code.
func Status(code int) zap.Field { return zap.Int(KeyStatus, code) }

// URL is the url field.
func URL(u string) zap.Field { return zap.String(KeyURL, u) }

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
