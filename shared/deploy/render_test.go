package deploy

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tabot-functions/tabot/shared/strategy"
)

// repoRoot is the repository root seen from this package's directory.
const repoRoot = "../.."

// TestCommittedFilesAreGenerated fails when a committed deployment file
// differs from what the generator writes for the registry: run
// `make manifests` and commit the result.
func TestCommittedFilesAreGenerated(t *testing.T) {
	files, err := Render(strategy.Default().IDs(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rendered := make(map[string]bool)
	for _, f := range files {
		rendered[f.Path] = true
		got, err := os.ReadFile(filepath.Join(repoRoot, f.Path))
		if err != nil {
			t.Errorf("%s: %v (run make manifests)", f.Path, err)
			continue
		}
		if !bytes.Equal(got, f.Data) {
			t.Errorf("%s differs from the generator's output (run make "+
				"manifests)", f.Path)
		}
	}
	stale, err := filepath.Glob(filepath.Join(repoRoot, "knative", "*",
		"*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	top, _ := filepath.Glob(filepath.Join(repoRoot, "knative", "*.yaml"))
	for _, p := range append(stale, top...) {
		rel, _ := filepath.Rel(repoRoot, p)
		if !rendered[filepath.ToSlash(rel)] {
			t.Errorf("%s is not written by the generator: remove it", rel)
		}
	}
}

func TestRenderNamesEveryStrategy(t *testing.T) {
	ids := tableIDs()
	files, err := Render(ids, Options{})
	if err != nil {
		t.Fatal(err)
	}
	byPath := make(map[string]string)
	var paths []string
	for _, f := range files {
		byPath[f.Path] = string(f.Data)
		paths = append(paths, f.Path)
	}
	wantPaths := []string{"stack.yml", "stack-pro.yml",
		"knative/nats/nats.yaml", "knative/00-namespace.yaml",
		"knative/10-config.yaml", "knative/20-dead-letter.yaml",
		"knative/30-broker.yaml", "knative/40-strategies.yaml",
		"knative/50-publisher.yaml", "knative/60-triggers.yaml",
		"knative/70-candle-source.yaml"}
	if !slices.Equal(paths, wantPaths) {
		t.Fatalf("files\ngot  %v\nwant %v", paths, wantPaths)
	}
	for _, id := range ids {
		name := StrategyFunctionName(id)
		for _, p := range []string{"stack-pro.yml",
			"knative/40-strategies.yaml", "knative/60-triggers.yaml"} {
			if !strings.Contains(byPath[p], "\n  name: "+name+"\n") &&
				!strings.Contains(byPath[p], "\n  "+name+":\n") {
				t.Errorf("%s: no function %s", p, name)
			}
		}
		if !strings.Contains(byPath["stack.yml"], id) {
			t.Errorf("stack.yml: strategy %s runs nowhere", id)
		}
	}
	if n := strings.Count(byPath["knative/60-triggers.yaml"],
		"kind: Trigger"); n != len(ids)+1 {
		t.Errorf("%d Triggers, want %d", n, len(ids)+1)
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	a, err := Render(tableIDs(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(tableIDs(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(a, b, func(x, y File) bool {
		return x.Path == y.Path && bytes.Equal(x.Data, y.Data)
	}) {
		t.Error("two renders differ")
	}
}

func TestRenderImages(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want []string
		not  string
	}{
		{"ko", Options{}, []string{
			"image: ko://" + Module + "/functions/strategy\n",
			"image: ko://" + Module + "/functions/publisher\n",
			"image: ko://" + Module + "/functions/candle-source\n",
		}, "ghcr.io"},
		{"prefix and tag", Options{ImagePrefix: "registry.example/me/",
			Tag: "v1.2.0"}, []string{
			"image: registry.example/me/tabot-strategy:v1.2.0\n",
			"image: registry.example/me/tabot-publisher:v1.2.0\n",
			"image: registry.example/me/tabot-candle-source:v1.2.0\n",
		}, "ko://"},
		{"prefix only", Options{ImagePrefix: "quay.io/x"}, []string{
			"image: quay.io/x/tabot-strategy:latest\n",
		}, "ko://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Render(tableIDs()[:2], tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var all strings.Builder
			for _, f := range files {
				if strings.HasPrefix(f.Path, "knative/") {
					all.Write(f.Data)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(all.String(), w) {
					t.Errorf("no %q in the Knative manifests", w)
				}
			}
			if strings.Contains(all.String(), tt.not) {
				t.Errorf("%q in the Knative manifests", tt.not)
			}
		})
	}
}

// TestCommunityStackRules checks the Community Edition rules on the stack
// data; tools/validate checks them again on the YAML.
func TestCommunityStackRules(t *testing.T) {
	fns, err := Plan(tableIDs(), Community)
	if err != nil {
		t.Fatal(err)
	}
	s := newStack(fns, false)
	if len(s.Functions) > CommunityMaxFunctions {
		t.Errorf("%d functions, want at most %d", len(s.Functions),
			CommunityMaxFunctions)
	}
	for _, f := range s.Functions {
		for _, l := range f.Labels {
			switch l.Key {
			case "com.openfaas.scale.zero", "com.openfaas.scale.target",
				"com.openfaas.scale.type", "com.openfaas.scale.zero-duration":
				t.Errorf("%s: Pro-only label %s", f.Name, l.Key)
			case "com.openfaas.scale.max", "com.openfaas.scale.min":
				if n, err := strconv.Atoi(l.Value); err != nil ||
					n > CommunityMaxReplicas {
					t.Errorf("%s: %s=%s, want at most 5", f.Name, l.Key,
						l.Value)
				}
			}
		}
	}
}

func TestRenderRejectsUngroupedStrategy(t *testing.T) {
	if _, err := Render([]string{"moon_shot"}, Options{}); err == nil {
		t.Error("Render of an ungrouped strategy: no error")
	}
}
