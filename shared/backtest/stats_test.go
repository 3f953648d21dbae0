package backtest

import (
	"encoding/json"
	"math"
	"testing"
)

// closed returns trades with the given returns and reasons, one bar
// apart, each held bars candles.
func closed(bars int, rets []float64, reasons ...Reason) []Trade {
	out := make([]Trade, len(rets))
	for i, r := range rets {
		reason := End
		if i < len(reasons) {
			reason = reasons[i]
		}
		out[i] = Trade{Return: r, Reason: reason, Bars: bars,
			ExitTime: int64(i)}
	}
	return out
}

func TestTally(t *testing.T) {
	inf := Ratio(math.Inf(1))
	tests := []struct {
		name   string
		trades []Trade
		want   Stats
	}{{
		name: "no trades",
		want: Stats{},
	}, {
		name: "wins and losses",
		trades: closed(4, []float64{0.10, -0.05, 0.02, -0.03},
			Target, Stop, Time, End),
		want: Stats{Trades: 4, Wins: 2, Losses: 2,
			Exits:   Exits{Stop: 1, Target: 1, Time: 1, End: 1},
			WinRate: 0.5, Accuracy: 0.25, PnL: 0.04, GrossProfit: 0.12,
			GrossLoss: 0.08, ProfitFactor: 1.5,
			MaxDrawdown: 1.10 - 1.04, AvgBars: 4},
	}, {
		name:   "profit factor with no losses",
		trades: closed(2, []float64{0.01, 0.03}, Target, Target),
		want: Stats{Trades: 2, Wins: 2, Exits: Exits{Target: 2},
			WinRate: 1, Accuracy: 1, PnL: 0.04, GrossProfit: 0.04,
			ProfitFactor: inf, AvgBars: 2},
	}, {
		name:   "a flat trade neither wins nor loses",
		trades: closed(1, []float64{0}),
		want:   Stats{Trades: 1, Exits: Exits{End: 1}, AvgBars: 1},
	}, {
		name:   "losses only",
		trades: closed(3, []float64{-0.1, -0.1}, Stop, Stop),
		want: Stats{Trades: 2, Losses: 2, Exits: Exits{Stop: 2},
			PnL: -0.2, GrossLoss: 0.2, MaxDrawdown: 0.2, AvgBars: 3},
	}, {
		name:   "losing more than the stake",
		trades: closed(1, []float64{-0.5, -0.5, -0.5}, Stop, Stop, Stop),
		want: Stats{Trades: 3, Losses: 3, Exits: Exits{Stop: 3},
			PnL: -1.5, GrossLoss: 1.5, MaxDrawdown: 1.5, AvgBars: 1},
	}, {
		name: "drawdown from the highest peak",
		trades: closed(1, []float64{0.5, -0.3, 0.1, -0.4, 0.2},
			Target, Stop, Target, Stop, Target),
		want: Stats{Trades: 5, Wins: 3, Losses: 2,
			Exits:   Exits{Stop: 2, Target: 3},
			WinRate: 0.6, Accuracy: 0.6, PnL: 0.1, GrossProfit: 0.8,
			GrossLoss: 0.7, ProfitFactor: Ratio(0.8 / 0.7),
			MaxDrawdown: 1.5 - 0.9, AvgBars: 1},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Stats
			got.tally(nil, tt.trades)
			if !near(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// near compares stats, the fractions to 1e-12.
func near(a, b Stats) bool {
	close := func(x, y float64) bool {
		return x == y || math.Abs(x-y) < 1e-12
	}
	return a.Trades == b.Trades && a.Wins == b.Wins && a.Losses == b.Losses &&
		a.Exits == b.Exits && close(a.WinRate, b.WinRate) &&
		close(a.Accuracy, b.Accuracy) && close(a.PnL, b.PnL) &&
		close(a.GrossProfit, b.GrossProfit) &&
		close(a.GrossLoss, b.GrossLoss) &&
		close(float64(a.ProfitFactor), float64(b.ProfitFactor)) &&
		close(a.MaxDrawdown, b.MaxDrawdown) && close(a.AvgBars, b.AvgBars)
}

func TestTallySignals(t *testing.T) {
	signals := []Signal{{Status: Traded}, {Status: InPosition},
		{Status: Alert}, {Status: InPosition}, {Status: NoNextCandle}}
	var got Stats
	got.tally(signals, nil)
	want := Stats{Signals: 5, Holds: 1, InPosition: 2, NoNextCandle: 1}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestEquity(t *testing.T) {
	got := Equity(closed(1, []float64{0.1, -0.2, 0.05}))
	want := []float64{1.1, 0.9, 0.95}
	if len(got) != len(want) {
		t.Fatalf("got %d points, want %d", len(got), len(want))
	}
	for i, w := range want {
		if math.Abs(got[i].Equity-w) > 1e-12 || got[i].Time != int64(i) {
			t.Errorf("point %d: got %+v, want equity %v at %d", i, got[i],
				w, i)
		}
	}
}

func TestRatioJSON(t *testing.T) {
	tests := []struct {
		r    Ratio
		want string
	}{
		{1.5, "1.5"}, {0, "0"}, {Ratio(math.Inf(1)), "null"},
		{Ratio(math.NaN()), "null"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(struct {
			PF Ratio `json:"pf"`
		}{tt.r})
		if err != nil {
			t.Fatalf("marshal %v: %v", tt.r, err)
		}
		if want := `{"pf":` + tt.want + `}`; string(b) != want {
			t.Errorf("marshal %v = %s, want %s", tt.r, b, want)
		}
	}

	var back Ratio
	if err := json.Unmarshal([]byte("null"), &back); err != nil ||
		!math.IsInf(float64(back), 1) {
		t.Errorf("unmarshal null = %v, %v; want +Inf", back, err)
	}
}
