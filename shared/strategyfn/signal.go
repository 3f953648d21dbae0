package strategyfn

import (
	"context"
	"fmt"

	ce "github.com/cloudevents/sdk-go/v2/event"

	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/strategy"
	"github.com/tabot-functions/tabot/shared/tracing"
)

// newSignalEvent builds the signal event of strategy id's decision d on
// the last candle of w, with the K_CE_OVERRIDES extensions added and the
// trace context of ctx; an override never replaces an extension the
// signal sets itself, which the publisher checks against the data. A
// decision the signal rules refuse is an error wrapping event.ErrInvalid.
func newSignalEvent(ctx context.Context, id string, w event.Window,
	d *strategy.Decision, overrides map[string]string) (*ce.Event, error) {
	sig := event.NewSignal(id, w, d)
	e, err := event.NewSignalEvent(sig, w.Interval, w.Last().OpenTime)
	if err != nil {
		return nil, fmt.Errorf("signal %s: %w", id, err)
	}
	own := e.Extensions()
	for k, v := range overrides {
		if _, set := own[k]; !set {
			e.SetExtension(k, v)
		}
	}
	tracing.ToEvent(ctx, &e)
	return &e, nil
}
