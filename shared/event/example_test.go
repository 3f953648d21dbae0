package event_test

import (
	"fmt"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/strategy"
)

func ExampleNewWindowEvent() {
	w := event.Window{Symbol: "BTCUSDT", Interval: "15m",
		Candles: []candle.Candle{
			{OpenTime: 1704067200000, Open: 42283.58, High: 42554.57,
				Low: 42261.02, Close: 42475.23, Volume: 1271.68},
			{OpenTime: 1704068100000, Open: 42475.23, High: 42543.64,
				Low: 42364.13, Close: 42405.41, Volume: 822.62},
		}}
	e, err := event.NewWindowEvent(w, "candles.BTCUSDT.15m")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Type())
	fmt.Println(e.ID())
	fmt.Println(e.Source())
	fmt.Println(e.Subject(), e.Extensions()[event.ExtInterval])
	fmt.Println(e.Time().Format(time.RFC3339))
	fmt.Println(string(e.Data()))
	// Output:
	// io.tabot.candles.v1
	// candles-BTCUSDT-15m-1704068100000
	// /tabot/candle-source/candles.BTCUSDT.15m
	// BTCUSDT/15m 15m
	// 2024-01-01T00:30:00Z
	// {"symbol":"BTCUSDT","interval":"15m","candles":[{"open_time":1704067200000,"open":42283.58,"high":42554.57,"low":42261.02,"close":42475.23,"volume":1271.68},{"open_time":1704068100000,"open":42475.23,"high":42543.64,"low":42364.13,"close":42405.41,"volume":822.62}]}
}

func ExampleDecodeWindow() {
	// What `kn event send` posts: binary mode, JSON data, no extensions,
	// prices as strings.
	e := ce.New()
	e.SetID("1")
	e.SetSource("kn-event/v0.43")
	e.SetType("dev.knative.cli.plugin.event.generic")
	e.DataEncoded = []byte(`{"symbol":"ETHUSDT","interval":"15m",` +
		`"candles":[` +
		`{"open_time":1618883100000,"open":"2161.5","high":"2170",` +
		`"low":"2150.1","close":"2165.2","volume":"810.4"},` +
		`{"open_time":1618893000000,"open":"2165.2","high":"2180",` +
		`"low":"2160","close":"2178.9","volume":"1203.7"}]}`)

	w, err := event.DecodeWindow(e)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w.Symbol, w.Interval, len(w.Candles), "candles,",
		w.Missing, "missing")
	fmt.Println("last close", w.Last().Close)

	s := event.NewSignal("momentum_pulse", w, &strategy.Decision{
		Action: strategy.Buy, Confidence: 0.8, Price: 2178.9,
		StopLoss: 2150, TakeProfit: 2230})
	fmt.Println(s.Action, s.Strength, s.Timestamp, s.Validate())

	e.SetDataContentType("text/plain")
	_, err = event.DecodeWindow(e)
	fmt.Println(err)
	// Output:
	// ETHUSDT 15m 2 candles, 10 missing
	// last close 2178.9
	// buy strong 2021-04-20T04:45:00Z <nil>
	// decode window: invalid event: unsupported data content type: "text/plain", want application/json
}
