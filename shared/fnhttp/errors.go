package fnhttp

import (
	"context"
	"errors"
	"net/http"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/event/cejson"
	"github.com/tabot-functions/tabot/shared/metrics"
)

// Errors a Handler wraps (fmt.Errorf("...: %w", ErrX)) to choose the
// HTTP status; any other error is a 500, which the caller retries.
var (
	// ErrBadRequest marks input that can never succeed: 400, not
	// retried. So do the domain's sentinels: an error wrapping
	// candle.ErrInvalid, event.ErrInvalid or cejson.ErrMalformed.
	ErrBadRequest = errors.New("bad request")
	// ErrUnsupported marks a content mode, content type or event type
	// the function does not take: 400. So does an error wrapping
	// cejson.ErrUnsupported (event.ErrUnsupported), data that is not
	// JSON.
	ErrUnsupported = errors.New("unsupported")
	// ErrNotReady marks an event that cannot be decided on yet, such as
	// a window too short: 202, nothing to retry.
	ErrNotReady = errors.New("not ready")
	// ErrOverloaded marks a request refused for load: 429, retried
	// later.
	ErrOverloaded = errors.New("overloaded")
	// ErrUnavailable marks a dependency that is down: 503, retried.
	ErrUnavailable = errors.New("unavailable")
)

// typedError is an error carrying the metrics type it counts as.
type typedError struct {
	typ metrics.ErrorType
	err error
}

func (e *typedError) Error() string { return e.err.Error() }
func (e *typedError) Unwrap() error { return e.err }

// WithType marks err to be counted in ta_bot_errors_total as t instead
// of the type its status implies. The Server counts every failed request
// exactly once, so a Handler never counts an error it returns.
func WithType(t metrics.ErrorType, err error) error {
	if err == nil {
		return nil
	}
	return &typedError{typ: t, err: err}
}

// classify returns the HTTP status and the error type of err. The
// unsupported sentinels are checked first: an event.ErrUnsupported error
// also wraps event.ErrInvalid.
func classify(err error) (int, metrics.ErrorType) {
	status, typ := statusOf(err)
	var te *typedError
	if errors.As(err, &te) {
		typ = te.typ
	}
	return status, typ
}

func statusOf(err error) (int, metrics.ErrorType) {
	switch {
	case errors.Is(err, ErrUnsupported),
		errors.Is(err, cejson.ErrUnsupported):
		return http.StatusBadRequest, metrics.ErrUnsupported
	case errors.Is(err, ErrBadRequest), errors.Is(err, candle.ErrInvalid),
		errors.Is(err, event.ErrInvalid):
		return http.StatusBadRequest, metrics.ErrInvalidInput
	case errors.Is(err, cejson.ErrMalformed):
		return http.StatusBadRequest, metrics.ErrDecode
	case errors.Is(err, ErrNotReady):
		return http.StatusAccepted, metrics.ErrNotReady
	case errors.Is(err, ErrOverloaded):
		return http.StatusTooManyRequests, metrics.ErrOverloaded
	case errors.Is(err, ErrUnavailable),
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, metrics.ErrHandler
	default:
		return http.StatusInternalServerError, metrics.ErrHandler
	}
}
