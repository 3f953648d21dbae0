package backtest_test

import (
	"math"
	"testing"
	"time"

	"github.com/tabot-functions/tabot/shared/backtest"
	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/strategy"
)

const hour = int64(time.Hour / time.Millisecond)

// t0 is the open time of the first hand-made candle.
const t0 = int64(1_700_000_000_000) / hour * hour

// bars returns hourly candles from rows of open, high, low, close.
func bars(rows ...[4]float64) candle.Series {
	cs := make([]candle.Candle, len(rows))
	for i, r := range rows {
		cs[i] = candle.Candle{OpenTime: t0 + int64(i)*hour, Open: r[0],
			High: r[1], Low: r[2], Close: r[3], Volume: 1}
	}
	return candle.NewSeries(cs)
}

// at moves candle i of s to open at t0 + h hours.
func at(s candle.Series, i int, h int64) candle.Series {
	s.OpenTime[i] = t0 + h*hour
	return s
}

func buyAt(i int, price, stop, target float64) backtest.Signal {
	return backtest.Signal{Index: i, OpenTime: t0 + int64(i)*hour,
		Action: strategy.Buy, Confidence: 0.7, Price: price,
		StopLoss: stop, TakeProfit: target}
}

func sellAt(i int, price, stop, target float64) backtest.Signal {
	sg := buyAt(i, price, stop, target)
	sg.Action = strategy.Sell
	return sg
}

func holdAt(i int) backtest.Signal {
	return backtest.Signal{Index: i, OpenTime: t0 + int64(i)*hour,
		Action: strategy.Hold, Confidence: 0.7, Price: 100}
}

// flat is a candle that touches nothing between 95 and 110.
var flat = [4]float64{100, 101, 99, 100}

