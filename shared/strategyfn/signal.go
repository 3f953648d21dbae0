package strategyfn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/fnhttp"
	"github.com/tabot-functions/tabot/shared/strategy"
)

// intervalMillis is the length of each exchange interval but 1M.
// TODO: replace with candle.ParseInterval once the domain package lands
// on main; until then a 1M window is refused.
var intervalMillis = map[string]int64{
	"1m": 60e3, "3m": 180e3, "5m": 300e3, "15m": 900e3, "30m": 1800e3,
	"1h": 3600e3, "2h": 7200e3, "4h": 14400e3, "6h": 21600e3,
	"8h": 28800e3, "12h": 43200e3, "1d": 86400e3, "3d": 259200e3,
	"1w": 604800e3,
}

// decodeWindow reads and checks the window a candle event carries.
// TODO: replace with shared/event's window decoder once merged.
func decodeWindow(e ce.Event) (event.Window, error) {
	if !fnhttp.IsJSON(e.DataContentType()) {
		return event.Window{}, fmt.Errorf("%w: datacontenttype %q, want "+
			"application/json", fnhttp.ErrUnsupported, e.DataContentType())
	}
	data := bytes.TrimSpace(e.Data())
	if len(data) == 0 || string(data) == "null" {
		return event.Window{}, fmt.Errorf("%w: no data", fnhttp.ErrBadRequest)
	}
	var w event.Window
	if err := json.Unmarshal(data, &w); err != nil {
		return event.Window{}, fmt.Errorf("%w: %v", fnhttp.ErrBadRequest, err)
	}
	if w.Symbol == "" {
		return event.Window{}, fmt.Errorf("%w: no symbol", fnhttp.ErrBadRequest)
	}
	if _, ok := intervalMillis[w.Interval]; !ok {
		return event.Window{}, fmt.Errorf("%w: interval %q", fnhttp.ErrBadRequest,
			w.Interval)
	}
	if len(w.Candles) == 0 {
		return event.Window{}, fmt.Errorf("%w: no candles", fnhttp.ErrBadRequest)
	}
	for i, c := range w.Candles {
		if err := c.Validate(); err != nil {
			return event.Window{}, fmt.Errorf("candle %d: %w", i, err)
		}
		if i > 0 && c.OpenTime <= w.Candles[i-1].OpenTime {
			return event.Window{}, fmt.Errorf("%w: candle %d: open time %d "+
				"not after %d", candle.ErrInvalid, i, c.OpenTime,
				w.Candles[i-1].OpenTime)
		}
	}
	return w, nil
}

// newSignalEvent builds the signal event of strategy id's decision d on
// the last candle of w.
// TODO: replace with shared/event's signal constructors once merged, so
// the signal data is built in one place.
func newSignalEvent(id string, w event.Window, d *strategy.Decision,
	overrides map[string]string) (*ce.Event, error) {
	last := w.Candles[len(w.Candles)-1]
	closed := time.UnixMilli(last.OpenTime + intervalMillis[w.Interval]).UTC()
	sid := event.SignalID(id, w.Symbol, w.Interval, last.OpenTime)

	meta := make(map[string]any, len(d.Metadata)+2)
	maps.Copy(meta, d.Metadata)
	meta["candle_open_time"] = last.OpenTime
	meta["interval"] = w.Interval
	sig := event.Signal{
		StrategyID: id, Symbol: w.Symbol, Action: string(d.Action),
		Confidence: d.Confidence, CurrentPrice: last.Close, Price: d.Price,
		StrategyMode: "deterministic",
		Strength:     strategy.Strength(d.Confidence),
		Source:       "ta_bot", Strategy: id, Metadata: meta,
		Timeframe: w.Interval, OrderType: "market", TimeInForce: "GTC",
		Timestamp: closed.Format(time.RFC3339), IntentID: sid,
	}
	if d.Action != strategy.Hold {
		sl, tp := d.StopLoss, d.TakeProfit
		sig.StopLoss, sig.TakeProfit = &sl, &tp
	}

	e := ce.New()
	e.SetID(sid)
	e.SetType(event.TypeSignal)
	e.SetSource("/tabot/strategy/" + id)
	e.SetSubject(w.Symbol + "/" + w.Interval)
	e.SetTime(closed)
	for k, v := range overrides {
		e.SetExtension(k, v)
	}
	e.SetExtension(event.ExtStrategy, id)
	e.SetExtension(event.ExtSymbol, w.Symbol)
	e.SetExtension(event.ExtInterval, w.Interval)
	e.SetExtension(event.ExtAction, string(d.Action))
	if err := e.SetData(ce.ApplicationJSON, sig); err != nil {
		return nil, fmt.Errorf("signal %s: %w", id, err)
	}
	return &e, nil
}
