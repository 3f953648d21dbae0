package event

import (
	"math"
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
