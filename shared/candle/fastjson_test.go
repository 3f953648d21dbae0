package candle

import (
	"encoding/json"
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
