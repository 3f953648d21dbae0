package strategy

// Tests every strategy passes: the registry, History, not-ready windows,
// and the replay over both real data sets.

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/tabot-functions/tabot/shared/indicator"
)

// TestDefault checks that Default() holds the 28 strategies in upstream
// registry order: the original five, the advanced six, the later
// seventeen.
func TestDefault(t *testing.T) {
	want := []string{
		"momentum_pulse", "band_fade_reversal", "golden_trend_sync",
		"range_break_pop", "divergence_trap",
		"volume_surge_breakout", "mean_reversion_scalper",
		"ichimoku_cloud_momentum", "liquidity_grab_reversal",
		"multi_timeframe_trend_continuation", "order_flow_imbalance",
		"ema_alignment_bullish", "bollinger_squeeze_alert",
		"bollinger_breakout_signals", "rsi_extreme_reversal",
		"inside_bar_breakout", "ema_pullback_continuation",
		"ema_momentum_reversal", "fox_trap_reversal",
		"hammer_reversal_pattern", "bear_trap_buy", "inside_bar_sell",
		"shooting_star_reversal", "doji_reversal", "ema_alignment_bearish",
		"ema_slope_reversal_sell", "minervini_trend_template",
		"bear_trap_sell",
	}
	if got := Default().IDs(); !slices.Equal(got, want) {
		t.Errorf("Default() is\n%v\nwant\n%v", got, want)
	}
	var specs []string
	for _, sp := range ruleSpecs() {
		specs = append(specs, sp.s.ID())
	}
	if !slices.Equal(specs, want[:len(specs)]) {
		t.Errorf("rule specs cover %v, want %v", specs, want[:len(specs)])
	}
}

// TestHistory pins each History() within the live window: those stated as
// numbers derived from the settling lengths of what the strategy reads
// (indicator.SettleX, or lookback+1 for an exact indicator, plus the lags
// it reads back), those derived in code to the number their doc comments
// give.
func TestHistory(t *testing.T) {
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

		"ema_alignment_bullish": 635, "bollinger_squeeze_alert": 144,
		"bollinger_breakout_signals": 20, "rsi_extreme_reversal": 31,
		"inside_bar_breakout": 635, "ema_pullback_continuation": 238,
		"ema_momentum_reversal": 77, "fox_trap_reversal": 638,
		"hammer_reversal_pattern": 5, "bear_trap_buy": 636,
		"inside_bar_sell": 633, "shooting_star_reversal": 20,
		"doji_reversal": 10, "ema_alignment_bearish": 635,
		"ema_slope_reversal_sell": 73, "minervini_trend_template": 265,
		"bear_trap_sell": 636,
	}
	for _, s := range Default().All() {
		h := s.History()
		if w, ok := want[s.ID()]; !ok || h != w {
			t.Errorf("%s: History() = %d, want %d", s.ID(), h, w)
		}
		if h < 1 || h > windowSize {
			t.Errorf("%s: History() %d outside [1, %d]", s.ID(), h,
				windowSize)
		}
	}
}

