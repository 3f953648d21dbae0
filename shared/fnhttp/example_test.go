package fnhttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	ce "github.com/cloudevents/sdk-go/v2/event"

	"github.com/tabot-functions/tabot/shared/fnhttp"
)

func Example() {
	// The handler answers every event with nothing to say (202); a
	// service returns its reply event, or an error wrapping ErrBadRequest,
	// ErrNotReady, ... to choose the status.
	handle := func(ctx context.Context, e ce.Event) (*ce.Event, error) {
		if e.Type() != "io.tabot.candles.v1" {
			return nil, fmt.Errorf("%w: event type %q", fnhttp.ErrUnsupported,
				e.Type())
		}
		return nil, nil
	}
	srv := fnhttp.New(fnhttp.Common{Version: "1.0.0"}, handle,
		fnhttp.Options{})
	srv.AddReadiness("signal_engine", func(context.Context) error {
		return nil
	})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	window := `{"symbol":"BTCUSDT","interval":"1m","candles":[` +
		`{"open_time":1704067200000,"open":1,"high":2,"low":0.5,` +
		`"close":1.5,"volume":10}]}`
	resp, _ := http.Post(ts.URL+"/", "", strings.NewReader(window))
	resp.Body.Close()
	fmt.Println("bare window:", resp.StatusCode)

	resp, _ = http.Post(ts.URL+"/", "text/plain", strings.NewReader("hi"))
	resp.Body.Close()
	fmt.Println("text:", resp.StatusCode)

	resp, _ = http.Get(ts.URL + "/ready")
	resp.Body.Close()
	fmt.Println("ready:", resp.StatusCode)
	// Output:
	// bare window: 202
	// text: 400
	// ready: 200
}
