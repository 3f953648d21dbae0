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
	"github.com/tabot-functions/tabot/shared/event/cejson"
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
//   - a bare candle window ({"symbol","interval","candles"}), validated
//     and wrapped as the io.tabot.candles.v1 event event.NewWindowEvent
//     builds, with source BareWindowSource.
//
// Any other body is an error wrapping ErrBadRequest (and, where they
// decided, cejson.ErrMalformed or event.ErrInvalid) or ErrUnsupported.
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
	if v := h.Get("Ce-Specversion"); v != ce.CloudEventsVersionV1 {
		return nil, badBody("specversion %q not supported, want %s", v,
			ce.CloudEventsVersionV1)
	}
	msg := cehttp.NewMessage(h.Clone(), io.NopCloser(bytes.NewReader(body)))
	e, err := binding.ToEvent(context.Background(), msg)
	if err != nil {
		return nil, badBody("binary event: %v", err)
	}
	return valid(e)
}

// decodeStructured reads a structured-mode event with cejson, which
// keeps the data of any JSON content type as a JSON value.
func decodeStructured(body []byte) (*ce.Event, error) {
	e, err := cejson.Parse(body)
	if err != nil {
		if reason := attributeError(body); reason != "" {
			return nil, badBody("structured event: %w: %s",
				cejson.ErrMalformed, reason)
		}
		return nil, badBody("structured event: %w", err)
	}
	return &e, nil
}

// stringAttributes are the context attributes a JSON event holds as
// strings.
var stringAttributes = []string{"specversion", "id", "source", "type",
	"subject", "datacontenttype", "dataschema", "time"}

// attributeError says which attribute of a structured event body that
// did not parse is wrong, in words the sender understands, or "" when
// it cannot tell: the JSON decoder's own message names byte offsets.
func attributeError(body []byte) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return ""
	}
	for _, name := range stringAttributes {
		raw, ok := fields[name]
		if ok && (len(raw) == 0 || raw[0] != '"') {
			return name + " must be a string"
		}
	}
	var v string
	if json.Unmarshal(fields["specversion"], &v) == nil &&
		v != ce.CloudEventsVersionV1 {
		return fmt.Sprintf("specversion %q not supported, want %s", v,
			ce.CloudEventsVersionV1)
	}
	return ""
}

// decodeJSON decodes a body that is JSON but not said to be a CloudEvent.
func decodeJSON(body []byte) (*ce.Event, error) {
	fields, err := object(body)
	if err != nil {
		return nil, err
	}
	if _, ok := fields["specversion"]; ok {
		return decodeStructured(body)
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

// wrapWindow wraps a bare candle-window body as the TypeCandles event
// event.NewWindowEvent builds, with BareWindowSource as its source: the
// window did not come from the candle-source.
func wrapWindow(body []byte) (*ce.Event, error) {
	w, err := event.DecodeWindowJSON(body)
	if err != nil {
		return nil, badBody("candle window: %w", err)
	}
	e, err := event.NewWindowEvent(w, "")
	if err != nil {
		return nil, badBody("candle window: %w", err)
	}
	e.SetSource(BareWindowSource)
	return &e, nil
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

// IsJSON reports whether contentType holds JSON: empty (CloudEvents
// says to assume JSON), */json or */*+json, parameters aside; a content
// type that does not parse is not JSON.
//
// Deprecated: use cejson.IsJSON, which the HTTP and NATS paths share.
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

// badBody returns a decode error wrapping ErrBadRequest; format may
// wrap the cause with %w.
func badBody(format string, args ...any) error {
	return WithType(metrics.ErrDecode, fmt.Errorf("%w: %w", ErrBadRequest,
		fmt.Errorf(format, args...)))
}

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, args...))
}

// oneLine joins the lines of s, for a reason sent back in one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
