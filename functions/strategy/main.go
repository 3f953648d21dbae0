// Command strategy is the strategy function: it evaluates the strategies
// named by STRATEGIES on each candle-window CloudEvent posted to it and
// answers with the signal. See shared/strategyfn for the settings; with
// PUSHGATEWAY_URL set, the runtime (shared/fnhttp) pushes its metrics
// every PUSH_INTERVAL and once more on shutdown.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/strategy"
	"github.com/tabot-functions/tabot/shared/strategyfn"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(),
		os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "strategy:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cfg, err := strategyfn.LoadConfig()
	if err != nil {
		return err
	}
	log, err := logs.New(cfg.LogLevel, "ta_bot.strategy")
	if err != nil {
		return err
	}
	defer log.Sync()

	svc, err := strategyfn.New(cfg, strategy.Default(), log)
	if err != nil {
		return err
	}
	return svc.Run(ctx)
}
