package backtest_test

import (
	"context"
	"fmt"

	"github.com/tabot-functions/tabot/shared/backtest"
	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// A buy on the first candle enters at the second candle's open and is
// stopped out in the third, whose low touches the stop and whose high
// touches the target: the stop is assumed first.
func ExampleSimulate() {
	s := candle.NewSeries([]candle.Candle{
		{OpenTime: 1704067200000, Open: 100, High: 101, Low: 99, Close: 100},
		{OpenTime: 1704070800000, Open: 100, High: 102, Low: 99, Close: 101},
		{OpenTime: 1704074400000, Open: 101, High: 111, Low: 94, Close: 97},
	})
	signals := []backtest.Signal{{Index: 0, OpenTime: 1704067200000,
		Action: strategy.Buy, Confidence: 0.7, Price: 100, StopLoss: 95,
		TakeProfit: 110}}

	trades := backtest.Simulate(s, signals,
		backtest.Rules{Fee: backtest.DefaultFee})
	t := trades[0]
	fmt.Printf("%s from %v to %v (%s) after %d bars: %.4f\n", t.Side,
		t.Entry, t.Exit, t.Reason, t.Bars, t.Return)
	// Output: long from 100 to 95 (stop) after 2 bars: -0.0520
}

// closeAbove buys when the close is above the previous one.
type closeAbove struct{}

func (closeAbove) ID() string   { return "close_above" }
func (closeAbove) History() int { return 2 }

func (closeAbove) Evaluate(in *strategy.Input) (*strategy.Decision, error) {
	n := in.Len()
	if in.Close[n-1] <= in.Close[n-2] {
		return nil, nil
	}
	p := in.Close[n-1]
	return &strategy.Decision{Action: strategy.Buy, Confidence: 0.8,
		Price: p, StopLoss: p * 0.98, TakeProfit: p * 1.02}, nil
}

// Closes 100, 101, 102, 103, 101, 99, 100, 104 give five buys. The
// first is traded and reaches its target in the candle where the second
// arrives (in position) and the third is signalled, which is traded and
// stopped out; the fourth enters at an open already above its target and
// is out at once; the fifth comes on the last candle.
func ExampleRun() {
	var cs []candle.Candle
	for i, p := range []float64{100, 101, 102, 103, 101, 99, 100, 104} {
		cs = append(cs, candle.Candle{OpenTime: 1704067200000 +
			int64(i)*3_600_000, Open: p, High: p + 0.5, Low: p - 0.5,
			Close: p, Volume: 1})
	}
	res, err := backtest.Run(context.Background(), candle.NewSeries(cs),
		[]strategy.Strategy{closeAbove{}},
		backtest.Config{Symbol: "BTCUSDT", Interval: "1h", Window: 5})
	if err != nil {
		fmt.Println(err)
		return
	}
	st := res.Strategies[0].Stats
	fmt.Printf("%d signals, %d in position, %d on the last candle, "+
		"%d trades\n", st.Signals, st.InPosition, st.NoNextCandle,
		st.Trades)
	for _, t := range res.Strategies[0].Trades {
		fmt.Printf("entry %v exit %v %s\n", t.Entry, t.Exit, t.Reason)
	}
	// Output:
	// 5 signals, 1 in position, 1 on the last candle, 3 trades
	// entry 102 exit 103.02 target
	// entry 101 exit 100.94 stop
	// entry 104 exit 104 target
}
