package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/tabot-functions/tabot/shared/event"
)

const (
	csvFile    = "testdata/send/btcusdt_1h.csv"
	windowFile = "testdata/send/window.json"
	// lastOpen is the open time of the CSV's last candle.
	lastOpen = 1636801200000
)

// request is what the test function saw of one POST.
type request struct {
	header http.Header
	host   string
	window event.Window
	err    string
}

// function starts a function on 127.0.0.1 that records each request
// and answers with status, and for a 200 a binary-mode signal event.
func function(t testing.TB, status int, body string) (string,
	func() []request) {
	t.Helper()
	var mu sync.Mutex
	var got []request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter,
		r *http.Request) {
		req := request{header: r.Header.Clone(), host: r.Host}
		b, _ := io.ReadAll(r.Body)
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req.window); err != nil {
			req.err = err.Error()
		}
		mu.Lock()
		got = append(got, req)
		mu.Unlock()
		if status == http.StatusOK {
			w.Header().Set("Ce-Specversion", "1.0")
			w.Header().Set("Ce-Id", "0123456789abcdef0123456789abcdef")
			w.Header().Set("Ce-Type", event.TypeSignal)
			w.Header().Set("Ce-Source", "/tabot/strategy/momentum_pulse")
			w.Header().Set("Ce-Strategy", "momentum_pulse")
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []request {
		mu.Lock()
		defer mu.Unlock()
		return append([]request(nil), got...)
	}
}

func sendArgs(url string, more ...string) []string {
	return append([]string{"send", "-to", url}, more...)
}

func TestSendPostsBinaryModeEvent(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		wantCandles int
		wantLast    int64
		wantHost    string
	}{
		{"csv", []string{"-candles", csvFile, "-symbol", "BTCUSDT",
			"-interval", "1h"}, 300, lastOpen, ""},
		{"csv window", []string{"-candles", csvFile, "-symbol", "BTCUSDT",
			"-interval", "1h", "-window", "50"}, 50, lastOpen, ""},
		{"csv at", []string{"-candles", csvFile, "-symbol", "BTCUSDT",
			"-interval", "1h", "-window", "10", "-at", "1636794000000"},
			10, 1636794000000, ""},
		{"json", []string{"-data", windowFile}, 60, lastOpen, ""},
		{"host header", []string{"-data", windowFile, "-host",
			"strategy-momentum-pulse.tabot.svc.cluster.local"}, 60, lastOpen,
			"strategy-momentum-pulse.tabot.svc.cluster.local"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, requests := function(t, http.StatusOK, `{"action":"buy"}`)
			var out, errb bytes.Buffer
			code := run(context.Background(), sendArgs(url, tt.args...),
				&out, &errb)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			reqs := requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.err != "" {
				t.Fatalf("body is not a bare window: %s", r.err)
			}
			wantHeaders := map[string]string{
				"Ce-Specversion": "1.0",
				"Ce-Type":        event.TypeCandles,
				"Ce-Source":      sendSource,
				"Ce-Id":          event.WindowID("BTCUSDT", "1h", tt.wantLast),
				"Ce-Subject":     "BTCUSDT/1h",
				"Ce-Symbol":      "BTCUSDT",
				"Ce-Interval":    "1h",
				"Content-Type":   "application/json",
			}
			for k, want := range wantHeaders {
				if got := r.header.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			if got := len(r.window.Candles); got != tt.wantCandles {
				t.Errorf("%d candles, want %d", got, tt.wantCandles)
			}
			if n := len(r.window.Candles); n > 0 &&
				r.window.Candles[n-1].OpenTime != tt.wantLast {
				t.Errorf("last candle opened at %d, want %d",
					r.window.Candles[n-1].OpenTime, tt.wantLast)
			}
			if tt.wantHost != "" && r.host != tt.wantHost {
				t.Errorf("host %q, want %q", r.host, tt.wantHost)
			}
			if !strings.Contains(out.String(), `"type": "`+
				event.TypeSignal+`"`) || !strings.Contains(out.String(),
				`"strategy": "momentum_pulse"`) {
				t.Errorf("reply not printed as an event:\n%s", out.String())
			}
			if !strings.HasPrefix(errb.String(), "200 OK") {
				t.Errorf("status line %q, want 200 OK", errb.String())
			}
		})
	}
}

