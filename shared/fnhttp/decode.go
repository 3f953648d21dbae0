package fnhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/cloudevents/sdk-go/v2/binding"
	"github.com/cloudevents/sdk-go/v2/binding/format"
	ce "github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"

	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/metrics"
)

// BareWindowSource is the source of an event wrapped around a bare
// candle-window body.
const BareWindowSource = "/tabot/http"

// Decode turns a request's header and body into a CloudEvent. It takes
// four forms:
//   - binary content mode (ce-specversion header, data in the body);
//   - structured content mode (Content-Type application/cloudevents+json);
//   - a JSON object holding specversion, with Content-Type
//     application/json or none at all (the OpenFaaS NATS connector drops
//     headers);
//   - a bare candle window ({"symbol","interval","candles"}), wrapped as
//     an io.tabot.candles.v1 event.
//
// Any other body is an error wrapping ErrBadRequest or ErrUnsupported.
func Decode(h http.Header, body []byte) (*ce.Event, error) {
	ct := h.Get("Content-Type")
	mt := ""
	if ct != "" {
		var err error
		if mt, _, err = mime.ParseMediaType(ct); err != nil {
			return nil, unsupported("content type %q", ct)
		}
	}
	switch {
	case mt == ce.ApplicationCloudEventsJSON:
		return decodeStructured(body)
	case mt == ce.ApplicationCloudEventsBatchJSON:
		return nil, unsupported("batched content mode")
	case format.IsFormat(mt):
		return nil, unsupported("event format %q", mt)
	case h.Get("Ce-Specversion") != "":
		return decodeBinary(h, body)
	case mt == "" || isJSON(mt):
		return decodeJSON(body)
	default:
		return nil, unsupported("content type %q without ce- headers", mt)
	}
}

func decodeBinary(h http.Header, body []byte) (*ce.Event, error) {
	msg := cehttp.NewMessage(h.Clone(), io.NopCloser(bytes.NewReader(body)))
	e, err := binding.ToEvent(context.Background(), msg)
	if err != nil {
		return nil, badBody("binary event: %v", err)
	}
	return valid(e)
}

func decodeStructured(body []byte) (*ce.Event, error) {
	fields, err := object(body)
	if err != nil {
		return nil, err
	}
	return structured(body, fields)
}

// decodeJSON decodes a body that is JSON but not said to be a CloudEvent.
func decodeJSON(body []byte) (*ce.Event, error) {
	fields, err := object(body)
	if err != nil {
		return nil, err
	}
	if _, ok := fields["specversion"]; ok {
		return structured(body, fields)
	}
	if _, ok := fields["candles"]; ok {
		return wrapWindow(body)
	}
	return nil, badBody("body is neither a CloudEvent (no specversion) " +
		"nor a candle window (no candles)")
}

// object decodes body as one JSON object.
func object(body []byte) (map[string]json.RawMessage, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badBody("empty body")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, badBody("body is not a JSON object: %v", err)
	}
	if fields == nil {
		return nil, badBody("body is not a JSON object: null")
	}
	return fields, nil
}

// structured decodes a structured-mode event. The sdk treats only a few
// media types as JSON and wants the data of any other as a string; per
// the JSON event format (§3.1.1) every */json and */*+json type holds
// a JSON value, so such an event is read as application/json and its
// datacontenttype restored after.
// TODO: use shared/event/cejson.Parse once it is on main, so structured
// events are read in one place for HTTP and NATS.
func structured(body []byte, fields map[string]json.RawMessage) (
	*ce.Event, error) {
	var dct string
	if raw, ok := fields["datacontenttype"]; ok {
		_ = json.Unmarshal(raw, &dct) // a non-string fails below
	}
	mt, _, _ := mime.ParseMediaType(dct)
	data, hasData := fields["data"]
	if isJSON(mt) && !sdkJSON(mt) && hasData &&
		!bytes.HasPrefix(bytes.TrimSpace(data), []byte(`"`)) {
		fields["datacontenttype"] = json.RawMessage(`"application/json"`)
		var err error
		if body, err = json.Marshal(fields); err != nil {
			return nil, badBody("structured event: %v", err)
		}
	}
	var e ce.Event
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, badBody("structured event: %v", err)
	}
	if dct != "" && e.DataContentType() != dct {
		if err := e.Context.SetDataContentType(dct); err != nil {
			return nil, badBody("structured event: %v", err)
		}
	}
	return valid(&e)
}

// wrapWindow wraps a bare candle-window body as a TypeCandles event.
// TODO: replace with shared/event's window constructor once merged, so
// ids, source and extensions are built in one place.
func wrapWindow(body []byte) (*ce.Event, error) {
	var w event.Window
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, badBody("candle window: %v", err)
	}
	if w.Symbol == "" || w.Interval == "" || len(w.Candles) == 0 {
		return nil, badBody("candle window needs symbol, interval " +
			"and at least one candle")
	}
	last := w.Candles[len(w.Candles)-1]
	e := ce.New()
	e.SetID(event.WindowID(w.Symbol, w.Interval, last.OpenTime))
	e.SetType(event.TypeCandles)
	e.SetSource(BareWindowSource)
	e.SetSubject(w.Symbol + "/" + w.Interval)
	e.SetExtension(event.ExtSymbol, w.Symbol)
	e.SetExtension(event.ExtInterval, w.Interval)
	e.SetDataContentType(ce.ApplicationJSON)
	e.DataEncoded = body
	return valid(&e)
}

// valid checks e's attributes; only CloudEvents 1.0 is taken.
func valid(e *ce.Event) (*ce.Event, error) {
	if v := e.SpecVersion(); v != ce.CloudEventsVersionV1 {
		return nil, badBody("specversion %q, want %q", v,
			ce.CloudEventsVersionV1)
	}
	if err := e.Validate(); err != nil {
		return nil, badBody("invalid event: %s", oneLine(err.Error()))
	}
	return e, nil
}

// IsJSON reports whether the media type mt (parameters stripped) holds
// JSON: empty (CloudEvents says to assume JSON), */json or */*+json.
func IsJSON(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && isJSON(mt)
}

func isJSON(mt string) bool {
	return mt == "" || strings.HasSuffix(mt, "/json") ||
		strings.HasSuffix(mt, "+json")
}

// sdkJSON reports whether the sdk reads data of type mt as a JSON value.
func sdkJSON(mt string) bool {
	switch mt {
	case "", ce.ApplicationJSON, ce.TextJSON, ce.ApplicationCloudEventsJSON,
		ce.ApplicationCloudEventsBatchJSON:
		return true
	}
	return false
}

func badBody(format string, args ...any) error {
	return WithType(metrics.ErrDecode, fmt.Errorf("%w: %s", ErrBadRequest,
		fmt.Sprintf(format, args...)))
}

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, args...))
}

// oneLine joins the lines of s, for a reason sent back in one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
