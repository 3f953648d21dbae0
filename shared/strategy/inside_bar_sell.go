package strategy

import (
	"math"

	"github.com/tabot-functions/tabot/shared/indicator"
)

// InsideBarSell is inside_bar_sell (Quantzed screening 22): a sell on a
// strict inside bar (high and low inside the previous candle's) closing
// under both EMA(8) and EMA(80). The entry is a stop at the inside bar's
// low, the stop its high, the target twice its range under the entry.
// Confidence is 0.55, plus 10 times the close's relative distance under
// EMA(80), plus 5 times the EMAs' gap relative to the close, capped at
// 0.80; under the default MIN_CONFIDENCE of 0.6 the weakest are dropped
// downstream (UPSTREAM.md §7 item 29), counted, not here.
//
// Metadata names say what they hold (§7 item 22): inside_bar_range is the
// inside bar's own range (upstream put the previous candle's there),
// mother_bar_range the previous candle's, and consolidation_size, as
// upstream, the inside bar's range. History is 633 candles: EMA(80)
// settled.
type InsideBarSell struct{}

// ID returns "inside_bar_sell".
func (InsideBarSell) ID() string { return "inside_bar_sell" }

// History returns 633, EMA(80) settled.
func (InsideBarSell) History() int { return indicator.SettleEMA(80) }

// Evaluate implements Strategy.
func (InsideBarSell) Evaluate(in *Input) (*Decision, error) {
	var r lagReader
	cur, prev := r.shape(in, 0), r.shape(in, 1)
	f0, s0 := r.at("ema8", in.EMA(8), 0), r.at("ema80", in.EMA(80), 0)
	if r.err != nil {
		return nil, r.err
	}

	inside := cur.high < prev.high && cur.low > prev.low
	if !inside || !(cur.close < f0 && cur.close < s0) {
		return nil, nil
	}

	entry, stop := cur.low, cur.high
	target := riskTarget(entry, stop, 2)
	bearish := (s0 - cur.close) / cur.close
	separation := math.Abs(f0-s0) / cur.close
	conf := min(0.80, 0.55+10*bearish+5*separation)
	return newTrade(Sell, conf, entry, stop, target,
		map[string]any{
			"ema8":                     f0,
			"ema80":                    s0,
			"inside_bar_range":         cur.span,
			"mother_bar_range":         prev.span,
			"consolidation_size":       cur.span,
			"bearish_context_strength": bearish,
			"risk_reward_ratio":        2.0,
			"pattern":                  "inside_bar_bearish_continuation",
			"entry_price":              entry,
		}), nil
}
