package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tabot-functions/tabot/shared/push"
)

// pushPruneCommand deletes the Pushgateway groups of functions that are
// gone: pushed groups never expire on their own.
func pushPruneCommand() command {
	return command{
		summary: "delete Pushgateway groups not pushed to for a while",
		run:     runPushPrune,
	}
}

func runPushPrune(ctx context.Context, args []string,
	stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("push-prune", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "", "Pushgateway URL, http://host:port")
	olderThan := fs.Duration("older-than", 10*time.Minute,
		"delete groups last pushed to longer ago than this; keep it "+
			"well above PUSH_INTERVAL")
	jobs := fs.String("jobs", "",
		"comma-separated jobs to prune (default: every job)")
	dryRun := fs.Bool("dry-run", false, "list the groups, delete none")
	if err := fs.Parse(args); err != nil {
		return usageError(err)
	}
	if *url == "" || *olderThan <= 0 || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}

	var only []string
	if *jobs != "" {
		only = strings.Split(*jobs, ",")
	}
	client := &http.Client{Timeout: 10 * time.Second}
	cutoff := time.Now().Add(-*olderThan)
	if *dryRun {
		groups, err := push.Groups(ctx, client, *url)
		if err != nil {
			return err
		}
		for _, g := range groups {
			if g.LastPush.Before(cutoff) && selected(only, g) {
				fmt.Fprintln(stdout, "would delete", describe(g))
			}
		}
		return nil
	}

	deleted, err := push.Prune(ctx, client, *url, cutoff, only...)
	for _, g := range deleted {
		fmt.Fprintln(stdout, "deleted", describe(g))
	}
	if err != nil {
		return fmt.Errorf("prune: %w", err)
	}
	return nil
}

func selected(jobs []string, g push.Group) bool {
	if len(jobs) == 0 {
		return true
	}
	for _, j := range jobs {
		if g.Labels["job"] == j {
			return true
		}
	}
	return false
}

func describe(g push.Group) string {
	last := "never"
	if !g.LastPush.IsZero() {
		last = g.LastPush.Format(time.RFC3339)
	}
	return fmt.Sprintf("job=%s instance=%s last_push=%s", g.Labels["job"],
		g.Labels["instance"], last)
}
