// Package check reads the monitoring configuration of TA Bot Functions
// (Prometheus rules, Grafana dashboards) and tells which metrics its PromQL
// expressions name. Its tests hold that configuration against the metrics
// the functions really expose and run promtool and amtool on it.
//
// It is a module of its own so that the Prometheus packages it needs stay
// out of the function binaries.
package check

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"

	"github.com/prometheus/prometheus/promql/parser"
	"gopkg.in/yaml.v3"
)

// Expr is one PromQL expression and where it was found.
type Expr struct {
	Where string
	Query string
}

// RuleExprs returns the expression of every rule in a Prometheus rule
// file, keyed by where: "file: alert NAME" or "file: record NAME".
func RuleExprs(path string) ([]Expr, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Groups []struct {
			Rules []struct {
				Alert  string `yaml:"alert"`
				Record string `yaml:"record"`
				Expr   string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}

	var exprs []Expr
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			where := path + ": alert " + r.Alert
			if r.Record != "" {
				where = path + ": record " + r.Record
			}
			exprs = append(exprs, Expr{Where: where, Query: r.Expr})
		}
	}
	return exprs, nil
}

// Dashboard is the part of a Grafana dashboard the checks read.
type Dashboard struct {
	UID        string  `json:"uid"`
	Title      string  `json:"title"`
	Panels     []Panel `json:"panels"`
	Templating struct {
		List []Variable `json:"list"`
	} `json:"templating"`
}

// Panel is a Grafana panel; a row holds panels of its own.
type Panel struct {
	ID         int             `json:"id"`
	Title      string          `json:"title"`
	Type       string          `json:"type"`
	Datasource *DatasourceRef  `json:"datasource"`
	Targets    []Target        `json:"targets"`
	Panels     []Panel         `json:"panels"`
	GridPos    json.RawMessage `json:"gridPos"`
}

// Target is one query of a panel.
type Target struct {
	Expr       string         `json:"expr"`
	RefID      string         `json:"refId"`
	Datasource *DatasourceRef `json:"datasource"`
}

// DatasourceRef names a data source.
type DatasourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// Variable is a dashboard template variable.
type Variable struct {
	Name  string          `json:"name"`
	Type  string          `json:"type"`
	Query json.RawMessage `json:"query"`
}

// ReadDashboard reads a dashboard's JSON file.
func ReadDashboard(path string) (*Dashboard, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d Dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &d, nil
}

// AllPanels returns the dashboard's panels, those inside rows included.
func (d *Dashboard) AllPanels() []Panel {
	var all []Panel
	var walk func([]Panel)
	walk = func(ps []Panel) {
		for _, p := range ps {
			all = append(all, p)
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	return all
}

// labelValues matches Grafana's label_values(selector, label) query.
var labelValues = regexp.MustCompile(`^\s*label_values\((.+),\s*\w+\s*\)\s*$`)

// Exprs returns every PromQL expression of the dashboard: panel targets
// and the selectors of label_values() variables.
func (d *Dashboard) Exprs(path string) []Expr {
	var exprs []Expr
	for _, p := range d.AllPanels() {
		for _, t := range p.Targets {
			exprs = append(exprs, Expr{
				Where: fmt.Sprintf("%s: panel %q %s", path, p.Title, t.RefID),
				Query: t.Expr,
			})
		}
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q struct {
			Query string `json:"query"`
		}
		var s string
		if json.Unmarshal(v.Query, &q) != nil {
			json.Unmarshal(v.Query, &s)
			q.Query = s
		}
		where := fmt.Sprintf("%s: variable %s", path, v.Name)
		if m := labelValues.FindStringSubmatch(q.Query); m != nil {
			exprs = append(exprs, Expr{Where: where, Query: m[1]})
		} else {
			exprs = append(exprs, Expr{Where: where, Query: q.Query})
		}
	}
	return exprs
}

var (
	grafanaRange = regexp.MustCompile(`\$\{?__(rate_interval|interval|range)\}?`)
	grafanaVar   = regexp.MustCompile(`\$\{?\w+(:\w+)?\}?`)
)

// Parse parses a PromQL expression, with Grafana's range macros read as
// 5m and its variables as a plain value.
func Parse(query string) (parser.Expr, error) {
	q := grafanaRange.ReplaceAllString(query, "5m")
	q = grafanaVar.ReplaceAllString(q, "x")
	return parser.NewParser(parser.Options{}).ParseExpr(q)
}

// Selector is one vector selector of an expression: the metric it names
// and the labels its matchers test.
type Selector struct {
	Metric string
	Labels []string
}

// Selectors returns the vector selectors of expr.
func Selectors(expr parser.Expr) []Selector {
	var sels []Selector
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		s := Selector{Metric: vs.Name}
		for _, m := range vs.LabelMatchers {
			if m.Name != "__name__" {
				s.Labels = append(s.Labels, m.Name)
			}
		}
		slices.Sort(s.Labels)
		sels = append(sels, s)
		return nil
	})
	return sels
}

// HistogramSeries returns the series names a histogram named name
// exposes.
func HistogramSeries(name string) []string {
	return []string{name + "_bucket", name + "_sum", name + "_count"}
}
