package strategyfn_test

import (
	"context"
	"encoding/json"
	"testing"

	ce "github.com/cloudevents/sdk-go/v2/event"

	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/strategy"
	"github.com/tabot-functions/tabot/shared/strategyfn"
)

// BenchmarkHandle measures one 1000-candle window through decoding and
// three strategies that share their indicators.
func BenchmarkHandle(b *testing.B) {
	reads := func(in *strategy.Input) (*strategy.Decision, error) {
		in.EMA(200)
		in.RSI(14)
		in.MACD()
		return nil, nil
	}
	reg := registry(b,
		&fake{id: "a", history: 250, decide: reads},
		&fake{id: "b", history: 250, decide: reads},
		&fake{id: "c", history: 250, decide: buy(0.7)})
	svc, err := strategyfn.New(config("all"), reg, nil)
	if err != nil {
		b.Fatal(err)
	}
	data, _ := json.Marshal(window("BTCUSDT", 1000))
	e := ce.New()
	e.SetID("1")
	e.SetSource("/bench")
	e.SetType(event.TypeCandles)
	e.SetDataContentType(ce.ApplicationJSON)
	e.DataEncoded = data
	b.SetBytes(int64(len(data)))

	for b.Loop() {
		if _, err := svc.Handle(context.Background(), e); err != nil {
			b.Fatal(err)
		}
	}
}
