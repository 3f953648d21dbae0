// Command candle-source is the NATS JetStream to CloudEvents bridge: it
// keeps a candle window per symbol and interval and posts every new one
// to TARGETS or K_SINK. See shared/sourcefn for its settings.
package main

import (
	"context"

	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/sourcefn"
	"github.com/tabot-functions/tabot/shared/strategy"
)

func main() { fnhttp.Main("candle-source", run) }

func run(ctx context.Context) error {
	var cfg sourcefn.Config
	if err := fnhttp.Load(&cfg); err != nil {
		return err
	}
	log, err := logs.New(cfg.LogLevel, "ta_bot.candle-source")
	if err != nil {
		return err
	}
	defer log.Sync()

	src, err := sourcefn.New(cfg, strategy.Default(), log)
	if err != nil {
		return err
	}
	return src.Run(ctx)
}
