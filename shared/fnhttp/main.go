package fnhttp

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Main is a function's main: it calls run with a context cancelled on
// SIGINT or SIGTERM, and when run fails prints "name: error" on stderr
// and exits with status 1.
func Main(name string, run func(context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(),
		os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}
