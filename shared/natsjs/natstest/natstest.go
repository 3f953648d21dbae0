// Package natstest runs real nats-servers with JetStream for tests: on a
// random loopback port with a temporary store, restartable on the same
// port and store, and a TCP proxy that can freeze a connection without
// closing it.
package natstest

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/tabot-functions/tabot/shared/natsjs"
)

// Server is an embedded nats-server with JetStream owned by one test.
type Server struct {
	t    testing.TB
	dir  string
	port int

	mu  sync.Mutex
	srv *server.Server
	// URL is the client URL; it stays the same across restarts.
	URL string
}

// Start starts a server for t and shuts it down when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, dir: t.TempDir()}
	s.start()
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) start() {
	s.t.Helper()
	srv, url, err := natsjs.StartEmbedded(s.dir, s.port)
	if err != nil {
		s.t.Fatalf("start nats: %v", err)
	}
	s.mu.Lock()
	s.srv, s.URL = srv, url
	s.port = srv.Addr().(*net.TCPAddr).Port
	s.mu.Unlock()
}

// Stop shuts the server down; it is a no-op on a stopped server.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
	}
}

// Restart starts a stopped server again on the same port and store.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	s.start()
}

// Connect connects to the server with natsjs defaults changed by opts,
// and closes the connection when the test ends.
func (s *Server) Connect(opts ...natsjs.Option) *natsjs.Conn {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := natsjs.Connect(ctx, s.URL, opts...)
	if err != nil {
		s.t.Fatalf("connect: %v", err)
	}
	s.t.Cleanup(c.Close)
	return c
}

// Proxy forwards TCP connections to a server. Pause freezes every
// connection without closing it, like a peer that vanished without a
// FIN; Resume lets bytes through again.
type Proxy struct {
	ln     net.Listener
	target string
	// URL is the nats:// URL of the proxy.
	URL string

	mu     sync.Mutex
	cond   *sync.Cond
	paused bool
	closed bool
	conns  []net.Conn
}

// NewProxy starts a proxy to the nats:// or host:port address target and
// closes it when t ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p := &Proxy{ln: ln, target: strings.TrimPrefix(target, "nats://"),
		URL: "nats://" + ln.Addr().String()}
	p.cond = sync.NewCond(&p.mu)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// Pause stops forwarding bytes in both directions.
func (p *Proxy) Pause() { p.set(true) }

// Resume forwards bytes again after Pause.
func (p *Proxy) Resume() { p.set(false) }

func (p *Proxy) set(paused bool) {
	p.mu.Lock()
	p.paused = paused
	p.mu.Unlock()
	p.cond.Broadcast()
}

// wait blocks while the proxy is paused; it reports false once closed.
func (p *Proxy) wait() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.paused && !p.closed {
		p.cond.Wait()
	}
	return !p.closed
}

func (p *Proxy) accept() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		go p.pipe(in, out)
		go p.pipe(out, in)
	}
}

func (p *Proxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && p.wait() {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *Proxy) close() {
	p.ln.Close()
	p.mu.Lock()
	p.closed = true
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.cond.Broadcast()
}

// Eventually polls cond every 10ms until it returns true, and fails t
// with msg if it does not within d.
func Eventually(t testing.TB, d time.Duration, msg string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, msg)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
