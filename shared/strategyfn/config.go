package strategyfn

import (
	"fmt"
	"math"
	"strings"

	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// Config is the strategy function's configuration.
type Config struct {
	fnhttp.Common
	// Strategies are the strategy ids this function evaluates, or "all"
	// (STRATEGIES, comma separated; all).
	Strategies []string `envconfig:"STRATEGIES" default:"all"`
	// MinConfidence and MaxConfidence bound the confidence of the
	// signals sent on (MIN_CONFIDENCE 0.6, MAX_CONFIDENCE 0.95).
	MinConfidence float64 `envconfig:"MIN_CONFIDENCE" default:"0.6"`
	MaxConfidence float64 `envconfig:"MAX_CONFIDENCE" default:"0.95"`
	// PublisherURL is where every signal is posted (PUBLISHER_URL);
	// when unset, Sink (K_SINK, set by a Knative SinkBinding) is used.
	// With neither, signals only go back as the reply.
	PublisherURL string `envconfig:"PUBLISHER_URL"`
	Sink         string `envconfig:"K_SINK"`
}

// Validate checks every value of c but the strategy ids, which New checks
// against its registry.
func (c Config) Validate() error {
	if err := c.Common.Validate(); err != nil {
		return err
	}
	if len(c.Strategies) == 0 {
		return fmt.Errorf("STRATEGIES is empty: want ids or all")
	}
	for _, id := range c.Strategies {
		if strings.TrimSpace(id) == "" {
			return fmt.Errorf("STRATEGIES %q has an empty id",
				strings.Join(c.Strategies, ","))
		}
	}
	lo, hi := c.MinConfidence, c.MaxConfidence
	if math.IsNaN(lo) || math.IsNaN(hi) || lo < 0 || lo > hi || hi > 1 {
		return fmt.Errorf("MIN_CONFIDENCE %v, MAX_CONFIDENCE %v: want "+
			"0 <= min <= max <= 1", lo, hi)
	}
	for _, u := range []struct{ name, value string }{
		{"PUBLISHER_URL", c.PublisherURL}, {"K_SINK", c.Sink},
	} {
		if u.value == "" {
			continue
		}
		if err := fnhttp.CheckURL(u.value); err != nil {
			return fmt.Errorf("%s: %w", u.name, err)
		}
	}
	return nil
}

// SinkURL returns where signals are sent: PUBLISHER_URL, else K_SINK,
// else "".
func (c Config) SinkURL() string {
	if c.PublisherURL != "" {
		return c.PublisherURL
	}
	return c.Sink
}

// ids returns the configured strategy ids, trimmed.
func (c Config) ids() []string {
	ids := make([]string, len(c.Strategies))
	for i, id := range c.Strategies {
		ids[i] = strings.TrimSpace(id)
	}
	return ids
}

// LoadConfig reads the configuration from the environment and checks the
// strategy ids against strategy.Default().
func LoadConfig() (Config, error) {
	var cfg Config
	if err := fnhttp.Load(&cfg); err != nil {
		return Config{}, err
	}
	if _, err := strategy.Default().Select(cfg.ids()); err != nil {
		return Config{}, fmt.Errorf("config: STRATEGIES: %w", err)
	}
	return cfg, nil
}
