package natsjs_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/tabot-functions/tabot/shared/natsjs"
	"github.com/tabot-functions/tabot/shared/natsjs/natstest"
)

func ctxT(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestEnsureStream(t *testing.T) {
	srv := natstest.Start(t)
	js := srv.Connect().JetStream()
	ctx := ctxT(t)

	tests := []struct {
		name     string
		cfg      jetstream.StreamConfig
		subjects []string
		perSubj  int64
		dup      time.Duration
	}{
		{
			name:     "signals keep duplicates for a day",
			cfg:      natsjs.SignalsConfig("SIGNALS", natsjs.DefaultDuplicateWindow),
			subjects: []string{"signals.>", "alerts.>"},
			perSubj:  -1,
			dup:      24 * time.Hour,
		},
		{
			name:     "candles keep a window per subject",
			cfg:      natsjs.CandlesConfig("CANDLES", 1000),
			subjects: []string{"candles.>"},
			perSubj:  1000,
			dup:      2 * time.Minute,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i := range 2 { // the second run must change nothing
				s, err := natsjs.EnsureStream(ctx, js, tc.cfg)
				if err != nil {
					t.Fatalf("run %d: %v", i, err)
				}
				got := s.CachedInfo().Config
				if !slices.Equal(got.Subjects, tc.subjects) {
					t.Errorf("run %d: subjects %v, want %v",
						i, got.Subjects, tc.subjects)
				}
				if got.MaxMsgsPerSubject != tc.perSubj {
					t.Errorf("run %d: max msgs per subject %d, want %d",
						i, got.MaxMsgsPerSubject, tc.perSubj)
				}
				if got.Duplicates != tc.dup {
					t.Errorf("run %d: duplicates %v, want %v",
						i, got.Duplicates, tc.dup)
				}
				if got.Storage != jetstream.FileStorage {
					t.Errorf("run %d: storage %v, want file", i, got.Storage)
				}
			}
		})
	}
}

func TestEnsureStreamKeepsOperatorSettings(t *testing.T) {
	srv := natstest.Start(t)
	js := srv.Connect().JetStream()
	ctx := ctxT(t)

	// An operator made the stream keep more and listen on more subjects.
	cfg := natsjs.CandlesConfig("CANDLES", 5000)
	cfg.Subjects = append(cfg.Subjects, "ticks.>")
	cfg.MaxAge = 72 * time.Hour
	if _, err := js.CreateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}

	s, err := natsjs.EnsureStream(ctx, js, natsjs.CandlesConfig("CANDLES", 1000))
	if err != nil {
		t.Fatal(err)
	}
	got := s.CachedInfo().Config
	if got.MaxMsgsPerSubject != 5000 {
		t.Errorf("max msgs per subject %d, want 5000 (never shrinks)",
			got.MaxMsgsPerSubject)
	}
	if !slices.Equal(got.Subjects, []string{"candles.>", "ticks.>"}) {
		t.Errorf("subjects %v, want the operator's kept", got.Subjects)
	}
	if got.MaxAge != 72*time.Hour {
		t.Errorf("max age %v, want the operator's 72h", got.MaxAge)
	}

	// A larger window grows the stream.
	s, err = natsjs.EnsureStream(ctx, js, natsjs.CandlesConfig("CANDLES", 8000))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.CachedInfo().Config.MaxMsgsPerSubject; got != 8000 {
		t.Errorf("max msgs per subject %d, want 8000", got)
	}
}

func TestDuplicateWindowDropsRepublish(t *testing.T) {
	srv := natstest.Start(t)
	js := srv.Connect().JetStream()
	ctx := ctxT(t)
	if _, err := natsjs.EnsureStream(ctx, js,
		natsjs.SignalsConfig("SIGNALS", time.Hour)); err != nil {
		t.Fatal(err)
	}

	var dups []bool
	for range 2 {
		ack, err := js.Publish(ctx, "signals.rsi.BTCUSDT", []byte(`{}`),
			jetstream.WithMsgID("sig-1"))
		if err != nil {
			t.Fatal(err)
		}
		dups = append(dups, ack.Duplicate)
	}
	if !slices.Equal(dups, []bool{false, true}) {
		t.Errorf("duplicate flags %v, want [false true]", dups)
	}
}

