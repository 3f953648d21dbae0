package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestManifestsWritesAndChecks(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run(context.Background(),
		[]string{"manifests", "-out", dir}, &out, &errb); code != 0 {
		t.Fatalf("manifests: exit %d: %s", code, errb.String())
	}
	for _, p := range []string{"stack.yml", "stack-pro.yml",
		"knative/40-strategies.yaml", "knative/nats/nats.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("not written: %v", err)
		}
	}

	tests := []struct {
		name  string
		touch string
		code  int
	}{
		{"fresh", "", 0},
		{"edited", "knative/30-broker.yaml", 1},
		{"removed", "stack.yml", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.touch != "" {
				p := filepath.Join(dir, tt.touch)
				if tt.name == "removed" {
					os.Remove(p)
				} else if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var out, errb bytes.Buffer
			code := run(context.Background(),
				[]string{"manifests", "-check", "-out", dir}, &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errb.String())
			}
			if tt.touch != "" && !strings.Contains(out.String(), tt.touch) {
				t.Errorf("stale list %q does not name %s", out.String(),
					tt.touch)
			}
		})
	}
}

func TestManifestsImagePrefix(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"manifests", "-out", dir,
		"-image-prefix", "ghcr.io/me", "-tag", "v1"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "knative/50-publisher.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "image: ghcr.io/me/tabot-publisher:v1\n"; !bytes.Contains(b,
		[]byte(want)) {
		t.Errorf("no %q in:\n%s", want, b)
	}
}

func TestManifestsUsage(t *testing.T) {
	for _, args := range [][]string{
		{"manifests", "-nope"},
		{"manifests", "extra"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
