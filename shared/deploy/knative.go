package deploy

import (
	"strings"

	"github.com/tabot-functions/tabot/shared/event"
)

// knativeData is what the Knative templates render.
type knativeData struct {
	Namespace, Broker, ConfigMap string
	NATSSecret, RESTSecret       string
	DeadLetter, NATSURL          string
	TypeCandles, TypeSignal      string
	Strategies                   []knativeService
	Publisher, Source            knativeService
}

// knativeService is one function deployed on Knative.
type knativeService struct {
	Name, Component, Image string
	// Strategies is the STRATEGIES value of a strategy Service.
	Strategies string
	Resources  resources
}

// newKnative returns the template data of the per-strategy plan fns.
func newKnative(fns []Function, opts Options) knativeData {
	d := knativeData{
		Namespace: Namespace, Broker: Broker, ConfigMap: ConfigMap,
		NATSSecret: NATSSecret, RESTSecret: RESTSecret,
		DeadLetter: DeadLetter, NATSURL: NATSURL,
		TypeCandles: event.TypeCandles, TypeSignal: event.TypeSignal,
	}
	for _, f := range fns {
		s := knativeService{Name: f.Name, Component: f.Binary,
			Image:      opts.image(f.Binary),
			Strategies: strings.Join(f.Strategies, ","),
			Resources:  resourcesOf(f.Binary)}
		switch f.Binary {
		case BinarySource:
			d.Source = s
		case BinaryPublisher:
			d.Publisher = s
		default:
			d.Strategies = append(d.Strategies, s)
		}
	}
	return d
}

// image returns the Knative image of binary: a ko:// import path, or an
// image built from the Dockerfile when ImagePrefix is set.
func (o Options) image(binary string) string {
	if o.ImagePrefix == "" {
		return "ko://" + Module + "/functions/" + binary
	}
	tag := o.Tag
	if tag == "" {
		tag = "latest"
	}
	return strings.TrimSuffix(o.ImagePrefix, "/") + "/tabot-" + binary +
		":" + tag
}
