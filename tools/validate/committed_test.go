package validate

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// root is the repository root seen from this module's directory.
const root = "../.."

func readFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseStackFile(t testing.TB, rel string) *Stack {
	t.Helper()
	s, err := ParseStack(readFile(t, rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return s
}

// knativeObjects decodes every manifest under knative/, nats/ included.
func knativeObjects(t testing.TB) []Object {
	t.Helper()
	var objs []Object
	err := filepath.WalkDir(filepath.Join(root, "knative"),
		func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			o, err := ParseManifests(filepath.ToSlash(rel), b)
			objs = append(objs, o...)
			return err
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) == 0 {
		t.Fatal("no manifests under knative/")
	}
	return objs
}

func TestCommittedStacks(t *testing.T) {
	tests := []struct {
		file        string
		community   bool
		perStrategy bool
	}{
		{"stack.yml", true, false},
		{"stack-pro.yml", false, true},
	}
	var ran [][]string
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s := parseStackFile(t, tt.file)
			if err := CheckStack(s); err != nil {
				t.Error(err)
			}
			if tt.community {
				if err := CheckCommunity(s); err != nil {
					t.Error(err)
				}
			}
			ids, err := CheckWiring(s, tt.perStrategy)
			if err != nil {
				t.Error(err)
			}
			ran = append(ran, ids)
		})
	}
	if len(ran) == 2 && !slices.Equal(ran[0], ran[1]) {
		t.Errorf("stack.yml runs %v\nstack-pro.yml runs %v", ran[0], ran[1])
	}
}

func TestCommittedKnativeManifests(t *testing.T) {
	objs := knativeObjects(t)
	ctx, err := ValidationContext()
	if err != nil {
		t.Fatal(err)
	}
	kinds := make(map[string]int)
	for _, o := range objs {
		kinds[o.Kind]++
		if err := CheckObject(ctx, o); err != nil {
			t.Error(err)
		}
	}
	for _, k := range []string{"Namespace", "ConfigMap", "Secret",
		"Service.serving.knative.dev", "Broker.eventing.knative.dev",
		"Trigger.eventing.knative.dev", "SinkBinding.sources.knative.dev",
		"Deployment.apps", "StatefulSet.apps"} {
		if kinds[k] == 0 {
			t.Errorf("no %s in knative/", k)
		}
	}
	if err := CheckReferences(objs); err != nil {
		t.Error(err)
	}
	ids, err := CheckPipeline(objs)
	if err != nil {
		t.Error(err)
	}

	pro, err := CheckWiring(parseStackFile(t, "stack-pro.yml"), true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, pro) {
		t.Errorf("knative/ runs %v\nstack-pro.yml runs %v", ids, pro)
	}
}

func TestCommittedDockerfile(t *testing.T) {
	d, err := ParseDockerfile(readFile(t, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckDockerfile(d); err != nil {
		t.Error(err)
	}
	ignore := strings.Fields(string(readFile(t, ".dockerignore")))
	for _, want := range []string{".git", "bin"} {
		if !slices.Contains(ignore, want) {
			t.Errorf(".dockerignore does not exclude %s", want)
		}
	}
	for _, keep := range []string{"go.mod", "go.sum", "functions",
		"shared", "*.go"} {
		if slices.Contains(ignore, keep) {
			t.Errorf(".dockerignore excludes %s, which the build needs", keep)
		}
	}
}
