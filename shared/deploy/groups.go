// Package deploy renders the deployment files of TA Bot Functions from
// the ids of the strategy registry: the OpenFaaS stack files (Community
// and Pro editions) and the Knative Serving and Eventing manifests. It
// does no I/O; `tabot manifests` writes what it renders.
package deploy

import (
	"fmt"
	"regexp"
)

// Group is a named set of strategies, as UPSTREAM.md §2.0 groups them.
type Group struct {
	// Name is the group's name; a bundled group deploys as the function
	// "strategy-<Name>".
	Name string
	// IDs are the group's strategy ids in registry order.
	IDs []string
	// Bundled is true when the Community Edition stack runs the whole
	// group as one function; otherwise each strategy is a function.
	Bundled bool
}

// Groups returns the strategy groups in registry order: the original
// five and the advanced six, one function each on every platform, and
// the seventeen later ones, bundled into one function where the
// Community Edition's function limit applies.
func Groups() []Group {
	return []Group{
		{Name: "original", IDs: []string{
			"momentum_pulse", "band_fade_reversal", "golden_trend_sync",
			"range_break_pop", "divergence_trap",
		}},
		{Name: "advanced", IDs: []string{
			"volume_surge_breakout", "mean_reversion_scalper",
			"ichimoku_cloud_momentum", "liquidity_grab_reversal",
			"multi_timeframe_trend_continuation", "order_flow_imbalance",
		}},
		{Name: "later", Bundled: true, IDs: []string{
			"ema_alignment_bullish", "bollinger_squeeze_alert",
			"bollinger_breakout_signals", "rsi_extreme_reversal",
			"inside_bar_breakout", "ema_pullback_continuation",
			"ema_momentum_reversal", "fox_trap_reversal",
			"hammer_reversal_pattern", "bear_trap_buy", "inside_bar_sell",
			"shooting_star_reversal", "doji_reversal",
			"ema_alignment_bearish", "ema_slope_reversal_sell",
			"minervini_trend_template", "bear_trap_sell",
		}},
	}
}

// validID is the syntax of a strategy id: lower-case words joined by
// single underscores, e.g. "momentum_pulse".
var validID = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// checkID reports whether id is a well-formed strategy id.
func checkID(id string) error {
	if id == "all" {
		return fmt.Errorf("strategy id %q is reserved: STRATEGIES=all "+
			"selects every strategy", id)
	}
	if !validID.MatchString(id) {
		return fmt.Errorf("strategy id %q: want lower-case words joined "+
			"by underscores", id)
	}
	return nil
}

// groupOf returns the group holding id.
func groupOf(groups []Group, id string) (Group, bool) {
	for _, g := range groups {
		for _, gid := range g.IDs {
			if gid == id {
				return g, true
			}
		}
	}
	return Group{}, false
}
