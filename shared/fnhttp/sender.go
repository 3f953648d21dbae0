package fnhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	ce "github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"

	"github.com/tabot-functions/tabot/shared/tracing"
)

// ErrRejected is returned by Send when the receiver refused the event
// with a 4xx other than 408 and 429: sending it again will not help.
var ErrRejected = errors.New("event rejected")

// Sender posts CloudEvents to one URL in binary content mode, as a
// Knative sink expects.
type Sender struct {
	url string
	hc  *http.Client
}

// NewSender returns a Sender to url through hc (http.DefaultClient when
// nil); give hc a timeout.
func NewSender(url string, hc *http.Client) *Sender {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Sender{url: url, hc: hc}
}

// URL returns the URL s sends to.
func (s *Sender) URL() string { return s.url }

// Send posts e and returns nil on a 2xx answer, an error wrapping
// ErrRejected on a permanent refusal, and one wrapping ErrUnavailable on
// a failure worth retrying (408, 429, 5xx, no answer): a Handler that
// returns it answers 503, so its caller retries. The
// request carries the W3C traceparent header of ctx's span beside the
// event's own traceparent extension, so a traced receiver joins in.
func (s *Sender) Send(ctx context.Context, e ce.Event) error {
	req, err := cehttp.NewHTTPRequestFromEvent(ctx, s.url, e)
	if err != nil {
		return fmt.Errorf("send %s: %w", e.ID(), err)
	}
	tracing.ToHTTP(ctx, req.Header)
	resp, err := s.hc.Do(req)
	if err != nil {
		return fmt.Errorf("send %s: %w: %w", e.ID(), ErrUnavailable, err)
	}
	defer resp.Body.Close()
	reason, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))

	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return nil
	case code >= 400 && code < 500 && code != http.StatusRequestTimeout &&
		code != http.StatusTooManyRequests:
		return fmt.Errorf("send %s: %w: %s %s", e.ID(), ErrRejected,
			resp.Status, oneLine(string(reason)))
	default:
		return fmt.Errorf("send %s: %w: %s %s", e.ID(), ErrUnavailable,
			resp.Status, oneLine(string(reason)))
	}
}
