// Package report writes a backtest as one self-contained HTML page: the
// summary table, a candlestick chart with each strategy's signals and
// exits marked, and the equity curve of every strategy. The page needs
// no network: the charting library, TradingView Lightweight Charts
// (Apache-2.0, see assets/NOTICE), and the data are inside it.
package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"time"

	"github.com/tabot-functions/tabot/shared/backtest"
	"github.com/tabot-functions/tabot/shared/candle"
)

//go:generate sh -c "cd assets && ./update.sh"

//go:embed assets/lightweight-charts.standalone.production.js
var chartLibrary string

//go:embed page.html
var pageSource string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"pct":     func(f float64) string { return fmt.Sprintf("%.2f", 100*f) },
	"hundred": func(f float64) float64 { return 100 * f },
	"stamp":   stamp,
	"factor": func(r backtest.Ratio) string {
		if math.IsInf(float64(r), 1) {
			return "inf"
		}
		return fmt.Sprintf("%.2f", float64(r))
	},
}).Parse(pageSource))

// pageData is what the template reads.
type pageData struct {
	*backtest.Result
	Library template.JS
	Data    template.JS
}

// chartData is the JSON the page's script draws from. Times are Unix
// seconds, as the charting library takes them.
type chartData struct {
	Candles    [][5]float64 `json:"candles"` // time, open, high, low, close
	Strategies []series     `json:"strategies"`
}

type series struct {
	ID      string       `json:"id"`
	Signals []mark       `json:"signals"`
	Exits   []mark       `json:"exits"`
	Equity  [][2]float64 `json:"equity"` // time, P&L in percent
}

// mark is one marker: a signal (text is its action) or an exit (text is
// its reason), and whether the signal was traded or the exit won.
type mark struct {
	Time   int64  `json:"t"`
	Action string `json:"a"`
	Text   string `json:"x"`
	Good   bool   `json:"g"`
}

// Write writes the report of res, whose candles are s, to w.
func Write(w io.Writer, res *backtest.Result, s candle.Series) error {
	if s.Len() != res.Candles || s.Len() == 0 {
		return fmt.Errorf("report: %d candles for a result of %d",
			s.Len(), res.Candles)
	}
	data, err := json.Marshal(chart(res, s))
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	// json.Marshal escapes <, > and &, so the data cannot end the script.
	return page.Execute(w, pageData{Result: res,
		Library: template.JS(chartLibrary), Data: template.JS(data)})
}

func chart(res *backtest.Result, s candle.Series) chartData {
	sec := func(ms int64) int64 { return ms / 1000 }
	d := chartData{Candles: make([][5]float64, s.Len())}
	for i := range s.Len() {
		d.Candles[i] = [5]float64{float64(sec(s.OpenTime[i])), s.Open[i],
			s.High[i], s.Low[i], s.Close[i]}
	}
	for _, r := range res.Strategies {
		sr := series{ID: r.ID, Signals: []mark{}, Exits: []mark{},
			Equity: [][2]float64{{float64(sec(s.OpenTime[0])), 0}}}
		for _, sg := range r.Signals {
			sr.Signals = append(sr.Signals, mark{Time: sec(sg.OpenTime),
				Action: string(sg.Action), Text: string(sg.Status),
				Good: sg.Status == backtest.Traded})
		}
		for _, t := range r.Trades {
			sr.Exits = append(sr.Exits, mark{Time: sec(t.ExitTime),
				Action: string(t.Side), Text: string(t.Reason),
				Good: t.Return > 0})
		}
		for _, p := range backtest.Equity(r.Trades) {
			sr.Equity = append(sr.Equity,
				[2]float64{float64(sec(p.Time)), 100 * (p.Equity - 1)})
		}
		d.Strategies = append(d.Strategies, sr)
	}
	return d
}

func stamp(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04")
}
