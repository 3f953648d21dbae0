package candle_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event/cejson"
)

// bc19 is the candle of BC-19: a coin priced near 0.00001, 1m, opening
// at 1699999980000.
var bc19 = candle.Candle{OpenTime: 1699999980000, Open: 1.234e-5,
	High: 1.25e-5, Low: 1.23e-5, Close: 1.245e-5, Volume: 123456789,
	CloseTime: 1700000039999, QuoteVolume: 1537.27, Trades: 42}

// klineBC19 is a complete Binance kline stream message. Every key that
// Binance sends in both cases carries a value that would break the candle
// if it were folded into its lower-case twin.
const klineBC19 = `{"e":"kline","E":1700000040123,"s":"PEPEUSDT","k":{` +
	`"t":1699999980000,"T":1700000039999,"s":"PEPEUSDT","i":"1m",` +
	`"f":100,"L":99999,"o":"0.00001234","c":"0.00001245",` +
	`"h":"0.00001250","l":"0.00001230","v":"123456789.00","n":42,` +
	`"x":true,"q":"1537.27","V":"60000000.00","Q":"747.0","B":"0"}}`

const rowBC19 = `[1699999980000,"0.00001234","0.00001250","0.00001230",` +
	`"0.00001245","123456789.00",1700000039999,"1537.27",42,` +
	`"60000000.00","747.0","0"]`

const candleObject = `{"symbol":"PEPEUSDT","interval":"1m",` +
	`"open_time":1699999980000,"open":0.00001234,"high":0.00001250,` +
	`"low":0.00001230,"close":0.00001245,"volume":123456789,` +
	`"close_time":1700000039999,"quote_volume":1537.27,"trades":42}`

func cloudEvent(contentType, ext, data string) string {
	ct := ""
	if contentType != "" {
		ct = `"datacontenttype":"` + contentType + `",`
	}
	return `{"specversion":"1.0","id":"k-PEPEUSDT-1m-1699999980000",` +
		`"source":"/binance","type":"io.binance.kline",` + ct + ext +
		`"data":` + data + `}`
}

