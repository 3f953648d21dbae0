package publishfn

import (
	"fmt"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// clockSkew is how far a signal's candle close may lie ahead of the
// publisher's clock: the clocks of two hosts differ a little, a candle
// that has not closed yet cannot have made a signal.
const clockSkew = time.Minute

// check refuses a signal the system would never produce, beyond what
// event.DecodeSignal checks: a symbol outside SYMBOLS, an unknown
// strategy, a hold from a strategy that never holds, a candle that has
// not closed yet, an event id that is not the signal id. Every error
// wraps fnhttp.ErrBadRequest.
//
// Confidence and prices are left alone: the bounds of confidence are the
// strategy deployment's (MIN_CONFIDENCE, MAX_CONFIDENCE), not known here,
// and only the market knows a plausible price.
func (p *Publisher) check(e ce.Event, sig event.Signal) error {
	if e.ID() != sig.IntentID {
		return fmt.Errorf("%w: event id %q is not the signal id %s",
			fnhttp.ErrBadRequest, truncate(e.ID()), sig.IntentID)
	}
	if !p.cfg.AllowSymbol(sig.Symbol) {
		return fmt.Errorf("%w: symbol %s is not in SYMBOLS",
			fnhttp.ErrBadRequest, sig.Symbol)
	}
	if !p.known[sig.StrategyID] {
		return fmt.Errorf("%w: strategy_id %s is not a known strategy",
			fnhttp.ErrBadRequest, sig.StrategyID)
	}
	if sig.Action == string(strategy.Hold) &&
		!strategy.MayHold(sig.StrategyID) {
		return fmt.Errorf("%w: strategy %s never holds",
			fnhttp.ErrBadRequest, sig.StrategyID)
	}
	closed, err := time.Parse(time.RFC3339, sig.Timestamp)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q: %w", fnhttp.ErrBadRequest,
			truncate(sig.Timestamp), err)
	}
	if limit := time.Now().Add(clockSkew); closed.After(limit) {
		return fmt.Errorf("%w: timestamp %s is in the future: the candle "+
			"has not closed yet", fnhttp.ErrBadRequest, sig.Timestamp)
	}
	return nil
}

// fits checks that msg, with the headers JetStream's publish adds (the
// message id and the expected stream), is within max bytes, the server's
// max payload (0: not known yet, nothing to check). The size counted is
// the one the server checks: data plus encoded headers.
func fits(max int64, msg *nats.Msg, id, stream string) error {
	if max <= 0 {
		return nil
	}
	size := len(msg.Data) + len("NATS/1.0\r\n\r\n")
	for k, vs := range msg.Header {
		for _, v := range vs {
			size += len(k) + len(": \r\n") + len(v)
		}
	}
	size += len(jetstream.MsgIDHeader) + len(": \r\n") + len(id)
	size += len(jetstream.ExpectedStreamHeader) + len(": \r\n") + len(stream)
	if int64(size) > max {
		return fmt.Errorf("%w: %d bytes, the server takes %d", ErrTooLarge,
			size, max)
	}
	return nil
}

// truncate shortens s to a length fit for an error line.
func truncate(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
