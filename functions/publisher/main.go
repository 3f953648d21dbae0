// Command publisher is the sink of signal CloudEvents: it validates each
// signal and publishes it to the SIGNALS JetStream stream, once per
// signal id, and optionally to the old bot's subject and a REST API. See
// shared/publishfn for its settings.
package main

import (
	"context"

	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/publishfn"
)

func main() { fnhttp.Main("publisher", run) }

func run(ctx context.Context) error {
	var cfg publishfn.Config
	if err := fnhttp.Load(&cfg); err != nil {
		return err
	}
	log, err := logs.New(cfg.LogLevel, "ta_bot.publisher")
	if err != nil {
		return err
	}
	defer log.Sync()

	p, err := publishfn.New(cfg, log)
	if err != nil {
		return err
	}
	return p.Run(ctx)
}
