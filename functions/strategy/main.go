// Command strategy is the strategy function: it evaluates the strategies
// named by STRATEGIES on each candle-window CloudEvent posted to it and
// answers with the signal. See shared/strategyfn for the settings; with
// PUSHGATEWAY_URL set, the runtime (shared/fnhttp) pushes its metrics
// every PUSH_INTERVAL and once more on shutdown.
package main

import (
	"context"

	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/strategy"
	"github.com/tabot-functions/tabot/shared/strategyfn"
)

func main() { fnhttp.Main("strategy", run) }

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
