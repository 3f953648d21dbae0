package fnhttp_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tabot-functions/tabot/shared/fnhttp"
)

func TestLoadDefaults(t *testing.T) {
	var cfg fnhttp.Common

	if err := fnhttp.Load(&cfg); err != nil {
		t.Fatal(err)
	}

	want := fnhttp.Common{Port: 8080, LogLevel: "info", Version: "dev",
		PushInterval: 15 * time.Second}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("defaults = %+v, want %+v", cfg, want)
	}
}

func TestLoadValues(t *testing.T) {
	env := map[string]string{
		"PORT": "9090", "LOG_LEVEL": "debug", "VERSION": "1.0.0",
		"COMMIT_SHA": "abc", "BUILD_DATE": "2024-01-15",
		"PUSHGATEWAY_URL": "http://pushgateway:9091", "PUSH_INTERVAL": "30s",
		"SYMBOLS": "BTCUSDT,ETHUSDT", "K_SERVICE": "strategy",
		"K_CE_OVERRIDES": `{"extensions":{"Team":"ta"}}`,
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	var cfg fnhttp.Common

	if err := fnhttp.Load(&cfg); err != nil {
		t.Fatal(err)
	}

	if cfg.Port != 9090 || cfg.PushInterval != 30*time.Second ||
		len(cfg.Symbols) != 2 || cfg.Service != "strategy" {
		t.Errorf("cfg = %+v", cfg)
	}
	o, err := cfg.Overrides()
	if err != nil || o["team"] != "ta" {
		t.Errorf("Overrides = %v, %v; want team=ta", o, err)
	}
	if !cfg.AllowSymbol("ETHUSDT") || cfg.AllowSymbol("DOGEUSDT") {
		t.Error("AllowSymbol does not follow SYMBOLS")
	}
}

// TestLoadErrors checks a bad value stops with one line naming it.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		key, value, want string
	}{
		{"PORT", "eighty", "PORT"},
		{"PORT", "70000", "PORT"},
		{"LOG_LEVEL", "loud", "LOG_LEVEL"},
		{"PUSH_INTERVAL", "often", "PUSH_INTERVAL"},
		{"PUSH_INTERVAL", "0s", "PUSH_INTERVAL"},
		{"PUSHGATEWAY_URL", "pushgateway:9091", "PUSHGATEWAY_URL"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "otel-collector:4318",
			"OTEL_EXPORTER_OTLP_ENDPOINT"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "::bad",
			"OTEL_EXPORTER_OTLP_ENDPOINT"},
		{"MAX_IN_FLIGHT", "-1", "MAX_IN_FLIGHT"},
		{"MAX_IN_FLIGHT", "many", "MAX_IN_FLIGHT"},
		{"SYMBOLS", "btcusdt", "SYMBOLS"},
		{"K_CE_OVERRIDES", "{", "K_CE_OVERRIDES"},
		{"K_CE_OVERRIDES", `{"extensions":{"a-b":"x"}}`, "K_CE_OVERRIDES"},
		{"K_CE_OVERRIDES", `{"extensions":{"id":"x"}}`, "K_CE_OVERRIDES"},
		{"K_CE_OVERRIDES", `{"extensions":{"Type":"x"}}`, "K_CE_OVERRIDES"},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			t.Setenv(tt.key, tt.value)
			var cfg fnhttp.Common

			err := fnhttp.Load(&cfg)

			if err == nil {
				t.Fatal("Load = nil, want an error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Errorf("Load = %q, want one line naming %s", msg, tt.want)
			}
		})
	}
}

// service is a Config as a service writes it.
type service struct {
	fnhttp.Common
	Targets []string `envconfig:"TARGETS"`
}

func TestLoadEmbedded(t *testing.T) {
	t.Setenv("PORT", "8181")
	t.Setenv("TARGETS", "http://a,http://b")
	t.Setenv("LOG_LEVEL", "nope")
	var cfg service

	err := fnhttp.Load(&cfg)

	if cfg.Port != 8181 || len(cfg.Targets) != 2 {
		t.Errorf("cfg = %+v, want PORT and TARGETS read", cfg)
	}
	// The embedded Validate is promoted, so Common is checked too.
	if err == nil || !strings.Contains(err.Error(), "LOG_LEVEL") {
		t.Errorf("Load = %v, want the LOG_LEVEL error", err)
	}
}

func TestLoadMaxInFlight(t *testing.T) {
	tests := []struct {
		name, value string
		want        *int
	}{
		{"unset", "", nil},
		{"no bound", "0", ptr(0)},
		{"bound", "3", ptr(3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.value != "" {
				t.Setenv("MAX_IN_FLIGHT", tt.value)
			}
			var cfg fnhttp.Common

			if err := fnhttp.Load(&cfg); err != nil {
				t.Fatal(err)
			}

			if !reflect.DeepEqual(cfg.MaxInFlight, tt.want) {
				t.Errorf("MaxInFlight = %v, want %v", cfg.MaxInFlight,
					tt.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
