package deploy

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"strconv"
	"text/template"
)

// Names the rendered files share with the documentation and the
// functions' configuration.
const (
	// Module is the Go module, the root of the ko:// import paths.
	Module = "github.com/tabot-functions/tabot"
	// ImageRepository is the default public image repository of the
	// OpenFaaS stacks, overridden with REGISTRY at build time.
	ImageRepository = "ghcr.io/tabot-functions"
	// Gateway is the OpenFaaS gateway as functions reach it in-cluster.
	Gateway = "http://gateway.openfaas:8080"
	// NATSURL is the in-cluster NATS the manifests expect by default.
	NATSURL = "nats://nats.nats.svc.cluster.local:4222"
	// Namespace holds every Knative object of TA Bot Functions.
	Namespace = "tabot"
	// Broker is the Knative Broker the functions exchange events through.
	Broker = "tabot"
	// ConfigMap holds the settings every function reads.
	ConfigMap = "tabot-config"
	// NATSSecret holds the NATS URL (key "url"), credentials included.
	NATSSecret = "tabot-nats"
	// RESTSecret optionally holds the publisher's REST token (key
	// "token").
	RESTSecret = "tabot-rest"
	// DeadLetter is the Knative Service that receives undeliverable
	// events.
	DeadLetter = "tabot-dead-letter"
)

// Options tune the rendered files; the zero value renders the files
// committed in the repository.
type Options struct {
	// ImagePrefix, when set, names the Knative images
	// "<ImagePrefix>/tabot-<binary>:<Tag>" (images built from the
	// Dockerfile, for kubectl apply) instead of ko:// import paths.
	ImagePrefix string
	// Tag is the image tag used with ImagePrefix; "latest" when empty.
	Tag string
}

// File is one rendered file: its slash-separated path relative to the
// repository root, and its content.
type File struct {
	Path string
	Data []byte
}

//go:embed templates/*.tmpl
var templateFS embed.FS

//go:generate go run ../../cmd/tabot manifests -out ../..

// Render returns every deployment file for the strategy ids, in
// registry order: the two OpenFaaS stacks and the Knative manifests.
func Render(ids []string, opts Options) ([]File, error) {
	tmpl, err := template.New("").Funcs(template.FuncMap{
		"q":    strconv.Quote,
		"dict": dict,
	}).ParseFS(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	community, err := Plan(ids, Community)
	if err != nil {
		return nil, fmt.Errorf("community stack: %w", err)
	}
	perStrategy, err := Plan(ids, PerStrategy)
	if err != nil {
		return nil, fmt.Errorf("per-strategy layout: %w", err)
	}

	stacks := []struct {
		path string
		data stackData
	}{
		{"stack.yml", newStack(community, false)},
		{"stack-pro.yml", newStack(perStrategy, true)},
	}
	var files []File
	for _, s := range stacks {
		f, err := execute(tmpl, "stack.tmpl", s.path, s.data)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}

	kn := newKnative(perStrategy, opts)
	for _, name := range knativeFiles() {
		f, err := execute(tmpl, path.Base(name)+".tmpl",
			"knative/"+name+".yaml", kn)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// knativeFiles returns the Knative manifests, named for the order in
// which kubectl applies a directory; nats/ is applied on its own, first.
func knativeFiles() []string {
	return []string{
		"nats/nats", "00-namespace", "10-config", "20-dead-letter",
		"30-broker", "40-strategies", "50-publisher", "60-triggers",
		"70-candle-source",
	}
}

func execute(t *template.Template, name, file string, data any) (File, error) {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return File{}, fmt.Errorf("render %s: %w", file, err)
	}
	return File{Path: file, Data: b.Bytes()}, nil
}

// dict makes a map of its key, value arguments, to pass several values
// to a template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
