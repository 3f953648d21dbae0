package fnhttp

import (
	"context"
	"fmt"
	"net/http"

	ce "github.com/cloudevents/sdk-go/v2/event"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/tracing"
)

// newTracing returns the tracing of OTEL_EXPORTER_OTLP_ENDPOINT, which
// records nothing when it is unset. Failed exports are logged and count
// as ta_bot_errors_total{type="tracing"}. On a bad endpoint, which
// Common.Validate refuses, it returns a tracing that records nothing and
// the error for Serve.
func (s *Server) newTracing() (*tracing.Tracing, error) {
	tr, err := tracing.New(context.Background(), s.cfg.OTLPEndpoint,
		s.name, s.cfg.Version, tracing.WithErrorHandler(func(err error) {
			s.m.Error(metrics.ErrTracing)
			s.log.Warn("span export failed",
				logs.ErrorType(string(metrics.ErrTracing)), zap.Error(err))
		}))
	if err != nil {
		off, _ := tracing.New(context.Background(), "", s.name, "")
		return off, fmt.Errorf("tracing: %w", err)
	}
	return tr, nil
}

// flushTraces exports the spans still buffered and stops the exporter,
// within what is left of the shutdown's ctx. A failed export is logged
// and counted by the error handler, a flush out of time here.
func (s *Server) flushTraces(ctx context.Context) {
	if err := s.tr.Shutdown(ctx); err != nil {
		s.log.Warn("tracing shutdown", zap.Error(err))
	}
}

// traceContext returns the request's context with the remote span
// context of e's traceparent extension or, when e has none, of the
// request's traceparent header: `kn event send` and a bare window posted
// by curl carry only the header, a Knative Broker both.
func traceContext(r *http.Request, e *ce.Event) context.Context {
	ctx := tracing.FromEvent(r.Context(), *e)
	if trace.SpanContextFromContext(ctx).IsValid() {
		return ctx
	}
	return tracing.FromHTTP(ctx, r.Header)
}

// RecordError notes err on span: as an event always, and as the span's
// error status when err is a failure of the function, one the caller
// retries (5xx, 429), rather than an input refused (4xx) or not ready
// yet (202). A nil err records nothing.
func RecordError(span trace.Span, err error) {
	if err == nil || !span.IsRecording() {
		return
	}
	span.RecordError(err)
	if status, _ := classify(err); status >= http.StatusTooManyRequests {
		span.SetStatus(codes.Error, oneLine(err.Error()))
	}
}
