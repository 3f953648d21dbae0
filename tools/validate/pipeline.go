package validate

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	eventingduckv1 "knative.dev/eventing/pkg/apis/duck/v1"
	eventingv1 "knative.dev/eventing/pkg/apis/eventing/v1"
	sourcesv1 "knative.dev/eventing/pkg/apis/sources/v1"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	servingv1 "knative.dev/serving/pkg/apis/serving/v1"
)

// Event types and the component label the manifests use.
const (
	typeCandles  = "io.tabot.candles.v1"
	typeSignal   = "io.tabot.signal.v1"
	componentKey = "app.kubernetes.io/component"
	minScaleKey  = "autoscaling.knative.dev/min-scale"
)

// index finds objects by kind, namespace and name.
type index map[string]Object

func key(kind, ns, name string) string { return kind + " " + ns + "/" + name }

func newIndex(objs []Object) (index, error) {
	idx := make(index)
	var errs []error
	for _, o := range objs {
		k := key(o.Kind, o.Namespace, o.Name)
		if prev, dup := idx[k]; dup && !sameNamespace(prev, o) {
			errs = append(errs, fmt.Errorf("%s defined twice (%s)", o, prev))
		}
		idx[k] = o
	}
	return idx, errors.Join(errs...)
}

// sameNamespace allows one Namespace to be declared in two files, as
// knative/ and knative/nats/ both declare the functions' namespace.
func sameNamespace(a, b Object) bool {
	return a.Kind == "Namespace" && b.Kind == "Namespace"
}

// CheckReferences checks that every object the manifests refer to is
// among them: namespaces, the Broker of each Trigger, the subscribers
// and dead-letter sinks, the SinkBinding's subject and sink, and the
// ConfigMaps and Secrets the containers read (an optional Secret
// excepted).
func CheckReferences(objs []Object) error {
	idx, err := newIndex(objs)
	errs := []error{err}
	need := func(o Object, kind, ns, name string) {
		if _, ok := idx[key(kind, ns, name)]; !ok {
			errs = append(errs, fmt.Errorf("%s: refers to %s %s/%s, not "+
				"in the manifests", o, kind, ns, name))
		}
	}
	dest := func(o Object, d *duckv1.Destination) {
		if d == nil || d.Ref == nil {
			errs = append(errs, fmt.Errorf("%s: destination without ref", o))
			return
		}
		ns := d.Ref.Namespace
		if ns == "" {
			ns = o.Namespace
		}
		kind := d.Ref.Kind
		if g := strings.Split(d.Ref.APIVersion, "/")[0]; strings.Contains(g,
			".") {
			kind += "." + g
		}
		need(o, kind, ns, d.Ref.Name)
	}
	delivery := func(o Object, d *eventingduckv1.DeliverySpec) {
		if d != nil && d.DeadLetterSink != nil {
			dest(o, d.DeadLetterSink)
		}
	}

	for _, o := range objs {
		if o.Kind != "Namespace" {
			need(o, "Namespace", "", o.Namespace)
		}
		switch v := o.Value.(type) {
		case *eventingv1.Trigger:
			need(o, "Broker.eventing.knative.dev", o.Namespace,
				v.Spec.Broker)
			dest(o, &v.Spec.Subscriber)
			delivery(o, v.Spec.Delivery)
		case *eventingv1.Broker:
			delivery(o, v.Spec.Delivery)
		case *sourcesv1.SinkBinding:
			need(o, "Deployment.apps", o.Namespace, v.Spec.Subject.Name)
			dest(o, &v.Spec.Sink)
		case *servingv1.Service:
			podRefs(o, &v.Spec.Template.Spec.PodSpec, need)
		case *appsv1.Deployment:
			podRefs(o, &v.Spec.Template.Spec, need)
		case *appsv1.StatefulSet:
			podRefs(o, &v.Spec.Template.Spec, need)
		}
	}
	return errors.Join(errs...)
}

// podRefs checks the ConfigMaps and Secrets a pod reads.
func podRefs(o Object, p *corev1.PodSpec,
	need func(o Object, kind, ns, name string)) {
	for _, c := range p.Containers {
		for _, e := range c.EnvFrom {
			if r := e.ConfigMapRef; r != nil && !isTrue(r.Optional) {
				need(o, "ConfigMap", o.Namespace, r.Name)
			}
			if r := e.SecretRef; r != nil && !isTrue(r.Optional) {
				need(o, "Secret", o.Namespace, r.Name)
			}
		}
		for _, e := range c.Env {
			if e.ValueFrom == nil {
				continue
			}
			if r := e.ValueFrom.SecretKeyRef; r != nil && !isTrue(r.Optional) {
				need(o, "Secret", o.Namespace, r.Name)
			}
			if r := e.ValueFrom.ConfigMapKeyRef; r != nil &&
				!isTrue(r.Optional) {
				need(o, "ConfigMap", o.Namespace, r.Name)
			}
		}
	}
	for _, v := range p.Volumes {
		if s := v.Secret; s != nil && !isTrue(s.Optional) {
			need(o, "Secret", o.Namespace, s.SecretName)
		}
		if c := v.ConfigMap; c != nil && !isTrue(c.Optional) {
			need(o, "ConfigMap", o.Namespace, c.Name)
		}
	}
}

