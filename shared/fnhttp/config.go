package fnhttp

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"
	"github.com/kelseyhightower/envconfig"

	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/tracing"
)

// Common is the configuration every function reads from the environment;
// each service's Config embeds it.
type Common struct {
	// Port is the HTTP port (PORT, 8080).
	Port int `envconfig:"PORT" default:"8080"`
	// LogLevel is debug, info, warn or error (LOG_LEVEL, info).
	LogLevel string `envconfig:"LOG_LEVEL" default:"info"`
	// Version, CommitSHA and BuildDate describe the build on /health.
	Version   string `envconfig:"VERSION" default:"dev"`
	CommitSHA string `envconfig:"COMMIT_SHA"`
	BuildDate string `envconfig:"BUILD_DATE"`
	// PushgatewayURL turns on pushing the registry (PUSHGATEWAY_URL;
	// unset: no push) every PushInterval (PUSH_INTERVAL, 15s).
	PushgatewayURL string        `envconfig:"PUSHGATEWAY_URL"`
	PushInterval   time.Duration `envconfig:"PUSH_INTERVAL" default:"15s"`
	// OTLPEndpoint is OTEL_EXPORTER_OTLP_ENDPOINT, the OTLP/HTTP base
	// URL spans are exported to (<endpoint>/v1/traces); unset: none.
	OTLPEndpoint string `envconfig:"OTEL_EXPORTER_OTLP_ENDPOINT"`
	// MaxInFlight bounds the events handled at once (MAX_IN_FLIGHT);
	// more are answered 429 at once, so a burst is retried later instead
	// of queueing. 0: no bound. Unset: Options.MaxInFlight, else
	// DefaultMaxInFlight.
	MaxInFlight *int `envconfig:"MAX_IN_FLIGHT"`
	// Symbols is an optional allow-list of symbols (SYMBOLS, comma
	// separated); empty allows every symbol.
	Symbols []string `envconfig:"SYMBOLS"`
	// Service is the Knative service name (K_SERVICE).
	Service string `envconfig:"K_SERVICE"`
	// CEOverrides is Knative's K_CE_OVERRIDES, JSON such as
	// {"extensions":{"team":"ta"}}, applied to the events a function
	// sends to a sink.
	CEOverrides string `envconfig:"K_CE_OVERRIDES"`
}

var symbolRE = regexp.MustCompile(`^[A-Z0-9]{2,30}$`)

// DefaultMaxInFlight is the bound on events handled at once when neither
// MAX_IN_FLIGHT nor Options.MaxInFlight sets one: 64, or eight per CPU
// the process may use if that is more. It sits above the concurrency a
// platform sends one replica (Knative's containerConcurrency in knative/
// is 20 for a strategy, 50 for the publisher), so the platform's own
// queue does the queueing and a 429 means a caller that ignores it.
func DefaultMaxInFlight() int { return max(64, 8*runtime.GOMAXPROCS(0)) }

// Validate checks every value of c.
func (c Common) Validate() error {
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("PORT %d: want 0 to 65535", c.Port)
	}
	if _, err := logs.ParseLevel(c.LogLevel); err != nil {
		return fmt.Errorf("LOG_LEVEL: %w", err)
	}
	if c.PushgatewayURL != "" {
		if err := CheckURL(c.PushgatewayURL); err != nil {
			return fmt.Errorf("PUSHGATEWAY_URL: %w", err)
		}
	}
	if c.OTLPEndpoint != "" {
		if err := tracing.CheckEndpoint(c.OTLPEndpoint); err != nil {
			return fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
		}
	}
	if c.PushInterval <= 0 {
		return fmt.Errorf("PUSH_INTERVAL %v: want a positive duration",
			c.PushInterval)
	}
	if c.MaxInFlight != nil && *c.MaxInFlight < 0 {
		return fmt.Errorf("MAX_IN_FLIGHT %d: want 0 (no bound) or more",
			*c.MaxInFlight)
	}
	for _, s := range c.Symbols {
		if !symbolRE.MatchString(s) {
			return fmt.Errorf("SYMBOLS: %q is not an upper-case symbol "+
				"such as BTCUSDT", s)
		}
	}
	if _, err := c.Overrides(); err != nil {
		return fmt.Errorf("K_CE_OVERRIDES: %w", err)
	}
	return nil
}

// AllowSymbol reports whether symbol is in SYMBOLS, or SYMBOLS is empty.
func (c Common) AllowSymbol(symbol string) bool {
	if len(c.Symbols) == 0 {
		return true
	}
	for _, s := range c.Symbols {
		if s == symbol {
			return true
		}
	}
	return false
}

// Overrides returns the extensions of K_CE_OVERRIDES, nil when unset,
// with names in lower case as events carry them. A name that is not an
// extension name, such as a spec attribute (id, type), is an error: the
// sdk would refuse it on every event sent.
func (c Common) Overrides() (map[string]string, error) {
	if c.CEOverrides == "" {
		return nil, nil
	}
	var o struct {
		Extensions map[string]string `json:"extensions"`
	}
	if err := json.Unmarshal([]byte(c.CEOverrides), &o); err != nil {
		return nil, fmt.Errorf("want {\"extensions\":{...}}: %w", err)
	}
	var out map[string]string
	for name, value := range o.Extensions {
		var ec ce.EventContextV1
		if err := ec.SetExtension(name, value); err != nil {
			return nil, fmt.Errorf("extension %q: want letters and digits, "+
				"not a spec attribute", name)
		}
		if out == nil {
			out = make(map[string]string, len(o.Extensions))
		}
		out[strings.ToLower(name)] = value
	}
	return out, nil
}

// Validator is a configuration that checks itself after loading.
type Validator interface {
	Validate() error
}

// Load reads cfg, a pointer to a struct with envconfig tags, from the
// environment, then validates it when it is a Validator. The error is
// one line naming the variable at fault.
func Load(cfg any) error {
	if err := envconfig.Process("", cfg); err != nil {
		var pe *envconfig.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("config: %s=%q is not a valid %s",
				pe.KeyName, pe.Value, pe.TypeName)
		}
		return fmt.Errorf("config: %w", err)
	}
	if v, ok := cfg.(Validator); ok {
		if err := v.Validate(); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	}
	return nil
}

// CheckURL reports whether s is an absolute http or https URL, for
// services validating their own URL settings.
func CheckURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL", s)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: want an absolute http or https URL", s)
	}
	return nil
}
