package strategy

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

// TestOrigNotReady gives every strategy fewer candles than it needs: it
// answers ErrNotReady, through Evaluate and when called directly, and
// decides once it has its History().
func TestOrigNotReady(t *testing.T) {
	btc := origSet(t, "btc")
	for _, s := range origStrategies() {
		h := s.History()
		if h < 1 || h > origWindowSize {
			t.Errorf("%s: history %d outside [1, %d]", s.ID(), h,
				origWindowSize)
		}
		for _, n := range []int{0, 1, h - 1} {
			t.Run(fmt.Sprintf("%s/%d", s.ID(), n), func(t *testing.T) {
				in := btc.window(h+50, n)
				if _, err := Evaluate(s, in); !errors.Is(err, ErrNotReady) {
					t.Errorf("Evaluate: error %v, want ErrNotReady", err)
				}
				if _, err := s.Evaluate(in); !errors.Is(err, ErrNotReady) {
					t.Errorf("direct: error %v, want ErrNotReady", err)
				}
			})
		}
		t.Run(fmt.Sprintf("%s/%d", s.ID(), h), func(t *testing.T) {
			if _, err := Evaluate(s, btc.window(h+50, h)); err != nil {
				t.Errorf("error %v with %d candles", err, h)
			}
		})
	}
}

// TestOrigScaled moves windows the strategies fired on to prices near
// 5e4 and near 1e-5: the decisions must be the same, levels scaled, since
// every threshold is relative to price.
func TestOrigScaled(t *testing.T) {
	for _, s := range origStrategies() {
		for _, r := range origReplayed(t) {
			rows := origFiredRows(r, s.ID(), 3)
			for _, row := range rows {
				name := fmt.Sprintf("%s/%s/%d", s.ID(), r.set.name[:3], row)
				t.Run(name, func(t *testing.T) {
					w := r.set.mutableWindow(row, origWindowSize)
					last := w.Close[len(w.Close)-1]
					hi, lo := 5e4/last, 1e-5/last
					dh, err := Evaluate(s, NewInput("X", "", origScale(w, hi)))
					if err != nil || dh == nil {
						t.Fatalf("near 5e4: %v, %v; want a signal", dh, err)
					}
					dl, err := Evaluate(s, NewInput("X", "", origScale(w, lo)))
					if err != nil {
						t.Fatal(err)
					}
					want := *dh
					want.Price *= lo / hi
					want.StopLoss *= lo / hi
					want.TakeProfit *= lo / hi
					want.Metadata = nil
					origCheckDecisionTol(t, dl, &want, 1e-9)
				})
			}
		}
	}
}

// origFiredRows returns up to n rows, spread over the data set, where the
// replay of id fired.
func origFiredRows(r *origReplay, id string, n int) []int {
	var fired []int
	for row, d := range r.decisions[id] {
		if d != nil {
			fired = append(fired, row)
		}
	}
	if len(fired) <= n || n < 2 {
		return fired[:min(n, len(fired))]
	}
	out := make([]int, n)
	for i := range out {
		out[i] = fired[i*(len(fired)-1)/(n-1)]
	}
	return out
}

// TestOrigWindowsSettle checks the replay's shortcut and each strategy's
// History(): on a sample of candles (every 97th, and up to 40 where the
// strategy fired), the decision over the live 1000-candle window, and over
// a window of exactly History() candles, matches the replay's (indicators
// over the whole file), levels to 1e-6.
func TestOrigWindowsSettle(t *testing.T) {
	for _, s := range origStrategies() {
		t.Run(s.ID(), func(t *testing.T) {
			for _, r := range origReplayed(t) {
				rows := origFiredRows(r, s.ID(), 40)
				for row := s.History() - 1; row < r.set.series.Len(); row += 97 {
					rows = append(rows, row)
				}
				for _, row := range rows {
					want := r.decisions[s.ID()][row]
					for _, n := range []int{origWindowSize, s.History()} {
						got, err := Evaluate(s, r.set.window(row, n))
						if err != nil {
							t.Fatalf("%s row %d: %v", r.set.name, row, err)
						}
						if err := origSameTol(got, want, 1e-6); err != nil {
							t.Errorf("%s row %d, %d candles: %v",
								r.set.name, row, n, err)
						}
					}
				}
			}
		})
	}
}

// TestOrigHistory derives each strategy's History() from the settling
// lengths of what it reads (indicator.SettleX, or lookback+1 for an exact
// indicator, plus the lags it reads back), so a History() that its doc
// comment states as a number stays what the indicators need.
func TestOrigHistory(t *testing.T) {
	macd := indicator.SettleMACD(12, 26, 9)
	rsi, ema50 := indicator.SettleRSI(14), indicator.SettleEMA(50)
	want := map[string]int{
		"momentum_pulse":     max(ema50, macd+1, rsi, indicator.SettleDMI(14)),
		"band_fade_reversal": indicator.LookbackBBands(20) + 1,
		"golden_trend_sync":  max(ema50, indicator.SettleEMA(21)),
		"range_break_pop":    indicator.SettleATR(14),
		"divergence_trap":    rsi + 4,
		"volume_surge_breakout": max(macd, rsi, indicator.LookbackSMA(20)+1,
			indicator.LookbackHighest(19)+2),
		"mean_reversion_scalper": max(rsi, indicator.SettleEMA(21),
			indicator.LookbackBBands(20)+1),
		"ichimoku_cloud_momentum": max(indicator.LookbackIchimoku(9, 26, 52)+1,
			indicator.LookbackSMA(20)+1),
		"liquidity_grab_reversal": max(rsi+4, indicator.LookbackLowest(15)+6),
		"order_flow_imbalance":    max(rsi, indicator.LookbackLowest(10)+11),
		// EMA(200) cannot settle in the window (see the doc comment).
		"multi_timeframe_trend_continuation": indicator.DefaultWindow,
	}
	for _, s := range origStrategies() {
		w, ok := want[s.ID()]
		if !ok || s.History() != w {
			t.Errorf("%s: History() = %d, want %d", s.ID(), s.History(), w)
		}
	}
}

// TestOrigDefault checks that Default() opens with the original five and
// the advanced six in upstream registry order, and that the tests cover
// each of them.
func TestOrigDefault(t *testing.T) {
	want := []string{
		"momentum_pulse", "band_fade_reversal", "golden_trend_sync",
		"range_break_pop", "divergence_trap",
		"volume_surge_breakout", "mean_reversion_scalper",
		"ichimoku_cloud_momentum", "liquidity_grab_reversal",
		"multi_timeframe_trend_continuation", "order_flow_imbalance",
	}
	ids := Default().IDs()
	if len(ids) < len(want) || !slices.Equal(ids[:len(want)], want) {
		t.Errorf("Default() starts with %v, want %v", ids, want)
	}
	var covered []string
	for _, s := range origStrategies() {
		covered = append(covered, s.ID())
	}
	if !slices.Equal(covered, want) {
		t.Errorf("tests cover %v, want %v", covered, want)
	}
}
