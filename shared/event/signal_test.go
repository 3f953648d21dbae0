package event_test

import (
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	ce "github.com/cloudevents/sdk-go/v2/event"

	"github.com/tabot-functions/tabot/shared/event"
	"github.com/tabot-functions/tabot/shared/strategy"
)

func buy() *strategy.Decision {
	return &strategy.Decision{Action: strategy.Buy, Confidence: 0.74,
		Price: 103, StopLoss: 99, TakeProfit: 110,
		Metadata: map[string]any{"rsi": 58.2, "cross": true, "n": 3,
			"bands": map[string]any{"upper": 105.5, "lower": 98.0}}}
}

func TestNewSignal(t *testing.T) {
	w := window(3)
	s := NewSignalOK(t, "momentum_pulse", w, buy())

	wantID := event.SignalID("momentum_pulse", "BTCUSDT", "1m", open0)
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"strategy_id", s.StrategyID, "momentum_pulse"},
		{"strategy", s.Strategy, "momentum_pulse"},
		{"symbol", s.Symbol, "BTCUSDT"},
		{"action", s.Action, "buy"},
		{"confidence", s.Confidence, 0.74},
		{"current_price", s.CurrentPrice, w.Last().Close},
		{"price", s.Price, 103.0},
		{"strategy_mode", s.StrategyMode, "deterministic"},
		{"strength", s.Strength, "medium"},
		{"quantity", s.Quantity, 0.0},
		{"source", s.Source, "ta_bot"},
		{"timeframe", s.Timeframe, "1m"},
		{"order_type", s.OrderType, "market"},
		{"time_in_force", s.TimeInForce, "GTC"},
		{"stop_loss", *s.StopLoss, 99.0},
		{"take_profit", *s.TakeProfit, 110.0},
		// BC-21: the 22:13:00Z candle closes at 22:14:00Z.
		{"timestamp", s.Timestamp, "2023-11-14T22:14:00Z"},
		{"intent_id", s.IntentID, wantID},
		{"metadata candle_open_time", s.Metadata["candle_open_time"], open0},
		{"metadata interval", s.Metadata["interval"], "1m"},
		{"metadata rsi", s.Metadata["rsi"], 58.2},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}

	hold := NewSignalOK(t, "bollinger_squeeze_alert", w,
		&strategy.Decision{Action: strategy.Hold, Confidence: 0.65,
			Price: 101})
	if hold.StopLoss != nil || hold.TakeProfit != nil {
		t.Errorf("hold has stop %v target %v, want none", hold.StopLoss,
			hold.TakeProfit)
	}

	d := buy()
	_ = event.NewSignal("momentum_pulse", w, d)
	if _, leaked := d.Metadata["candle_open_time"]; leaked {
		t.Error("NewSignal wrote into the decision's metadata")
	}
}

// NewSignalOK builds a signal and fails t unless it passes Validate.
func NewSignalOK(t testing.TB, id string, w event.Window,
	d *strategy.Decision) event.Signal {
	t.Helper()
	s := event.NewSignal(id, w, d)
	if err := s.Validate(); err != nil {
		t.Fatalf("NewSignal(%s) fails Validate: %v", id, err)
	}
	return s
}

