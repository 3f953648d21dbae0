package validate

import (
	"strings"
	"testing"
)

// strategyDocs are a strategy Service and its Trigger as the generator
// writes them, for a strategy no registry holds; the cases below add them
// to the committed manifests, broken one way each.
const strategyDocs = `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: strategy-test
  namespace: tabot
  labels:
    app.kubernetes.io/component: strategy
    networking.knative.dev/visibility: cluster-local
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/min-scale: "0"
        autoscaling.knative.dev/max-scale: "10"
    spec:
      containers:
        - image: ko://github.com/tabot-functions/tabot/functions/strategy
          env:
            - name: STRATEGIES
              value: "fixture_strategy"
          envFrom:
            - configMapRef:
                name: tabot-config
          resources:
            limits:
              memory: 256Mi
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            capabilities:
              drop: [ALL]
            seccompProfile:
              type: RuntimeDefault
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: strategy-test
  namespace: tabot
spec:
  broker: tabot
  filter:
    attributes:
      type: io.tabot.candles.v1
  subscriber:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: strategy-test
  delivery:
    retry: 5
    backoffPolicy: exponential
    backoffDelay: PT0.5S
    timeout: PT30S
    deadLetterSink:
      ref:
        apiVersion: serving.knative.dev/v1
        kind: Service
        name: tabot-dead-letter
`

// checkManifests runs every check on the committed manifests plus extra.
func checkManifests(t testing.TB, extra string, drop func(Object) bool) error {
	t.Helper()
	objs := knativeObjects(t)
	more, err := ParseManifests("extra.yaml", []byte(extra))
	if err != nil {
		return err
	}
	var kept []Object
	for _, o := range append(objs, more...) {
		if drop == nil || !drop(o) {
			kept = append(kept, o)
		}
	}
	ctx, err := ValidationContext()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range kept {
		if err := CheckObject(ctx, o); err != nil {
			return err
		}
	}
	if err := CheckReferences(kept); err != nil {
		return err
	}
	_, err = CheckPipeline(kept)
	return err
}

