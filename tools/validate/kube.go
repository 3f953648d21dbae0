package validate

import (
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

// checkKube checks a Kubernetes object the way the API server's own
// validation would for the fields these manifests use: selectors that
// select the pod template, containers with an image, probes on declared
// ports, valid keys, and (a rule of this project) containers that never
// run as root.
func checkKube(o Object) error {
	switch v := o.Value.(type) {
	case *appsv1.Deployment:
		return errors.Join(checkLabels(v.Spec.Template.Labels),
			checkSelector(v.Spec.Selector, v.Spec.Template.Labels),
			checkPod(&v.Spec.Template.Spec, true, nil))
	case *appsv1.StatefulSet:
		var claims []string
		for _, c := range v.Spec.VolumeClaimTemplates {
			claims = append(claims, c.Name)
		}
		return errors.Join(checkLabels(v.Spec.Template.Labels),
			checkSelector(v.Spec.Selector, v.Spec.Template.Labels),
			checkPod(&v.Spec.Template.Spec, true, claims))
	case *batchv1.Job:
		p := &v.Spec.Template.Spec
		if p.RestartPolicy != corev1.RestartPolicyOnFailure &&
			p.RestartPolicy != corev1.RestartPolicyNever {
			return fmt.Errorf("job restartPolicy %q, want OnFailure or "+
				"Never", p.RestartPolicy)
		}
		return errors.Join(checkLabels(v.Spec.Template.Labels),
			checkPod(p, false, nil))
	case *corev1.ConfigMap:
		return checkKeys(keys(v.Data))
	case *corev1.Secret:
		return checkKeys(append(keys(v.StringData), keys(v.Data)...))
	case *corev1.Service:
		return checkService(v)
	case *corev1.Namespace:
		return nil
	}
	return fmt.Errorf("no checks for %T", o.Value)
}

func checkSelector(sel *metav1.LabelSelector, podLabels map[string]string) error {
	if sel == nil {
		return errors.New("no selector")
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return fmt.Errorf("selector: %w", err)
	}
	if s.Empty() || !s.Matches(labels.Set(podLabels)) {
		return fmt.Errorf("selector %s does not select the pod template",
			s)
	}
	return nil
}

// checkPod checks a pod spec's containers; a long-running one needs
// probes. claims are the volumes a StatefulSet's claim templates add.
func checkPod(p *corev1.PodSpec, longRunning bool, claims []string) error {
	var errs []error
	if len(p.Containers) == 0 {
		return errors.New("no containers")
	}
	volumes := make(map[string]bool)
	for _, v := range p.Volumes {
		volumes[v.Name] = true
	}
	for _, c := range claims {
		volumes[c] = true
	}
	podNonRoot := p.SecurityContext != nil &&
		p.SecurityContext.RunAsNonRoot != nil && *p.SecurityContext.RunAsNonRoot
	for _, c := range p.Containers {
		add := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("container %s: %s", c.Name,
				fmt.Sprintf(format, a...)))
		}
		for _, m := range validation.IsDNS1123Label(c.Name) {
			add("name: %s", m)
		}
		if c.Image == "" {
			add("no image")
		}
		ports := make(map[string]bool)
		for _, p := range c.Ports {
			ports[p.Name] = true
			if p.ContainerPort < 1 || p.ContainerPort > 65535 {
				add("port %d", p.ContainerPort)
			}
		}
		for what, pr := range map[string]*corev1.Probe{
			"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
			if pr == nil {
				if longRunning {
					add("no %s probe", what)
				}
				continue
			}
			if g := pr.HTTPGet; g != nil && g.Port.Type == intstr.String &&
				!ports[g.Port.StrVal] {
				add("%s probe port %q is not declared", what,
					g.Port.StrVal)
			}
		}
		for _, m := range c.VolumeMounts {
			if !volumes[m.Name] {
				add("volume %q is not declared", m.Name)
			}
		}
		for _, e := range c.Env {
			for _, m := range validation.IsEnvVarName(e.Name) {
				add("env %s: %s", e.Name, m)
			}
		}
		sc := c.SecurityContext
		nonRoot := podNonRoot || (sc != nil && sc.RunAsNonRoot != nil &&
			*sc.RunAsNonRoot)
		if !nonRoot {
			add("may run as root: set runAsNonRoot")
		}
		if sc == nil || sc.AllowPrivilegeEscalation == nil ||
			*sc.AllowPrivilegeEscalation {
			add("allowPrivilegeEscalation is not false")
		}
		if c.Resources.Limits.Memory().IsZero() {
			add("no memory limit")
		}
	}
	return errors.Join(errs...)
}

func checkService(s *corev1.Service) error {
	var errs []error
	if len(s.Spec.Selector) == 0 {
		errs = append(errs, errors.New("service selects no pods"))
	}
	for _, p := range s.Spec.Ports {
		for _, m := range validation.IsValidPortName(p.Name) {
			errs = append(errs, fmt.Errorf("port %s: %s", p.Name, m))
		}
		if p.Port < 1 || p.Port > 65535 {
			errs = append(errs, fmt.Errorf("port %d", p.Port))
		}
	}
	return errors.Join(errs...)
}

// checkKeys checks ConfigMap and Secret keys.
func checkKeys(keys []string) error {
	var errs []error
	for _, k := range keys {
		for _, m := range validation.IsConfigMapKey(k) {
			errs = append(errs, fmt.Errorf("key %s: %s", k, m))
		}
	}
	return errors.Join(errs...)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
