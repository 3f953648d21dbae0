package validate

import (
	"strings"
	"testing"
)

func TestDockerfileChecks(t *testing.T) {
	committed := string(readFile(t, "Dockerfile"))
	tests := []struct {
		name, old, new, want string
	}{
		{"single stage", "FROM gcr.io/distroless/static-debian12:nonroot\n",
			"", "want a multi-stage build"},
		{"root user", "USER 65532:65532", "USER 0", "non-root uid"},
		{"named user", "USER 65532:65532", "USER nonroot",
			"numeric non-root uid"},
		{"no user", "USER 65532:65532\n", "", "USER \"\""},
		{"cgo", "CGO_ENABLED=0", "CGO_ENABLED=1", "CGO_ENABLED=0"},
		{"trimpath", "go build -trimpath", "go build", "-trimpath"},
		{"stripped", `-ldflags "-s -w `, `-ldflags "`, "-s -w"},
		{"version", "-X main.version=${VERSION} ", "", "main.version"},
		{"function", `"./functions/${FUNCTION}"`, "./functions/strategy",
			"./functions/${FUNCTION}"},
		{"no function argument", "ARG FUNCTION=strategy\nARG TARGETOS",
			"ARG TARGETOS", "no ARG FUNCTION"},
		{"floating go", "ARG GO_VERSION=1.26.8", "ARG GO_VERSION=1",
			"want golang:<1.x.y>"},
		{"fat base", "FROM gcr.io/distroless/static-debian12:nonroot",
			"FROM debian:bookworm", "distroless static or scratch"},
		{"shell entrypoint", `ENTRYPOINT ["/function"]`,
			"ENTRYPOINT /function", "exec form"},
		{"no build date", "    BUILD_DATE=${BUILD_DATE}",
			"    BUILD=${BUILD_DATE}", "ENV BUILD_DATE"},
		{"syntax", "COPY go.mod go.sum ./", "COPY --frm=x go.mod ./",
			"parse Dockerfile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(committed, tt.old) {
				t.Fatalf("no %q in the Dockerfile", tt.old)
			}
			d, err := ParseDockerfile([]byte(strings.Replace(committed,
				tt.old, tt.new, 1)))
			if err == nil {
				err = CheckDockerfile(d)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}