func TestSignalValidate(t *testing.T) {
	base := func() event.Signal {
		return event.NewSignal("momentum_pulse", window(3), buy())
	}
	ptr := func(v float64) *float64 { return &v }
	tests := []struct {
		name    string
		change  func(s *event.Signal)
		wantErr string
	}{
		{"good", func(s *event.Signal) {}, ""},
		{"sell", func(s *event.Signal) {
			s.Action, s.StopLoss, s.TakeProfit = "sell", ptr(110), ptr(99)
		}, ""},
		{"close is not ours", func(s *event.Signal) { s.Action = "close" },
			`action "close"`},
		{"unknown action", func(s *event.Signal) { s.Action = "BUY" },
			`action "BUY"`},
		{"confidence above 1", func(s *event.Signal) { s.Confidence = 1.2 },
			"confidence 1.2 is outside [0,1]"},
		{"BC-13 NaN confidence", func(s *event.Signal) {
			s.Confidence = math.NaN()
		}, "confidence is NaN"},
		{"BC-13 Inf take_profit", func(s *event.Signal) {
			s.TakeProfit = ptr(math.Inf(1))
		}, "take_profit is +Inf"},
		{"BC-13 NaN in metadata", func(s *event.Signal) {
			s.Metadata["pct_b"] = math.NaN()
		}, "metadata.pct_b is NaN"},
		{"BC-13 Inf nested in metadata", func(s *event.Signal) {
			s.Metadata["bands"] = map[string]any{"upper": math.Inf(-1)}
		}, "metadata.bands.upper is -Inf"},
		{"BC-13 NaN in a metadata list", func(s *event.Signal) {
			s.Metadata["closes"] = []float64{1, math.NaN()}
		}, "metadata.closes[1] is NaN"},
		{"metadata not JSON", func(s *event.Signal) {
			s.Metadata["f"] = func() {}
		}, "metadata.f has type func()"},
		{"typed map in metadata", func(s *event.Signal) {
			s.Metadata["levels"] = map[string]float64{"a": 1,
				"b": math.Inf(1)}
		}, "metadata.levels.b is +Inf"},
		{"float32 in metadata", func(s *event.Signal) {
			s.Metadata["x"] = []float32{float32(math.NaN())}
		}, "metadata.x[0] is NaN"},
		{"pointer in metadata", func(s *event.Signal) {
			v := math.NaN()
			s.Metadata["p"] = &v
		}, "metadata.p is NaN"},
		{"map with int keys", func(s *event.Signal) {
			s.Metadata["m"] = map[int]float64{1: 2}
		}, "metadata.m has type map[int]float64"},
		{"plain values", func(s *event.Signal) {
			var nilPtr *float64
			s.Metadata["ok"] = []any{1, int32(2), uint8(3), "s", true, nil,
				nilPtr, map[string]int{"a": 1}, [2]float64{1, 2}}
		}, ""},
		{"strength off", func(s *event.Signal) { s.Strength = "strong" },
			`strength "strong" does not match`},
		{"buy stop above price", func(s *event.Signal) {
			s.StopLoss = ptr(104)
		}, "buy needs 0 < stop_loss 104 < price 103"},
		{"buy without target", func(s *event.Signal) { s.TakeProfit = nil },
			"buy needs stop_loss and take_profit"},
		{"sell on the wrong side", func(s *event.Signal) { s.Action = "sell" },
			"sell needs 0 < take_profit 110"},
		{"hold with stop", func(s *event.Signal) {
			s.Action, s.TakeProfit = "hold", nil
		}, "hold carries"},
		{"zero price", func(s *event.Signal) { s.Price = 0 },
			"price 0 is not positive"},
		{"zero current price", func(s *event.Signal) { s.CurrentPrice = 0 },
			"current_price 0 is not positive"},
		{"negative quantity", func(s *event.Signal) { s.Quantity = -1 },
			"quantity -1"},
		{"strategy differs", func(s *event.Signal) { s.Strategy = "other" },
			"differs from strategy_id"},
		{"strategy id with a dot", func(s *event.Signal) {
			s.StrategyID, s.Strategy = "a.b", "a.b"
		}, "strategy id"},
		{"bad symbol", func(s *event.Signal) { s.Symbol = "BTC/USDT" },
			"symbol"},
		{"bad timeframe", func(s *event.Signal) { s.Timeframe = "2m" },
			"timeframe"},
		{"order type", func(s *event.Signal) { s.OrderType = "iceberg" },
			"order_type"},
		{"time in force", func(s *event.Signal) { s.TimeInForce = "DAY" },
			"time_in_force"},
		{"mode", func(s *event.Signal) { s.StrategyMode = "magic" },
			"strategy_mode"},
		{"no source", func(s *event.Signal) { s.Source = "" }, "source"},
		{"pct out of range", func(s *event.Signal) {
			s.StopLossPct = ptr(2)
		}, "stop_loss_pct 2"},
		{"leverage 0", func(s *event.Signal) {
			zero := 0
			s.RecommendedLeverage = &zero
		}, "recommended_leverage 0"},
		{"no candle time", func(s *event.Signal) {
			delete(s.Metadata, "candle_open_time")
		}, "metadata.candle_open_time is missing"},
		{"candle time in seconds", func(s *event.Signal) {
			s.Metadata["candle_open_time"] = open0 / 1000
		}, "looks like seconds"},
		{"interval differs", func(s *event.Signal) {
			s.Metadata["interval"] = "5m"
		}, "metadata.interval 5m differs"},
		{"timestamp not the close", func(s *event.Signal) {
			s.Timestamp = "2023-11-14T22:13:00Z"
		}, "is not the candle's close 2023-11-14T22:14:00Z"},
		{"random intent id", func(s *event.Signal) {
			s.IntentID = "3f0c6e2d9b8a4c1e9d7f5a2b1c0d4e6f"
		}, "is not the signal id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			tt.change(&s)
			checkErr(t, s.Validate(), tt.wantErr)
		})
	}
}

