package publishfn

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/natsjs"
)

// Config is the publisher's configuration, read from the environment
// with fnhttp.Load.
type Config struct {
	fnhttp.Common

	// NATSURL is the NATS server, or a comma-separated list (NATS_URL),
	// in a form natsjs.ValidateURL takes.
	NATSURL string `envconfig:"NATS_URL" default:"nats://127.0.0.1:4222"`
	// Stream is the output stream, created or updated at start
	// (SIGNALS_STREAM).
	Stream string `envconfig:"SIGNALS_STREAM" default:"SIGNALS"`
	// DuplicateWindow is how long the stream remembers a signal id; it
	// must outlast any redelivery (DUPLICATE_WINDOW).
	DuplicateWindow time.Duration `envconfig:"DUPLICATE_WINDOW" default:"24h"`
	// PublishTimeout bounds the wait for JetStream's ack
	// (PUBLISH_TIMEOUT).
	PublishTimeout time.Duration `envconfig:"PUBLISH_TIMEOUT" default:"5s"`
	// LegacyPrefix, when set, also publishes buy and sell signals on
	// <prefix>.<strategy_id> for the old bot's consumers
	// (LEGACY_SUBJECT_PREFIX, e.g. cio.intent.trading).
	LegacyPrefix string `envconfig:"LEGACY_SUBJECT_PREFIX"`
	// RESTURL, when set, also posts every signal there (REST_URL), with
	// the bearer token in RESTTokenFile (REST_TOKEN_FILE) if set.
	RESTURL       string `envconfig:"REST_URL"`
	RESTTokenFile string `envconfig:"REST_TOKEN_FILE"`
	// RESTTimeout bounds one POST (REST_TIMEOUT); RESTAttempts POSTs are
	// made at most (REST_ATTEMPTS), RESTBackoff apart, doubling
	// (REST_BACKOFF).
	RESTTimeout  time.Duration `envconfig:"REST_TIMEOUT" default:"10s"`
	RESTAttempts int           `envconfig:"REST_ATTEMPTS" default:"3"`
	RESTBackoff  time.Duration `envconfig:"REST_BACKOFF" default:"500ms"`
}

// Validate checks every value of c.
func (c Config) Validate() error {
	if err := c.Common.Validate(); err != nil {
		return err
	}
	if err := natsjs.ValidateURL(c.NATSURL); err != nil {
		return fmt.Errorf("NATS_URL: %w", err)
	}
	if c.Stream == "" || strings.ContainsAny(c.Stream, ".*> \t\r\n/\\") {
		return fmt.Errorf("SIGNALS_STREAM %q: want a name without "+
			"spaces, dots or wildcards", c.Stream)
	}
	if c.DuplicateWindow < time.Minute {
		return fmt.Errorf("DUPLICATE_WINDOW %v: want at least 1m, more "+
			"than any redelivery takes", c.DuplicateWindow)
	}
	if c.PublishTimeout <= 0 {
		return fmt.Errorf("PUBLISH_TIMEOUT %v: want a positive duration",
			c.PublishTimeout)
	}
	if c.LegacyPrefix != "" && !validPrefix(c.LegacyPrefix) {
		return fmt.Errorf("LEGACY_SUBJECT_PREFIX %q: want dot-separated "+
			"tokens without wildcards or spaces, such as "+
			"cio.intent.trading", c.LegacyPrefix)
	}
	return c.checkREST()
}

func (c Config) checkREST() error {
	if c.RESTURL == "" {
		if c.RESTTokenFile != "" {
			return errors.New("REST_TOKEN_FILE set without REST_URL")
		}
		return nil
	}
	if err := fnhttp.CheckURL(c.RESTURL); err != nil {
		return fmt.Errorf("REST_URL: %w", err)
	}
	if c.RESTTokenFile != "" {
		if _, err := readToken(c.RESTTokenFile); err != nil {
			return fmt.Errorf("REST_TOKEN_FILE: %w", err)
		}
	}
	if c.RESTTimeout <= 0 || c.RESTBackoff <= 0 || c.RESTAttempts < 1 {
		return fmt.Errorf("REST_TIMEOUT %v, REST_BACKOFF %v, "+
			"REST_ATTEMPTS %d: want positive values", c.RESTTimeout,
			c.RESTBackoff, c.RESTAttempts)
	}
	return nil
}

// validPrefix reports whether prefix is a literal subject: no empty
// token, no wildcard, no white space. A prefix is not trimmed: "a.>"
// is refused rather than silently published on as "a".
func validPrefix(prefix string) bool {
	for _, tok := range strings.Split(prefix, ".") {
		if tok == "" || strings.ContainsAny(tok, "*> \t\r\n") {
			return false
		}
	}
	return true
}

// readToken reads a bearer token file, trimmed of surrounding space.
func readToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" || strings.ContainsAny(tok, "\r\n") {
		return "", fmt.Errorf("%s: want one non-empty line", path)
	}
	return tok, nil
}
