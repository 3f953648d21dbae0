package strategy

// Comparisons with the old bot's signals on the same candles. Where the
// rules and indicator conventions are upstream's but for STRATEGIES.md
// rule 5, TestUpstreamAgreement asks for near-total agreement; where this
// port deliberately differs (the 250-candle window, pandas' adjusted EMA,
// a documented correction), TestUpstreamDifferences traces every
// difference to its reason.

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
)

// agreement is how one strategy's replay compares with the old bot's
// signals on one data set, over the candles both evaluated.
type agreement struct {
	upstream  int // upstream signals with riskOrdered levels
	matched   int // of those, candles where we gave the same action
	ours      int // our signals
	confirmed int // of those, candles where upstream gave the same action
	wrongSide int // upstream signals with a stop or target on the wrong side
	wrongOurs int // of those, candles where we fired anyway
}

// compare compares the signals of s with action (all when empty).
func compare(tb testing.TB, r *replay, s Strategy, action Action) agreement {
	tb.Helper()
	up := r.set.upstream(tb, s.ID())
	// The old bot evaluated from the 250th candle on; we need History().
	first := max(upstreamWindow-1, s.History()-1)
	var a agreement
	for row, d := range r.decisions[s.ID()] {
		if row < first {
			continue
		}
		u, ok := up[row]
		ok = ok && (action == "" || u.action == action)
		if d != nil && action != "" && d.Action != action {
			d = nil
		}
		if ok && !riskOrdered(u.action, u.price, u.stop, u.target) {
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

// minAgreement is, per strategy, the least share of the old bot's
// signals (with riskOrdered levels) we must repeat on the same candle
// with the same action, and the least share of ours it must have given,
// for the actions where the rules coincide. Both are measured at 100% on
// both data sets: TA-Lib's conventions match the old library's once the
// window is long (the old bot's 250-candle EMA(50) keeps about 3e-4 of
// its seed, a difference below any threshold these rules test). The
// margin below 100% leaves room for a candle sitting on a threshold.
//
// Upstream signals with the stop on the wrong side (BTC / ETH:
// golden_trend_sync 124 / 150, mean_reversion_scalper 47 / 17,
// ichimoku_cloud_momentum 973 / 1048 with Kijun beyond the close,
// liquidity_grab_reversal 15 / 14, order_flow_imbalance 16 / 5) are the
// one systematic difference in these: rule 5 drops them.
//
// Left out: volume_surge_breakout's sells, where the rule differs (§7 item
// 20; TestVolumeSurgeBreakoutUpstreamSells accounts for every one); the
// strategies TestUpstreamDifferences covers.
func minAgreement() map[string]struct {
	action            Action // "" for every action
	recall, precision float64
} {
	return map[string]struct {
		action            Action
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
}

// TestUpstreamAgreement compares each strategy of minAgreement, candle by
// candle, with what the old bot emitted on the same data. Upstream
// signals whose stop or target sat on the wrong side of the entry are the
// weakness STRATEGIES.md rule 5 fixes: we must not fire there (1% slack
// for a candle on the edge), and they are left out of the agreement.
func TestUpstreamAgreement(t *testing.T) {
	agree := minAgreement()
	for _, s := range Default().All() {
		want, ok := agree[s.ID()]
		if !ok {
			continue
		}
		for _, r := range replayed(t) {
			t.Run(s.ID()+"/"+r.set.name[:3], func(t *testing.T) {
				a := compare(t, r, s, want.action)
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

// TestUpstreamDifferences compares every strategy minAgreement leaves out
// with the old bot on the candles both evaluated.
func TestUpstreamDifferences(t *testing.T) {
	agree := minAgreement()
	for _, s := range Default().All() {
		if _, ok := agree[s.ID()]; ok {
			continue
		}
		for _, r := range replayed(t) {
			t.Run(s.ID()+"/"+r.set.name[:3], func(t *testing.T) {
				explainDifferences(t, r, s)
			})
		}
	}
}

// explainDifferences compares st's decisions on the candles of r both
// bots evaluated with the old bot's signals. Every candle where upstream
// fired and this port did not, and every one the other way round, must
// trace to a rule of STRATEGIES.md:
//
//   - levels: upstream's stop or target sat on the wrong side of its entry
//     (rule 5), so this port emits nothing;
//   - window: asUpstream, this port's code given upstream's 250-candle
//     window and its EMA convention, decides as upstream did, so the
//     difference is the longer window and the one-EMA rule (rules 1, 3);
//   - the strategy's own documented correction (squeeze, doji, minervini,
//     multi_timeframe_trend_continuation, ema_momentum_reversal's slope
//     bonus), checked case by case below.
//
// Confidences must match upstream's to 1e-6 where the decisions agree,
// unless asUpstream reproduces upstream's number.
func explainDifferences(t *testing.T, r *replay, st Strategy) {
	id, n := st.ID(), r.set.series.Len()
	up := r.set.upstream(t, id)
	mine := r.decisions[id]
	asUp := func(row int) *Decision {
		d, _ := asUpstream(r.set, st, row)
		return d
	}

	var upN, agree, levels, window, onlyMine, fired int
	var unexplained []string
	for _, row := range slices.Sorted(maps.Keys(up)) {
		u := up[row]
		if row < windowSize-1 {
			continue
		}
		upN++
		d := mine[row]
		switch {
		case d != nil && d.Action == u.action:
			agree++
			if !confidenceExplained(st, d, u, asUp, row) {
				unexplained = append(unexplained, fmt.Sprintf(
					"row %d confidence %.6f, upstream %.6f", row,
					d.Confidence, u.confidence))
			}
		case u.action != Hold &&
			!riskOrdered(u.action, u.price, u.stop, u.target):
			levels++
		case id == "bollinger_squeeze_alert":
			// Upstream alerts on almost every candle (§7 item 26); this
			// port only on a 125-candle low of the width, a subset,
			// checked below.
		case sameAction(asUp(row), u.action):
			window++
		default:
			unexplained = append(unexplained, fmt.Sprintf(
				"row %d: upstream %s, port %v", row, u.action, d))
		}
	}
	for row := windowSize - 1; row < n; row++ {
		d := mine[row]
		if d == nil {
			continue
		}
		fired++
		if _, ok := up[row]; ok {
			continue
		}
		onlyMine++
		w := asUp(row)
		switch id {
		case "doji_reversal":
			// Upstream's code crashed on every doji (§7 item 16): on the
			// old window this port fires the same signal, so the intent
			// is upstream's and only the crash is gone.
			if !sameAction(w, d.Action) {
				unexplained = append(unexplained, fmt.Sprintf(
					"row %d: doji fires only on the long window", row))
			}
		case "minervini_trend_template", "multi_timeframe_trend_continuation":
			// 250 candles could never hold the 260 closes minervini reads
			// (§7 item 17), nor the higher timeframes of the other: on
			// the old window they are not ready.
			if w != nil {
				unexplained = append(unexplained, fmt.Sprintf(
					"row %d: fires on 250 candles", row))
			}
		default:
			if sameAction(w, d.Action) {
				unexplained = append(unexplained, fmt.Sprintf(
					"row %d: %s here and on upstream's window, not upstream",
					row, d.Action))
			}
		}
	}

	t.Logf("%-27s upstream %4d  agree %4d  levels %2d  window %2d  "+
		"port only %3d", id, upN, agree, levels, window, onlyMine)
	for i, u := range unexplained {
		if i == 5 {
			t.Errorf("%s: %d more unexplained", id, len(unexplained)-5)
			break
		}
		t.Errorf("%s: unexplained difference with upstream: %s", id, u)
	}
	switch id {
	case "bollinger_squeeze_alert":
		// Upstream alerted on over 80% of candles, this port on under 5%,
		// all of them candles upstream alerted on too.
		if upN < 8*n/10-windowSize || fired > n/20 || onlyMine > 0 {
			t.Errorf("%s: upstream %d alerts, port %d (%d not upstream's)"+
				" on %d candles", id, upN, fired, onlyMine, n)
		}
	case "doji_reversal", "minervini_trend_template",
		"multi_timeframe_trend_continuation":
		if len(up) != 0 {
			t.Errorf("%s: upstream fired %d times, never expected", id,
				len(up))
		}
	default:
		// The remaining differences are few: at least 95% of upstream's
		// signals are the port's too.
		if agree < upN*95/100 {
			t.Errorf("%s: agrees on %d of upstream's %d signals, want 95%%",
				id, agree, upN)
		}
	}
}

func sameAction(d *Decision, a Action) bool {
	return d != nil && d.Action == a
}

// confidenceExplained reports whether d's confidence matches upstream's
// u, or the difference is explained: the old window and EMA convention
// reproduce it, or, for ema_momentum_reversal, upstream's slope bonus in
// raw price units (§7 item 14) does.
func confidenceExplained(st Strategy, d *Decision, u upstreamSignal,
	asUp func(int) *Decision, row int) bool {
	const tol = 1e-6
	if math.Abs(d.Confidence-u.confidence) <= tol {
		return true
	}
	if st.ID() == "ema_momentum_reversal" {
		base := map[string]float64{
			"setup_9_1_slope_reversal": 0.76, "setup_9_2_capitulation": 0.78,
			"setup_9_3_pattern_reversal":  0.74,
			"setup_9_4_advanced_reversal": 0.80,
		}[d.Metadata["setup_type"].(string)]
		slope := d.Metadata["current_slope"].(float64)
		bonus := 0.0
		if slope > 0 {
			bonus = min(0.05, 100*slope)
		}
		dist := d.Metadata["price_distance_from_ema"].(float64)
		want := min(0.88, max(0.60, base+bonus-min(0.08, 10*dist)))
		return math.Abs(want-u.confidence) <= tol
	}
	w := asUp(row)
	return w != nil && math.Abs(w.Confidence-u.confidence) <= tol
}

// adjustedEMAs lists, per strategy, the EMA periods for which the old bot
// used pandas' adjusted EMA (UPSTREAM.md §1.3.2) instead of the
// SMA-seeded one.
func adjustedEMAs(id string) []int {
	switch id {
	case "ema_alignment_bullish", "inside_bar_breakout":
		return []int{8, 80}
	case "ema_pullback_continuation":
		return []int{9, 20, 30}
	case "ema_momentum_reversal":
		return []int{9}
	case "fox_trap_reversal":
		return []int{8, 20, 80}
	}
	return nil
}

// adjustedEMA is pandas' ewm(span=n, adjust=True, min_periods=n-1):
// every past value weighted (1-a)^i and the weights renormalised, no
// seed, first value at index n-2. Only the tests use it, to reproduce the
// old bot's numbers.
func adjustedEMA(x []float64, n int) []float64 {
	out := make([]float64, len(x))
	keep := 1 - 2/float64(n+1)
	var num, den float64
	for i, v := range x {
		num, den = v+keep*num, 1+keep*den
		out[i] = math.NaN()
		if i >= n-2 {
			out[i] = num / den
		}
	}
	return out
}

// asUpstream evaluates st the way the old bot would have on the candle
// at row of d: on the 250 candles ending there, with its EMA convention,
// without the History check. Differences between this and a 1000-candle
// window are the window rule and the one-EMA rule of STRATEGIES.md; what
// remains are this port's deliberate corrections.
func asUpstream(d *dataset, st Strategy, row int) (*Decision, error) {
	in := d.window(row, upstreamWindow)
	for _, n := range adjustedEMAs(st.ID()) {
		in.cache[cacheKey{name: "ema", a: n}] = adjustedEMA(in.Close, n)
	}
	return st.Evaluate(in)
}
