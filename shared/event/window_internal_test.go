package event

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
)

// fastSeeds are window bodies for FuzzDecodeWindowFastPath: good ones
// the fast path reads, and bad or unusual ones where its answer (or its
// falling back) must not change the error.
func fastSeeds() []string {
	const (
		c0 = `{"open_time":1699999920000,"open":1,"high":2,"low":0.5,` +
			`"close":1.5,"volume":3}`
		c1 = `{"open_time":1699999980000,"open":"1.5","high":"2",` +
			`"low":"1","close":"1.25","volume":"0","trades":4}`
		c3 = `{"open_time":1700000100000,"open":1,"high":1,"low":1,` +
			`"close":1,"volume":1}`
	)
	body := func(candles ...string) string {
		return `{"symbol":"BTCUSDT","interval":"1m","candles":[` +
			strings.Join(candles, ",") + `]}`
	}
	return []string{
		body(c0, c1),
		body(c0, c1, c3),
		" \n" + strings.ReplaceAll(body(c0, c1), ",", " ,\t") + "\r\n",
		`{"missing":1,"candles":[` + c0 + `,` + c1 + `,` + c3 +
			`],"x":{"y":[true,null]},"interval":"1m","symbol":"BTCUSDT"}`,
		body(),
		body(c1, c0),
		body(c0, c0),
		body(strings.Replace(c0, "1699999920000", "1699999920", 1)),
		body(strings.Replace(c0, `"low":0.5`, `"low":5`, 1)),
		body(strings.Replace(c0, `"close":1.5,`, ``, 1)),
		body(strings.Replace(c0, `"open":1`, `"open":"1\u0030"`, 1)),
		body(strings.Replace(c0, `"open":1`, `"open":1e999`, 1)),
		body(strings.Replace(c0, `"open":1`, `"open":null`, 1)),
		body(strings.Replace(c0, `"open":1`, `"OPEN":1`, 1)),
		body(`null`),
		strings.Replace(body(c0), "BTCUSDT", "btcusdt", 1),
		strings.Replace(body(c0), `"1m"`, `"15m"`, 1),
		strings.Replace(body(c0), `"1m"`, `"1m","interval":"1m"`, 1),
		strings.Replace(body(c0), `"symbol"`, `"Symbol"`, 1),
		strings.Replace(body(c0), `"BTCUSDT"`, `null`, 1),
		strings.Replace(body(c0), `"BTCUSDT"`, `"BTC\u0055SDT"`, 1),
		`{"symbol":"BTCUSDT","interval":"1m","candles":{}}`,
		`{"symbol":"BTCUSDT","interval":"1m","candles":null}`,
		`{"symbol":"BTCUSDT","interval":"1m"}`,
		body(c0) + `,`,
		`{}`, `[]`, ``, `{`,
	}
}

// FuzzDecodeWindowFastPath holds decodeWindowJSON's fast path to the
// encoding/json one: the same window bit for bit, or the same error.
func FuzzDecodeWindowFastPath(f *testing.F) {
	for _, s := range fastSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, fastErr := decodeWindowJSON(b, true)
		slow, slowErr := decodeWindowJSON(b, false)
		if (fastErr != nil) != (slowErr != nil) ||
			(fastErr != nil && fastErr.Error() != slowErr.Error()) {
			t.Fatalf("%q: fast path error %v, standard path error %v", b,
				fastErr, slowErr)
		}
		if !sameWindow(fast, slow) {
			t.Fatalf("%q: fast path %+v, standard path %+v", b, fast, slow)
		}
	})
}

// TestDecodeWindowFastPathTaken proves the fuzz test compares something:
// the good seeds are read by the fast path.
func TestDecodeWindowFastPathTaken(t *testing.T) {
	for _, s := range fastSeeds()[:4] {
		if _, _, _, ok := candle.FastWindowJSON([]byte(s)); !ok {
			t.Errorf("fast path declined %.80q", s)
		}
	}
}

// sameWindow compares windows field by field, floats by their bits.
func sameWindow(a, b Window) bool {
	if a.Symbol != b.Symbol || a.Interval != b.Interval ||
		a.Missing != b.Missing || len(a.Candles) != len(b.Candles) ||
		(a.Candles == nil) != (b.Candles == nil) {
		return false
	}
	for i := range a.Candles {
		if !sameCandle(a.Candles[i], b.Candles[i]) {
			return false
		}
	}
	return true
}

// sameCandle compares candles field by field, floats by their bits.
func sameCandle(a, b candle.Candle) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		fa, fb := va.Field(i), vb.Field(i)
		if fa.CanFloat() {
			if math.Float64bits(fa.Float()) != math.Float64bits(fb.Float()) {
				return false
			}
		} else if fa.Int() != fb.Int() {
			return false
		}
	}
	return true
}

// encodeWindows are windows whose JSON must be encoding/json's: real
// and synthetic prices, optional members, a gap, exponent formats.
func encodeWindows(t testing.TB) map[string]Window {
	t.Helper()
	const open0 = int64(1699999980000)
	w := Window{Symbol: "PEPEUSDT", Interval: "1m"}
	prices := []float64{0.00001245, 1e-7, 61299.81, 6e11,
		0.30000000000000004, 1.0 / 3}
	for i, p := range prices {
		w.Candles = append(w.Candles, candle.Candle{
			OpenTime: open0 + int64(i)*60000, Open: p, High: p * 1.5,
			Low: p / 2, Close: p, Volume: float64(i) * 1.1,
			CloseTime: open0 + int64(i+1)*60000 - 1, QuoteVolume: p * 7,
			Trades: int64(i),
		})
	}
	gap := w
	gap.Candles = append([]candle.Candle{}, w.Candles[:2]...)
	gap.Candles = append(gap.Candles, w.Candles[4:]...)
	gap.Missing = 2

	f, err := os.Open("../../testdata/btcusdt_1h_2021-11_2022-07.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := candle.ReadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	btc := Window{Symbol: "BTCUSDT", Interval: "1h",
		Candles: all[len(all)-candle.DefaultWindowSize:]}
	btc.Missing = candle.Missing(candle.Interval("1h"), btc.Candles)
	return map[string]Window{"optional members": w, "gap": gap,
		"btc 1h": btc}
}

// TestWindowEventDataJSON: the event's data is what encoding/json writes
// for the window, byte for byte, and reads back to it bit for bit, by
// the fast path.
func TestWindowEventDataJSON(t *testing.T) {
	for name, w := range encodeWindows(t) {
		t.Run(name, func(t *testing.T) {
			if err := w.Validate(); err != nil {
				t.Fatal(err)
			}
			e, err := NewWindowEvent(w, "")
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(w)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Data(); !bytes.Equal(got, want) {
				t.Fatalf("data differs from encoding/json:\ngot  %.300s\n"+
					"want %.300s", got, want)
			}
			if !json.Valid(e.Data()) {
				t.Fatal("data is not valid JSON")
			}
			if _, _, _, ok := candle.FastWindowJSON(e.Data()); !ok {
				t.Error("the fast path declines the event's own data")
			}
			back, err := DecodeWindowJSON(e.Data())
			if err != nil {
				t.Fatal(err)
			}
			if !sameWindow(back, w) {
				t.Errorf("read back as %+v, want %+v", back, w)
			}
		})
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "BTCUSDT", "1M", `a"b`, `a\b`, "<&>",
		"tab\there", "\x7f", "é", "\u2028", "\xff"} {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("appendString(%q) = %s, want x%s", s, got, want)
		}
	}
}

// FuzzAppendString holds appendString to encoding/json.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"BTCUSDT", "15m", `"\<>&`, "\u2028\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}
