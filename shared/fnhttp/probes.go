package fnhttp

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/tabot-functions/tabot/shared/logs"
)

// checkShutdown is the readiness check that fails once shutdown began.
const checkShutdown = "shutdown"

// checkOK is a passing check's value in probe bodies.
const checkOK = "ok"

// liveBody is the body of /live and /_/health.
type liveBody struct {
	Status    string            `json:"status"`
	Uptime    string            `json:"uptime"`
	Checks    map[string]string `json:"checks,omitempty"`
	Timestamp string            `json:"timestamp"`
}

// readyBody is the body of /ready and /_/ready.
type readyBody struct {
	Status    string            `json:"status"`
	Checks    map[string]string `json:"checks"`
	Timestamp string            `json:"timestamp"`
}

// healthBody is the body of /health.
type healthBody struct {
	Status     string            `json:"status"`
	Version    string            `json:"version"`
	BuildInfo  buildInfo         `json:"build_info"`
	Components map[string]string `json:"components"`
	Uptime     string            `json:"uptime"`
	Timestamp  string            `json:"timestamp"`
}

type buildInfo struct {
	CommitSHA string `json:"commit_sha"`
	BuildDate string `json:"build_date"`
}

// serveLive answers 200 while every liveness check passes, 503 once one
// fails: the instance cannot recover and must be replaced.
func (s *Server) serveLive(w http.ResponseWriter, r *http.Request) {
	checks, ok := s.run(r.Context(), s.checks(&s.live))
	body := liveBody{Status: "alive", Uptime: s.uptime(),
		Timestamp: now()}
	status := http.StatusOK
	if !ok {
		body.Status, body.Checks = "dead", checks
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, body)
}

// serveReady answers 200 while every readiness check passes, 503 with
// the failing checks otherwise, and 503 from the start of shutdown.
func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) {
	checks, ok := s.readiness(r.Context())
	body := readyBody{Status: "ready", Checks: checks, Timestamp: now()}
	status := http.StatusOK
	if !ok {
		body.Status = "not ready"
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, body)
}

// serveHealth always answers 200: it describes the build and every
// component for people and dashboards; probes use /live and /ready.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	components, ok := s.readiness(r.Context())
	live, liveOK := s.run(r.Context(), s.checks(&s.live))
	for name, v := range live {
		if v != checkOK || components[name] == "" {
			components[name] = v
		}
	}
	body := healthBody{
		Status:  "healthy",
		Version: s.cfg.Version,
		BuildInfo: buildInfo{CommitSHA: s.cfg.CommitSHA,
			BuildDate: s.cfg.BuildDate},
		Components: components,
		Uptime:     s.uptime(),
		Timestamp:  now(),
	}
	if !ok || !liveOK {
		body.Status = "degraded"
	}
	writeJSON(w, http.StatusOK, body)
}

// readiness runs the readiness checks, sets the component gauges and
// adds the shutdown check once shutdown began.
func (s *Server) readiness(ctx context.Context) (map[string]string, bool) {
	checks, ok := s.run(ctx, s.checks(&s.ready))
	for name, v := range checks {
		s.m.Component(name, v == checkOK)
	}
	if s.draining.Load() {
		checks[checkShutdown] = "shutting down"
		ok = false
	}
	return checks, ok
}

// watchChecks refreshes the component gauges every CheckInterval, so
// they follow the checks even when no probe comes.
func (s *Server) watchChecks(ctx context.Context) {
	t := time.NewTicker(s.opts.CheckInterval)
	defer t.Stop()
	for {
		s.readiness(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Server) checks(list *[]namedCheck) []namedCheck {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]namedCheck(nil), *list...)
}

// run runs checks, each within CheckTimeout, and returns each one's
// result, "ok" or the reason it failed.
func (s *Server) run(ctx context.Context, checks []namedCheck) (
	map[string]string, bool) {
	out := make(map[string]string, len(checks))
	ok := true
	for _, c := range checks {
		err := s.runOne(ctx, c)
		if err == nil {
			out[c.name] = checkOK
			continue
		}
		ok = false
		out[c.name] = oneLine(err.Error())
		s.log.Debug("check failed", logs.Component(c.name), zap.Error(err))
	}
	return out, ok
}

func (s *Server) runOne(ctx context.Context, c namedCheck) (err error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.CheckTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("check panic: %v", p)
		}
	}()
	return c.check(ctx)
}

func (s *Server) uptime() string { return FormatUptime(time.Since(s.start)) }

// FormatUptime formats d as the probes show it: "2h 30m 15s", "5m 2s",
// "7s".
func FormatUptime(d time.Duration) string {
	d = d.Truncate(time.Second)
	h := int64(d / time.Hour)
	m := int64(d%time.Hour) / int64(time.Minute)
	sec := int64(d%time.Minute) / int64(time.Second)
	switch {
	case h > 0:
		return fmt.Sprintf("%dh %dm %ds", h, m, sec)
	case m > 0:
		return fmt.Sprintf("%dm %ds", m, sec)
	default:
		return fmt.Sprintf("%ds", sec)
	}
}

func now() string { return time.Now().UTC().Format(time.RFC3339) }
