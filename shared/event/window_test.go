package event_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/binding"
	ce "github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/event/cejson"
)

// open0 is 2023-11-14T22:13:00Z (BC-21), a 1m and not a 15m boundary.
const open0 = int64(1699999980000)

// window returns a valid window of n 1m candles ending at open0.
func window(n int) event.Window {
	w := event.Window{Symbol: "BTCUSDT", Interval: "1m"}
	for i := range n {
		p := 100 + float64(i)
		w.Candles = append(w.Candles, candle.Candle{
			OpenTime: open0 - int64(n-1-i)*60000,
			Open:     p, High: p + 2, Low: p - 1, Close: p + 1, Volume: 5,
		})
	}
	return w
}

func checkErr(t testing.TB, err error, want string, sentinels ...error) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("error = %v, want nil", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("error = nil, want one containing %q", want)
	}
	for _, s := range append(sentinels, event.ErrInvalid) {
		if !errors.Is(err, s) {
			t.Errorf("error %q does not wrap %v", err, s)
		}
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q, want it to contain %q", err, want)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q spans several lines", err)
	}
}

func TestWindowValidate(t *testing.T) {
	with := func(f func(w *event.Window)) event.Window {
		w := window(4)
		f(&w)
		return w
	}
	tests := []struct {
		name    string
		w       event.Window
		wantErr string
	}{
		{"good", window(4), ""},
		{"one candle", window(1), ""},
		{"bad symbol", with(func(w *event.Window) { w.Symbol = "btc" }),
			"symbol"},
		{"bad interval", with(func(w *event.Window) { w.Interval = "2m" }),
			"interval"},
		{"empty", with(func(w *event.Window) { w.Candles = nil }),
			"candles is empty"},
		{"invalid candle", with(func(w *event.Window) {
			w.Candles[2].Low = 1000
		}), "candles[2]"},
		{"misaligned for interval", with(func(w *event.Window) {
			w.Interval = "15m"
		}), "candles[0]: invalid candle: open_time"},
		{"unsorted", with(func(w *event.Window) {
			w.Candles[1], w.Candles[2] = w.Candles[2], w.Candles[1]
		}), "candles[2]: open_time"},
		{"duplicate", with(func(w *event.Window) {
			w.Candles[2] = w.Candles[1]
		}), "ascending unique"},
		{"wrong missing", with(func(w *event.Window) { w.Missing = 3 }),
			"missing is 3, the candles miss 0"},
		{"gap counted", with(func(w *event.Window) {
			w.Candles = append(w.Candles[:1], w.Candles[3:]...)
			w.Missing = 2
		}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.w.Validate(), tt.wantErr)
		})
	}
}

func TestNewWindowEvent(t *testing.T) {
	w := window(3)
	e, err := event.NewWindowEvent(w, "candles.BTCUSDT.1m")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"type", e.Type(), event.TypeCandles},
		{"source", e.Source(), "/tabot/candle-source/candles.BTCUSDT.1m"},
		{"subject", e.Subject(), "BTCUSDT/1m"},
		{"id", e.ID(), "candles-BTCUSDT-1m-1699999980000"},
		{"datacontenttype", e.DataContentType(), "application/json"},
		{"specversion", e.SpecVersion(), "1.0"},
		// BC-21: the candle opened 22:13:00Z and closed 22:14:00Z.
		{"time", e.Time().Format(time.RFC3339), "2023-11-14T22:14:00Z"},
		{"symbol", extension(e, event.ExtSymbol), "BTCUSDT"},
		{"interval", extension(e, event.ExtInterval), "1m"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}

	// BC-24: the data is a JSON object, in binary and structured mode.
	if !json.Valid(e.Data()) || e.Data()[0] != '{' {
		t.Errorf("data is not a JSON object: %.60s", e.Data())
	}
	structured, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(structured), `"data":{"symbol":"BTCUSDT"`) {
		t.Errorf("structured event holds data as %.200s", structured)
	}

	defaulted, err := event.NewWindowEvent(w, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := defaulted.Source(); got != "/tabot/candle-source/candles.BTCUSDT.1m" {
		t.Errorf("default source = %q", got)
	}

	w.Candles[0].Close = -1
	_, err = event.NewWindowEvent(w, "candles.BTCUSDT.1m")
	checkErr(t, err, "candles[0]", candle.ErrInvalid)
}