func isTrue(b *bool) bool { return b != nil && *b }

// CheckPipeline checks the event flow of TA Bot Functions on Knative:
// every strategy Service scales to zero, runs one strategy and gets the
// candle events through exactly one Trigger filtering on their type;
// the publisher scales to zero and gets the signal events the same way;
// no Trigger sends a signal to a strategy or a window to the publisher;
// every delivery retries with backoff and ends in a dead-letter sink;
// the candle-source is one Deployment replica bound to the Broker. It
// returns the strategy ids the Services run, sorted.
func CheckPipeline(objs []Object) ([]string, error) {
	var errs []error
	services := make(map[string]*servingv1.Service) // name -> service
	var ids []string
	var source *appsv1.Deployment
	bound := false
	for _, o := range objs {
		switch v := o.Value.(type) {
		case *servingv1.Service:
			services[o.Name] = v
			comp := v.Labels[componentKey]
			if comp != "strategy" && comp != "publisher" {
				continue
			}
			if got := v.Spec.Template.Annotations[minScaleKey]; got != "0" {
				errs = append(errs, fmt.Errorf("%s: %s %q, want \"0\" "+
					"(scale to zero)", o, minScaleKey, got))
			}
			if comp == "strategy" {
				run := splitList(envValue(v, "STRATEGIES"))
				if len(run) != 1 {
					errs = append(errs, fmt.Errorf("%s runs %v, want one "+
						"strategy", o, run))
				}
				ids = append(ids, run...)
			}
		case *eventingv1.Broker:
			if err := checkDelivery(v.Spec.Delivery); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", o, err))
			}
		case *appsv1.Deployment:
			if v.Labels[componentKey] == "candle-source" {
				source = v
			}
		case *sourcesv1.SinkBinding:
			r := v.Spec.Sink.Ref
			bound = bound || (r != nil && r.Kind == "Broker")
		}
	}
	errs = append(errs, checkTriggers(objs, services)...)
	if source == nil || !bound {
		errs = append(errs, errors.New("want a candle-source Deployment "+
			"bound to the Broker by a SinkBinding"))
	} else if source.Spec.Replicas == nil || *source.Spec.Replicas != 1 ||
		source.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
		errs = append(errs, errors.New("candle-source: want 1 replica "+
			"and the Recreate strategy"))
	}
	slices.Sort(ids)
	if dup := duplicates(ids); len(dup) > 0 {
		errs = append(errs, fmt.Errorf("strategies run twice: %v", dup))
	}
	return ids, errors.Join(errs...)
}

// checkTriggers checks that each strategy and publisher Service has one
// Trigger, filtering on the event type it takes.
func checkTriggers(objs []Object,
	services map[string]*servingv1.Service) []error {
	var errs []error
	triggers := make(map[string]int) // subscriber -> count
	for _, o := range objs {
		t, ok := o.Value.(*eventingv1.Trigger)
		if !ok {
			continue
		}
		if err := checkDelivery(t.Spec.Delivery); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", o, err))
		}
		ref := t.Spec.Subscriber.Ref
		if ref == nil {
			continue // reported by CheckReferences
		}
		triggers[ref.Name]++
		var typ string
		if t.Spec.Filter != nil {
			typ = t.Spec.Filter.Attributes["type"]
		}
		want := ""
		if s := services[ref.Name]; s != nil {
			switch s.Labels[componentKey] {
			case "strategy":
				want = typeCandles
			case "publisher":
				want = typeSignal
			}
		}
		if want != "" && typ != want {
			errs = append(errs, fmt.Errorf("%s: filter type %q, want %q",
				o, typ, want))
		}
	}
	for name, s := range services {
		comp := s.Labels[componentKey]
		if (comp == "strategy" || comp == "publisher") &&
			triggers[name] != 1 {
			errs = append(errs, fmt.Errorf("service %s has %d Triggers, "+
				"want 1", name, triggers[name]))
		}
	}
	return errs
}

// checkDelivery requires retries with backoff and a dead-letter sink.
func checkDelivery(d *eventingduckv1.DeliverySpec) error {
	if d == nil || d.Retry == nil || *d.Retry < 1 || d.BackoffPolicy == nil ||
		d.BackoffDelay == nil || d.DeadLetterSink == nil {
		return errors.New("delivery needs retry, backoffPolicy, " +
			"backoffDelay and deadLetterSink")
	}
	return nil
}

func envValue(s *servingv1.Service, name string) string {
	for _, c := range s.Spec.Template.Spec.Containers {
		for _, e := range c.Env {
			if e.Name == name {
				return e.Value
			}
		}
	}
	return ""
}
