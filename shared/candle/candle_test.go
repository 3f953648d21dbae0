package candle_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
)

// BC-21: 1699999980000 is 2023-11-14T22:13:00Z.
const openBC21 = int64(1699999980000)

func good() candle.Candle {
	return candle.Candle{OpenTime: openBC21, Open: 100, High: 104, Low: 99,
		Close: 101, Volume: 12.5}
}

func TestValidateOpenTime(t *testing.T) {
	tests := []struct {
		name    string
		ms      int64
		wantErr string
	}{
		{"BC-21 ms", openBC21, ""},
		{"BC-21 seconds", 1699999980, "looks like seconds"},
		{"microseconds", openBC21 * 1000, "looks like microseconds"},
		{"zero", 0, "between 2009 and 2100"},
		{"negative", -1, "between 2009 and 2100"},
		{"first plausible", candle.MinOpenTime, ""},
		{"just before 2009", candle.MinOpenTime - 1, "between 2009"},
		{"last plausible", candle.MaxOpenTime - 1, ""},
		{"2100", candle.MaxOpenTime, "between 2009 and 2100"},
		{"huge", math.MaxInt64, "between 2009 and 2100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, candle.ValidateOpenTime(tt.ms), tt.wantErr,
				candle.ErrInvalid)
		})
	}
	if got := candle.Time(openBC21).Format("2006-01-02T15:04:05Z07:00"); got !=
		"2023-11-14T22:13:00Z" {
		t.Errorf("Time(%d) = %s, want 2023-11-14T22:13:00Z", openBC21, got)
	}
}

func TestValidateSymbol(t *testing.T) {
	tests := []struct {
		symbol  string
		wantErr string
	}{
		{"BTCUSDT", ""},
		{"1000SHIBUSDT", ""},
		{"OP", ""},
		{"ABCDEFGHIJKLMNOPQRST", ""},
		{"ABCDEFGHIJKLMNOPQRSTU", "2 to 20"},
		{"B", "2 to 20"},
		{"", "2 to 20"},
		{"btcusdt", "upper-case"},
		{"BTC-USDT", "upper-case"},
		{"BTC.USDT", "upper-case"},
		{"BTC*", "upper-case"},
		{"BTC>", "upper-case"},
	}
	for _, tt := range tests {
		t.Run(tt.symbol, func(t *testing.T) {
			checkErr(t, candle.ValidateSymbol(tt.symbol), tt.wantErr,
				candle.ErrInvalid)
		})
	}
}

func TestCandleValidate(t *testing.T) {
	with := func(f func(*candle.Candle)) candle.Candle {
		c := good()
		f(&c)
		return c
	}
	tests := []struct {
		name    string
		c       candle.Candle
		wantErr string
	}{
		{"good", good(), ""},
		{"seconds", with(func(c *candle.Candle) { c.OpenTime = 1699999980 }),
			"looks like seconds"},
		{"zero open", with(func(c *candle.Candle) { c.Open = 0 }), "open 0"},
		{"NaN close", with(func(c *candle.Candle) { c.Close = math.NaN() }),
			"close NaN"},
		{"Inf high", with(func(c *candle.Candle) { c.High = math.Inf(1) }),
			"high +Inf"},
		{"negative low", with(func(c *candle.Candle) { c.Low = -1 }),
			"low -1"},
		{"negative volume", with(func(c *candle.Candle) { c.Volume = -1 }),
			"volume -1"},
		{"absurd close", with(func(c *candle.Candle) {
			c.High, c.Close = 1e308, 1e308
		}), "high 1e+308 is outside the plausible prices"},
		{"price just above the range", with(func(c *candle.Candle) {
			c.High = 1.0001e12
		}), "outside the plausible prices"},
		{"price below the range", with(func(c *candle.Candle) {
			c.Open, c.High, c.Low, c.Close = 1e-13, 1e-13, 1e-13, 1e-13
		}), "open 1e-13 is outside"},
		{"tiny but plausible price", with(func(c *candle.Candle) {
			c.Open, c.High, c.Low, c.Close = 1.23e-6, 1.25e-6, 1.2e-6, 1.24e-6
		}), ""},
		{"absurd volume", with(func(c *candle.Candle) { c.Volume = 1e300 }),
			"volume 1e+300 is not a number from 0 to"},
		{"absurd quote volume", with(func(c *candle.Candle) {
			c.QuoteVolume = 1e19
		}), "quote_volume 1e+19"},
		{"high below close", with(func(c *candle.Candle) { c.High = 100.5 }),
			"do not contain"},
		{"low above open", with(func(c *candle.Candle) { c.Low = 100.5 }),
			"do not contain"},
		{"close time before open", with(func(c *candle.Candle) {
			c.CloseTime = c.OpenTime - 1
		}), "close_time"},
		{"close time after open", with(func(c *candle.Candle) {
			c.CloseTime = c.OpenTime + 59999
		}), ""},
		{"NaN quote volume", with(func(c *candle.Candle) {
			c.QuoteVolume = math.NaN()
		}), "quote_volume"},
		{"negative trades", with(func(c *candle.Candle) { c.Trades = -3 }),
			"trades -3"},
		{"zero volume", with(func(c *candle.Candle) { c.Volume = 0 }), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.c.Validate(), tt.wantErr, candle.ErrInvalid)
		})
	}
}

