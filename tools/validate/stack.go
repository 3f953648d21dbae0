// Package validate checks the deployment files of TA Bot Functions: the
// OpenFaaS stack files against the stack format and the Community
// Edition's rules, the Knative manifests through the Knative API types
// and their own validation, and the Dockerfile's build rules. It is a
// module of its own so that the Knative and BuildKit dependencies stay
// out of the functions' module.
package validate

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Stack is an OpenFaaS stack file as faas-cli reads it. Decoding rejects
// any field faas-cli does not know.
type Stack struct {
	Version       string              `yaml:"version"`
	Provider      Provider            `yaml:"provider"`
	Functions     map[string]Function `yaml:"functions"`
	Configuration *struct {
		Templates []map[string]string `yaml:"templates"`
		Copy      []string            `yaml:"copy"`
	} `yaml:"configuration"`
}

// Provider is the stack's OpenFaaS gateway.
type Provider struct {
	Name    string `yaml:"name"`
	Gateway string `yaml:"gateway"`
	Network string `yaml:"network"`
}

// Function is one function of a stack file.
type Function struct {
	Lang                   string            `yaml:"lang"`
	Handler                string            `yaml:"handler"`
	Image                  string            `yaml:"image"`
	RegistryAuth           string            `yaml:"registry_auth"`
	FProcess               string            `yaml:"fprocess"`
	Environment            map[string]string `yaml:"environment"`
	EnvironmentFile        []string          `yaml:"environment_file"`
	Secrets                []string          `yaml:"secrets"`
	SkipBuild              bool              `yaml:"skip_build"`
	Constraints            []string          `yaml:"constraints"`
	Labels                 map[string]string `yaml:"labels"`
	Annotations            map[string]string `yaml:"annotations"`
	Limits                 *Resources        `yaml:"limits"`
	Requests               *Resources        `yaml:"requests"`
	ReadOnlyRootFilesystem bool              `yaml:"readonly_root_filesystem"`
	BuildOptions           []string          `yaml:"build_options"`
	BuildArgs              map[string]string `yaml:"build_args"`
	Namespace              string            `yaml:"namespace"`
}

// Resources are a function's memory and CPU limits or requests.
type Resources struct {
	Memory string `yaml:"memory"`
	CPU    string `yaml:"cpu"`
}

// envRef matches the ${VAR} and ${VAR:-default} references faas-cli
// expands before it parses a stack file.
var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// ParseStack expands the environment references of a stack file to
// their defaults, as faas-cli does with an empty environment, and
// decodes it strictly. A reference without a default is an error: the
// file must deploy as it is.
func ParseStack(b []byte) (*Stack, error) {
	var errs []error
	expanded := envRef.ReplaceAllFunc(b, func(m []byte) []byte {
		sub := envRef.FindSubmatch(m)
		if sub[2] == nil {
			errs = append(errs, fmt.Errorf("%s has no default", m))
		}
		return sub[3]
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(expanded))
	dec.KnownFields(true)
	var s Stack
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("decode stack: %w", err)
	}
	return &s, nil
}

// isBinary reports whether fn is a value of the Dockerfile's FUNCTION
// build argument: a directory under functions/.
func isBinary(fn string) bool {
	switch fn {
	case "strategy", "candle-source", "publisher":
		return true
	}
	return false
}

// isPublicRegistry reports whether anyone can pull from host without
// credentials; the Community Edition deploys public images only.
func isPublicRegistry(host string) bool {
	switch host {
	case "docker.io", "ghcr.io", "quay.io", "public.ecr.aws",
		"registry.gitlab.com", "gcr.io":
		return true
	}
	return false
}

