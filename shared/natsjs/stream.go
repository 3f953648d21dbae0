package natsjs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Stream defaults.
const (
	DefaultCandlesStream = "CANDLES"
	DefaultSignalsStream = "SIGNALS"
	// DefaultDuplicateWindow outlasts any redelivery of a candle or a
	// signal, unlike JetStream's 2 minutes.
	DefaultDuplicateWindow = 24 * time.Hour
)

// Subject roots.
const (
	CandlesSubjects = "candles.>"
	SignalsSubjects = "signals.>"
	AlertsSubjects  = "alerts.>"
)

// CandlesConfig is the configuration of the input stream: it keeps the
// last keep candles of every candles.<SYMBOL>.<INTERVAL> subject in files,
// which makes it the store the source rebuilds its windows from.
func CandlesConfig(name string, keep int) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:              name,
		Description:       "closed candles, the last N per symbol and interval",
		Subjects:          []string{CandlesSubjects},
		Retention:         jetstream.LimitsPolicy,
		MaxMsgsPerSubject: int64(keep),
		Discard:           jetstream.DiscardOld,
		Storage:           jetstream.FileStorage,
	}
}

// SignalsConfig is the configuration of the output stream: signals and
// hold alerts, de-duplicated on Nats-Msg-Id within dup.
func SignalsConfig(name string, dup time.Duration) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        name,
		Description: "trading signals and hold alerts, one per signal id",
		Subjects:    []string{SignalsSubjects, AlertsSubjects},
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		Storage:     jetstream.FileStorage,
		Duplicates:  dup,
	}
}

// EnsureStream creates the stream cfg describes or, when it exists,
// updates the settings TA Bot depends on: its subjects (an operator's
// extra ones are kept), the duplicate window, and the messages kept per
// subject, which never shrink so an update never deletes stored data.
// Other settings an operator changed (replicas, limits) stay. Running it
// again changes nothing.
func EnsureStream(ctx context.Context, js jetstream.JetStream,
	cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	s, err := js.Stream(ctx, cfg.Name)
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
		s, err = js.CreateStream(ctx, cfg)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return nil, fmt.Errorf("create stream %s: %w", cfg.Name, err)
		}
		// Created meanwhile by another instance: update it below.
		if s, err = js.Stream(ctx, cfg.Name); err != nil {
			return nil, fmt.Errorf("stream %s: %w", cfg.Name, err)
		}
	case err != nil:
		return nil, fmt.Errorf("stream %s: %w", cfg.Name, err)
	}

	have := s.CachedInfo().Config
	want := merge(have, cfg)
	if equal(have, want) {
		return s, nil
	}
	s, err = js.UpdateStream(ctx, want)
	if err != nil {
		return nil, fmt.Errorf("update stream %s: %w", cfg.Name, err)
	}
	return s, nil
}

// merge returns the existing configuration have with the settings of
// want that TA Bot depends on.
func merge(have, want jetstream.StreamConfig) jetstream.StreamConfig {
	out := have
	out.Subjects = slices.Clone(have.Subjects)
	for _, s := range want.Subjects {
		if !slices.Contains(out.Subjects, s) {
			out.Subjects = append(out.Subjects, s)
		}
	}
	if want.Duplicates > 0 {
		out.Duplicates = want.Duplicates
	}
	if want.MaxMsgsPerSubject > 0 && have.MaxMsgsPerSubject >= 0 &&
		have.MaxMsgsPerSubject < want.MaxMsgsPerSubject {
		out.MaxMsgsPerSubject = want.MaxMsgsPerSubject
	}
	return out
}

func equal(a, b jetstream.StreamConfig) bool {
	return slices.Equal(a.Subjects, b.Subjects) &&
		a.Duplicates == b.Duplicates &&
		a.MaxMsgsPerSubject == b.MaxMsgsPerSubject
}
