package push_test

import (
	"context"
	"os"
	"os/signal"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/tabot-functions/tabot/shared/push"
)

// A function pushes its registry every 15 seconds and once more when it
// is asked to stop.
func ExamplePusher_Run() {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector())

	p, err := push.New("http://pushgateway.monitoring:9091",
		"tabot-strategy", reg)
	if err != nil {
		panic(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := p.Run(ctx, 15*time.Second); err != nil {
		// the final push failed: log it
	}
}