// BC-13: a signal either encodes as valid JSON or is refused with an
// error naming the field; nothing in between.
func TestNewSignalEventBC13(t *testing.T) {
	w := window(5)
	nan := buy()
	nan.Confidence = math.NaN()
	inf := buy()
	inf.TakeProfit = math.Inf(1)
	meta := buy()
	meta.Metadata["pct_b"] = math.NaN()
	tests := []struct {
		name    string
		d       *strategy.Decision
		wantErr string
	}{
		{"finite", buy(), ""},
		{"hold", &strategy.Decision{Action: strategy.Hold, Confidence: 0.9,
			Price: 104}, ""},
		{"NaN confidence", nan, "confidence is NaN"},
		{"Inf take profit", inf, "take_profit is +Inf"},
		{"NaN metadata", meta, "metadata.pct_b is NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := event.NewSignal("momentum_pulse", w, tt.d)
			e, err := event.NewSignalEvent(s, "1m", open0)
			checkErr(t, err, tt.wantErr)
			if err != nil {
				return
			}
			if !json.Valid(e.Data()) || e.Data()[0] != '{' {
				t.Errorf("data is not a JSON object: %s", e.Data())
			}
			whole, err := json.Marshal(e)
			if err != nil || !json.Valid(whole) {
				t.Errorf("structured event is not valid JSON: %v", err)
			}
		})
	}
}

func TestNewSignalEvent(t *testing.T) {
	s := event.NewSignal("momentum_pulse", window(3), buy())
	e, err := event.NewSignalEvent(s, "1m", open0)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"type", e.Type(), event.TypeSignal},
		{"source", e.Source(), "/tabot/strategy/momentum_pulse"},
		{"subject", e.Subject(), "BTCUSDT/1m"},
		{"id", e.ID(), s.IntentID},
		{"datacontenttype", e.DataContentType(), "application/json"},
		{"time", e.Time().Format(time.RFC3339), "2023-11-14T22:14:00Z"},
		{"strategy", extension(e, event.ExtStrategy), "momentum_pulse"},
		{"symbol", extension(e, event.ExtSymbol), "BTCUSDT"},
		{"interval", extension(e, event.ExtInterval), "1m"},
		{"action", extension(e, event.ExtAction), "buy"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}

	// The field set and order of UPSTREAM.md §3.5.
	var order []string
	dec := json.NewDecoder(strings.NewReader(string(e.Data())))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	want := "strategy_id symbol action confidence current_price price " +
		"strategy_mode strength quantity source strategy metadata " +
		"timeframe order_type time_in_force position_size_pct stop_loss " +
		"stop_loss_pct take_profit take_profit_pct timestamp " +
		"recommended_leverage intent_id signal_id"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("fields\n got %s\nwant %s", got, want)
	}

	_, err = event.NewSignalEvent(s, "5m", open0)
	checkErr(t, err, "not 5m at")
	_, err = event.NewSignalEvent(s, "1m", open0-60000)
	checkErr(t, err, "is about 1m at 1699999980000")
}