// TestNotReady gives every strategy fewer candles than it needs: Evaluate
// answers ErrNotReady, and so does the strategy itself, without
// Evaluate's length check, on 0 to 2 candles rather than reading NaN or
// panicking; the strategies with a read step refuse any window under
// their History() themselves. Each decides once it has its History().
func TestNotReady(t *testing.T) {
	btc := datasetOf(t, "btc")
	selfChecked := map[string]bool{}
	for _, sp := range ruleSpecs() {
		selfChecked[sp.s.ID()] = true
	}
	for _, s := range Default().All() {
		h := s.History()
		for _, n := range []int{0, 1, 2, h - 1} {
			t.Run(fmt.Sprintf("%s/%d", s.ID(), n), func(t *testing.T) {
				in := btc.window(h+50, n)
				if _, err := Evaluate(s, in); !errors.Is(err, ErrNotReady) {
					t.Errorf("Evaluate: error %v, want ErrNotReady", err)
				}
				if n > 2 && !selfChecked[s.ID()] {
					return
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

// TestReplay replays every strategy over both real data sets and checks
// that each one fires on a full window, that every decision passed
// Evaluate's checks, and that "not ready" only ever means too few
// candles.
func TestReplay(t *testing.T) {
	for _, s := range Default().All() {
		t.Run(s.ID(), func(t *testing.T) {
			full := 0
			for _, r := range replayed(t) {
				fired := 0
				for row, err := range r.errs[s.ID()] {
					ready := row+1 >= s.History()
					switch {
					case err == nil && !ready:
						t.Errorf("%s row %d: no error with %d candles, "+
							"history %d", r.set.name, row, row+1, s.History())
					case err != nil && (ready || !errors.Is(err, ErrNotReady)):
						t.Errorf("%s row %d: %v", r.set.name, row, err)
					}
					d := r.decisions[s.ID()][row]
					if d == nil {
						continue
					}
					fired++
					if row >= windowSize-1 {
						full++
					}
					if err := d.check(); err != nil {
						t.Errorf("%s row %d: %v", r.set.name, row, err)
					}
				}
				t.Logf("%s: history %d, %d signals", r.set.name,
					s.History(), fired)
			}
			if full == 0 {
				t.Errorf("never fired on a full window of either data set")
			}
		})
	}
}

// TestWindowsSettle checks the replay's shortcut and each strategy's
// History(): on a sample of candles (every 37th, and up to 40 where the
// strategy fired), the decision over the live 1000-candle window, and
// over a window of exactly History() candles, each with its own
// indicators, matches the replay's (indicators over the whole file).
// Settled means within indicator.SettleTolerance (1e-6) of the value over
// a longer history: levels agree to 1e-6. Confidences agree to 1e-6 but
// for the strategies without a read step, whose confidences multiply
// relative distances by 10 to 50: 1e-5.
func TestWindowsSettle(t *testing.T) {
	confTol := map[string]float64{}
	for _, sp := range ruleSpecs() {
		confTol[sp.s.ID()] = 1e-6
	}
	for _, s := range Default().All() {
		tol := cmp.Or(confTol[s.ID()], 1e-5)
		t.Run(s.ID(), func(t *testing.T) {
			for _, r := range replayed(t) {
				rows := r.firedRows(s.ID(), 40)
				first := windowSize - 1 - (windowSize-s.History())/37*37
				for row := first; row < r.set.series.Len(); row += 37 {
					rows = append(rows, row)
				}
				for _, row := range rows {
					want := r.decisions[s.ID()][row]
					for _, n := range []int{windowSize, s.History()} {
						got, err := Evaluate(s, r.set.window(row, n))
						if err != nil {
							t.Fatalf("%s row %d: %v", r.set.name, row, err)
						}
						err = diffDecision(got, want, tol, 1e-6)
						if err != nil {
							t.Errorf("%s row %d, %d candles: %v",
								r.set.name, row, n, err)
						}
					}
				}
			}
		})
	}
}

// TestScaled replays both data sets with every price scaled so the first
// close is 0.00001: every strategy must decide on every candle as at the
// real prices (tens of thousands for BTC, thousands for ETH), its levels
// scaled alike, since every threshold is relative to price (a stop a
// rounding error from the entry is no stop at any scale: minRisk).
func TestScaled(t *testing.T) {
	for _, r := range replayed(t) {
		t.Run(r.set.name, func(t *testing.T) {
			t.Parallel()
			k := 1e-5 / r.set.series.Close[0]
			scaled := replayOf(r.set.scaled(k), Default().All(), nil)
			for _, s := range Default().All() {
				id := s.ID()
				for row, d := range r.decisions[id] {
					got := scaled.decisions[id][row]
					want := scaledDecision(d, k)
					err := diffDecision(got, want, 1e-9, 1e-9)
					if err != nil {
						t.Errorf("%s row %d: %v", id, row, err)
					}
				}
			}
		})
	}
}