// BC-19: numbers arrive as JSON numbers or as strings; both must decode
// to the same candle, and a field at fault is named.
func TestCandleUnmarshalJSON(t *testing.T) {
	want := candle.Candle{OpenTime: 1699999980000, Open: 1.234e-5,
		High: 1.25e-5, Low: 1.23e-5, Close: 1.245e-5, Volume: 123456789,
		CloseTime: 1700000039999, QuoteVolume: 1537.27, Trades: 42}
	tests := []struct {
		name    string
		in      string
		want    candle.Candle
		wantErr string
	}{
		{"numbers", `{"open_time":1699999980000,"open":0.00001234,` +
			`"high":0.00001250,"low":0.00001230,"close":0.00001245,` +
			`"volume":123456789.00,"close_time":1700000039999,` +
			`"quote_volume":1537.27,"trades":42}`, want, ""},
		{"strings", `{"open_time":"1699999980000","open":"0.00001234",` +
			`"high":"0.00001250","low":"0.00001230","close":"0.00001245",` +
			`"volume":"123456789.00","close_time":"1700000039999",` +
			`"quote_volume":"1537.27","trades":"42"}`, want, ""},
		{"required only", `{"open_time":1699999980000,"open":1,"high":2,` +
			`"low":0.5,"close":1.5,"volume":0}`,
			candle.Candle{OpenTime: 1699999980000, Open: 1, High: 2,
				Low: 0.5, Close: 1.5}, ""},
		{"null optional", `{"open_time":1699999980000,"open":1,"high":2,` +
			`"low":0.5,"close":1.5,"volume":0,"trades":null}`,
			candle.Candle{OpenTime: 1699999980000, Open: 1, High: 2,
				Low: 0.5, Close: 1.5}, ""},
		{"missing close", `{"open_time":1699999980000,"open":1,"high":2,` +
			`"low":0.5,"volume":0}`, candle.Candle{}, "close is missing"},
		{"missing volume", `{"open_time":1699999980000,"open":1,"high":2,` +
			`"low":0.5,"close":1}`, candle.Candle{}, "volume is missing"},
		{"NaN string", `{"open_time":1699999980000,"open":"NaN","high":2,` +
			`"low":0.5,"close":1,"volume":0}`, candle.Candle{},
			`open "NaN" is not a number`},
		{"Infinity string", `{"open_time":1699999980000,"open":1,` +
			`"high":"Infinity","low":0.5,"close":1,"volume":0}`,
			candle.Candle{}, "high"},
		{"hex string", `{"open_time":1699999980000,"open":"0x1p-2",` +
			`"high":2,"low":0.1,"close":1,"volume":0}`, candle.Candle{},
			"open"},
		{"overflow", `{"open_time":1699999980000,"open":1,"high":1e999,` +
			`"low":0.5,"close":1,"volume":0}`, candle.Candle{},
			"high 1e999 is out of range"},
		{"empty string", `{"open_time":1699999980000,"open":"","high":2,` +
			`"low":0.5,"close":1,"volume":0}`, candle.Candle{}, "open"},
		{"boolean", `{"open_time":1699999980000,"open":true,"high":2,` +
			`"low":0.5,"close":1,"volume":0}`, candle.Candle{},
			"open true is not a number"},
		{"fractional time", `{"open_time":1699999980000.5,"open":1,` +
			`"high":2,"low":0.5,"close":1,"volume":0}`, candle.Candle{},
			"open_time 1699999980000.5 is not a whole number"},
		{"array", `[1,2,3]`, candle.Candle{}, "want an object, got array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got candle.Candle
			err := json.Unmarshal([]byte(tt.in), &got)
			checkErr(t, err, tt.wantErr, candle.ErrInvalid)
			if err == nil && got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestCandleJSONRoundTrip(t *testing.T) {
	in := good()
	in.CloseTime, in.QuoteVolume, in.Trades = openBC21+59999, 1263.5, 7
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out candle.Candle
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Errorf("round trip gave %+v, want %+v", out, in)
	}
}
