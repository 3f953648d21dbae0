package main

import (
	"context"
	"strings"
	"testing"
)

func TestRunStopsOnBadConfig(t *testing.T) {
	tests := []struct {
		key, value, want string
	}{
		{"STRATEGIES", "no_such_strategy", "STRATEGIES"},
		{"MIN_CONFIDENCE", "2", "MIN_CONFIDENCE"},
		{"LOG_LEVEL", "loud", "LOG_LEVEL"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Setenv(tt.key, tt.value)

			err := run(context.Background())

			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run = %v, want an error naming %s", err, tt.want)
			}
		})
	}
}
