package validate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// inClusterGateway is how functions reach the OpenFaaS gateway.
const inClusterGateway = "http://gateway.openfaas:8080/function/"

// CheckWiring checks that a stack's functions are wired into the
// pipeline: one candle-source posting to every strategy function, one
// publisher every strategy function posts to, no strategy run twice,
// and a source that is never scaled out or to zero. With perStrategy,
// every strategy function runs one strategy and scales to zero (the Pro
// edition). It returns the strategy ids the stack runs, sorted.
func CheckWiring(s *Stack, perStrategy bool) ([]string, error) {
	var errs []error
	var source, publisher string
	var targets []string
	var ids []string
	for _, name := range sortedKeys(s.Functions) {
		f := s.Functions[name]
		switch f.BuildArgs["FUNCTION"] {
		case "candle-source":
			if source != "" {
				errs = append(errs, fmt.Errorf("two candle-sources: %s "+
					"and %s", source, name))
			}
			source = name
		case "publisher":
			if publisher != "" {
				errs = append(errs, fmt.Errorf("two publishers: %s and %s",
					publisher, name))
			}
			publisher = name
		case "strategy":
			targets = append(targets, inClusterGateway+name)
			run := splitList(f.Environment["STRATEGIES"])
			if len(run) == 0 || slices.Contains(run, "all") {
				errs = append(errs, fmt.Errorf("function %s: STRATEGIES "+
					"%q, want explicit ids", name,
					f.Environment["STRATEGIES"]))
			}
			if perStrategy && len(run) != 1 {
				errs = append(errs, fmt.Errorf("function %s runs %d "+
					"strategies, want one", name, len(run)))
			}
			ids = append(ids, run...)
		}
	}
	if source == "" || publisher == "" {
		return nil, errors.Join(append(errs, errors.New("want one "+
			"candle-source and one publisher"))...)
	}

	src := s.Functions[source]
	got := splitList(src.Environment["TARGETS"])
	slices.Sort(got)
	slices.Sort(targets)
	if !slices.Equal(got, targets) {
		errs = append(errs, fmt.Errorf("candle-source TARGETS %v, want "+
			"the strategy functions %v", got, targets))
	}
	if src.Labels["com.openfaas.scale.min"] != "1" ||
		src.Labels["com.openfaas.scale.max"] != "1" ||
		src.Labels["com.openfaas.scale.zero"] == "true" {
		errs = append(errs, errors.New("candle-source must run exactly "+
			"one replica, never zero"))
	}
	for name, f := range s.Functions {
		fn := f.BuildArgs["FUNCTION"]
		if fn == "strategy" &&
			f.Environment["PUBLISHER_URL"] != inClusterGateway+publisher {
			errs = append(errs, fmt.Errorf("function %s: PUBLISHER_URL "+
				"%q, want the publisher", name,
				f.Environment["PUBLISHER_URL"]))
		}
		if perStrategy && fn != "candle-source" &&
			f.Labels["com.openfaas.scale.zero"] != "true" {
			errs = append(errs, fmt.Errorf("function %s does not scale "+
				"to zero", name))
		}
	}

	slices.Sort(ids)
	if dup := duplicates(ids); len(dup) > 0 {
		errs = append(errs, fmt.Errorf("strategies run twice: %v", dup))
	}
	return ids, errors.Join(errs...)
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func duplicates(sorted []string) []string {
	var dup []string
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			dup = append(dup, sorted[i])
		}
	}
	return dup
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
