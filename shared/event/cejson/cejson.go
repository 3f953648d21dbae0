// Package cejson reads CloudEvents in the JSON structured format and
// tells JSON data apart from other data, as the CloudEvents JSON format
// (§3.1) defines it. It fills one gap of sdk-go v2: a structured event
// whose datacontenttype is a "+json" type (application/vnd.kline+json)
// and whose data is a JSON object fails to parse there, because the SDK
// expects a string for every content type it does not list as JSON.
// It does no I/O.
package cejson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	ce "github.com/cloudevents/sdk-go/v2/event"
)

// ErrMalformed marks bytes that are not a valid structured CloudEvent.
var ErrMalformed = errors.New("malformed cloudevent")

// ErrUnsupported marks an event whose data is not JSON (a text/plain or
// application/xml datacontenttype): it can never be decoded, so callers
// answer 4xx or acknowledge and count it.
var ErrUnsupported = errors.New("unsupported data content type")

// MediaType returns contentType without parameters, trimmed and in lower
// case: "Application/JSON; charset=utf-8" gives "application/json".
func MediaType(contentType string) string {
	if i := strings.IndexByte(contentType, ';'); i >= 0 {
		contentType = contentType[:i]
	}
	return strings.ToLower(strings.TrimSpace(contentType))
}

// IsJSON reports whether contentType names JSON data: "*/json" or
// "*/*+json" once parameters are stripped, or empty (CloudEvents says an
// absent datacontenttype should be read as application/json).
func IsJSON(contentType string) bool {
	mt := MediaType(contentType)
	if mt == "" {
		return true
	}
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok || typ == "" {
		return false
	}
	return sub == "json" || (len(sub) > len("+json") &&
		strings.HasSuffix(sub, "+json"))
}

// IsStructured reports whether b looks like a structured CloudEvent: a
// JSON object with a "specversion" member. It does not validate b.
func IsStructured(b []byte) bool {
	var probe map[string]json.RawMessage
	if json.Unmarshal(b, &probe) != nil {
		return false
	}
	_, ok := probe["specversion"]
	return ok
}

// Parse reads a structured CloudEvent 1.0 (application/cloudevents+json)
// and validates its attributes; other spec versions are refused. JSON
// data of any JSON content type is kept as the raw JSON value; other
// data is read as the SDK reads it.
func Parse(b []byte) (ce.Event, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return ce.Event{}, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	var version string
	if json.Unmarshal(members["specversion"], &version) != nil ||
		version != ce.CloudEventsVersionV1 {
		return ce.Event{}, fmt.Errorf("%w: specversion %s, want \"1.0\"",
			ErrMalformed, truncate(string(members["specversion"])))
	}
	var contentType string
	if raw, ok := members["datacontenttype"]; ok {
		if json.Unmarshal(raw, &contentType) != nil {
			return ce.Event{}, fmt.Errorf("%w: datacontenttype is not a "+
				"string", ErrMalformed)
		}
	}

	data, hasData := members["data"]
	if _, base64 := members["data_base64"]; hasData && base64 {
		return ce.Event{}, fmt.Errorf("%w: both data and data_base64",
			ErrMalformed)
	}
	if hasData && IsJSON(contentType) {
		// Let the SDK read the attributes only, then keep the JSON value.
		delete(members, "data")
		stripped, err := json.Marshal(members)
		if err != nil {
			return ce.Event{}, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		b = stripped
	}

	e := ce.New()
	if err := e.UnmarshalJSON(b); err != nil {
		return ce.Event{}, fmt.Errorf("%w: %s", ErrMalformed,
			oneLine(err.Error()))
	}
	if hasData && IsJSON(contentType) && !isNull(data) {
		e.DataEncoded = bytes.TrimSpace(data)
		e.DataBase64 = false
	}
	if err := e.Validate(); err != nil {
		return ce.Event{}, fmt.Errorf("%w: %v", ErrMalformed,
			oneLine(err.Error()))
	}
	return e, nil
}

// Data returns e's data when it is JSON, and an error wrapping
// ErrUnsupported when e's datacontenttype is not a JSON type. An event
// without data gives an error wrapping ErrMalformed.
func Data(e ce.Event) ([]byte, error) {
	if !IsJSON(e.DataContentType()) {
		return nil, fmt.Errorf("%w: %q, want application/json",
			ErrUnsupported, e.DataContentType())
	}
	data := bytes.TrimSpace(e.Data())
	if len(data) == 0 || isNull(data) {
		return nil, fmt.Errorf("%w: no data", ErrMalformed)
	}
	return data, nil
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

func truncate(s string) string {
	const limit = 40
	if len(s) > limit {
		return s[:limit] + "..."
	}
	return s
}

// oneLine folds the SDK's multi-line messages into one short line.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const limit = 200
	if len(s) > limit {
		s = s[:limit] + "..."
	}
	return s
}
