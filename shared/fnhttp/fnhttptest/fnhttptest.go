// Package fnhttptest runs functions on loopback ports for tests and
// talks to them over real HTTP.
package fnhttptest

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Serve runs serve on a listener on 127.0.0.1:0 until stop is called or
// the test ends, and returns the function's base URL. stop waits for
// serve to return and fails tb if it returned an error.
func Serve(tb testing.TB,
	serve func(context.Context, net.Listener) error) (url string,
	stop func()) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				tb.Errorf("serve: %v", err)
			}
		})
	}
	tb.Cleanup(stop)
	return "http://" + ln.Addr().String(), stop
}

// Post sends body to url's POST / with the given headers; the response
// body is closed when the test ends.
func Post(tb testing.TB, url string, header map[string]string,
	body string) *http.Response {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/",
		strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { resp.Body.Close() })
	return resp
}