// CheckStack checks the rules every stack of the project obeys: the
// OpenFaaS provider, DNS-label function names, one root Dockerfile
// picking the function with FUNCTION, a public image, a read-only root
// file system and parseable resources.
func CheckStack(s *Stack) error {
	var errs []error
	add := func(name, format string, a ...any) {
		errs = append(errs, fmt.Errorf("function %s: %s", name,
			fmt.Sprintf(format, a...)))
	}
	if s.Version != "1.0" {
		errs = append(errs, fmt.Errorf("version %q, want 1.0", s.Version))
	}
	if s.Provider.Name != "openfaas" {
		errs = append(errs, fmt.Errorf("provider %q, want openfaas",
			s.Provider.Name))
	}
	if _, err := url.ParseRequestURI(s.Provider.Gateway); err != nil {
		errs = append(errs, fmt.Errorf("gateway: %w", err))
	}
	if len(s.Functions) == 0 {
		errs = append(errs, errors.New("no functions"))
	}
	for name, f := range s.Functions {
		for _, msg := range validation.IsDNS1123Label(name) {
			add(name, "name: %s", msg)
		}
		if f.Lang != "dockerfile" || f.Handler != "." {
			add(name, "lang %q handler %q, want dockerfile and .",
				f.Lang, f.Handler)
		}
		if fn := f.BuildArgs["FUNCTION"]; !isBinary(fn) {
			add(name, "build_args FUNCTION %q is no function binary", fn)
		}
		if err := checkPublicImage(f.Image); err != nil {
			add(name, "%v", err)
		}
		if f.RegistryAuth != "" {
			add(name, "registry_auth: images must be public")
		}
		if !f.ReadOnlyRootFilesystem {
			add(name, "readonly_root_filesystem is not set")
		}
		for what, r := range map[string]*Resources{
			"limits": f.Limits, "requests": f.Requests} {
			if err := checkResources(r); err != nil {
				add(name, "%s: %v", what, err)
			}
		}
		for k := range f.Environment {
			if !envName.MatchString(k) {
				add(name, "environment %q is not SCREAMING_CASE", k)
			}
		}
	}
	return errors.Join(errs...)
}

// envName is the form of the functions' environment variables.
var envName = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

func checkResources(r *Resources) error {
	if r == nil || r.Memory == "" {
		return errors.New("no memory")
	}
	for _, q := range []string{r.Memory, r.CPU} {
		if q == "" {
			continue
		}
		if _, err := resource.ParseQuantity(q); err != nil {
			return fmt.Errorf("%q: %w", q, err)
		}
	}
	return nil
}

// checkPublicImage reports whether ref names an image on a public
// registry, fully qualified, with a tag.
func checkPublicImage(ref string) error {
	host, rest, ok := strings.Cut(ref, "/")
	if !ok || !strings.Contains(host, ".") {
		return fmt.Errorf("image %q: name the registry, e.g. ghcr.io/...",
			ref)
	}
	if !isPublicRegistry(host) {
		return fmt.Errorf("image %q: registry %s is not a public one",
			ref, host)
	}
	name, tag, ok := strings.Cut(rest, ":")
	if !ok || tag == "" || name == "" || strings.ContainsAny(tag, "/@") {
		return fmt.Errorf("image %q: want REGISTRY/NAME:TAG", ref)
	}
	return nil
}

// proLabels returns the labels only the Pro edition's autoscaler
// takes; the Community Edition must not be given them.
func proLabels() []string {
	return []string{
		"com.openfaas.scale.zero",
		"com.openfaas.scale.zero-duration",
		"com.openfaas.scale.target",
		"com.openfaas.scale.target-proportion",
		"com.openfaas.scale.type",
	}
}

// Community Edition limits.
const (
	maxFunctions = 15
	maxReplicas  = 5
)

// CheckCommunity checks the Community Edition's rules: at most 15
// functions, no Pro-only scaling labels, at most 5 replicas.
func CheckCommunity(s *Stack) error {
	var errs []error
	if n := len(s.Functions); n > maxFunctions {
		errs = append(errs, fmt.Errorf("%d functions, the Community "+
			"Edition runs at most %d", n, maxFunctions))
	}
	for name, f := range s.Functions {
		for _, l := range proLabels() {
			if _, ok := f.Labels[l]; ok {
				errs = append(errs, fmt.Errorf("function %s: label %s "+
					"is Pro only", name, l))
			}
		}
		for _, l := range []string{"com.openfaas.scale.min",
			"com.openfaas.scale.max"} {
			v, ok := f.Labels[l]
			if !ok {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > maxReplicas {
				errs = append(errs, fmt.Errorf("function %s: %s=%q, "+
					"want 1 to %d", name, l, v, maxReplicas))
			}
		}
	}
	return errors.Join(errs...)
}
