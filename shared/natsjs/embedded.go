package natsjs

import (
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// ErrServerNotReady is returned when an embedded server does not accept
// connections in time.
var ErrServerNotReady = errors.New("nats server not ready")

// embeddedStartTimeout bounds how long StartEmbedded waits for the server.
const embeddedStartTimeout = 10 * time.Second

// StartEmbedded starts a nats-server with JetStream on 127.0.0.1 that
// stores its streams under dir, and returns it with its client URL. Port
// 0 picks a free port; a restarted server passes the port it had. The
// caller shuts it down with Shutdown and WaitForShutdown.
func StartEmbedded(dir string, port int) (*server.Server, string, error) {
	if port == 0 {
		port = server.RANDOM_PORT
	}
	opts := &server.Options{
		ServerName: "tabot-embedded",
		Host:       "127.0.0.1",
		Port:       port,
		JetStream:  true,
		StoreDir:   dir,
		NoLog:      true,
		NoSigs:     true,
		// No HTTP monitoring, no cluster: a private, local server.
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, "", fmt.Errorf("embedded nats: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(embeddedStartTimeout) {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, "", fmt.Errorf("embedded nats: %w", ErrServerNotReady)
	}
	return srv, srv.ClientURL(), nil
}
