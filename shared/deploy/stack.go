package deploy

import (
	"strconv"
	"strings"
)

// kv is one entry of an ordered YAML map.
type kv struct{ Key, Value string }

// resources are a container's CPU and memory requests and limits.
type resources struct{ CPU, Memory, MemoryLimit string }

// stackData is what stack.tmpl renders: one OpenFaaS stack file.
type stackData struct {
	Pro       bool
	Repo      string
	Functions []stackFunction
}

// stackFunction is one function entry of a stack file.
type stackFunction struct {
	Name, Binary string
	Env, Labels  []kv
	Resources    resources
}

// newStack returns the stack of fns for the Community Edition, or with
// pro for the Pro edition (scale to zero, capacity-based autoscaling).
func newStack(fns []Function, pro bool) stackData {
	var targets []string
	for _, f := range fns {
		if f.Binary == BinaryStrategy {
			targets = append(targets, Gateway+"/function/"+f.Name)
		}
	}
	s := stackData{Pro: pro, Repo: ImageRepository}
	for _, f := range fns {
		sf := stackFunction{Name: f.Name, Binary: f.Binary,
			Resources: resourcesOf(f.Binary)}
		switch f.Binary {
		case BinaryStrategy:
			sf.Env = []kv{
				{"STRATEGIES", strings.Join(f.Strategies, ",")},
				{"MIN_CONFIDENCE", "0.6"},
				{"MAX_CONFIDENCE", "0.95"},
				{"PUBLISHER_URL", Gateway + "/function/" + BinaryPublisher},
				{"LOG_LEVEL", "info"},
			}
		case BinarySource:
			sf.Env = []kv{
				{"NATS_URL", "${NATS_URL:-" + NATSURL + "}"},
				{"CANDLES_STREAM", "CANDLES"},
				{"SUBJECTS", "candles.>"},
				{"DURABLE", "candle-source"},
				{"WINDOW_SIZE", "1000"},
				{"STRATEGIES", "all"},
				{"TARGETS", strings.Join(targets, ",")},
				{"LOG_LEVEL", "info"},
			}
		case BinaryPublisher:
			sf.Env = []kv{
				{"NATS_URL", "${NATS_URL:-" + NATSURL + "}"},
				{"SIGNALS_STREAM", "SIGNALS"},
				{"DUPLICATE_WINDOW", "24h"},
				{"LOG_LEVEL", "info"},
			}
		}
		sf.Labels = stackLabels(f.Binary, pro)
		s.Functions = append(s.Functions, sf)
	}
	return s
}

// stackLabels returns the scaling labels of a function. The source keeps
// its windows in memory and owns a durable consumer: exactly one replica,
// never scaled to zero. Only the Pro edition takes the scale.zero,
// scale.type and scale.target labels.
func stackLabels(binary string, pro bool) []kv {
	if binary == BinarySource {
		l := []kv{{"com.openfaas.scale.min", "1"},
			{"com.openfaas.scale.max", "1"}}
		if pro {
			l = append(l, kv{"com.openfaas.scale.zero", "false"})
		}
		return l
	}
	if !pro {
		return []kv{{"com.openfaas.scale.min", "1"},
			{"com.openfaas.scale.max", strconv.Itoa(CommunityMaxReplicas)}}
	}
	return []kv{
		{"com.openfaas.scale.min", "1"},
		{"com.openfaas.scale.max", "20"},
		{"com.openfaas.scale.type", "capacity"},
		{"com.openfaas.scale.target", "10"},
		{"com.openfaas.scale.zero", "true"},
		{"com.openfaas.scale.zero-duration", "15m"},
	}
}

// resourcesOf returns the requests and limits of a binary. A strategy
// evaluates a window of 1000 candles per request; the source holds a
// window per symbol and interval.
func resourcesOf(binary string) resources {
	switch binary {
	case BinarySource:
		return resources{CPU: "100m", Memory: "128Mi", MemoryLimit: "512Mi"}
	case BinaryPublisher:
		return resources{CPU: "50m", Memory: "64Mi", MemoryLimit: "256Mi"}
	default:
		return resources{CPU: "100m", Memory: "64Mi", MemoryLimit: "256Mi"}
	}
}
