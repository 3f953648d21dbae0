package fnhttp

import (
	"fmt"

	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/push"
)

// DefaultName is the name of a function that has none: no K_SERVICE and
// no Options.Name.
const DefaultName = "tabot"

// serverName returns the function's name, the Pushgateway job and the
// service.name of its spans: K_SERVICE (the Knative Service), else
// Options.Name, else DefaultName.
func serverName(opts Options, cfg Common) string {
	switch {
	case cfg.Service != "":
		return cfg.Service
	case opts.Name != "":
		return opts.Name
	}
	return DefaultName
}

// newPusher returns the pusher of the registry to PUSHGATEWAY_URL, nil
// when it is unset. Failed pushes count as ta_bot_errors_total{type=
// "push"}, and the Server logs those on the interval.
func (s *Server) newPusher() (*push.Pusher, error) {
	if s.cfg.PushgatewayURL == "" {
		return nil, nil
	}
	var p *push.Pusher
	p, err := push.New(s.cfg.PushgatewayURL, s.name, s.reg,
		push.WithFailureCounter(
			s.m.Errors.WithLabelValues(string(metrics.ErrPush))),
		push.WithErrorHandler(func(err error) {
			s.log.Warn("metrics push failed", pushFields(p, err)...)
		}))
	if err != nil {
		return nil, fmt.Errorf("pushgateway: %w", err)
	}
	return p, nil
}

// startPush pushes on PUSH_INTERVAL until the returned func is called,
// which pushes once more and logs a failure. The last push has
// push.DefaultTimeout of its own, even when the shutdown deadline has
// passed: a stuck request must not cost the counters of the others.
func (s *Server) startPush(p *push.Pusher) (stop func()) {
	if p == nil {
		return func() {}
	}
	stopRun := p.Start(s.cfg.PushInterval)
	return func() {
		if err := stopRun(); err != nil {
			s.log.Error("final metrics push failed", pushFields(p, err)...)
			return
		}
		s.log.Debug("metrics pushed", pushFields(p, nil)...)
	}
}

// pushFields are the fields of a line about a push; err may be nil.
func pushFields(p *push.Pusher, err error) []zap.Field {
	f := []zap.Field{zap.String("job", p.Job()),
		zap.String(push.InstanceLabel, p.Instance())}
	if err != nil {
		f = append(f, logs.ErrorType(string(metrics.ErrPush)), zap.Error(err))
	}
	return f
}
