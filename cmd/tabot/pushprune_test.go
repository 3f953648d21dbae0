package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tabot-functions/tabot/shared/push"
	"github.com/tabot-functions/tabot/shared/push/pushtest"
)

func TestPushPrune(t *testing.T) {
	gw := pushtest.Start(t)
	ctx := context.Background()
	for _, inst := range []string{"gone-pod", "live-pod"} {
		p, err := push.New(gw, "tabot-strategy", prometheus.NewRegistry(),
			push.WithInstance(inst))
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Push(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Every group is older than 1ns and younger than 1h.
	tests := []struct {
		name string
		args []string
		want []string
		code int
	}{
		{"dry run", []string{"push-prune", "-url", gw, "-older-than", "1ns",
			"-dry-run"}, []string{"would delete job=tabot-strategy " +
			"instance=gone-pod", "would delete job=tabot-strategy " +
			"instance=live-pod"}, 0},
		{"other job", []string{"push-prune", "-url", gw, "-older-than",
			"1ns", "-jobs", "other"}, nil, 0},
		{"recent kept", []string{"push-prune", "-url", gw, "-older-than",
			"1h"}, nil, 0},
		{"prune", []string{"push-prune", "-url", gw, "-older-than", "1ns",
			"-jobs", "tabot-strategy"}, []string{"deleted job=tabot-strategy " +
			"instance=gone-pod", "deleted job=tabot-strategy " +
			"instance=live-pod"}, 0},
		{"no url", []string{"push-prune"}, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(ctx, tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code,
					stderr.String())
			}
			out := stdout.String()
			lines := strings.Count(out, "\n")
			if lines != len(tt.want) {
				t.Errorf("output %q, want %d lines", out, len(tt.want))
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output %q, want a line with %q", out, w)
				}
			}
		})
	}

	groups, err := push.Groups(ctx, nil, gw)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 0 {
		t.Errorf("groups left after prune: %v", groups)
	}
}