// TestReadiness is BC-28: readiness follows the connection, liveness
// fails only once the connection is closed for good.
func TestReadiness(t *testing.T) {
	t.Run("stop and restart", func(t *testing.T) {
		srv := natstest.Start(t)
		var ups, downs atomic.Int32
		c := srv.Connect(natsjs.WithStatusFunc(func(up bool) {
			if up {
				ups.Add(1)
			} else {
				downs.Add(1)
			}
		}))
		ctx := ctxT(t)
		if err := c.Ready(ctx); err != nil {
			t.Fatalf("ready before stop: %v", err)
		}

		srv.Stop()
		natstest.Eventually(t, 2*time.Second, "ready after stop", func() bool {
			return errors.Is(c.Ready(ctx), natsjs.ErrNotConnected)
		})
		if err := c.Live(ctx); err != nil {
			t.Errorf("live while reconnecting: %v", err)
		}

		srv.Restart()
		natstest.Eventually(t, natsjs.DefaultReconnectWait+time.Second,
			"not ready after restart", func() bool {
				return c.Ready(ctx) == nil
			})
		natstest.Eventually(t, time.Second, "status callbacks", func() bool {
			return ups.Load() >= 2 && downs.Load() >= 1
		})
	})

	t.Run("closed for good", func(t *testing.T) {
		srv := natstest.Start(t)
		c := srv.Connect(natsjs.WithMaxReconnects(1),
			natsjs.WithReconnectWait(50*time.Millisecond))
		ctx := ctxT(t)

		srv.Stop()
		natstest.Eventually(t, 5*time.Second, "live after close", func() bool {
			return errors.Is(c.Live(ctx), natsjs.ErrClosed)
		})
		srv.Restart()
		time.Sleep(200 * time.Millisecond) // a closed conn stays closed
		if err := c.Live(ctx); !errors.Is(err, natsjs.ErrClosed) {
			t.Errorf("live after restart = %v, want ErrClosed", err)
		}
	})

	t.Run("silent drop", func(t *testing.T) {
		srv := natstest.Start(t)
		proxy := natstest.NewProxy(t, srv.URL)
		ctx := ctxT(t)
		c, err := natsjs.Connect(ctx, proxy.URL,
			natsjs.WithPingInterval(100*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()

		proxy.Pause() // no FIN: only missed pongs tell
		natstest.Eventually(t, 2*time.Second, "ready after silent drop",
			func() bool { return c.Ready(ctx) != nil })
		proxy.Resume()
		natstest.Eventually(t, 5*time.Second, "not ready after resume",
			func() bool { return c.Ready(ctx) == nil })
	})
}

func TestDefaultsDetectSilentDrop(t *testing.T) {
	srv := natstest.Start(t)
	o := srv.Connect().NATS().Opts
	// BC-28 c: detection within about 30 s needs PingInterval <= 10 s.
	if o.PingInterval > 10*time.Second || o.MaxPingsOut != 2 {
		t.Errorf("ping interval %v, max pings out %d; want <= 10s and 2",
			o.PingInterval, o.MaxPingsOut)
	}
	if o.ReconnectWait != time.Second || o.MaxReconnect != -1 {
		t.Errorf("reconnect wait %v, max reconnects %d; want 1s and -1",
			o.ReconnectWait, o.MaxReconnect)
	}
}

func TestConnectWaitsForServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "nats://" + ln.Addr().String()
	ln.Close() // nothing listens there now

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = natsjs.Connect(ctx, url,
		natsjs.WithReconnectWait(50*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("connect to nothing = %v, want deadline exceeded", err)
	}
}

// TestFailedAttemptsWarnedAndCounted: while no server answers, every
// failed attempt reaches the error func, and a warning is logged at most
// once per warn interval, carrying the attempts it stands for.
func TestFailedAttemptsWarnedAndCounted(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "nats://" + ln.Addr().String()
	ln.Close() // nothing listens there now

	core, logs := observer.New(zapcore.DebugLevel)
	var failed atomic.Int64
	const wait, every = time.Second, 300 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	_, err = natsjs.Connect(ctx, url, natsjs.WithLogger(zap.New(core)),
		natsjs.WithReconnectWait(20*time.Millisecond),
		natsjs.WithWarnInterval(every),
		natsjs.WithErrorFunc(func(error) { failed.Add(1) }))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("connect to nothing = %v, want deadline exceeded", err)
	}

	warned := logs.FilterMessage("nats connection attempt failed").All()
	n := failed.Load()
	if n < 5 {
		t.Errorf("%d failed attempts counted in %v, want at least 5", n, wait)
	}
	if len(warned) < 1 || len(warned) > int(wait/every)+1 {
		t.Fatalf("%d warnings in %v, want 1 to %d", len(warned), wait,
			int(wait/every)+1)
	}
	sum := int64(0)
	for i, w := range warned {
		if w.Level != zapcore.WarnLevel {
			t.Errorf("warning %d at level %v", i, w.Level)
		}
		k := w.ContextMap()["failed_attempts"].(int64)
		if i == 0 && k != 1 {
			t.Errorf("first warning stands for %d attempts, want 1", k)
		}
		sum += k
	}
	if len(warned) > 1 && sum <= int64(len(warned)) {
		t.Errorf("warnings stand for %d attempts, want the ones between "+
			"counted too", sum)
	}
	if sum > n {
		t.Errorf("warnings stand for %d attempts, %d counted", sum, n)
	}
}

func TestValidateURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"nats://127.0.0.1:4222", true},
		{"nats://nats", true},
		{"tls://user:secret@nats.example.com:4443", true},
		{"ws://nats:8080", true},
		{"wss://nats.example.com/nats", true},
		{"nats://[::1]:4222", true},
		{"127.0.0.1:4222", true},
		{"nats://a:4222, nats://b:4222,c:4222", true},
		{"garbage", false},
		{"", false},
		{"4222", false},
		{"http://nats:4222", false},
		{"nats://", false},
		{"nats://:4222", false},
		{"nats://host:notaport", false},
		{"nats://host:70000", false},
		{"nats://host:", false},
		{"nats://host/path", false},
		{"nats://host?x=1", false},
		{"nats://a:4222,,nats://b:4222", false},
		{"nats://a:4222,garbage", false},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			err := natsjs.ValidateURL(tc.url)
			if (err == nil) != tc.ok {
				t.Errorf("ValidateURL(%q) = %v, want ok %t", tc.url, err,
					tc.ok)
			}
			if err != nil && !errors.Is(err, natsjs.ErrBadURL) {
				t.Errorf("error %v does not wrap ErrBadURL", err)
			}
		})
	}
}

