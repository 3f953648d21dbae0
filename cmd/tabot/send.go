package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/binding"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
)

// errRejected marks an answer outside 2xx from the function.
var errRejected = errors.New("rejected")

// sendSource is the CloudEvent source of the windows tabot send posts.
const sendSource = "/tabot/send"

func sendCommand() command {
	return command{
		summary: "post a candle window CloudEvent to a function, like kn event send",
		run:     runSend,
	}
}

// sendFlags are the flags of tabot send.
type sendFlags struct {
	to, host, data, candles string
	symbol, interval        string
	window                  int
	at                      int64
	timeout                 time.Duration
}

func runSend(ctx context.Context, args []string,
	stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tabot send -to URL (-data FILE | "+
			"-candles CSV -symbol S -interval I) [flags]\n\n"+
			"Posts a candle window as a binary-mode CloudEvent of type "+
			event.TypeCandles+" and prints the reply event.")
		fs.PrintDefaults()
	}
	var f sendFlags
	fs.StringVar(&f.to, "to", "", "URL of the function (required)")
	fs.StringVar(&f.host, "host", "", "Host header, e.g. a Knative "+
		"Service's host through a port-forwarded ingress")
	fs.StringVar(&f.data, "data", "", "JSON window file: "+
		`{"symbol":..,"interval":..,"candles":[..]}`)
	fs.StringVar(&f.candles, "candles", "", "CSV file with the header "+
		"open_time,open,high,low,close,volume")
	fs.StringVar(&f.symbol, "symbol", "", "symbol, e.g. BTCUSDT")
	fs.StringVar(&f.interval, "interval", "", "interval, e.g. 15m")
	fs.IntVar(&f.window, "window", 1000, "candles in the window, the "+
		"last one included")
	fs.Int64Var(&f.at, "at", 0, "open time (ms) of the window's last "+
		"candle; default the file's last")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "request timeout")
	if err := fs.Parse(args); err != nil {
		return usageError(err)
	}
	if err := f.check(fs.NArg()); err != nil {
		fs.Usage()
		return fmt.Errorf("%w: %v", errUsage, err)
	}

	w, err := f.load()
	if err != nil {
		return err
	}
	ev, err := windowEvent(w)
	if err != nil {
		return err
	}
	return post(ctx, f, ev, stdout, stderr)
}

func (f sendFlags) check(nargs int) error {
	switch {
	case nargs > 0:
		return errors.New("unexpected arguments")
	case f.to == "":
		return errors.New("-to is required")
	case (f.data == "") == (f.candles == ""):
		return errors.New("give one of -data and -candles")
	case f.candles != "" && (f.symbol == "" || f.interval == ""):
		return errors.New("-candles needs -symbol and -interval")
	case f.window < 1:
		return errors.New("-window must be at least 1")
	}
	u, err := url.Parse(f.to)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
		u.Host == "" {
		return fmt.Errorf("-to %q: want an http(s) URL", f.to)
	}
	return nil
}

// load reads the window the flags name.
func (f sendFlags) load() (event.Window, error) {
	var w event.Window
	if f.data != "" {
		b, err := os.ReadFile(f.data)
		if err != nil {
			return w, err
		}
		w, err = event.DecodeWindowJSON(b)
		if err != nil {
			return w, fmt.Errorf("%s: %w", f.data, err)
		}
		for _, o := range []struct{ flag, file, name string }{
			{f.symbol, w.Symbol, "symbol"},
			{f.interval, w.Interval, "interval"},
		} {
			if o.flag != "" && o.flag != o.file {
				return w, fmt.Errorf("-%s %s, but the file says %s",
					o.name, o.flag, o.file)
			}
		}
	} else {
		if err := candle.ValidateSymbol(f.symbol); err != nil {
			return w, err
		}
		if _, err := candle.ParseInterval(f.interval); err != nil {
			return w, err
		}
		cs, err := readCandleFile(f.candles)
		if err != nil {
			return w, err
		}
		w = event.Window{Symbol: f.symbol, Interval: f.interval, Candles: cs}
	}
	cs, err := lastWindow(w.Candles, f.at, f.window)
	if err != nil {
		return w, err
	}
	w.Candles = cs
	w.Missing = candle.Missing(candle.Interval(w.Interval), cs)
	return w, w.Validate()
}

// lastWindow returns the n candles up to the one that opened at at
// (the last one when at is 0).
func lastWindow(cs []candle.Candle, at int64, n int) ([]candle.Candle, error) {
	end := len(cs)
	if at != 0 {
		end = -1
		for i, c := range cs {
			if c.OpenTime == at {
				end = i + 1
				break
			}
		}
		if end < 0 {
			return nil, fmt.Errorf("no candle opened at %d", at)
		}
	}
	return cs[max(0, end-n):end], nil
}

// windowEvent builds the candle event of w as the candle-source does,
// with tabot send as its source.
func windowEvent(w event.Window) (cloudevents.Event, error) {
	e, err := event.NewWindowEvent(w, "")
	if err != nil {
		return e, err
	}
	e.SetSource(sendSource)
	return e, nil
}

// post sends ev in binary mode and prints the reply: the status line on
// stderr, a reply event as JSON on stdout. An answer outside 2xx is an
// error carrying the function's reason.
func post(ctx context.Context, f sendFlags, ev cloudevents.Event,
	stdout, stderr io.Writer) error {
	opts := []cehttp.Option{cehttp.WithTarget(f.to),
		cehttp.WithClient(http.Client{Timeout: f.timeout})}
	if f.host != "" {
		opts = append(opts, cehttp.WithHost(f.host))
	}
	p, err := cehttp.New(opts...)
	if err != nil {
		return err
	}
	ctx = binding.WithForceBinary(ctx)
	reply, res := p.Request(ctx, binding.ToMessage(&ev))
	var hr *cehttp.Result
	if !errors.As(res, &hr) {
		return fmt.Errorf("post %s: %w", f.to, res)
	}
	msg, ok := reply.(*cehttp.Message)
	if !ok || msg == nil {
		return fmt.Errorf("post %s: no response", f.to)
	}
	defer msg.Finish(nil)

	status := fmt.Sprintf("%d %s", hr.StatusCode,
		http.StatusText(hr.StatusCode))
	fmt.Fprintln(stderr, status)
	if hr.StatusCode/100 != 2 || msg.ReadEncoding() == binding.EncodingUnknown {
		body, err := io.ReadAll(io.LimitReader(msg.BodyReader, 64<<10))
		if err != nil {
			return fmt.Errorf("read reply: %w", err)
		}
		body = bytes.TrimSpace(body)
		if hr.StatusCode/100 != 2 {
			return fmt.Errorf("%w: %s: %s", errRejected, status, body)
		}
		if len(body) > 0 {
			fmt.Fprintf(stdout, "%s\n", body)
		}
		return nil
	}
	out, err := binding.ToEvent(ctx, msg)
	if err != nil {
		return fmt.Errorf("decode reply: %w", err)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", b)
	return nil
}