// BC-25: the same candle delivered twice gives the same ids end to end.
func TestSignalIDsDeterministic(t *testing.T) {
	var ids []string
	for range 2 {
		w := window(4)
		we, err := event.NewWindowEvent(w, "candles.BTCUSDT.1m")
		if err != nil {
			t.Fatal(err)
		}
		got, err := event.DecodeWindow(we)
		if err != nil {
			t.Fatal(err)
		}
		s := event.NewSignal("momentum_pulse", got, buy())
		se, err := event.NewSignalEvent(s, got.Interval, got.Last().OpenTime)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, we.ID(), se.ID(), s.IntentID)
	}
	if ids[0] != ids[3] || ids[1] != ids[4] || ids[2] != ids[5] ||
		ids[1] != ids[2] {
		t.Errorf("ids differ between deliveries: %v", ids)
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(ids[1]) {
		t.Errorf("signal id %q is not 32 lower-case hex digits", ids[1])
	}

	other := []string{
		event.SignalID("momentum_pulse", "BTCUSDT", "1m", open0+60000),
		event.SignalID("momentum_pulse", "BTCUSDT", "5m", open0),
		event.SignalID("momentum_pulse", "ETHUSDT", "1m", open0),
		event.SignalID("golden_trend_sync", "BTCUSDT", "1m", open0),
	}
	for _, o := range other {
		if o == ids[1] {
			t.Errorf("a different candle or strategy gave id %s", o)
		}
	}
}

func TestDecodeSignal(t *testing.T) {
	s := event.NewSignal("momentum_pulse", window(3), buy())
	e, err := event.NewSignalEvent(s, "1m", open0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := event.DecodeSignal(e)
	if err != nil {
		t.Fatal(err)
	}
	if got.IntentID != s.IntentID || *got.StopLoss != *s.StopLoss ||
		got.Metadata["rsi"] != 58.2 {
		t.Errorf("round trip gave %+v", got)
	}
	if open, ok := got.OpenTime(); !ok || open != open0 {
		t.Errorf("OpenTime after JSON = %d, %v", open, ok)
	}

	structured, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	parsed := ce.New()
	if err := json.Unmarshal(structured, &parsed); err != nil {
		t.Fatal(err)
	}
	if _, err := event.DecodeSignal(parsed); err != nil {
		t.Errorf("structured round trip: %v", err)
	}

	wrong := e.Clone()
	wrong.SetExtension(event.ExtAction, "sell")
	_, err = event.DecodeSignal(wrong)
	checkErr(t, err, `extension action "sell"`)

	candles := e.Clone()
	candles.SetType(event.TypeCandles)
	_, err = event.DecodeSignal(candles)
	checkErr(t, err, "is not a signal")

	text := e.Clone()
	text.SetDataContentType("text/plain")
	_, err = event.DecodeSignal(text)
	checkErr(t, err, "text/plain", event.ErrUnsupported)

	_, err = event.DecodeSignalJSON([]byte(`{"action":"buy",` +
		`"confidence":"high"}`))
	checkErr(t, err, "confidence: want float64, got string")
	_, err = event.DecodeSignalJSON([]byte(`"x"`))
	checkErr(t, err, "want a JSON object")
}

func FuzzDecodeSignalJSON(f *testing.F) {
	for _, d := range []*strategy.Decision{buy(), {Action: strategy.Hold,
		Confidence: 0.6, Price: 101}, {Action: strategy.Sell,
		Confidence: 0.95, Price: 103, StopLoss: 106, TakeProfit: 95}} {
		s := event.NewSignal("momentum_pulse", window(2), d)
		b, err := json.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"metadata":{"candle_open_time":1e400}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := event.DecodeSignalJSON(b)
		if err != nil {
			if !errors.Is(err, event.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("decoded signal fails Validate: %v", err)
		}
		open, _ := s.OpenTime()
		e, err := event.NewSignalEvent(s, s.Timeframe, open)
		if err != nil {
			t.Fatalf("decoded signal makes no event: %v", err)
		}
		if !json.Valid(e.Data()) {
			t.Fatalf("event data is not valid JSON: %s", e.Data())
		}
	})
}