func TestDecodePayload(t *testing.T) {
	want := candle.Payload{Symbol: "PEPEUSDT", Interval: "1m", Candle: bc19,
		Closed: true}
	forming := want
	forming.Closed = false

	tests := []struct {
		name    string
		in      string
		want    candle.Payload
		wantErr string
		sentry  error
	}{
		{"candle object", candleObject, want, "", nil},
		{"candle object with strings", strings.NewReplacer(
			`0.00001234`, `"0.00001234"`, `123456789`, `"123456789"`,
		).Replace(candleObject), want, "", nil},
		{"BC-19 kline with strings", klineBC19, want, "", nil},
		{"kline with numbers", strings.NewReplacer(
			`"0.00001234"`, `0.00001234`, `"0.00001245"`, `0.00001245`,
			`"0.00001250"`, `0.00001250`, `"0.00001230"`, `0.00001230`,
			`"123456789.00"`, `123456789.00`, `"1537.27"`, `1537.27`,
		).Replace(klineBC19), want, "", nil},
		{"kline forming", strings.Replace(klineBC19, `"x":true`,
			`"x":false`, 1), forming, "", nil},
		{"combined stream", `{"stream":"pepeusdt@kline_1m","data":` +
			klineBC19 + `}`, want, "", nil},
		{"cloudevent candle", cloudEvent("application/json", "",
			candleObject), want, "", nil},
		{"cloudevent kline +json", cloudEvent("application/vnd.kline+json",
			"", klineBC19), want, "", nil},
		{"cloudevent absent type", cloudEvent("", "", klineBC19), want, "",
			nil},
		{"cloudevent symbol from extensions", cloudEvent("application/json",
			`"symbol":"PEPEUSDT","interval":"1m",`,
			strings.Replace(candleObject,
				`"symbol":"PEPEUSDT","interval":"1m",`, "", 1)),
			want, "", nil},

		{"empty", "", candle.Payload{}, "empty payload", candle.ErrInvalid},
		{"not an object", `"x"`, candle.Payload{}, "not a JSON object",
			candle.ErrInvalid},
		{"broken JSON", `{"symbol":`, candle.Payload{}, "not valid JSON",
			candle.ErrInvalid},
		{"row without subject", rowBC19, candle.Payload{}, "symbol",
			candle.ErrInvalid},
		{"BC-21 seconds", strings.Replace(candleObject, "1699999980000",
			"1699999980", 1), candle.Payload{}, "looks like seconds",
			candle.ErrInvalid},
		{"misaligned", strings.Replace(candleObject, "1699999980000",
			"1699999990000", 1), candle.Payload{}, "not on a 1m boundary",
			candle.ErrInvalid},
		{"lower-case symbol", strings.Replace(candleObject, "PEPEUSDT",
			"pepeusdt", 1), candle.Payload{}, "upper-case",
			candle.ErrInvalid},
		{"no symbol", strings.Replace(candleObject, `"symbol":"PEPEUSDT",`,
			"", 1), candle.Payload{}, "symbol", candle.ErrInvalid},
		{"bad interval", strings.Replace(candleObject, `"1m"`, `"1s"`, 1),
			candle.Payload{}, `interval "1s"`, candle.ErrInvalid},
		{"symbol a number", strings.Replace(candleObject, `"PEPEUSDT"`,
			`7`, 1), candle.Payload{}, "symbol: want a string",
			candle.ErrInvalid},
		{"kline without x", strings.Replace(klineBC19, `"x":true,`, "", 1),
			candle.Payload{}, "k.x is missing", candle.ErrInvalid},
		{"kline x a string", strings.Replace(klineBC19, `"x":true`,
			`"x":"true"`, 1), candle.Payload{}, "x: want a boolean",
			candle.ErrInvalid},
		{"kline bad close", strings.Replace(klineBC19, `"c":"0.00001245"`,
			`"c":"abc"`, 1), candle.Payload{}, `k.c "abc" is not a number`,
			candle.ErrInvalid},
		{"kline missing open", strings.Replace(klineBC19,
			`"o":"0.00001234",`, "", 1), candle.Payload{},
			"k.o is missing", candle.ErrInvalid},
		{"kline symbols differ", strings.Replace(klineBC19,
			`"s":"PEPEUSDT","k"`, `"s":"BTCUSDT","k"`, 1), candle.Payload{},
			"differ", candle.ErrInvalid},
		{"ticker event", `{"e":"24hrTicker","s":"BTCUSDT"}`,
			candle.Payload{}, "not a kline", candle.ErrInvalid},
		{"kline without k", `{"e":"kline","s":"BTCUSDT"}`,
			candle.Payload{}, "k is missing", candle.ErrInvalid},
		{"BC-24 e text/plain", cloudEvent("text/plain", "",
			`"0.00001245"`), candle.Payload{}, "text/plain",
			cejson.ErrUnsupported},
		{"cloudevent without id", strings.Replace(cloudEvent("", "",
			candleObject), `"id":"k-PEPEUSDT-1m-1699999980000",`, "", 1),
			candle.Payload{}, "id", candle.ErrInvalid},
		{"cloudevent in cloudevent", cloudEvent("", "", cloudEvent("", "",
			candleObject)), candle.Payload{}, "another cloudevent",
			candle.ErrInvalid},
		{"cloudevent extension mismatch", cloudEvent("",
			`"symbol":"BTCUSDT",`, candleObject), candle.Payload{},
			"extension symbol BTCUSDT", candle.ErrMismatch},
		{"cloudevent interval mismatch", cloudEvent("",
			`"interval":"5m",`, candleObject), candle.Payload{},
			"extension interval 5m", candle.ErrMismatch},
		{"cloudevent array data", cloudEvent("", "", rowBC19),
			candle.Payload{}, "want a JSON object", candle.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := candle.DecodePayload([]byte(tt.in))
			checkErr(t, err, tt.wantErr, tt.sentry)
			if err != nil {
				if !errors.Is(err, candle.ErrInvalid) {
					t.Errorf("error %v does not wrap ErrInvalid", err)
				}
				return
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeMessage(t *testing.T) {
	want := candle.Payload{Symbol: "PEPEUSDT", Interval: "1m", Candle: bc19,
		Closed: true}
	tests := []struct {
		name    string
		subject string
		in      string
		wantErr string
		sentry  error
	}{
		{"candle object", "candles.PEPEUSDT.1m", candleObject, "", nil},
		{"kline", "candles.PEPEUSDT.1m", klineBC19, "", nil},
		{"BC-19 REST row", "candles.PEPEUSDT.1m", rowBC19, "", nil},
		{"object without names", "candles.PEPEUSDT.1m", strings.Replace(
			candleObject, `"symbol":"PEPEUSDT","interval":"1m",`, "", 1),
			"", nil},
		{"longer prefix", "prod.candles.PEPEUSDT.1m", klineBC19, "", nil},
		{"symbol mismatch", "candles.BTCUSDT.1m", klineBC19,
			`symbol "PEPEUSDT", subject candles.BTCUSDT.1m`,
			candle.ErrMismatch},
		{"interval mismatch", "candles.PEPEUSDT.5m", candleObject,
			`interval "1m", subject candles.PEPEUSDT.5m`, candle.ErrMismatch},
		{"short subject", "PEPEUSDT.1m", candleObject, "not candles.<SYMBOL>",
			candle.ErrInvalid},
		{"bad subject symbol", "candles.pepe.1m", candleObject, "subject:",
			candle.ErrInvalid},
		{"bad subject interval", "candles.PEPEUSDT.1x", candleObject,
			"subject:", candle.ErrInvalid},
		{"row misaligned for subject", "candles.PEPEUSDT.15m", rowBC19,
			"not on a 15m boundary", candle.ErrInvalid},
		{"row seconds", "candles.PEPEUSDT.1m", strings.Replace(rowBC19,
			"1699999980000", "1699999980", 1), "looks like seconds",
			candle.ErrInvalid},
		{"short row", "candles.PEPEUSDT.1m", `[1699999980000,"1","1"]`,
			"3 columns, want at least 6", candle.ErrInvalid},
		{"row bad volume", "candles.PEPEUSDT.1m", strings.Replace(rowBC19,
			`"123456789.00"`, `{}`, 1), "row[5] volume", candle.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := candle.DecodeMessage(tt.subject, []byte(tt.in))
			checkErr(t, err, tt.wantErr, tt.sentry)
			if err != nil {
				if !errors.Is(err, candle.ErrInvalid) {
					t.Errorf("error %v does not wrap ErrInvalid", err)
				}
				return
			}
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestDecodeKlineRow(t *testing.T) {
	got, err := candle.DecodeKlineRow([]byte(rowBC19))
	if err != nil {
		t.Fatal(err)
	}
	if got != bc19 {
		t.Errorf("got  %+v\nwant %+v", got, bc19)
	}
	six, err := candle.DecodeKlineRow([]byte(
		`[1699999980000,1.234e-5,1.25e-5,1.23e-5,1.245e-5,123456789]`))
	if err != nil {
		t.Fatal(err)
	}
	if want := (candle.Candle{OpenTime: bc19.OpenTime, Open: bc19.Open,
		High: bc19.High, Low: bc19.Low, Close: bc19.Close,
		Volume: bc19.Volume}); six != want {
		t.Errorf("six columns: got %+v, want %+v", six, want)
	}
}

func TestPayloadCheckSubject(t *testing.T) {
	p := candle.Payload{Symbol: "BTCUSDT", Interval: "15m"}
	if err := p.CheckSubject("candles.BTCUSDT.15m"); err != nil {
		t.Errorf("matching subject: %v", err)
	}
	err := p.CheckSubject("candles.ETHUSDT.15m")
	if !errors.Is(err, candle.ErrMismatch) || !errors.Is(err, candle.ErrInvalid) {
		t.Errorf("other symbol: error %v, want ErrMismatch and ErrInvalid",
			err)
	}
	if err := p.CheckSubject("candles"); errors.Is(err, candle.ErrMismatch) ||
		!errors.Is(err, candle.ErrInvalid) {
		t.Errorf("malformed subject: error %v, want ErrInvalid only", err)
	}
}

// BC-17: three kline events for one candle, only the last one closed.
// Only that one may reach a window, and it carries the closing price.
func TestRepaintingKlines(t *testing.T) {
	msgs := []string{
		strings.Replace(klineRaw("false"), "CLOSE", "100.0", 1),
		strings.Replace(klineRaw("false"), "CLOSE", "103.0", 1),
		strings.Replace(klineRaw("true"), "CLOSE", "101.0", 1),
	}
	w, err := candle.NewWindow("1m", 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	buys := 0
	for i, m := range msgs {
		p, err := candle.DecodeMessage("candles.BTCUSDT.1m", []byte(m))
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !p.Closed {
			continue
		}
		r, err := w.Add(p.Candle)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		// The rule of BC-17: BUY when close > 102.
		if r.Emit && r.Candles[len(r.Candles)-1].Close > 102 {
			buys++
		}
	}
	got := w.Candles()
	if len(got) != 1 || got[0].Close != 101 {
		t.Errorf("window = %+v, want the one closed candle at 101", got)
	}
	if buys != 0 {
		t.Errorf("%d buys, want 0", buys)
	}
}

func klineRaw(closed string) string {
	return `{"e":"kline","E":1700000000000,"s":"BTCUSDT","k":{` +
		`"t":1699999980000,"T":1700000039999,"s":"BTCUSDT","i":"1m",` +
		`"o":"100.0","c":"CLOSE","h":"104.0","l":"99.0","v":"10",` +
		`"x":` + closed + `}}`
}
