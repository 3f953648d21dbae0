package logs_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/tabot-functions/tabot/shared/logs"
)

func TestSignalLineHasGuideFields(t *testing.T) {
	var buf bytes.Buffer
	log, err := logs.NewWriter(&buf, "info", "ta_bot.strategy")
	if err != nil {
		t.Fatal(err)
	}

	log.Info("signal generated", logs.Symbol("BTCUSDT"),
		logs.Strategy("momentum_pulse"), logs.Confidence(0.74),
		logs.SignalType("buy"),
		logs.ProcessingTime(45*time.Millisecond))
	log.Debug("not written at info")

	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("want exactly one JSON line, got %q: %v", buf.String(), err)
	}
	want := map[string]any{
		"level":           "info",
		"logger":          "ta_bot.strategy",
		"event":           "signal generated",
		"symbol":          "BTCUSDT",
		"strategy":        "momentum_pulse",
		"confidence":      0.74,
		"signal_type":     "BUY",
		"processing_time": 0.045,
	}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("%s = %v, want %v", k, line[k], v)
		}
	}
	ts, _ := line["timestamp"].(string)
	if _, err := time.Parse(time.RFC3339, ts); err != nil {
		t.Errorf("timestamp %q is not RFC 3339: %v", ts, err)
	}
}

func TestLevels(t *testing.T) {
	tests := []struct {
		level   string
		wantErr bool
	}{
		{"debug", false},
		{"info", false},
		{"WARN", false},
		{"error", false},
		{"loud", true},
		{"", false}, // zap reads empty as info
	}
	for _, tt := range tests {
		t.Run(tt.level, func(t *testing.T) {
			_, err := logs.NewWriter(&bytes.Buffer{}, tt.level, "x")
			if (err != nil) != tt.wantErr {
				t.Errorf("NewWriter(%q) error = %v, want error %v",
					tt.level, err, tt.wantErr)
			}
		})
	}
}
