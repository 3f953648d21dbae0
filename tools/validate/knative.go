package validate

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
	eventingconfig "knative.dev/eventing/pkg/apis/config"
	eventingv1 "knative.dev/eventing/pkg/apis/eventing/v1"
	"knative.dev/eventing/pkg/apis/feature"
	sourcesv1 "knative.dev/eventing/pkg/apis/sources/v1"
	"knative.dev/pkg/apis"
	servingv1 "knative.dev/serving/pkg/apis/serving/v1"
	"sigs.k8s.io/yaml"
)

// Object is one document of a manifest file, decoded into its API type.
type Object struct {
	// File and Doc locate the document: its file and its index there.
	File string
	Doc  int
	// Kind is "Kind.group" ("Service.serving.knative.dev"; core kinds
	// have no group).
	Kind            string
	Name, Namespace string
	// Value is the typed object, e.g. *servingv1.Service.
	Value any
}

func (o Object) String() string {
	return fmt.Sprintf("%s#%d %s %s/%s", o.File, o.Doc, o.Kind,
		o.Namespace, o.Name)
}

// The kinds the manifests may hold, each with a new typed value.
func newValue(apiVersion, kind string) (any, bool) {
	switch apiVersion + " " + kind {
	case "serving.knative.dev/v1 Service":
		return &servingv1.Service{}, true
	case "eventing.knative.dev/v1 Broker":
		return &eventingv1.Broker{}, true
	case "eventing.knative.dev/v1 Trigger":
		return &eventingv1.Trigger{}, true
	case "sources.knative.dev/v1 SinkBinding":
		return &sourcesv1.SinkBinding{}, true
	case "sources.knative.dev/v1 ContainerSource":
		return &sourcesv1.ContainerSource{}, true
	case "v1 Namespace":
		return &corev1.Namespace{}, true
	case "v1 ConfigMap":
		return &corev1.ConfigMap{}, true
	case "v1 Secret":
		return &corev1.Secret{}, true
	case "v1 Service":
		return &corev1.Service{}, true
	case "apps/v1 Deployment":
		return &appsv1.Deployment{}, true
	case "apps/v1 StatefulSet":
		return &appsv1.StatefulSet{}, true
	case "batch/v1 Job":
		return &batchv1.Job{}, true
	}
	return nil, false
}

// ParseManifests decodes every document of a manifest file into its API
// type, rejecting unknown and duplicate fields and unknown kinds.
// Documents holding only comments are skipped.
func ParseManifests(file string, b []byte) ([]Object, error) {
	r := k8syaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
	var objs []Object
	var errs []error
	for doc := 0; ; doc++ {
		raw, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		o, err := decode(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s#%d: %w", file, doc, err))
			continue
		}
		if o.Value == nil {
			continue // comments only
		}
		o.File, o.Doc = file, doc
		objs = append(objs, o)
	}
	return objs, errors.Join(errs...)
}

func decode(raw []byte) (Object, error) {
	var tm struct {
		metav1.TypeMeta   `json:",inline"`
		metav1.ObjectMeta `json:"metadata"`
	}
	if err := yaml.Unmarshal(raw, &tm); err != nil {
		return Object{}, err
	}
	if tm.APIVersion == "" && tm.Kind == "" {
		if bytes.Contains(stripComments(raw), []byte(":")) {
			return Object{}, errors.New("document without apiVersion " +
				"and kind")
		}
		return Object{}, nil
	}
	v, ok := newValue(tm.APIVersion, tm.Kind)
	if !ok {
		return Object{}, fmt.Errorf("unexpected kind %s %s", tm.APIVersion,
			tm.Kind)
	}
	if err := yaml.UnmarshalStrict(raw, v); err != nil {
		return Object{}, fmt.Errorf("%s %s: %w", tm.Kind, tm.Name, err)
	}
	kind := tm.Kind
	if g := tm.GroupVersionKind().Group; g != "" {
		kind += "." + g
	}
	return Object{Kind: kind, Name: tm.Name, Namespace: tm.Namespace,
		Value: v}, nil
}

func stripComments(b []byte) []byte {
	var out []byte
	for _, line := range bytes.Split(b, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			out = append(out, line...)
		}
	}
	return out
}

// knativeObject is an object of the Knative API: the webhook defaults
// then validates it.
type knativeObject interface {
	apis.Defaultable
	apis.Validatable
}

// brokerDefaults is the default-br-config of the config-br-defaults
// ConfigMap Knative Eventing installs: the class and channel a Broker
// without its own gets.
const brokerDefaults = `clusterDefault:
  brokerClass: MTChannelBasedBroker
  apiVersion: v1
  kind: ConfigMap
  name: config-br-default-channel
  namespace: knative-eventing
`

// ValidationContext is the context Knative's admission webhooks pass to
// SetDefaults and Validate for a create, on a cluster with Eventing's
// default feature flags and Broker defaults.
func ValidationContext() (context.Context, error) {
	flags, err := feature.NewFlagsConfigFromMap(map[string]string{})
	if err != nil {
		return nil, err
	}
	defaults, err := eventingconfig.NewDefaultsConfigFromMap(
		map[string]string{"default-br-config": brokerDefaults})
	if err != nil {
		return nil, err
	}
	ctx := feature.ToContext(context.Background(), flags)
	ctx = eventingconfig.ToContext(ctx,
		&eventingconfig.Config{Defaults: defaults})
	return apis.WithinCreate(ctx), nil
}

// CheckObject runs an object's own checks: for a Knative object its
// defaults and validation as the webhook would, warnings included; for
// a Kubernetes object the checks of checkKube.
func CheckObject(ctx context.Context, o Object) error {
	if err := checkMeta(o); err != nil {
		return fmt.Errorf("%s: %w", o, err)
	}
	if k, ok := o.Value.(knativeObject); ok {
		k.SetDefaults(ctx)
		if fe := k.Validate(ctx); fe != nil {
			return fmt.Errorf("%s: %w", o, fe)
		}
		return nil
	}
	if err := checkKube(o); err != nil {
		return fmt.Errorf("%s: %w", o, err)
	}
	return nil
}

// checkMeta checks an object's name, namespace and labels as the API
// server would.
func checkMeta(o Object) error {
	var errs []error
	check := func(what string, msgs []string) {
		for _, m := range msgs {
			errs = append(errs, fmt.Errorf("%s: %s", what, m))
		}
	}
	if o.Kind == "Namespace" {
		check("name", validation.IsDNS1123Label(o.Name))
		if o.Namespace != "" {
			errs = append(errs, errors.New("a Namespace has no namespace"))
		}
	} else {
		check("name", validation.IsDNS1123Subdomain(o.Name))
		check("namespace", validation.IsDNS1123Label(o.Namespace))
	}
	meta, err := objectMeta(o.Value)
	if err != nil {
		return err
	}
	errs = append(errs, checkLabels(meta.GetLabels()))
	for k := range meta.GetAnnotations() {
		check("annotation "+k, validation.IsQualifiedName(k))
	}
	return errors.Join(errs...)
}

// checkLabels checks label keys and values.
func checkLabels(labels map[string]string) error {
	var errs []error
	for k, v := range labels {
		for _, m := range append(validation.IsQualifiedName(k),
			validation.IsValidLabelValue(v)...) {
			errs = append(errs, fmt.Errorf("label %s: %s", k, m))
		}
	}
	return errors.Join(errs...)
}

func objectMeta(v any) (metav1.Object, error) {
	m, ok := v.(metav1.Object)
	if !ok {
		return nil, fmt.Errorf("%T has no object metadata", v)
	}
	return m, nil
}