func TestKnativeChecks(t *testing.T) {
	if err := checkManifests(t, strategyDocs, nil); err != nil {
		t.Fatalf("valid manifests: %v", err)
	}
	replace := func(old, new string) string {
		if !strings.Contains(strategyDocs, old) {
			t.Fatalf("no %q in the strategy manifests", old)
		}
		return strings.Replace(strategyDocs, old, new, 1)
	}
	tests := []struct {
		name  string
		extra string
		drop  func(Object) bool
		want  string
	}{
		{"unknown field", replace("      containers:",
			"      replicas: 2\n      containers:"), nil,
			`unknown field "replicas"`},
		{"negative min-scale", replace(`min-scale: "0"`,
			`min-scale: "-1"`), nil, "min-scale"},
		{"min-scale not a number", replace(`max-scale: "10"`,
			`max-scale: "ten"`), nil, "max-scale"},
		{"no security context", replace("          securityContext:\n"+
			"            runAsNonRoot: true\n", "          securityContext:\n"),
			nil, "runAsNonRoot"},
		{"reserved env", replace("            - name: STRATEGIES",
			"            - name: PORT\n              value: \"9\"\n"+
				"            - name: STRATEGIES"), nil, "PORT"},
		{"bad backoff delay", replace("PT0.5S", "half a second"), nil,
			"backoffDelay"},
		{"bad backoff policy", replace("exponential", "random"), nil,
			"backoffPolicy"},
		{"upper-case filter", replace("      type: io.tabot", "      Type: io.tabot"),
			nil, "filter"},
		{"no broker", replace("  broker: tabot\n", ""), nil,
			"missing field(s): spec.broker"},
		{"missing broker", replace("broker: tabot", "broker: other"), nil,
			"Broker.eventing.knative.dev tabot/other, not in the manifests"},
		{"missing subscriber", replace("      name: strategy-test\n  delivery",
			"      name: strategy-gone\n  delivery"), nil,
			"Service.serving.knative.dev tabot/strategy-gone"},
		{"missing namespace", strategyDocs,
			func(o Object) bool { return o.Kind == "Namespace" },
			"Namespace /tabot, not in the manifests"},
		{"missing config map", strategyDocs,
			func(o Object) bool { return o.Kind == "ConfigMap" && o.Name == "tabot-config" },
			"ConfigMap tabot/tabot-config"},
		{"always on", replace(`min-scale: "0"`, `min-scale: "1"`), nil,
			"want \"0\" (scale to zero)"},
		{"two strategies", replace(`value: "fixture_strategy"`,
			`value: "fixture_strategy,fixture_other"`), nil,
			"want one strategy"},
		{"wrong event type", replace("type: io.tabot.candles.v1",
			"type: io.tabot.signal.v1"), nil, `want "io.tabot.candles.v1"`},
		{"no trigger", strings.SplitN(strategyDocs, "---", 2)[0], nil,
			"has 0 Triggers"},
		{"no dead letter", replace("    deadLetterSink:\n      ref:\n"+
			"        apiVersion: serving.knative.dev/v1\n"+
			"        kind: Service\n        name: tabot-dead-letter\n", ""),
			nil, "deadLetterSink"},
		{"no source", strategyDocs,
			func(o Object) bool { return o.Kind == "SinkBinding.sources.knative.dev" },
			"bound to the Broker"},
		{"unknown kind", strategyDocs + "---\napiVersion: v1\nkind: Pod\n" +
			"metadata:\n  name: x\n  namespace: tabot\n", nil,
			"unexpected kind v1 Pod"},
		{"no kind", strategyDocs + "---\nmetadata:\n  name: x\n", nil,
			"without apiVersion and kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkManifests(t, tt.extra, tt.drop)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestKubeChecks(t *testing.T) {
	const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  namespace: tabot
spec:
  selector:
    matchLabels:
      app: d
  template:
    metadata:
      labels:
        app: d
    spec:
      containers:
        - name: c
          image: ghcr.io/x/y:v1
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          livenessProbe:
            httpGet:
              path: /live
              port: http
          resources:
            limits:
              memory: 64Mi
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
`
	check := func(doc string) error {
		objs, err := ParseManifests("d.yaml", []byte(doc))
		if err != nil {
			return err
		}
		ctx, err := ValidationContext()
		if err != nil {
			t.Fatal(err)
		}
		return CheckObject(ctx, objs[0])
	}
	if err := check(deployment); err != nil {
		t.Fatalf("valid deployment: %v", err)
	}
	tests := []struct {
		name, old, new, want string
	}{
		{"selector", "      app: d\n  template", "      app: e\n  template",
			"does not select"},
		{"root", "            runAsNonRoot: true\n", "", "may run as root"},
		{"escalation", "allowPrivilegeEscalation: false",
			"allowPrivilegeEscalation: true", "allowPrivilegeEscalation"},
		{"probe port", "              port: http\n          livenessProbe",
			"              port: web\n          livenessProbe",
			`readiness probe port "web"`},
		{"no probe", "          livenessProbe:\n            httpGet:\n" +
			"              path: /live\n              port: http\n", "",
			"no liveness probe"},
		{"no limit", "            limits:\n              memory: 64Mi\n",
			"            limits: {}\n", "no memory limit"},
		{"name", "  name: d\n", "  name: D_d\n", "name:"},
		{"label", "        app: d\n    spec", "        app: -d\n    spec",
			"label app"},
		{"env name", "          ports:", "          env:\n" +
			"            - name: 1BAD\n              value: x\n          ports:",
			"env 1BAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(deployment, tt.old) {
				t.Fatalf("no %q in the deployment", tt.old)
			}
			err := check(strings.Replace(deployment, tt.old, tt.new, 1))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func FuzzParseManifests(f *testing.F) {
	f.Add([]byte(strategyDocs))
	f.Add([]byte("# comment only\n---\n"))
	f.Add([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		objs, err := ParseManifests("fuzz.yaml", b)
		if err != nil {
			return
		}
		ctx, err := ValidationContext()
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			_ = CheckObject(ctx, o)
		}
		_ = CheckReferences(objs)
		_, _ = CheckPipeline(objs)
	})
}
