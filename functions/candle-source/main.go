// Command candle-source is the NATS JetStream to CloudEvents bridge: it
// keeps a candle window per symbol and interval and posts every new one
// to TARGETS or K_SINK. See shared/sourcefn for its configuration.
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
	"github.com/tabot-functions/tabot/shared/sourcefn"
	"github.com/tabot-functions/tabot/shared/strategy"
)

func main() {
	var cfg sourcefn.Config
	if err := fnhttp.Load(&cfg); err != nil {
		fmt.Fprintln(os.Stderr, "candle-source:", err)
		os.Exit(2)
	}
	log, err := logs.New(cfg.LogLevel, "candle-source")
	if err != nil {
		fmt.Fprintln(os.Stderr, "candle-source:", err)
		os.Exit(2)
	}
	defer log.Sync()

	src, err := sourcefn.New(cfg, strategy.Default(), log)
	if err != nil {
		log.Error("start", zap.Error(err))
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(),
		os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := src.Run(ctx); err != nil {
		log.Error("stopped", zap.Error(err))
		os.Exit(1)
	}
}
