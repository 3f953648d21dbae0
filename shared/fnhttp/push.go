package fnhttp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/logs"
	"github.com/tabot-functions/tabot/shared/metrics"
	"github.com/tabot-functions/tabot/shared/push"
)

// DefaultJob is the Pushgateway job of a function that has no name: no
// Options.Job, no K_SERVICE and an unnamed logger.
const DefaultJob = "tabot"

// jobName returns the job the registry is pushed under: Options.Job,
// else K_SERVICE (the Knative service), else the logger's name, else
// DefaultJob.
func jobName(opts Options, cfg Common) string {
	switch {
	case opts.Job != "":
		return opts.Job
	case cfg.Service != "":
		return cfg.Service
	case opts.Logger.Name() != "":
		return opts.Logger.Name()
	}
	return DefaultJob
}

// newPusher returns the pusher of the registry to PUSHGATEWAY_URL, nil
// when it is unset. Failed pushes count as ta_bot_errors_total{type=
// "push"}; the Server logs them.
func (s *Server) newPusher() (*push.Pusher, error) {
	if s.cfg.PushgatewayURL == "" {
		return nil, nil
	}
	p, err := push.New(s.cfg.PushgatewayURL, s.job, s.reg,
		push.WithFailureCounter(
			s.m.Errors.WithLabelValues(string(metrics.ErrPush))))
	if err != nil {
		return nil, fmt.Errorf("pushgateway: %w", err)
	}
	return p, nil
}

// pushEvery pushes on PUSH_INTERVAL until ctx is done. A push cut short
// by ctx is neither counted nor logged: the final push follows.
func (s *Server) pushEvery(ctx context.Context, p *push.Pusher) {
	t := time.NewTicker(s.cfg.PushInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := p.Push(ctx)
		if err != nil && !errors.Is(err, context.Canceled) {
			s.log.Warn("metrics push failed", pushFields(p, err)...)
		}
	}
}

// finalPush pushes once more at the end of the shutdown, so the group
// holds everything recorded. It has push.DefaultTimeout of its own,
// even when the shutdown deadline has passed: a stuck request must not
// cost the counters of all the others.
func (s *Server) finalPush(ctx context.Context, p *push.Pusher) {
	if err := p.Push(context.WithoutCancel(ctx)); err != nil {
		s.log.Error("final metrics push failed", pushFields(p, err)...)
		return
	}
	s.log.Debug("metrics pushed", pushFields(p, nil)...)
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