// TestWindowEventWire sends a window event through sdk-go's HTTP binding
// in binary and structured mode (BC-24): the data goes out as the JSON
// object, never base64 nor an escaped string, and comes back unchanged.
func TestWindowEventWire(t *testing.T) {
	w := window(3)
	e, err := event.NewWindowEvent(w, "")
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ctx  context.Context
		// wantBody is the request body, or in structured mode a part.
		wantBody string
		whole    bool
	}{
		{"binary", context.Background(), string(want), true},
		{"structured", binding.WithForceStructured(context.Background()),
			`"data":` + string(want), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", nil)
			err := cehttp.WriteRequest(tt.ctx, binding.ToMessage(&e), req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(req.Body)
			if err != nil {
				t.Fatal(err)
			}
			if tt.whole && string(body) != tt.wantBody ||
				!strings.Contains(string(body), tt.wantBody) ||
				strings.Contains(string(body), "data_base64") {
				t.Errorf("body = %.300s, want %.100s... in it", body,
					tt.wantBody)
			}

			req.Body = io.NopCloser(bytes.NewReader(body))
			got, err := binding.ToEvent(context.Background(),
				cehttp.NewMessageFromHttpRequest(req))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Data(), want) {
				t.Errorf("data back = %.200s, want %.200s", got.Data(), want)
			}
			if back, err := event.DecodeWindow(*got); err != nil ||
				back.Last() != w.Last() {
				t.Errorf("decoded back: %+v, %v", back.Last(), err)
			}
		})
	}
}

func extension(e ce.Event, name string) string {
	v, _ := e.Extensions()[name].(string)
	return v
}

