package cejson_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tabot-functions/tabot/shared/event/cejson"
)

func TestIsJSON(t *testing.T) {
	tests := []struct {
		contentType string
		want        bool
	}{
		{"application/json", true},
		{"application/json; charset=utf-8", true},
		{"Application/JSON ; charset=UTF-8", true},
		{"", true},
		{"text/json", true},
		{"application/cloudevents+json", true},
		{"application/vnd.kline+json", true},
		{"application/vnd.kline+json;v=2", true},
		{"text/plain", false},
		{"application/xml", false},
		{"application/jsonx", false},
		{"application/+json", false},
		{"json", false},
		{"/json", false},
		{"application/octet-stream", false},
	}
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			if got := cejson.IsJSON(tt.contentType); got != tt.want {
				t.Errorf("IsJSON(%q) = %v, want %v", tt.contentType, got,
					tt.want)
			}
		})
	}
}

const candleData = `{"symbol":"BTCUSDT","interval":"1m","open_time":` +
	`1699999980000,"open":"0.00001234","high":"0.00001250",` +
	`"low":"0.00001230","close":"0.00001245","volume":"123456789.00"}`

func structured(contentType, data string) string {
	ct := ""
	if contentType != "" {
		ct = `"datacontenttype":"` + contentType + `",`
	}
	return `{"specversion":"1.0","id":"k-1","source":"/test",` +
		`"type":"io.tabot.kline.v1",` + ct + `"data":` + data + `}`
}

// BC-24: the same data under five datacontenttypes.
func TestParseDataContentTypes(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		wantData    string
		wantErr     error
		wantParseOK bool
	}{
		{"a application/json", structured("application/json", candleData),
			candleData, nil, true},
		{"b with charset", structured("application/json; charset=utf-8",
			candleData), candleData, nil, true},
		{"c absent", structured("", candleData), candleData, nil, true},
		{"d +json", structured("application/vnd.kline+json", candleData),
			candleData, nil, true},
		{"e text/plain", structured("text/plain", `"0.00001245"`), "",
			cejson.ErrUnsupported, true},
		{"base64 JSON", `{"specversion":"1.0","id":"1","source":"/t",` +
			`"type":"t","datacontenttype":"application/json",` +
			`"data_base64":"eyJhIjoxfQ=="}`, `{"a":1}`, nil, true},
		{"no data", `{"specversion":"1.0","id":"1","source":"/t",` +
			`"type":"t"}`, "", cejson.ErrMalformed, true},
		{"null data", structured("application/json", "null"), "",
			cejson.ErrMalformed, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := cejson.Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			data, err := cejson.Data(e)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Data error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Data: %v", err)
			}
			if string(data) != tt.wantData {
				t.Errorf("data = %s, want %s", data, tt.wantData)
			}
			if e.ID() == "" || e.Source() == "" {
				t.Errorf("attributes lost: id %q source %q", e.ID(),
					e.Source())
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"not JSON", `{"specversion":`, "not a JSON object"},
		{"array", `[1]`, "not a JSON object"},
		{"no id", `{"specversion":"1.0","source":"/t","type":"t",` +
			`"data":{}}`, "id"},
		{"no source", `{"specversion":"1.0","id":"1","type":"t",` +
			`"data":{}}`, "source"},
		{"bad specversion", `{"specversion":"9.9","id":"1","source":"/t",` +
			`"type":"t","data":{}}`, "specversion"},
		{"version 0.3", `{"specversion":"0.3","id":"1","source":"/t",` +
			`"type":"t","datacontentencoding":"","data":""}`,
			"specversion"},
		{"no specversion", `{"id":"1","source":"/t","type":"t"}`,
			"specversion"},
		{"content type not a string", `{"specversion":"1.0","id":"1",` +
			`"source":"/t","type":"t","datacontenttype":5,"data":{}}`,
			"datacontenttype"},
		{"data and data_base64", `{"specversion":"1.0","id":"1",` +
			`"source":"/t","type":"t","data":{},"data_base64":"e30="}`,
			"both data and data_base64"},
		{"text data not a string", structured("text/plain", `{"a":1}`),
			"string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cejson.Parse([]byte(tt.in))
			if !errors.Is(err, cejson.ErrMalformed) {
				t.Fatalf("error = %v, want ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to mention %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans several lines", err)
			}
		})
	}
}

func TestIsStructured(t *testing.T) {
	if !cejson.IsStructured([]byte(structured("", candleData))) {
		t.Error("IsStructured(event) = false")
	}
	for _, in := range []string{candleData, `[1]`, `nope`, ``} {
		if cejson.IsStructured([]byte(in)) {
			t.Errorf("IsStructured(%q) = true", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(structured("application/json", candleData)))
	f.Add([]byte(structured("application/vnd.kline+json", candleData)))
	f.Add([]byte(structured("text/plain", `"x"`)))
	f.Add([]byte(`{"specversion":"0.3","id":"1","source":"/t","type":"t",` +
		`"datacontentencoding":"base64","data":"e30="}`))
	f.Add([]byte(`{"specversion":"1.0","id":"1","source":"/t","type":"t",` +
		`"data_base64":"!!"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := cejson.Parse(b)
		if err != nil {
			if !errors.Is(err, cejson.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("Parse returned an invalid event: %v", err)
		}
		_, _ = cejson.Data(e)
	})
}
