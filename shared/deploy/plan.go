package deploy

import (
	"errors"
	"fmt"
	"strings"
)

// The three function binaries: the directories under functions/ and the
// values of the Dockerfile's FUNCTION build argument.
const (
	BinaryStrategy     = "strategy"
	BinarySource       = "candle-source"
	BinaryPublisher    = "publisher"
	functionNamePrefix = "strategy-"
)

// Binaries returns the function binaries in build order.
func Binaries() []string {
	return []string{BinaryStrategy, BinarySource, BinaryPublisher}
}

// Limits of the OpenFaaS Community Edition that the default stack obeys.
const (
	CommunityMaxFunctions = 15
	CommunityMaxReplicas  = 5
)

// ErrTooManyFunctions is returned when a Community Edition plan would
// exceed CommunityMaxFunctions.
var ErrTooManyFunctions = errors.New("too many functions")

// Layout chooses how strategies map to deployed functions.
type Layout int

const (
	// Community fits the OpenFaaS Community Edition: one function per
	// strategy of an unbundled group, one per bundled group.
	Community Layout = iota
	// PerStrategy runs one function per strategy (OpenFaaS Pro, Knative).
	PerStrategy
)

// Function is one deployed function: its name, the binary it runs and,
// for a strategy function, the strategy ids it evaluates.
type Function struct {
	Name       string
	Binary     string
	Strategies []string
}

// Plan returns the functions that deploy ids under layout: the strategy
// functions in registry order, then the candle-source and the publisher.
// Every id must be well formed and belong to a group of Groups.
func Plan(ids []string, layout Layout) ([]Function, error) {
	return plan(ids, layout, Groups())
}

// plan is Plan over the given groups.
func plan(ids []string, layout Layout, groups []Group) ([]Function, error) {
	var fns []Function
	bundle := make(map[string]int) // group name -> index in fns
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if err := checkID(id); err != nil {
			return nil, err
		}
		if seen[id] {
			return nil, fmt.Errorf("strategy %q listed twice", id)
		}
		seen[id] = true
		g, ok := groupOf(groups, id)
		if !ok {
			return nil, fmt.Errorf("strategy %q is in no group: add it "+
				"to deploy.Groups", id)
		}
		if layout == PerStrategy || !g.Bundled {
			fns = append(fns, Function{Name: StrategyFunctionName(id),
				Binary: BinaryStrategy, Strategies: []string{id}})
			continue
		}
		i, ok := bundle[g.Name]
		if !ok {
			i = len(fns)
			bundle[g.Name] = i
			fns = append(fns, Function{Name: functionNamePrefix + g.Name,
				Binary: BinaryStrategy})
		}
		fns[i].Strategies = append(fns[i].Strategies, id)
	}
	fns = append(fns,
		Function{Name: BinarySource, Binary: BinarySource},
		Function{Name: BinaryPublisher, Binary: BinaryPublisher})
	if layout == Community && len(fns) > CommunityMaxFunctions {
		return nil, fmt.Errorf("%w: the community stack needs %d, the "+
			"Community Edition runs %d", ErrTooManyFunctions, len(fns),
			CommunityMaxFunctions)
	}
	return fns, nil
}

// StrategyFunctionName returns the name of the function that runs the
// single strategy id: "strategy-" and the id with dashes for
// underscores, a valid DNS label.
func StrategyFunctionName(id string) string {
	return functionNamePrefix + strings.ReplaceAll(id, "_", "-")
}
