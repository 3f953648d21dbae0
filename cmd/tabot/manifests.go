package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tabot-functions/tabot/shared/deploy"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// errStale marks generated files that differ from the committed ones.
var errStale = errors.New("deployment files are out of date")

func manifestsCommand() command {
	return command{
		summary: "write the OpenFaaS stacks and Knative manifests",
		run:     runManifests,
	}
}

func runManifests(ctx context.Context, args []string,
	stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("manifests", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tabot manifests [-out DIR] [-check] "+
			"[-image-prefix REPO [-tag TAG]]\n\n"+
			"Writes stack.yml, stack-pro.yml and knative/ for the "+
			"registered strategies.")
		fs.PrintDefaults()
	}
	out := fs.String("out", ".", "directory to write into: the repository root")
	check := fs.Bool("check", false,
		"write nothing; fail if a file under -out differs")
	var opts deploy.Options
	fs.StringVar(&opts.ImagePrefix, "image-prefix", "",
		"Knative images REPO/tabot-<function>:TAG instead of ko:// paths")
	fs.StringVar(&opts.Tag, "tag", "latest", "image tag with -image-prefix")
	if err := fs.Parse(args); err != nil {
		return usageError(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}

	files, err := deploy.Render(strategy.Default().IDs(), opts)
	if err != nil {
		return err
	}
	if *check {
		return checkFiles(*out, files, stdout)
	}
	for _, f := range files {
		p := filepath.Join(*out, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
		fmt.Fprintln(stdout, p)
	}
	return nil
}

// checkFiles lists the files under dir that differ from files.
func checkFiles(dir string, files []deploy.File, stdout io.Writer) error {
	stale := 0
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, f.Data) {
			fmt.Fprintln(stdout, p)
			stale++
		}
	}
	if stale > 0 {
		return fmt.Errorf("%w: %d files (run tabot manifests)", errStale,
			stale)
	}
	return nil
}
