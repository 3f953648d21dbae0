package fnhttp_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	ce "github.com/cloudevents/sdk-go/v2/event"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/event/cejson"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/metrics"
)

// TestDomainErrorsAre400 checks a handler error wrapping any of the
// domain's sentinels is a 400, never retried, counted under its type.
func TestDomainErrorsAre400(t *testing.T) {
	textData := ce.New()
	textData.SetData("text/plain", "0.00001245")
	_, textErr := event.DecodeWindow(textData)
	_, noDataErr := event.DecodeWindow(ce.New())

	tests := []struct {
		name     string
		err      error
		wantType metrics.ErrorType
	}{
		{"candle.ErrInvalid", candle.ErrInvalid, metrics.ErrInvalidInput},
		{"event.ErrInvalid", event.ErrInvalid, metrics.ErrInvalidInput},
		{"event.ErrUnsupported", event.ErrUnsupported,
			metrics.ErrUnsupported},
		{"cejson.ErrMalformed", cejson.ErrMalformed, metrics.ErrDecode},
		{"cejson.ErrUnsupported", cejson.ErrUnsupported,
			metrics.ErrUnsupported},
		{"text data of DecodeWindow", textErr, metrics.ErrUnsupported},
		{"no data of DecodeWindow", noDataErr, metrics.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatal("the domain accepted the input, want an error")
			}
			h := func(context.Context, ce.Event) (*ce.Event, error) {
				return nil, fmt.Errorf("handle: %w", tt.err)
			}
			srv := fnhttp.New(fnhttp.Common{}, h, fnhttp.Options{})
			r := start(t, srv)

			resp := r.post(t, nil, mustJSON(t, testWindow(2)))

			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", resp.StatusCode)
			}
			for _, typ := range metrics.ErrorTypes() {
				want := 0.0
				if typ == tt.wantType {
					want = 1
				}
				if got := errorsOf(srv.Metrics(), typ); got != want {
					t.Errorf("errors_total{type=%q} = %v, want %v", typ,
						got, want)
				}
			}
		})
	}
}
