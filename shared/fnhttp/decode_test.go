package fnhttp_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/tabot-functions/tabot/shared/fnhttp"
)

func TestIsJSON(t *testing.T) {
	tests := []struct {
		ct   string
		want bool
	}{
		{"", true},
		{"application/json", true},
		{"application/json; charset=utf-8", true},
		{"text/json", true},
		{"application/vnd.kline+json", true},
		{"application/cloudevents+json", true},
		{"text/plain", false},
		{"application/octet-stream", false},
		{"application/json;;", false},
	}
	for _, tt := range tests {
		if got := fnhttp.IsJSON(tt.ct); got != tt.want {
			t.Errorf("IsJSON(%q) = %v, want %v", tt.ct, got, tt.want)
		}
	}
}

// FuzzDecode checks Decode never panics and returns either a valid event
// or an error a 4xx answers.
func FuzzDecode(f *testing.F) {
	window := mustJSON(f, testWindow(3))
	seeds := []struct {
		ct, specversion, body string
	}{
		{"", "", window},
		{"application/json", "", window},
		{"application/json", "1.0", window},
		{"application/cloudevents+json", "", structuredJSON(f,
			"application/json", testWindow(2))},
		{"", "", structuredJSON(f, "application/vnd.kline+json",
			testWindow(2))},
		{"", "", structuredJSON(f, "text/plain", "0.00001245")},
		{"", "", `{"specversion":"1.0","data_base64":"e30="}`},
		{"", "", `{"candles":[{}],"symbol":"X","interval":"1m"}`},
		{"text/plain", "", "hello"},
		{"", "", `[]`},
		{"", "", `{"specversion":1}`},
		{"", "", `{"specversion":"1.0","datacontenttype":"a/b+json","data":1}`},
		{"", "", `{"specversion":"0.3","00":"0","datacontentencoding":"",` +
			`"data":""}`},
		{"", "0.3", "abc"},
	}
	for _, s := range seeds {
		f.Add(s.ct, s.specversion, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, ct, specversion string, body []byte) {
		h := http.Header{}
		if ct != "" {
			h.Set("Content-Type", ct)
		}
		if specversion != "" {
			h.Set("Ce-Specversion", specversion)
			h.Set("Ce-Id", "1")
			h.Set("Ce-Source", "/fuzz")
			h.Set("Ce-Type", "t")
		}

		e, err := fnhttp.Decode(h, body)

		if err != nil {
			if !errors.Is(err, fnhttp.ErrBadRequest) &&
				!errors.Is(err, fnhttp.ErrUnsupported) {
				t.Fatalf("Decode error %v is neither bad request nor "+
					"unsupported", err)
			}
			if e != nil {
				t.Fatal("Decode returned an event and an error")
			}
			return
		}
		if verr := e.Validate(); verr != nil {
			t.Fatalf("Decode returned an invalid event: %v", verr)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	window := []byte(mustJSON(b, testWindow(1000)))
	structured := []byte(structuredJSON(b, "application/json",
		testWindow(1000)))
	binary := http.Header{
		"Ce-Specversion": {"1.0"}, "Ce-Id": {"1"}, "Ce-Source": {"/b"},
		"Ce-Type": {"t"}, "Content-Type": {"application/json"},
	}
	benches := []struct {
		name   string
		header http.Header
		body   []byte
	}{
		{"bare window", http.Header{}, window},
		{"structured", http.Header{}, structured},
		{"binary", binary, window},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(bb.body)))
			for b.Loop() {
				if _, err := fnhttp.Decode(bb.header, bb.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
