package candle

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// FuzzFastCandle holds the allocation-free reader to the encoding/json
// one: whatever it accepts, the slow path reads to the same candle.
func FuzzFastCandle(f *testing.F) {
	seeds := []string{
		`{"open_time":1699999980000,"open":1,"high":2,"low":0.5,` +
			`"close":1.5,"volume":3}`,
		`{"open_time":"1699999980000","open":"1.5e-5","high":"2",` +
			`"low":"0.5","close":"1","volume":"0","trades":null}`,
		` { "open_time" : 1699999980000 , "open" : -0 , "high" : 2E+3 ,` +
			` "low" : 0.5, "close": 1, "volume": 3, "x": "y" } `,
		`{"OPEN_TIME":1,"open":1}`,
		`{"open_time":1,"open":01}`,
		`{"open_time":1,"open":"1\u0030"}`,
		`{"open_time":1699999980000,"open":1,"open":2,"high":2,"low":0.5,` +
			`"close":1.5,"volume":3}`,
		`{}`, `{"a":{}}`, `[]`, ``,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ok := fastCandle(b)
		if !ok {
			return
		}
		if !json.Valid(b) {
			t.Fatalf("fast path accepted invalid JSON %q", b)
		}
		var slow Candle
		if err := slow.unmarshalSlow(b); err != nil {
			t.Fatalf("fast path read %q as %+v, slow path: %v", b, fast, err)
		}
		if slow != fast {
			t.Fatalf("%q: fast %+v, slow %+v", b, fast, slow)
		}
	})
}

func TestNumberLiteral(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"0", true}, {"-0", true}, {"1.5", true}, {"1e5", true},
		{"1E-5", true}, {"-1.25e+10", true}, {"123456789.00", true},
		{"", false}, {"-", false}, {"01", false}, {"1.", false},
		{".5", false}, {"1e", false}, {"1e+", false}, {"+1", false},
		{"NaN", false}, {"Infinity", false}, {"0x10", false},
		{" 1", false}, {"1 ", false}, {"1_000", false},
	}
	for _, tt := range tests {
		if got := numberLiteral([]byte(tt.s)); got != tt.want {
			t.Errorf("numberLiteral(%q) = %v, want %v", tt.s, got, tt.want)
		}
		if got := json.Valid([]byte(tt.s)) && tt.s != "" &&
			tt.s[0] != ' ' && tt.s[len(tt.s)-1] != ' '; got != tt.want {
			t.Errorf("json.Valid disagrees on %q", tt.s)
		}
	}
}

// Candle objects for window tests: c0 with numbers, c1 with numeric
// strings and the optional members.
const (
	c0 = `{"open_time":1699999920000,"open":61299.81,"high":61660.27,` +
		`"low":61115.33,"close":61560.49,"volume":1423.33658}`
	c1 = `{"open_time":1699999980000,"open":"1.5","high":"2","low":"1",` +
		`"close":"1.25","volume":"0","close_time":1700000039999,` +
		`"quote_volume":"0.00001245","trades":7}`
)