func TestSimulate(t *testing.T) {
	type trade struct {
		entryIndex, exitIndex int
		exit                  float64
		reason                backtest.Reason
		bars                  int
		ret                   float64
	}
	tests := []struct {
		name    string
		candles candle.Series
		signals []backtest.Signal
		rules   backtest.Rules
		want    []trade
		status  []backtest.Status
	}{{
		name: "target hit",
		candles: bars(flat, [4]float64{100, 104, 98, 103},
			[4]float64{103, 111, 102, 108}, flat),
		signals: []backtest.Signal{buyAt(0, 100, 95, 110)},
		want:    []trade{{1, 2, 110, backtest.Target, 2, 0.10}},
		status:  []backtest.Status{backtest.Traded},
	}, {
		name: "stop hit",
		candles: bars(flat, [4]float64{100, 104, 98, 103},
			[4]float64{103, 104, 94, 96}, flat),
		signals: []backtest.Signal{buyAt(0, 100, 95, 110)},
		want:    []trade{{1, 2, 95, backtest.Stop, 2, -0.05}},
	}, {
		name:    "stop and target in one candle: stop first",
		candles: bars(flat, flat, [4]float64{100, 112, 93, 105}),
		signals: []backtest.Signal{buyAt(0, 100, 95, 110)},
		want:    []trade{{1, 2, 95, backtest.Stop, 2, -0.05}},
	}, {
		name:    "stop touched in the entry candle",
		candles: bars(flat, [4]float64{100, 101, 94, 97}),
		signals: []backtest.Signal{buyAt(0, 100, 95, 110)},
		want:    []trade{{1, 1, 95, backtest.Stop, 1, -0.05}},
	}, {
		name:    "gap below the stop exits at the open",
		candles: bars(flat, flat, [4]float64{90, 92, 88, 91}),
		signals: []backtest.Signal{buyAt(0, 100, 95, 110)},
		want:    []trade{{1, 2, 90, backtest.Stop, 2, -0.10}},
	}, {
		name:    "next open already below the stop: out at once",
		candles: bars(flat, [4]float64{94, 99, 93, 98}),
		signals: []backtest.Signal{buyAt(0, 100, 95, 110)},
		rules:   backtest.Rules{Fee: 0.001},
		want:    []trade{{1, 1, 94, backtest.Stop, 1, -0.002}},
	}, {
		name:    "gap above the target exits at the open",
		candles: bars(flat, flat, [4]float64{112, 115, 111, 113}),
		signals: []backtest.Signal{buyAt(0, 100, 95, 110)},
		want:    []trade{{1, 2, 112, backtest.Target, 2, 0.12}},
	}, {
		name: "time stop at the close of the expiring candle",
		candles: bars(flat, [4]float64{100, 102, 99, 101},
			[4]float64{101, 103, 100, 102}, flat),
		signals: []backtest.Signal{buyAt(0, 100, 95, 110)},
		rules:   backtest.Rules{TimeStop: 2 * time.Hour, IntervalMillis: hour},
		want:    []trade{{1, 2, 102, backtest.Time, 2, 0.02}},
	}, {
		name: "time stop in a gap exits at the next open",
		candles: at(bars(flat, flat, [4]float64{103, 104, 102, 103}),
			2, 6),
		signals: []backtest.Signal{buyAt(0, 100, 95, 110)},
		rules:   backtest.Rules{TimeStop: 2 * time.Hour, IntervalMillis: hour},
		want:    []trade{{1, 2, 103, backtest.Time, 2, 0.03}},
	}, {
		name:    "target before the time stop in the same candle",
		candles: bars(flat, flat, [4]float64{100, 111, 99, 100}),
		signals: []backtest.Signal{buyAt(0, 100, 95, 110)},
		rules:   backtest.Rules{TimeStop: 2 * time.Hour, IntervalMillis: hour},
		want:    []trade{{1, 2, 110, backtest.Target, 2, 0.10}},
	}, {
		name: "fee on both sides",
		candles: bars(flat, [4]float64{100, 104, 98, 103},
			[4]float64{103, 111, 102, 108}),
		signals: []backtest.Signal{buyAt(0, 100, 95, 110)},
		rules:   backtest.Rules{Fee: 0.001},
		want: []trade{{1, 2, 110, backtest.Target, 2,
			0.10 - 0.001*100/100 - 0.001*110/100}},
	}, {
		name:    "short reaches its target",
		candles: bars(flat, flat, [4]float64{100, 101, 89, 92}),
		signals: []backtest.Signal{sellAt(0, 100, 105, 90)},
		want:    []trade{{1, 2, 90, backtest.Target, 2, 0.10}},
	}, {
		name:    "short stopped out",
		candles: bars(flat, flat, [4]float64{100, 106, 99, 104}),
		signals: []backtest.Signal{sellAt(0, 100, 105, 90)},
		rules:   backtest.Rules{Fee: 0.001},
		want: []trade{{1, 2, 105, backtest.Stop, 2,
			-0.05 - 0.001 - 0.001*1.05}},
	}, {
		name:    "short touching both: stop first",
		candles: bars(flat, [4]float64{100, 106, 89, 95}),
		signals: []backtest.Signal{sellAt(0, 100, 105, 90)},
		want:    []trade{{1, 1, 105, backtest.Stop, 1, -0.05}},
	}, {
		name:    "open at the end of data closes at the last close",
		candles: bars(flat, flat, flat, [4]float64{100, 102, 99, 101.5}),
		signals: []backtest.Signal{buyAt(0, 100, 95, 110)},
		want:    []trade{{1, 3, 101.5, backtest.End, 3, 0.015}},
	}, {
		name:    "hold is never traded",
		candles: bars(flat, flat, flat),
		signals: []backtest.Signal{holdAt(0)},
		status:  []backtest.Status{backtest.Alert},
	}, {
		name:    "signal on the last candle",
		candles: bars(flat, flat),
		signals: []backtest.Signal{buyAt(1, 100, 95, 110)},
		status:  []backtest.Status{backtest.NoNextCandle},
	}, {
		name: "one position at a time",
		candles: bars(flat, flat, flat, [4]float64{100, 111, 99, 108},
			[4]float64{108, 109, 107, 108}, [4]float64{108, 109, 107, 108}),
		signals: []backtest.Signal{buyAt(0, 100, 95, 110),
			sellAt(1, 100, 105, 90), holdAt(2), buyAt(3, 108, 100, 115),
			buyAt(4, 100, 95, 110)},
		want: []trade{{1, 3, 110, backtest.Target, 3, 0.10},
			{4, 5, 108, backtest.End, 2, 0}},
		status: []backtest.Status{backtest.Traded, backtest.InPosition,
			backtest.Alert, backtest.Traded, backtest.InPosition},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := backtest.Simulate(tt.candles, tt.signals, tt.rules)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d trades %+v, want %d", len(got), got,
					len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.EntryIndex != w.entryIndex || g.ExitIndex != w.exitIndex ||
					g.Exit != w.exit || g.Reason != w.reason ||
					g.Bars != w.bars || math.Abs(g.Return-w.ret) > 1e-12 {
					t.Errorf("trade %d: got entry %d exit %d at %v (%s), "+
						"%d bars, return %v; want entry %d exit %d at %v "+
						"(%s), %d bars, return %v", i, g.EntryIndex,
						g.ExitIndex, g.Exit, g.Reason, g.Bars, g.Return,
						w.entryIndex, w.exitIndex, w.exit, w.reason, w.bars,
						w.ret)
				}
				if g.Entry != tt.candles.Open[w.entryIndex] {
					t.Errorf("trade %d: entry %v, want the next open %v", i,
						g.Entry, tt.candles.Open[w.entryIndex])
				}
			}
			for i, w := range tt.status {
				if g := tt.signals[i].Status; g != w {
					t.Errorf("signal %d: status %q, want %q", i, g, w)
				}
			}
		})
	}
}

func TestSimulateRecordsTheLevels(t *testing.T) {
	s := bars(flat, [4]float64{100, 104, 98, 103})
	got := backtest.Simulate(s, []backtest.Signal{sellAt(0, 100, 105, 90)},
		backtest.Rules{})
	if len(got) != 1 {
		t.Fatalf("got %d trades, want 1", len(got))
	}
	g := got[0]
	if g.Side != backtest.Short || g.StopLoss != 105 || g.TakeProfit != 90 ||
		g.SignalTime != t0 || g.EntryTime != t0+hour || g.ExitTime != t0+hour {
		t.Errorf("got %+v, want a short from %d with stop 105, target 90, "+
			"entered and closed at %d", g, t0, t0+hour)
	}
}
