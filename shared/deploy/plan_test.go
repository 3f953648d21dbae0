package deploy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tabot-functions/tabot/shared/strategy"
)

// tableIDs returns every strategy id of Groups in table order.
func tableIDs() []string {
	var ids []string
	for _, g := range Groups() {
		ids = append(ids, g.IDs...)
	}
	return ids
}

func TestGroupsHoldTheUpstreamStrategies(t *testing.T) {
	want := map[string]int{"original": 5, "advanced": 6, "later": 17}
	seen := make(map[string]string)
	for _, g := range Groups() {
		if got := len(g.IDs); got != want[g.Name] {
			t.Errorf("group %q has %d ids, want %d", g.Name, got, want[g.Name])
		}
		for _, id := range g.IDs {
			if err := checkID(id); err != nil {
				t.Error(err)
			}
			if other, dup := seen[id]; dup {
				t.Errorf("id %q in groups %q and %q", id, other, g.Name)
			}
			seen[id] = g.Name
		}
	}
	if len(seen) != 28 {
		t.Errorf("groups hold %d distinct ids, want 28", len(seen))
	}
}

// TestGroupsMatchRegistry checks that the groups hold exactly the
// registered strategies, in registry order: a strategy added to the
// registry must be given a group before it can be deployed.
func TestGroupsMatchRegistry(t *testing.T) {
	got, want := tableIDs(), strategy.Default().IDs()
	if !slices.Equal(got, want) {
		t.Errorf("deploy.Groups ids\ngot  %v\nwant %v (the registry)",
			got, want)
	}
}

func TestCheckID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"momentum_pulse", true},
		{"bear_trap_buy", true},
		{"rsi2", true},
		{"", false},
		{"Momentum_pulse", false},
		{"momentum-pulse", false},
		{"_momentum", false},
		{"momentum__pulse", false},
		{"momentum_", false},
		{"1momentum", false},
		{"all", false},
	}
	for _, tt := range tests {
		if err := checkID(tt.id); (err == nil) != tt.ok {
			t.Errorf("checkID(%q) = %v, want ok %v", tt.id, err, tt.ok)
		}
	}
}

func TestPlan(t *testing.T) {
	ids := tableIDs()
	tests := []struct {
		name   string
		layout Layout
		want   []string // function names
		later  int      // strategies of the function strategy-later
	}{
		{"community", Community, append(names(ids[:11]),
			"strategy-later", BinarySource, BinaryPublisher), 17},
		{"per strategy", PerStrategy, append(names(ids),
			BinarySource, BinaryPublisher), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fns, err := Plan(ids, tt.layout)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			covered := 0
			for _, f := range fns {
				got = append(got, f.Name)
				covered += len(f.Strategies)
				if f.Name == "strategy-later" &&
					len(f.Strategies) != tt.later {
					t.Errorf("strategy-later runs %d strategies, want %d",
						len(f.Strategies), tt.later)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("functions\ngot  %v\nwant %v", got, tt.want)
			}
			if covered != len(ids) {
				t.Errorf("functions run %d strategies, want %d",
					covered, len(ids))
			}
		})
	}
}

func names(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = StrategyFunctionName(id)
	}
	return out
}

func TestPlanKeepsRegistryOrder(t *testing.T) {
	ids := []string{"ema_alignment_bullish", "momentum_pulse",
		"bear_trap_sell"}
	fns, err := Plan(ids, Community)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(fns)
	want := "[{strategy-later strategy [ema_alignment_bullish " +
		"bear_trap_sell]} {strategy-momentum-pulse strategy " +
		"[momentum_pulse]} {candle-source candle-source []} " +
		"{publisher publisher []}]"
	if got != want {
		t.Errorf("plan\ngot  %s\nwant %s", got, want)
	}
}

func TestPlanRejects(t *testing.T) {
	tests := []struct {
		name string
		ids  []string
		want string
	}{
		{"unknown id", []string{"momentum_pulse", "moon_shot"},
			`strategy "moon_shot" is in no group`},
		{"bad syntax", []string{"Momentum"}, `strategy id "Momentum"`},
		{"duplicate", []string{"doji_reversal", "doji_reversal"},
			"listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Plan(tt.ids, PerStrategy)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Plan(%v) = %v, want an error with %q",
					tt.ids, err, tt.want)
			}
		})
	}
}

func TestPlanCommunityLimit(t *testing.T) {
	var ids []string
	for i := range CommunityMaxFunctions - 1 {
		ids = append(ids, fmt.Sprintf("s%d", i))
	}
	groups := []Group{{Name: "many", IDs: ids}}
	if _, err := plan(ids, Community, groups); !errors.Is(err,
		ErrTooManyFunctions) {
		t.Errorf("%d strategies + 2: got %v, want ErrTooManyFunctions",
			len(ids), err)
	}
	if _, err := plan(ids[:CommunityMaxFunctions-2], Community,
		groups); err != nil {
		t.Errorf("%d functions: %v", CommunityMaxFunctions, err)
	}
	if _, err := plan(ids, PerStrategy, groups); err != nil {
		t.Errorf("per strategy has no limit: %v", err)
	}
}

func TestStrategyFunctionName(t *testing.T) {
	for _, id := range tableIDs() {
		name := StrategyFunctionName(id)
		if len(name) > 63 || strings.ContainsAny(name, "_.") {
			t.Errorf("%q: name %q is not a DNS label", id, name)
		}
	}
}
