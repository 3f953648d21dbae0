package candle_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
)

func payloadSeeds() []string {
	return []string{
		candleObject,
		klineBC19,
		strings.Replace(klineBC19, `"x":true`, `"x":false`, 1),
		`{"stream":"pepeusdt@kline_1m","data":` + klineBC19 + `}`,
		cloudEvent("application/json", "", candleObject),
		cloudEvent("application/vnd.kline+json", `"symbol":"PEPEUSDT",`,
			klineBC19),
		cloudEvent("text/plain", "", `"0.00001245"`),
		rowBC19,
		`[1699999980000,1,2,0.5,1.5,3]`,
		`{"e":"kline","k":{}}`,
		`{"symbol":"BTCUSDT","interval":"1M","open_time":1706745600000,` +
			`"open":1,"high":1,"low":1,"close":1,"volume":0}`,
		`{}`, `[]`, `null`, ``, `{"open_time":"1e3"}`,
	}
}

// FuzzDecodePayload: never a panic; an error wraps ErrInvalid; a result
// passes Validate and survives a round trip through the candle JSON.
func FuzzDecodePayload(f *testing.F) {
	for _, s := range payloadSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := candle.DecodePayload(b)
		if err != nil {
			if !errors.Is(err, candle.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("decoded %+v fails Validate: %v", p, err)
		}
		out, err := json.Marshal(p.Candle)
		if err != nil {
			t.Fatalf("marshal %+v: %v", p.Candle, err)
		}
		var back candle.Candle
		if err := json.Unmarshal(out, &back); err != nil || back != p.Candle {
			t.Fatalf("round trip of %+v gave %+v, %v", p.Candle, back, err)
		}
	})
}

// FuzzDecodeMessage: the same with a subject, which the result matches.
func FuzzDecodeMessage(f *testing.F) {
	for _, s := range payloadSeeds() {
		f.Add("candles.PEPEUSDT.1m", []byte(s))
	}
	f.Add("candles.BTCUSDT.1M", []byte(`[1706745600000,1,1,1,1,0]`))
	f.Add("candles..", []byte(rowBC19))
	f.Fuzz(func(t *testing.T, subject string, b []byte) {
		p, err := candle.DecodeMessage(subject, b)
		if err != nil {
			if !errors.Is(err, candle.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("decoded %+v fails Validate: %v", p, err)
		}
		if err := p.CheckSubject(subject); err != nil {
			t.Fatalf("decoded %+v does not match %q: %v", p, subject, err)
		}
	})
}

// FuzzDecodeKline: never a panic; an error wraps ErrInvalid; a result
// passes Validate.
func FuzzDecodeKline(f *testing.F) {
	f.Add([]byte(klineBC19))
	f.Add([]byte(strings.Replace(klineBC19, `"x":true`, `"x":false`, 1)))
	f.Add([]byte(klineRaw("true")))
	f.Add([]byte(`{"e":"kline","s":"BTCUSDT","k":{"t":1699999980000,` +
		`"i":"1m","o":1,"h":1,"l":1,"c":1,"v":0,"x":true}}`))
	f.Add([]byte(`{"e":"kline","E":1,"s":"X","k":{"l":"1","L":2}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := candle.DecodeKline(b)
		if err != nil {
			if !errors.Is(err, candle.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("decoded %+v fails Validate: %v", p, err)
		}
	})
}

// FuzzDecodeKlineRow: never a panic; an error wraps ErrInvalid; a result
// passes Validate.
func FuzzDecodeKlineRow(f *testing.F) {
	f.Add([]byte(rowBC19))
	f.Add([]byte(`[1699999980000,1,2,0.5,1.5,3]`))
	f.Add([]byte(`[1699999980,"1","2","0.5","1.5","3"]`))
	f.Add([]byte(`[1699999980000,"1","2","0.5","1.5","3",null,null,null]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := candle.DecodeKlineRow(b)
		if err != nil {
			if !errors.Is(err, candle.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("decoded %+v fails Validate: %v", c, err)
		}
	})
}

func BenchmarkDecodePayload(b *testing.B) {
	for _, bm := range []struct{ name, in string }{
		{"candle", candleObject},
		{"kline", klineBC19},
		{"cloudevent", cloudEvent("application/json", "", klineBC19)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			in := []byte(bm.in)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := candle.DecodePayload(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
