package strategy

import (
	"testing"
)

// origAgreement is how one strategy's replay compares with the old bot's
// signals on one data set, over the candles both evaluated.
type origAgreement struct {
	upstream  int // upstream signals with levels on the right side
	matched   int // of those, candles where we gave the same action
	ours      int // our signals
	confirmed int // of those, candles where upstream gave the same action
	wrongSide int // upstream signals with a stop or target on the wrong side
	wrongOurs int // of those, candles where we fired anyway
}

// origCompare compares the signals of s with action (all when empty).
func origCompare(tb testing.TB, r *origReplay, s Strategy,
	action Action) origAgreement {
	tb.Helper()
	up := r.set.upstream(tb, s.ID())
	// The old bot evaluated from the 250th candle on; we need History().
	first := max(249, s.History()-1)
	var a origAgreement
	for row, d := range r.decisions[s.ID()] {
		if row < first {
			continue
		}
		u, ok := up[row]
		ok = ok && (action == "" || u.action == action)
		if d != nil && action != "" && d.Action != action {
			d = nil
		}
		if ok && !u.rightSide() {
			a.wrongSide++
			if d != nil {
				a.wrongOurs++
			}
			continue
		}
		if ok {
			a.upstream++
			if d != nil && d.Action == u.action {
				a.matched++
			}
		}
		if d != nil {
			a.ours++
			if ok && d.Action == u.action {
				a.confirmed++
			}
		}
	}
	return a
}

// rightSide reports whether the upstream signal's levels are on the right
// side of its price.
func (u origUpstream) rightSide() bool {
	lo, hi := u.stop, u.target
	if u.action == Sell {
		lo, hi = u.target, u.stop
	}
	return lo > 0 && lo < u.price && u.price < hi
}

// origMinAgreement is, per strategy, the least share of the old bot's
// signals (with levels on the right side) we must repeat on the same
// candle with the same action, and the least share of ours it must have
// given, for the actions where the rules coincide. Both are measured at
// 100% on both data sets: TA-Lib's conventions match the old library's
// once the window is long (the old bot's 250-candle EMA(50) keeps about
// 3e-4 of its seed, a difference below any threshold these rules test).
// The margin below 100% leaves room for a candle sitting on a threshold.
//
// Upstream signals with the stop on the wrong side (BTC / ETH:
// golden_trend_sync 124 / 150, mean_reversion_scalper 47 / 17,
// ichimoku_cloud_momentum 973 / 1048 with Kijun beyond the close,
// liquidity_grab_reversal 15 / 14, order_flow_imbalance 16 / 5) are the
// one systematic difference in these: rule 5 drops them.
//
// Left out: volume_surge_breakout's sells, where the rule differs (§7 item
// 20; TestVolumeSurgeBreakoutUpstreamSells accounts for every one), and
// multi_timeframe_trend_continuation, which never fired upstream.
var origMinAgreement = map[string]struct {
	action            Action // "" for every action
	recall, precision float64
}{
	"momentum_pulse":          {"", 0.99, 0.99},
	"band_fade_reversal":      {"", 0.99, 0.99},
	"golden_trend_sync":       {"", 0.99, 0.99},
	"range_break_pop":         {"", 0.99, 0.99},
	"divergence_trap":         {"", 0.99, 0.99},
	"volume_surge_breakout":   {Buy, 0.99, 0.99},
	"mean_reversion_scalper":  {"", 0.99, 0.99},
	"ichimoku_cloud_momentum": {"", 0.99, 0.99},
	"liquidity_grab_reversal": {"", 0.99, 0.99},
	"order_flow_imbalance":    {"", 0.99, 0.99},
}

// TestOrigUpstream compares each strategy, candle by candle, with what
// the old bot emitted on the same data. Upstream signals whose stop or
// target sat on the wrong side of the entry are the weakness STRATEGIES.md
// rule 5 fixes: we must not fire there (1% slack for a candle on the
// edge), and they are left out of the agreement.
func TestOrigUpstream(t *testing.T) {
	for _, s := range origStrategies() {
		want, ok := origMinAgreement[s.ID()]
		if !ok {
			for _, r := range origReplayed(t) {
				if n := len(r.set.upstream(t, s.ID())); n != 0 {
					t.Errorf("%s: %d upstream signals left uncompared",
						s.ID(), n)
				}
			}
			continue
		}
		for _, r := range origReplayed(t) {
			t.Run(s.ID()+"/"+r.set.name[:3], func(t *testing.T) {
				a := origCompare(t, r, s, want.action)
				t.Logf("%+v", a)
				if a.upstream == 0 || a.ours == 0 {
					t.Fatalf("nothing to compare: %+v", a)
				}
				recall := float64(a.matched) / float64(a.upstream)
				precision := float64(a.confirmed) / float64(a.ours)
				if recall < want.recall {
					t.Errorf("repeated %d of %d upstream signals (%.3f), "+
						"want >= %.2f", a.matched, a.upstream, recall,
						want.recall)
				}
				if precision < want.precision {
					t.Errorf("upstream gave %d of our %d signals (%.3f), "+
						"want >= %.2f", a.confirmed, a.ours, precision,
						want.precision)
				}
				if float64(a.wrongOurs) > 0.01*float64(a.wrongSide) {
					t.Errorf("fired on %d of %d candles where upstream's "+
						"stop was on the wrong side", a.wrongOurs, a.wrongSide)
				}
			})
		}
	}
}
