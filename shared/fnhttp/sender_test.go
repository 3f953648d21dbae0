package fnhttp_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	ce "github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"

	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/fnhttp"
)

func signalEvent(tb testing.TB) ce.Event {
	tb.Helper()
	e := ce.New()
	e.SetID("0123abcd")
	e.SetSource("/tabot/strategy/momentum_pulse")
	e.SetType(event.TypeSignal)
	if err := e.SetData(ce.ApplicationJSON, map[string]string{
		"action": "buy"}); err != nil {
		tb.Fatal(err)
	}
	return e
}

func TestSenderBinaryMode(t *testing.T) {
	var mu sync.Mutex
	var got *ce.Event
	var header http.Header
	sink := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			e, err := cehttp.NewEventFromHTTPRequest(r)
			if err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			mu.Lock()
			got, header = e, r.Header.Clone()
			mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
		}))
	t.Cleanup(sink.Close)

	err := fnhttp.NewSender(sink.URL, nil).Send(context.Background(),
		signalEvent(t))

	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got == nil || got.ID() != "0123abcd" || got.Type() != event.TypeSignal {
		t.Fatalf("sink got %v", got)
	}
	if header.Get("Ce-Id") != "0123abcd" ||
		header.Get("Content-Type") != "application/json" {
		t.Errorf("headers = %v, want binary mode", header)
	}
}

func TestSenderStatus(t *testing.T) {
	tests := []struct {
		status          int
		wantErr         bool
		wantRejected    bool
		wantUnavailable bool
	}{
		{200, false, false, false},
		{202, false, false, false},
		{400, true, true, false},
		{404, true, true, false},
		{408, true, false, true},
		{429, true, false, true},
		{500, true, false, true},
		{503, true, false, true},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			sink := httptest.NewServer(http.HandlerFunc(
				func(w http.ResponseWriter, r *http.Request) {
					w.WriteHeader(tt.status)
				}))
			t.Cleanup(sink.Close)

			err := fnhttp.NewSender(sink.URL, nil).Send(
				context.Background(), signalEvent(t))

			if (err != nil) != tt.wantErr ||
				errors.Is(err, fnhttp.ErrRejected) != tt.wantRejected ||
				errors.Is(err, fnhttp.ErrUnavailable) != tt.wantUnavailable {
				t.Errorf("Send = %v, want error %v, rejected %v, "+
					"unavailable %v", err, tt.wantErr, tt.wantRejected,
					tt.wantUnavailable)
			}
		})
	}
}

func TestSenderUnreachable(t *testing.T) {
	sink := httptest.NewServer(http.NotFoundHandler())
	url := sink.URL
	sink.Close()

	err := fnhttp.NewSender(url, nil).Send(context.Background(),
		signalEvent(t))

	if !errors.Is(err, fnhttp.ErrUnavailable) ||
		errors.Is(err, fnhttp.ErrRejected) {
		t.Errorf("Send to a closed port = %v, want a retryable error", err)
	}
}

func TestSenderInvalidEvent(t *testing.T) {
	err := fnhttp.NewSender("http://127.0.0.1:1", nil).Send(
		context.Background(), ce.New())

	if err == nil {
		t.Error("Send of an event without id = nil, want an error")
	}
}