func TestNewWindowEventMonth(t *testing.T) {
	jan := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	w := event.Window{Symbol: "ETHUSDT", Interval: "1M",
		Candles: []candle.Candle{{OpenTime: jan, Open: 1, High: 1, Low: 1,
			Close: 1}}}
	e, err := event.NewWindowEvent(w, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Time().Format(time.RFC3339); got != "2024-02-01T00:00:00Z" {
		t.Errorf("time = %s, want the calendar month's end", got)
	}
}

// The BC-24 candle window under five datacontenttypes, in binary mode
// (the data as the HTTP body) and in structured mode (one JSON object).
func TestDecodeWindowContentTypes(t *testing.T) {
	want := window(3)
	data, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		contentType string
		data        string
		wantErr     error
	}{
		{"a application/json", "application/json", string(data), nil},
		{"b with charset", "application/json; charset=utf-8", string(data),
			nil},
		{"c absent", "", string(data), nil},
		{"d +json", "application/vnd.kline+json", string(data), nil},
		{"e text/plain", "text/plain", `0.00001245`, event.ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run("binary "+tt.name, func(t *testing.T) {
			e := ce.New()
			e.SetID("1")
			e.SetSource("/test")
			e.SetType("dev.knative.cli.plugin.event.generic")
			if tt.contentType != "" {
				e.SetDataContentType(tt.contentType)
			}
			e.DataEncoded = []byte(tt.data)
			checkDecoded(t, e, want, tt.wantErr)
		})
		t.Run("structured "+tt.name, func(t *testing.T) {
			data := tt.data
			if tt.wantErr != nil {
				data = `"` + data + `"`
			}
			ct := ""
			if tt.contentType != "" {
				ct = `"datacontenttype":"` + tt.contentType + `",`
			}
			e, err := cejson.Parse([]byte(`{"specversion":"1.0","id":"1",` +
				`"source":"/test","type":"t",` + ct + `"data":` + data + `}`))
			if err != nil {
				t.Fatal(err)
			}
			checkDecoded(t, e, want, tt.wantErr)
		})
	}
}

func checkDecoded(t *testing.T, e ce.Event, want event.Window,
	wantErr error) {
	t.Helper()
	got, err := event.DecodeWindow(e)
	if wantErr != nil {
		checkErr(t, err, "text/plain", wantErr)
		if len(got.Candles) != 0 {
			t.Errorf("decoded %d candles from unsupported data",
				len(got.Candles))
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if got.Symbol != want.Symbol || got.Interval != want.Interval ||
		len(got.Candles) != len(want.Candles) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want.Candles {
		if got.Candles[i] != want.Candles[i] {
			t.Errorf("candle %d = %+v, want %+v", i, got.Candles[i],
				want.Candles[i])
		}
	}
}

func TestDecodeWindowEvent(t *testing.T) {
	w := window(3)
	good, err := event.NewWindowEvent(w, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := event.DecodeWindow(good); err != nil ||
		got.Last() != w.Last() {
		t.Errorf("round trip: %+v, %v", got.Last(), err)
	}

	wrongSymbol := good.Clone()
	wrongSymbol.SetExtension(event.ExtSymbol, "ETHUSDT")
	_, err = event.DecodeWindow(wrongSymbol)
	checkErr(t, err, `extension symbol "ETHUSDT", data says "BTCUSDT"`)

	wrongInterval := good.Clone()
	wrongInterval.SetExtension(event.ExtInterval, "5m")
	_, err = event.DecodeWindow(wrongInterval)
	checkErr(t, err, `extension interval "5m"`)

	signal := good.Clone()
	signal.SetType(event.TypeSignal)
	_, err = event.DecodeWindow(signal)
	checkErr(t, err, "not a candle window")

	empty := ce.New()
	empty.SetID("1")
	empty.SetSource("/t")
	empty.SetType("t")
	_, err = event.DecodeWindow(empty)
	checkErr(t, err, "no data")
}

func TestDecodeWindowJSON(t *testing.T) {
	const c0 = `{"open_time":1699999920000,"open":1,"high":2,"low":0.5,` +
		`"close":1.5,"volume":3}`
	const c1 = `{"open_time":1699999980000,"open":"1.5","high":"2",` +
		`"low":"1","close":"1.25","volume":"0"}`
	const c3 = `{"open_time":1700000100000,"open":1,"high":1,"low":1,` +
		`"close":1,"volume":1}`
	body := func(candles ...string) string {
		return `{"symbol":"BTCUSDT","interval":"1m","candles":[` +
			strings.Join(candles, ",") + `]}`
	}
	tests := []struct {
		name        string
		in          string
		wantLen     int
		wantMissing int
		wantErr     string
	}{
		{"numbers and strings", body(c0, c1), 2, 0, ""},
		{"gap recomputed", strings.Replace(body(c0, c1, c3), `"candles"`,
			`"missing":7,"candles"`, 1), 3, 1, ""},
		{"not an object", `[1]`, 0, 0, "want a JSON object"},
		{"empty", ``, 0, 0, "want a JSON object"},
		{"broken", `{"symbol":`, 0, 0, "not valid JSON"},
		{"symbol missing", `{"interval":"1m","candles":[` + c0 + `]}`, 0, 0,
			"symbol is missing"},
		{"interval missing", `{"symbol":"BTCUSDT","candles":[]}`, 0, 0,
			"interval is missing"},
		{"candles missing", `{"symbol":"BTCUSDT","interval":"1m"}`, 0, 0,
			"candles is missing"},
		{"candles empty", body(), 0, 0, "candles is empty"},
		{"candles not a list", `{"symbol":"BTCUSDT","interval":"1m",` +
			`"candles":{}}`, 0, 0, "candles: want"},
		{"candle at fault named", body(c0, strings.Replace(c1,
			`"close":"1.25",`, "", 1)), 0, 0,
			"candles[1]: invalid candle: close is missing"},
		{"unsorted", body(c1, c0), 0, 0, "ascending unique"},
		{"BC-21 seconds", body(strings.Replace(c0, "1699999920000",
			"1699999920", 1)), 0, 0, "looks like seconds"},
		{"lower-case symbol", strings.Replace(body(c0), "BTCUSDT",
			"btcusdt", 1), 0, 0, "upper-case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := event.DecodeWindowJSON([]byte(tt.in))
			checkErr(t, err, tt.wantErr)
			if err != nil {
				return
			}
			if len(w.Candles) != tt.wantLen || w.Missing != tt.wantMissing {
				t.Errorf("%d candles, missing %d; want %d, %d",
					len(w.Candles), w.Missing, tt.wantLen, tt.wantMissing)
			}
		})
	}
}

func FuzzDecodeWindowJSON(f *testing.F) {
	good, err := json.Marshal(window(3))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"symbol":"BTCUSDT","interval":"1M","candles":[` +
		`{"open_time":1706745600000,"open":"1","high":"1","low":"1",` +
		`"close":"1","volume":"0"}]}`))
	f.Add([]byte(`{"symbol":"BTCUSDT","interval":"1m","candles":[null]}`))
	f.Add([]byte(`{"symbol":"BTCUSDT","interval":"1m","candles":[{}],` +
		`"missing":-1}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := event.DecodeWindowJSON(b)
		if err != nil {
			if !errors.Is(err, event.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("decoded window fails Validate: %v", err)
		}
		if _, err := event.NewWindowEvent(w, ""); err != nil {
			t.Fatalf("decoded window makes no event: %v", err)
		}
	})
}

// FuzzDecodeWindowEvent feeds structured events through cejson.Parse and
// DecodeWindow, as the runtime does with a structured request body.
func FuzzDecodeWindowEvent(f *testing.F) {
	e, err := event.NewWindowEvent(window(2), "")
	if err != nil {
		f.Fatal(err)
	}
	b, err := json.Marshal(e)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(strings.Replace(string(b), `"application/json"`,
		`"application/vnd.kline+json"`, 1)))
	f.Add([]byte(strings.Replace(string(b), `"application/json"`,
		`"text/plain"`, 1)))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := cejson.Parse(b)
		if err != nil {
			return
		}
		w, err := event.DecodeWindow(e)
		if err != nil {
			if !errors.Is(err, event.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("decoded window fails Validate: %v", err)
		}
	})
}

