package validate

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Dockerfile is a parsed Dockerfile: its build stages and the ARGs
// declared before the first FROM.
type Dockerfile struct {
	Stages   []instructions.Stage
	MetaArgs []instructions.ArgCommand
}

// ParseDockerfile parses b with BuildKit's own parser, instruction by
// instruction, and fails on any of BuildKit's lint warnings.
func ParseDockerfile(b []byte) (*Dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("parse Dockerfile: %w", err)
	}
	var warnings []error
	for _, w := range res.Warnings {
		warnings = append(warnings, fmt.Errorf("line %d: %s",
			w.Location.Start.Line, w.Short))
	}
	lint := linter.New(&linter.Config{Warn: func(rule, desc, url,
		msg string, loc []parser.Range) {
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		warnings = append(warnings, fmt.Errorf("line %d: %s: %s", line,
			rule, msg))
	}})
	stages, meta, err := instructions.Parse(res.AST, lint)
	if err != nil {
		return nil, fmt.Errorf("parse Dockerfile: %w", err)
	}
	if err := errors.Join(warnings...); err != nil {
		return nil, fmt.Errorf("lint Dockerfile: %w", err)
	}
	return &Dockerfile{Stages: stages, MetaArgs: meta}, nil
}

// pinnedGo matches a Go toolchain version pinned to a patch release.
var pinnedGo = regexp.MustCompile(`^1\.\d+\.\d+$`)

// CheckDockerfile checks the image rules of DESIGN.md: a multi-stage
// build whose builder is a pinned Go image; the FUNCTION build argument
// picking the binary under functions/; a static, trimmed, stripped
// binary carrying VERSION, COMMIT_SHA and BUILD_DATE; a final stage on a
// minimal base running as a non-root user.
func CheckDockerfile(d *Dockerfile) error {
	var errs []error
	if len(d.Stages) < 2 {
		return fmt.Errorf("%d stages, want a multi-stage build",
			len(d.Stages))
	}
	build, final := d.Stages[0], d.Stages[len(d.Stages)-1]

	goVersion := ""
	for _, a := range d.MetaArgs {
		for _, kv := range a.Args {
			if kv.Key == "GO_VERSION" && kv.Value != nil {
				goVersion = *kv.Value
			}
		}
	}
	base := strings.ReplaceAll(build.BaseName, "${GO_VERSION}", goVersion)
	if !strings.HasPrefix(base, "golang:") ||
		!pinnedGo.MatchString(strings.Split(strings.TrimPrefix(base,
			"golang:"), "-")[0]) {
		errs = append(errs, fmt.Errorf("builder %q: want golang:<1.x.y>",
			base))
	}

	args := stageArgs(build)
	for _, a := range []string{"FUNCTION", "VERSION", "COMMIT_SHA",
		"BUILD_DATE"} {
		if !args[a] {
			errs = append(errs, fmt.Errorf("build stage: no ARG %s", a))
		}
	}
	if err := checkGoBuild(build); err != nil {
		errs = append(errs, err)
	}

	if !strings.HasPrefix(final.BaseName, "gcr.io/distroless/static") &&
		final.BaseName != "scratch" {
		errs = append(errs, fmt.Errorf("final stage on %q: want "+
			"distroless static or scratch", final.BaseName))
	}
	if err := checkFinal(final, build.Name); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func stageArgs(s instructions.Stage) map[string]bool {
	args := make(map[string]bool)
	for _, c := range s.Commands {
		if a, ok := c.(*instructions.ArgCommand); ok {
			for _, kv := range a.Args {
				args[kv.Key] = true
			}
		}
	}
	return args
}

// checkGoBuild finds the build stage's go build and checks its flags.
func checkGoBuild(s instructions.Stage) error {
	for _, c := range s.Commands {
		r, ok := c.(*instructions.RunCommand)
		if !ok {
			continue
		}
		line := strings.Join(r.CmdLine, " ")
		if !strings.Contains(line, "go build") {
			continue
		}
		var missing []string
		for _, want := range []string{"CGO_ENABLED=0", "-trimpath",
			"-s -w", "./functions/${FUNCTION}", "-X main.version=${VERSION}",
			"-X main.commitSHA=${COMMIT_SHA}",
			"-X main.buildDate=${BUILD_DATE}"} {
			if !strings.Contains(line, want) {
				missing = append(missing, want)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("go build lacks %q", missing)
		}
		return nil
	}
	return errors.New("build stage: no go build")
}

// checkFinal checks the final stage: the binary copied from the build
// stage, a numeric non-root USER, an exec-form ENTRYPOINT and the build
// information in the environment.
func checkFinal(s instructions.Stage, build string) error {
	var errs []error
	copied, user, entry := false, "", false
	env := make(map[string]string)
	for _, c := range s.Commands {
		switch c := c.(type) {
		case *instructions.CopyCommand:
			copied = copied || c.From == build
		case *instructions.UserCommand:
			user = c.User
		case *instructions.EntrypointCommand:
			entry = !c.PrependShell && len(c.CmdLine) == 1
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				env[kv.Key] = kv.Value
			}
		}
	}
	if !copied {
		errs = append(errs, fmt.Errorf("final stage copies nothing from %q",
			build))
	}
	uid, _, _ := strings.Cut(user, ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		errs = append(errs, fmt.Errorf("final stage USER %q: want a "+
			"numeric non-root uid", user))
	}
	if !entry {
		errs = append(errs, errors.New("final stage: want ENTRYPOINT "+
			"[\"/binary\"] in exec form"))
	}
	for _, k := range []string{"VERSION", "COMMIT_SHA", "BUILD_DATE"} {
		if env[k] != "${"+k+"}" {
			errs = append(errs, fmt.Errorf("final stage: ENV %s=%q, want "+
				"${%s}", k, env[k], k))
		}
	}
	return errors.Join(errs...)
}