// windowSeeds are window objects of the shapes FastWindowJSON reads
// (want true) and of shapes it leaves to encoding/json.
var windowSeeds = []struct {
	name string
	in   string
	want bool
}{
	{"plain", `{"symbol":"BTCUSDT","interval":"1m","candles":[` + c0 +
		`,` + c1 + `]}`, true},
	{"missing and order", `{"missing":3,"candles":[` + c1 +
		`],"interval":"1m","symbol":"BTCUSDT"}`, true},
	{"white space", " {\n\t\"symbol\" : \"BTCUSDT\" ,\r\"interval\":" +
		"\"1m\", \"candles\" : [ " + c0 + " , " + c1 + " ] } ", true},
	{"no candles", `{"symbol":"X","interval":"1m","candles":[]}`, true},
	{"unknown members", `{"symbol":"X","interval":"1m","candles":[],` +
		`"a":{"b":[1,-2.5e-3,"c",true,false,null,{},[]]},"d":"e"}`, true},
	{"invalid values kept", `{"symbol":"btc","interval":"2m",` +
		`"candles":[{"open_time":-1,"open":-1,"high":0,"low":5,` +
		`"close":1e300,"volume":-0}]}`, true},

	{"empty", ``, false},
	{"empty object", `{}`, false},
	{"symbol absent", `{"interval":"1m","candles":[]}`, false},
	{"candles absent", `{"symbol":"X","interval":"1m"}`, false},
	{"symbol null", `{"symbol":null,"interval":"1m","candles":[]}`, false},
	{"candles null", `{"symbol":"X","interval":"1m","candles":null}`,
		false},
	{"candle null", `{"symbol":"X","interval":"1m","candles":[null]}`,
		false},
	{"candle empty", `{"symbol":"X","interval":"1m","candles":[{}]}`,
		false},
	{"symbol number", `{"symbol":1,"interval":"1m","candles":[]}`, false},
	{"symbol escaped", `{"symbol":"B\u0054C","interval":"1m",` +
		`"candles":[]}`, false},
	{"symbol not ascii", `{"symbol":"BTC\u00e9","interval":"1m",` +
		`"candles":[]}`, false},
	{"symbol repeated", `{"symbol":"X","symbol":"Y","interval":"1m",` +
		`"candles":[]}`, false},
	{"candles repeated", `{"symbol":"X","interval":"1m","candles":[` + c0 +
		`],"candles":[]}`, false},
	{"folded name", `{"Symbol":"X","interval":"1m","candles":[]}`, false},
	{"folded unknown", `{"symbol":"X","interval":"1m","candles":[],` +
		`"CANDLES":[]}`, false},
	{"candle quoted", `{"symbol":"X","interval":"1m","candles":["` + c0 +
		`"]}`, false},
	{"price out of range", `{"symbol":"X","interval":"1m","candles":[` +
		strings.Replace(c0, "61299.81", "1e999", 1) + `]}`, false},
	{"price leading zero", `{"symbol":"X","interval":"1m","candles":[` +
		strings.Replace(c0, "61299.81", "061299.81", 1) + `]}`, false},
	{"price hex", `{"symbol":"X","interval":"1m","candles":[` +
		strings.Replace(c0, "61299.81", `"0x10"`, 1) + `]}`, false},
	{"price escaped", `{"symbol":"X","interval":"1m","candles":[` +
		strings.Replace(c0, "61299.81", `"6\u0031"`, 1) + `]}`, false},
	{"open_time fraction", `{"symbol":"X","interval":"1m","candles":[` +
		strings.Replace(c0, "1699999920000", "1.5", 1) + `]}`, false},
	{"trailing comma", `{"symbol":"X","interval":"1m","candles":[` + c0 +
		`,]}`, false},
	{"trailing member comma", `{"symbol":"X","interval":"1m",` +
		`"candles":[],}`, false},
	{"trailing data", `{"symbol":"X","interval":"1m","candles":[]}x`,
		false},
	{"two objects", `{"symbol":"X","interval":"1m","candles":[]}{}`, false},
	{"unclosed", `{"symbol":"X","interval":"1m","candles":[` + c0, false},
	{"unknown escaped", `{"symbol":"X","interval":"1m","candles":[],` +
		`"a":"\n"}`, false},
	{"unknown too deep", `{"symbol":"X","interval":"1m","candles":[],` +
		`"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`,
		false},
	{"unknown bad literal", `{"symbol":"X","interval":"1m","candles":[],` +
		`"a":tru}`, false},
	{"not an object", `[]`, false},
}

func TestFastWindowJSON(t *testing.T) {
	for _, tt := range windowSeeds {
		t.Run(tt.name, func(t *testing.T) {
			_, _, candles, ok := FastWindowJSON([]byte(tt.in))
			if ok != tt.want {
				t.Fatalf("ok = %v, want %v", ok, tt.want)
			}
			if ok && candles == nil {
				t.Errorf("candles = nil, want a slice")
			}
			compareWindow(t, []byte(tt.in))
		})
	}
}