// benchWindows are the 1000-candle windows the benchmarks encode and
// decode: round synthetic prices, and real BTCUSDT 1h candles.
func benchWindows(b *testing.B) []struct {
	name string
	w    event.Window
} {
	b.Helper()
	f, err := os.Open("../../testdata/btcusdt_1h_2021-11_2022-07.csv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	all, err := candle.ReadCSV(f)
	if err != nil {
		b.Fatal(err)
	}
	btc := event.Window{Symbol: "BTCUSDT", Interval: "1h",
		Candles: all[len(all)-candle.DefaultWindowSize:]}
	btc.Missing = candle.Missing(candle.Interval("1h"), btc.Candles)
	return []struct {
		name string
		w    event.Window
	}{
		{"synthetic", window(candle.DefaultWindowSize)},
		{"btc1h", btc},
	}
}

// measure runs f b.N times and reports, besides the wall-clock ns/op,
// the CPU time of the whole process per op (proc-cpu-ns/op, Unix only):
// on a shared machine it leaves out the time spent waiting for a core,
// and it counts the garbage collector's work on every thread.
func measure(b *testing.B, f func()) {
	b.Helper()
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		f()
	}
	if used := processCPU() - start; used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N),
			"proc-cpu-ns/op")
	}
}

func BenchmarkDecodeWindowJSON(b *testing.B) {
	for _, bw := range benchWindows(b) {
		b.Run(bw.name, func(b *testing.B) {
			data, err := json.Marshal(bw.w)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			measure(b, func() {
				if _, err := event.DecodeWindowJSON(data); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func BenchmarkNewWindowEvent(b *testing.B) {
	for _, bw := range benchWindows(b) {
		b.Run(bw.name, func(b *testing.B) {
			data, err := json.Marshal(bw.w)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			measure(b, func() {
				if _, err := event.NewWindowEvent(bw.w, ""); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
