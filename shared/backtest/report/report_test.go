package report_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/tabot-functions/tabot/shared/backtest"
	"github.com/tabot-functions/tabot/shared/backtest/report"
	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/strategy"
)

const hour = int64(3_600_000)

// sample returns 4 hourly candles and a result with one traded buy, a
// hold, and a strategy whose id needs escaping.
func sample() (*backtest.Result, candle.Series) {
	t0 := int64(1_704_067_200_000)
	var cs []candle.Candle
	for i, p := range []float64{100, 101, 103, 111} {
		cs = append(cs, candle.Candle{OpenTime: t0 + int64(i)*hour,
			Open: p, High: p + 1, Low: p - 1, Close: p + 0.5, Volume: 1})
	}
	s := candle.NewSeries(cs)
	buy := backtest.Signal{Index: 0, OpenTime: t0, Action: strategy.Buy,
		Confidence: 0.7, Price: 100.5, StopLoss: 95, TakeProfit: 110}
	signals := []backtest.Signal{buy}
	trades := backtest.Simulate(s, signals, backtest.Rules{Fee: 0.001})
	var st backtest.Stats
	st.Signals, st.Trades = 1, len(trades)

	res := &backtest.Result{Version: backtest.Version, Symbol: "BTCUSDT",
		Interval: "1h", Candles: s.Len(), FirstOpenTime: t0,
		LastOpenTime: t0 + 3*hour, Window: 1000, MinConfidence: 0.6,
		MaxConfidence: 0.95, Fee: 0.001, TimeStop: "0s",
		Strategies: []backtest.StrategyResult{
			{ID: "trend", Stats: st, Signals: signals, Trades: trades},
			{ID: "<b>alert</b>", Signals: []backtest.Signal{{Index: 2,
				OpenTime: t0 + 2*hour, Action: strategy.Hold,
				Confidence: 0.7, Price: 103.5, Status: backtest.Alert}},
				Trades: []backtest.Trade{}},
		}}
	return res, s
}

func TestWrite(t *testing.T) {
	res, s := sample()
	var b bytes.Buffer
	if err := report.Write(&b, res, s); err != nil {
		t.Fatal(err)
	}
	page := b.String()

	t.Run("self-contained", func(t *testing.T) {
		for _, re := range []string{`<script[^>]+src=`, `<link[^>]+href=`,
			`<img[^>]+src=`, `@import`, `url\(\s*['"]?(https?:)?//`,
			`fetch\(`, `XMLHttpRequest`} {
			if m := regexp.MustCompile(re).FindString(page); m != "" {
				t.Errorf("page loads something from outside: %q", m)
			}
		}
		if !strings.Contains(page, "TradingView Lightweight Charts™ v5.2.1") {
			t.Error("the charting library is not embedded")
		}
		if !strings.Contains(page, `href="https://www.tradingview.com/"`) {
			t.Error("no attribution link to TradingView")
		}
	})

	t.Run("escaped", func(t *testing.T) {
		if strings.Contains(page, "<b>alert</b>") {
			t.Error("strategy id written unescaped")
		}
		if !strings.Contains(page, "&lt;b&gt;alert&lt;/b&gt;") {
			t.Error("strategy id missing from the summary")
		}
	})

	t.Run("data", func(t *testing.T) {
		var d struct {
			Candles    [][5]float64 `json:"candles"`
			Strategies []struct {
				ID      string `json:"id"`
				Signals []struct {
					T int64  `json:"t"`
					A string `json:"a"`
					G bool   `json:"g"`
				} `json:"signals"`
				Exits []struct {
					T int64  `json:"t"`
					X string `json:"x"`
				} `json:"exits"`
				Equity [][2]float64 `json:"equity"`
			} `json:"strategies"`
		}
		m := regexp.MustCompile(`const data = (\{.*\});\n`).
			FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no chart data in the page")
		}
		if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
			t.Fatalf("chart data: %v", err)
		}
		t0 := res.FirstOpenTime / 1000
		if len(d.Candles) != 4 || d.Candles[0] != [5]float64{
			float64(t0), 100, 101, 99, 100.5} {
			t.Errorf("candles %v, want 4 from %d in seconds", d.Candles, t0)
		}
		if len(d.Strategies) != 2 || d.Strategies[1].ID != "<b>alert</b>" {
			t.Fatalf("strategies %+v, want trend and <b>alert</b>",
				d.Strategies)
		}
		tr := d.Strategies[0]
		if len(tr.Signals) != 1 || tr.Signals[0].A != "buy" ||
			tr.Signals[0].T != t0 || len(tr.Exits) != 1 ||
			tr.Exits[0].X != "target" || tr.Exits[0].T != t0+3*3600 {
			t.Errorf("trend markers %+v, want a buy at %d and a target "+
				"exit 3 hours later", tr, t0)
		}
		wantPnL := 100 * res.Strategies[0].Trades[0].Return
		if len(tr.Equity) != 2 || tr.Equity[0] != [2]float64{float64(t0), 0} ||
			tr.Equity[1][1] != wantPnL {
			t.Errorf("equity %v, want 0 %% then %v %%", tr.Equity, wantPnL)
		}
	})
}

func TestWriteRejectsOtherCandles(t *testing.T) {
	res, s := sample()
	s.Close = s.Close[:2]
	if err := report.Write(&bytes.Buffer{}, res, s); err == nil {
		t.Error("no error for a series that is not the result's")
	}
}
