package sourcefn

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/natsjs"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// Config is the candle-source's configuration, read from the environment
// with fnhttp.Load.
type Config struct {
	fnhttp.Common

	// NATSURL is the NATS server, or a comma-separated list (NATS_URL),
	// in a form natsjs.ValidateURL takes.
	NATSURL string `envconfig:"NATS_URL" default:"nats://127.0.0.1:4222"`
	// Stream is the input stream, created or updated at start
	// (CANDLES_STREAM).
	Stream string `envconfig:"CANDLES_STREAM" default:"CANDLES"`
	// Subjects filter the stream; each replica owns a disjoint set with
	// its own Durable (SUBJECTS, comma separated).
	Subjects []string `envconfig:"SUBJECTS" default:"candles.>"`
	// Durable names the consumer (DURABLE).
	Durable string `envconfig:"DURABLE" default:"candle-source"`
	// WindowSize is the number of candles a window keeps, and the stream
	// keeps twice as many per subject (WINDOW_SIZE).
	WindowSize int `envconfig:"WINDOW_SIZE" default:"1000"`
	// MinCandles is the size from which a window is sent (MIN_CANDLES);
	// 0 takes the longest History() of Strategies.
	MinCandles int `envconfig:"MIN_CANDLES"`
	// Strategies are the strategy ids the windows feed, or "all"
	// (STRATEGIES); they only set the default of MinCandles.
	Strategies []string `envconfig:"STRATEGIES" default:"all"`
	// Targets are the URLs every window is posted to (TARGETS, comma
	// separated). Exactly one of Targets and Sink is set.
	Targets []string `envconfig:"TARGETS"`
	// Sink is Knative's K_SINK, the one URL windows are posted to.
	Sink string `envconfig:"K_SINK"`
	// SendTimeout bounds one POST to one target (SEND_TIMEOUT).
	SendTimeout time.Duration `envconfig:"SEND_TIMEOUT" default:"10s"`
	// AckWait is how long JetStream waits for an ack before redelivering
	// (ACK_WAIT); above SendTimeout, and renewed while posting.
	AckWait time.Duration `envconfig:"ACK_WAIT" default:"30s"`
	// MaxAckPending bounds the candles delivered and not yet acknowledged
	// (MAX_ACK_PENDING).
	MaxAckPending int `envconfig:"MAX_ACK_PENDING" default:"1000"`
	// RetryDelay is the first redelivery delay after a failed POST,
	// doubled on each attempt up to MaxRetryDelay (RETRY_DELAY,
	// MAX_RETRY_DELAY).
	RetryDelay    time.Duration `envconfig:"RETRY_DELAY" default:"1s"`
	MaxRetryDelay time.Duration `envconfig:"MAX_RETRY_DELAY" default:"30s"`
	// Replay makes a new Durable process every candle the stream holds as
	// if it had just closed (REPLAY, false): for a backfill or a demo. By
	// default a new Durable rebuilds the windows from the history and
	// decides only on candles that arrive after it.
	Replay bool `envconfig:"REPLAY" default:"false"`
	// ClockSkew is how far after now a candle's close may lie for the
	// candle to count as closed: room for a producer whose clock runs a
	// little ahead (CLOCK_SKEW, 0 to MaxClockSkew). A candle closing
	// later is refused as invalid input.
	ClockSkew time.Duration `envconfig:"CLOCK_SKEW" default:"1m"`
}

// Clock skew bounds: the default of ClockSkew and the largest value
// Validate takes; more would let candles of short intervals in before
// they close.
const (
	DefaultClockSkew = time.Minute
	MaxClockSkew     = time.Hour
)

