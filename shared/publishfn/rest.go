package publishfn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tabot-functions/tabot/shared/tracing"
)

// errPermanent marks a REST answer that sending again will not change.
var errPermanent = errors.New("refused")

// restClient posts signals to a REST API, retrying transient failures.
type restClient struct {
	url       string
	tokenFile string
	hc        *http.Client
	attempts  int
	backoff   time.Duration
}

// post sends data with id as Idempotency-Key, up to attempts times with
// a doubling backoff between them; a 4xx other than 408 and 429 stops
// at once. The token file is read on each call, so a rotated secret is
// picked up.
func (c *restClient) post(ctx context.Context, id string, data []byte) error {
	wait := c.backoff
	var err error
	for i := range c.attempts {
		if i > 0 {
			select {
			case <-ctx.Done():
				return fmt.Errorf("post signal %s: %w (last: %w)", id,
					ctx.Err(), err)
			case <-time.After(wait):
			}
			wait *= 2
		}
		if err = c.once(ctx, id, data); err == nil ||
			errors.Is(err, errPermanent) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("post signal %s: %w", id, err)
	}
	return nil
}

func (c *restClient) once(ctx context.Context, id string, data []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url,
		bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", jsonType)
	req.Header.Set("Idempotency-Key", id)
	tracing.ToHTTP(ctx, req.Header)
	if c.tokenFile != "" {
		tok, err := readToken(c.tokenFile)
		if err != nil {
			return fmt.Errorf("token: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}

	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	reason, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return nil
	case code >= 400 && code < 500 && code != http.StatusRequestTimeout &&
		code != http.StatusTooManyRequests:
		return fmt.Errorf("%w: %s %s", errPermanent, resp.Status,
			oneLine(reason))
	default:
		return fmt.Errorf("%s %s", resp.Status, oneLine(reason))
	}
}

func oneLine(b []byte) string {
	return strings.Join(strings.Fields(string(b)), " ")
}
