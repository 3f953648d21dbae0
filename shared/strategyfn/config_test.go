package strategyfn_test

import (
	"strings"
	"testing"

	"github.com/tabot-functions/tabot/shared/strategyfn"
)

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := strategyfn.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}

	if len(cfg.Strategies) != 1 || cfg.Strategies[0] != "all" ||
		cfg.MinConfidence != 0.6 || cfg.MaxConfidence != 0.95 ||
		cfg.Port != 8080 || cfg.SinkURL() != "" {
		t.Errorf("defaults = %+v", cfg)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"unknown strategy", map[string]string{
			"STRATEGIES": "no_such_strategy"}, "no_such_strategy"},
		{"empty id", map[string]string{"STRATEGIES": "a,,b"},
			"empty id"},
		{"min above max", map[string]string{"MIN_CONFIDENCE": "0.9",
			"MAX_CONFIDENCE": "0.8"}, "MIN_CONFIDENCE"},
		{"negative min", map[string]string{"MIN_CONFIDENCE": "-0.1"},
			"MIN_CONFIDENCE"},
		{"max above 1", map[string]string{"MAX_CONFIDENCE": "1.5"},
			"MAX_CONFIDENCE"},
		{"min not a number", map[string]string{"MIN_CONFIDENCE": "high"},
			"MIN_CONFIDENCE"},
		{"publisher url", map[string]string{"PUBLISHER_URL": "publisher"},
			"PUBLISHER_URL"},
		{"k_sink", map[string]string{"K_SINK": "ftp://broker"}, "K_SINK"},
		{"common", map[string]string{"PORT": "-1"}, "PORT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}

			_, err := strategyfn.LoadConfig()

			if err == nil || !strings.Contains(err.Error(), tt.want) ||
				strings.Contains(err.Error(), "\n") {
				t.Errorf("LoadConfig = %v, want one line naming %s",
					err, tt.want)
			}
		})
	}
}

func TestNewChecksStrategies(t *testing.T) {
	reg := registry(t, &fake{id: "a", history: 3, decide: never})
	tests := []struct {
		name string
		reg  int // 0: reg, 1: an empty registry
		ids  []string
		want string
	}{
		{"unknown id", 0, []string{"b"}, `unknown strategy "b"`},
		{"all of nothing", 1, []string{"all"}, "none registered"},
		{"all mixed with ids", 0, []string{"all", "a"}, "unknown strategy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := reg
			if tt.reg == 1 {
				r = registry(t)
			}

			_, err := strategyfn.New(config(tt.ids...), r, nil)

			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestNewTrimsIDs(t *testing.T) {
	reg := registry(t, &fake{id: "a", history: 3, decide: never},
		&fake{id: "b", history: 3, decide: never})

	if _, err := strategyfn.New(config("a", " b"), reg, nil); err != nil {
		t.Errorf("New with \" b\" = %v, want nil", err)
	}
}