func TestValidateURLHidesPassword(t *testing.T) {
	for _, url := range []string{"tls://user:secret@host:notaport",
		"user:secret@host", "ftp://user:secret@host:4222"} {
		err := natsjs.ValidateURL(url)
		if err == nil || strings.Contains(err.Error(), "secret") {
			t.Errorf("ValidateURL(%q) = %v, want an error without the "+
				"password", url, err)
		}
	}
}

func TestPublishWhileDisconnectedFailsFast(t *testing.T) {
	srv := natstest.Start(t)
	c := srv.Connect()
	ctx := ctxT(t)
	if _, err := natsjs.EnsureStream(ctx, c.JetStream(),
		natsjs.SignalsConfig("SIGNALS", time.Hour)); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	natstest.Eventually(t, 2*time.Second, "still connected", func() bool {
		return c.Status() != nats.CONNECTED
	})

	start := time.Now()
	_, err := c.JetStream().Publish(ctx, "signals.a.B", []byte(`{}`))
	if err == nil {
		t.Fatal("publish while disconnected succeeded")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("publish took %v to fail, want fast", d)
	}
}

func TestDrain(t *testing.T) {
	srv := natstest.Start(t)
	c := srv.Connect()
	if err := c.Drain(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if !c.NATS().IsClosed() {
		t.Error("connection open after drain")
	}
	if err := c.Drain(ctxT(t)); err != nil {
		t.Errorf("second drain: %v", err)
	}
}

// TestOwnCloseIsNoWarning: a connection the caller closes or drains
// logs its end at info; a server that goes away is a warning.
func TestOwnCloseIsNoWarning(t *testing.T) {
	tests := []struct {
		name string
		end  func(srv *natstest.Server, c *natsjs.Conn)
		want zapcore.Level
	}{
		{"close", func(_ *natstest.Server, c *natsjs.Conn) { c.Close() },
			zapcore.InfoLevel},
		{"drain", func(_ *natstest.Server, c *natsjs.Conn) {
			c.Drain(context.Background())
		}, zapcore.InfoLevel},
		{"server stops", func(srv *natstest.Server, _ *natsjs.Conn) {
			srv.Stop()
		}, zapcore.WarnLevel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := natstest.Start(t)
			core, logs := observer.New(zapcore.DebugLevel)
			c, err := natsjs.Connect(ctxT(t), srv.URL,
				natsjs.WithLogger(zap.New(core)))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(c.Close)
			tt.end(srv, c)
			natstest.Eventually(t, 5*time.Second, "a logged disconnection",
				func() bool {
					return logs.FilterMessage("nats disconnected").Len() > 0
				})
			for _, e := range logs.FilterMessage("nats disconnected").All() {
				if e.Level != tt.want {
					t.Errorf("disconnection logged at %v, want %v",
						e.Level, tt.want)
				}
			}
		})
	}
}

func ExampleStartEmbedded() {
	dir, _ := os.MkdirTemp("", "nats")
	defer os.RemoveAll(dir)
	srv, url, err := natsjs.StartEmbedded(dir, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.WaitForShutdown()
	defer srv.Shutdown()

	ctx := context.Background()
	c, err := natsjs.Connect(ctx, url, natsjs.WithName("example"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	s, err := natsjs.EnsureStream(ctx, c.JetStream(),
		natsjs.SignalsConfig(natsjs.DefaultSignalsStream,
			natsjs.DefaultDuplicateWindow))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.CachedInfo().Config.Name, s.CachedInfo().Config.Duplicates)
	// Output: SIGNALS 24h0m0s
}