func TestSendAnswers(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		code    int
		wantOut string
		wantErr string
	}{
		{"nothing to say", http.StatusAccepted, "", 0, "", "202 Accepted"},
		{"refused", http.StatusBadRequest,
			"window holds 10 candles, momentum_pulse needs 50\n", 1, "",
			"400 Bad Request: window holds 10 candles, momentum_pulse needs 50"},
		{"transient", http.StatusServiceUnavailable, "nats down", 1, "",
			"503 Service Unavailable: nats down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, requests := function(t, tt.status, tt.body)
			var out, errb bytes.Buffer
			code := run(context.Background(), sendArgs(url, "-data",
				windowFile), &out, &errb)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if len(requests()) != 1 {
				t.Errorf("%d requests, want 1", len(requests()))
			}
			if out.String() != tt.wantOut {
				t.Errorf("stdout %q, want %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errb.String(), tt.wantErr) {
				t.Errorf("stderr %q, want %q", errb.String(), tt.wantErr)
			}
		})
	}
}

func TestSendRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	url, requests := function(t, http.StatusOK, "")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no target", []string{"send", "-data", windowFile}, 2,
			"-to is required"},
		{"no input", sendArgs(url), 2, "one of -data and -candles"},
		{"both inputs", sendArgs(url, "-data", windowFile, "-candles",
			csvFile), 2, "one of -data and -candles"},
		{"csv without symbol", sendArgs(url, "-candles", csvFile), 2,
			"needs -symbol and -interval"},
		{"bad url", []string{"send", "-to", "localhost:8080", "-data",
			windowFile}, 2, "want an http(s) URL"},
		{"missing file", sendArgs(url, "-data", dir+"/none.json"), 1,
			"no such file"},
		{"lower-case symbol", sendArgs(url, "-candles", csvFile,
			"-symbol", "btcusdt", "-interval", "1h"), 1, `symbol "btcusdt"`},
		{"bad interval", sendArgs(url, "-candles", csvFile, "-symbol",
			"BTCUSDT", "-interval", "hourly"), 1, `interval "hourly"`},
		{"symbol differs", sendArgs(url, "-data", windowFile, "-symbol",
			"ETHUSDT"), 1, "-symbol ETHUSDT, but the file says BTCUSDT"},
		{"unknown at", sendArgs(url, "-data", windowFile, "-at", "42"), 1,
			"no candle opened at 42"},
		{"bad csv header", sendArgs(url, "-candles", write("h.csv",
			"time,open,high,low,close,volume\n1,1,1,1,1,1\n"), "-symbol",
			"BTCUSDT", "-interval", "1h"), 1, "no open_time column"},
		{"bad csv number", sendArgs(url, "-candles", write("n.csv",
			"open_time,open,high,low,close,volume\n"+
				"1636588800000,1,2,0.5,one,3\n"), "-symbol", "BTCUSDT",
			"-interval", "1h"), 1, "line 2: close"},
		{"broken candle", sendArgs(url, "-candles", write("b.csv",
			"open_time,open,high,low,close,volume\n"+
				"1636588800000,10,9,8,9,1\n"), "-symbol", "BTCUSDT",
			"-interval", "1h"), 1, "line 2: invalid candle"},
		{"unsorted", sendArgs(url, "-candles", write("u.csv",
			"open_time,open,high,low,close,volume\n"+
				"1636592400000,1,2,0.5,1,1\n1636588800000,1,2,0.5,1,1\n"),
			"-symbol", "BTCUSDT", "-interval", "1h"), 1, "not after"},
		{"unknown json field", sendArgs(url, "-data", write("w.json",
			`{"symbol":"BTCUSDT","interval":"1h","candle":[]}`)), 1,
			"candles is missing"},
		{"empty window", sendArgs(url, "-data", write("e.json",
			`{"symbol":"BTCUSDT","interval":"1h","candles":[]}`)), 1,
			"candles is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errb)
			if code != tt.code || !strings.Contains(errb.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code,
					errb.String(), tt.code, tt.want)
			}
		})
	}
	if n := len(requests()); n != 0 {
		t.Errorf("%d requests sent for bad input, want 0", n)
	}
}

func TestSendUnreachable(t *testing.T) {
	// A closed port on the loopback: the connection is refused.
	srv := httptest.NewServer(http.NotFoundHandler())
	dead := srv.URL
	srv.Close()
	var out, errb bytes.Buffer
	code := run(context.Background(), sendArgs(dead, "-data", windowFile),
		&out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "post "+dead) {
		t.Errorf("exit %d, stderr %q; want 1 and the URL", code,
			errb.String())
	}
}