// FuzzFastWindowJSON holds FastWindowJSON to encoding/json: whatever it
// accepts, encoding/json reads to the same members, bit for bit.
func FuzzFastWindowJSON(f *testing.F) {
	for _, s := range windowSeeds {
		f.Add([]byte(s.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		compareWindow(t, b)
	})
}

// compareWindow checks that what FastWindowJSON reads from b, if
// anything, encoding/json reads the same.
func compareWindow(t *testing.T, b []byte) {
	t.Helper()
	symbol, interval, candles, ok := FastWindowJSON(b)
	if !ok {
		return
	}
	if !json.Valid(b) {
		t.Fatalf("fast path accepted invalid JSON %q", b)
	}
	var slow struct {
		Symbol   *string  `json:"symbol"`
		Interval *string  `json:"interval"`
		Candles  []Candle `json:"candles"`
	}
	if err := json.Unmarshal(b, &slow); err != nil {
		t.Fatalf("fast path read %q, slow path: %v", b, err)
	}
	if slow.Symbol == nil || *slow.Symbol != symbol ||
		slow.Interval == nil || *slow.Interval != interval ||
		slow.Candles == nil || len(slow.Candles) != len(candles) {
		t.Fatalf("%q: fast %q %q %d candles, slow %+v", b, symbol, interval,
			len(candles), slow)
	}
	for i := range candles {
		if !sameBits(candles[i], slow.Candles[i]) {
			t.Fatalf("%q: candle %d fast %+v, slow %+v", b, i, candles[i],
				slow.Candles[i])
		}
	}
}

// sameBits reports whether a and b hold the same bits in every field,
// which tells 0 from -0.
func sameBits(a, b Candle) bool {
	fa := [...]float64{a.Open, a.High, a.Low, a.Close, a.Volume,
		a.QuoteVolume}
	fb := [...]float64{b.Open, b.High, b.Low, b.Close, b.Volume,
		b.QuoteVolume}
	for i := range fa {
		if math.Float64bits(fa[i]) != math.Float64bits(fb[i]) {
			return false
		}
	}
	return a.OpenTime == b.OpenTime && a.CloseTime == b.CloseTime &&
		a.Trades == b.Trades
}

func TestExactFloat(t *testing.T) {
	tests := []struct {
		s      string
		wantOK bool
	}{
		{"0", true}, {"-0", true}, {"0.0", true}, {"-0.000", true},
		{"61299.81", true}, {"0.00001245", true}, {"0.1", true},
		{"123456789012345", true}, {"12345678901234.5", true},
		{"-99999.99999", true}, {"9007199254740993", false},
		{"1234567890123456", false}, {"0.1234567890123456", false},
		{"1e5", false}, {"1.5E-3", false},
	}
	for _, tt := range tests {
		got, ok := exactFloat([]byte(tt.s))
		if ok != tt.wantOK {
			t.Errorf("exactFloat(%q) ok = %v, want %v", tt.s, ok, tt.wantOK)
		}
		if ok {
			checkExactFloat(t, tt.s, got)
		}
	}

	// Random prices with 1 to 15 digits and up to 15 decimals.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		digits := 1 + rng.IntN(15)
		mant := rng.Uint64N(uint64(math.Pow10(digits)))
		s := strconv.FormatUint(mant, 10)
		if d := rng.IntN(len(s) + 1); d < len(s) {
			s = s[:len(s)-d] + "." + s[len(s)-d:]
			if s[0] == '.' {
				s = "0" + s
			}
		}
		got, ok := exactFloat([]byte(s))
		if !ok {
			t.Fatalf("exactFloat(%q) not ok", s)
		}
		checkExactFloat(t, s, got)
	}
}

func checkExactFloat(t *testing.T, s string, got float64) {
	t.Helper()
	want, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("ParseFloat(%q): %v", s, err)
	}
	if math.Float64bits(got) != math.Float64bits(want) {
		t.Fatalf("exactFloat(%q) = %v (%#x), want %v (%#x)", s, got,
			math.Float64bits(got), want, math.Float64bits(want))
	}
}

// FuzzExactFloat: on any JSON number it reads, exactFloat and
// strconv.ParseFloat agree bit for bit.
func FuzzExactFloat(f *testing.F) {
	for _, s := range []string{"0", "-0", "61299.81", "0.00001245",
		"123456789012345", "1e5", "-1.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !numberLiteral([]byte(s)) {
			return
		}
		if got, ok := exactFloat([]byte(s)); ok {
			checkExactFloat(t, s, got)
		}
	})
}