// Validate checks every value of c.
func (c Config) Validate() error {
	if err := c.Common.Validate(); err != nil {
		return err
	}
	if err := natsjs.ValidateURL(c.NATSURL); err != nil {
		return fmt.Errorf("NATS_URL: %w", err)
	}
	if !validName(c.Stream) {
		return fmt.Errorf("CANDLES_STREAM %q: want a name without "+
			"spaces, dots or wildcards", c.Stream)
	}
	if !validName(c.Durable) {
		return fmt.Errorf("DURABLE %q: want a name without spaces, "+
			"dots or wildcards", c.Durable)
	}
	if len(c.Subjects) == 0 {
		return errors.New("SUBJECTS is empty")
	}
	for _, s := range c.Subjects {
		if !strings.HasPrefix(s, "candles.") || strings.ContainsAny(s, " \t") {
			return fmt.Errorf("SUBJECTS: %q is not a subject under "+
				"candles.", s)
		}
	}
	if c.WindowSize < 1 {
		return fmt.Errorf("WINDOW_SIZE %d: want at least 1", c.WindowSize)
	}
	if c.MinCandles < 0 || c.MinCandles > c.WindowSize {
		return fmt.Errorf("MIN_CANDLES %d: want 0 to WINDOW_SIZE %d",
			c.MinCandles, c.WindowSize)
	}
	if err := c.checkTargets(); err != nil {
		return err
	}
	return c.checkTimes()
}

func (c Config) checkTargets() error {
	switch {
	case len(c.Targets) == 0 && c.Sink == "":
		return errors.New("set TARGETS or K_SINK")
	case len(c.Targets) > 0 && c.Sink != "":
		return errors.New("set TARGETS or K_SINK, not both")
	}
	for _, t := range c.Targets {
		if err := fnhttp.CheckURL(t); err != nil {
			return fmt.Errorf("TARGETS: %w", err)
		}
	}
	if c.Sink != "" {
		if err := fnhttp.CheckURL(c.Sink); err != nil {
			return fmt.Errorf("K_SINK: %w", err)
		}
	}
	return nil
}

func (c Config) checkTimes() error {
	if c.SendTimeout <= 0 {
		return fmt.Errorf("SEND_TIMEOUT %v: want a positive duration",
			c.SendTimeout)
	}
	if c.AckWait <= c.SendTimeout {
		return fmt.Errorf("ACK_WAIT %v: want more than SEND_TIMEOUT %v",
			c.AckWait, c.SendTimeout)
	}
	if c.MaxAckPending < 1 {
		return fmt.Errorf("MAX_ACK_PENDING %d: want at least 1",
			c.MaxAckPending)
	}
	if c.RetryDelay <= 0 || c.MaxRetryDelay < c.RetryDelay {
		return fmt.Errorf("RETRY_DELAY %v and MAX_RETRY_DELAY %v: want "+
			"0 < RETRY_DELAY <= MAX_RETRY_DELAY", c.RetryDelay,
			c.MaxRetryDelay)
	}
	if c.ClockSkew < 0 || c.ClockSkew > MaxClockSkew {
		return fmt.Errorf("CLOCK_SKEW %v: want 0 to %v", c.ClockSkew,
			MaxClockSkew)
	}
	return nil
}

// targets returns the URLs windows are posted to.
func (c Config) targets() []string {
	if c.Sink != "" {
		return []string{c.Sink}
	}
	return c.Targets
}

// minCandles returns MinCandles, or the longest history the selected
// strategies of reg need when it is 0.
func (c Config) minCandles(reg *strategy.Registry) (int, error) {
	if c.MinCandles > 0 {
		return c.MinCandles, nil
	}
	list, err := reg.Select(c.Strategies)
	if err != nil {
		return 0, fmt.Errorf("STRATEGIES: %w", err)
	}
	n := max(strategy.MaxHistory(list), 1)
	if n > c.WindowSize {
		return 0, fmt.Errorf("STRATEGIES need %d candles, more than "+
			"WINDOW_SIZE %d", n, c.WindowSize)
	}
	return n, nil
}

func validName(s string) bool {
	return s != "" && !strings.ContainsAny(s, ".*> \t\r\n/\\")
}
