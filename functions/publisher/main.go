// Command publisher is the sink of signal CloudEvents: it validates each
// signal and publishes it to the SIGNALS JetStream stream, once per
// signal id, and optionally to the old bot's subject and a REST API. See
// shared/publishfn for its configuration.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/publishfn"
)

func main() {
	var cfg publishfn.Config
	if err := fnhttp.Load(&cfg); err != nil {
		fmt.Fprintln(os.Stderr, "publisher:", err)
		os.Exit(2)
	}
	log, err := logs.New(cfg.LogLevel, "publisher")
	if err != nil {
		fmt.Fprintln(os.Stderr, "publisher:", err)
		os.Exit(2)
	}
	defer log.Sync()

	p, err := publishfn.New(cfg, log)
	if err != nil {
		log.Error("start", zap.Error(err))
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(),
		os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := p.Run(ctx); err != nil {
		log.Error("stopped", zap.Error(err))
		os.Exit(1)
	}
}
