package validate

import (
	"fmt"
	"strings"
	"testing"
)

// validStack is a small stack that passes every check; the cases below
// break it one way each.
const validStack = `version: 1.0
provider:
  name: openfaas
  gateway: http://127.0.0.1:8080
functions:
  strategy-a:
    lang: dockerfile
    handler: .
    image: "${REGISTRY:-ghcr.io/x}/tabot-strategy:${TAG:-latest}"
    build_args:
      FUNCTION: strategy
    environment:
      STRATEGIES: "momentum_pulse"
      PUBLISHER_URL: "http://gateway.openfaas:8080/function/publisher"
    labels:
      com.openfaas.scale.min: "1"
      com.openfaas.scale.max: "5"
    limits:
      memory: 256Mi
    requests:
      memory: 64Mi
      cpu: 100m
    readonly_root_filesystem: true
  candle-source:
    lang: dockerfile
    handler: .
    image: ghcr.io/x/tabot-candle-source:v1
    build_args:
      FUNCTION: candle-source
    environment:
      TARGETS: "http://gateway.openfaas:8080/function/strategy-a"
    labels:
      com.openfaas.scale.min: "1"
      com.openfaas.scale.max: "1"
    limits:
      memory: 256Mi
    requests:
      memory: 64Mi
    readonly_root_filesystem: true
  publisher:
    lang: dockerfile
    handler: .
    image: ghcr.io/x/tabot-publisher:v1
    build_args:
      FUNCTION: publisher
    limits:
      memory: 256Mi
    requests:
      memory: 64Mi
    readonly_root_filesystem: true
`

func checkAll(b string) error {
	s, err := ParseStack([]byte(b))
	if err != nil {
		return err
	}
	if err := CheckStack(s); err != nil {
		return err
	}
	if err := CheckCommunity(s); err != nil {
		return err
	}
	_, err = CheckWiring(s, false)
	return err
}

func TestStackChecks(t *testing.T) {
	if err := checkAll(validStack); err != nil {
		t.Fatalf("valid stack: %v", err)
	}
	replace := func(old, new string) string {
		if !strings.Contains(validStack, old) {
			t.Fatalf("no %q in the valid stack", old)
		}
		return strings.Replace(validStack, old, new, 1)
	}
	tests := []struct {
		name, stack, want string
	}{
		{"unknown field", replace("    handler: .\n",
			"    handler: .\n    replicas: 2\n"), "field replicas not found"},
		{"misspelt field", replace("readonly_root_filesystem: true\n  candle",
			"readonly_rootfs: true\n  candle"), "field readonly_rootfs"},
		{"variable without default", replace("${TAG:-latest}", "${TAG}"),
			"${TAG} has no default"},
		{"pro label", replace(`com.openfaas.scale.max: "5"`,
			`com.openfaas.scale.max: "5"
      com.openfaas.scale.zero: "true"`), "label com.openfaas.scale.zero is Pro only"},
		{"scale target", replace(`com.openfaas.scale.max: "5"`,
			`com.openfaas.scale.max: "5"
      com.openfaas.scale.target: "10"`), "com.openfaas.scale.target is Pro only"},
		{"scale type", replace(`com.openfaas.scale.max: "5"`,
			`com.openfaas.scale.max: "5"
      com.openfaas.scale.type: "capacity"`), "com.openfaas.scale.type is Pro only"},
		{"six replicas", replace(`com.openfaas.scale.max: "5"`,
			`com.openfaas.scale.max: "6"`), `scale.max="6", want 1 to 5`},
		{"lang", replace("lang: dockerfile", "lang: golang-middleware"),
			`lang "golang-middleware"`},
		{"handler", replace("handler: .", "handler: ./functions/strategy"),
			`handler "./functions/strategy"`},
		{"function argument", replace("FUNCTION: strategy",
			"FUNCTION: backtest"), `FUNCTION "backtest" is no function`},
		{"private registry", replace("ghcr.io/x/tabot-publisher:v1",
			"registry.corp.example/tabot-publisher:v1"),
			"is not a public one"},
		{"local image", replace("ghcr.io/x/tabot-publisher:v1",
			"tabot-publisher:v1"), "name the registry"},
		{"untagged image", replace("ghcr.io/x/tabot-publisher:v1",
			"ghcr.io/x/tabot-publisher"), "want REGISTRY/NAME:TAG"},
		{"writable root", replace("readonly_root_filesystem: true\n  candle",
			"readonly_root_filesystem: false\n  candle"),
			"readonly_root_filesystem is not set"},
		{"bad memory", replace("memory: 256Mi", "memory: lots"),
			`"lots"`},
		{"bad name", replace("strategy-a:", "Strategy_A:"), "name:"},
		{"provider", replace("name: openfaas", "name: faas"),
			`provider "faas"`},
		{"lost target", replace(
			`TARGETS: "http://gateway.openfaas:8080/function/strategy-a"`,
			`TARGETS: ""`), "want the strategy functions"},
		{"wrong publisher", replace("/function/publisher",
			"/function/nowhere"), "PUBLISHER_URL"},
		{"source scaled out", replace(`com.openfaas.scale.max: "1"`,
			`com.openfaas.scale.max: "2"`), "exactly one replica"},
		{"strategies all", replace(`STRATEGIES: "momentum_pulse"`,
			`STRATEGIES: "all"`), "want explicit ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkAll(tt.stack)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestCommunityFunctionLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1.0\nprovider:\n  name: openfaas\n" +
		"  gateway: http://127.0.0.1:8080\nfunctions:\n")
	for i := range maxFunctions + 1 {
		fmt.Fprintf(&b, "  fn-%d:\n    lang: dockerfile\n    handler: .\n"+
			"    image: ghcr.io/x/tabot-strategy:v1\n", i)
	}
	s, err := ParseStack([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	err = CheckCommunity(s)
	if want := "16 functions"; err == nil ||
		!strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want an error with %q", err, want)
	}
}

func TestProWiring(t *testing.T) {
	s, err := ParseStack([]byte(validStack))
	if err != nil {
		t.Fatal(err)
	}
	_, err = CheckWiring(s, true)
	if want := "function strategy-a does not scale to zero"; err == nil ||
		!strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want an error with %q", err, want)
	}
}

func FuzzParseStack(f *testing.F) {
	f.Add([]byte(validStack))
	f.Add([]byte("functions: {a: {lang: ${X:-dockerfile}}}"))
	f.Add([]byte("${"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseStack(b)
		if err != nil {
			return
		}
		_ = CheckStack(s)
		_ = CheckCommunity(s)
		_, _ = CheckWiring(s, false)
	})
}
