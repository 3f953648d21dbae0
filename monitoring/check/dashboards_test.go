package check

import (
	"path/filepath"
	"strings"
	"testing"
)

// The four dashboards of the guide, each importable on its own: a
// data source variable, unique ids, every query on that data source.
func TestDashboards(t *testing.T) {
	want := map[string]bool{"tabot-signals": false,
		"tabot-performance": false, "tabot-infrastructure": false,
		"tabot-business": false}
	uids := map[string]string{}

	for _, f := range glob(t, dashboardGlob) {
		d, err := ReadDashboard(f)
		if err != nil {
			t.Fatal(err)
		}
		if d.UID == "" || len(d.UID) > 40 {
			t.Errorf("%s: uid %q, want 1 to 40 characters", f, d.UID)
		}
		if other, dup := uids[d.UID]; dup {
			t.Errorf("%s: uid %q already used by %s", f, d.UID, other)
		}
		uids[d.UID] = f
		if _, ok := want[d.UID]; ok {
			want[d.UID] = true
		}
		if !strings.HasPrefix(d.Title, "TA Bot / ") {
			t.Errorf("%s: title %q, want it to start with %q", f, d.Title,
				"TA Bot / ")
		}

		hasDS := false
		for _, v := range d.Templating.List {
			if v.Name == "datasource" && v.Type == "datasource" {
				hasDS = true
			}
		}
		if !hasDS {
			t.Errorf("%s: no datasource variable", f)
		}

		ids := map[int]bool{}
		for _, p := range d.AllPanels() {
			if ids[p.ID] {
				t.Errorf("%s: panel id %d used twice", f, p.ID)
			}
			ids[p.ID] = true
			if p.Type == "row" {
				continue
			}
			if len(p.Targets) == 0 {
				t.Errorf("%s: panel %q has no query", f, p.Title)
			}
			if len(p.GridPos) == 0 {
				t.Errorf("%s: panel %q has no gridPos", f, p.Title)
			}
			for _, tg := range p.Targets {
				ds := tg.Datasource
				if ds == nil {
					ds = p.Datasource
				}
				if ds == nil || ds.Type != "prometheus" ||
					ds.UID != "${datasource}" {
					t.Errorf("%s: panel %q %s: datasource %+v, want "+
						"prometheus ${datasource}", f, p.Title, tg.RefID, ds)
				}
				if strings.TrimSpace(tg.Expr) == "" {
					t.Errorf("%s: panel %q %s has an empty query", f,
						p.Title, tg.RefID)
				}
			}
		}
	}
	for uid, found := range want {
		if !found {
			t.Errorf("no dashboard with uid %s", uid)
		}
	}
}

// The provisioning files point Grafana at the dashboards and at a
// Prometheus data source.
func TestGrafanaProvisioning(t *testing.T) {
	var dashboards struct {
		APIVersion int `yaml:"apiVersion"`
		Providers  []struct {
			Name    string `yaml:"name"`
			Type    string `yaml:"type"`
			Folder  string `yaml:"folder"`
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, filepath.Join(monitoringDir,
		"grafana/provisioning/dashboards/tabot.yml"), &dashboards)
	if dashboards.APIVersion != 1 || len(dashboards.Providers) != 1 {
		t.Fatalf("dashboard provisioning: apiVersion %d, %d providers; "+
			"want 1 and 1", dashboards.APIVersion,
			len(dashboards.Providers))
	}
	p := dashboards.Providers[0]
	if p.Type != "file" || !filepath.IsAbs(p.Options.Path) ||
		p.Folder == "" {
		t.Errorf("dashboard provider = %+v, want type file, a folder and "+
			"an absolute path", p)
	}

	var sources struct {
		APIVersion  int `yaml:"apiVersion"`
		Datasources []struct {
			Name      string `yaml:"name"`
			Type      string `yaml:"type"`
			URL       string `yaml:"url"`
			IsDefault bool   `yaml:"isDefault"`
		} `yaml:"datasources"`
	}
	readYAML(t, filepath.Join(monitoringDir,
		"grafana/provisioning/datasources/prometheus.yml"), &sources)
	if sources.APIVersion != 1 || len(sources.Datasources) != 1 {
		t.Fatalf("datasource provisioning: apiVersion %d, %d sources; "+
			"want 1 and 1", sources.APIVersion, len(sources.Datasources))
	}
	ds := sources.Datasources[0]
	// The dashboards' datasource variable defaults to the default
	// Prometheus data source.
	if ds.Type != "prometheus" || !ds.IsDefault || ds.URL == "" {
		t.Errorf("data source = %+v, want the default prometheus with a "+
			"url", ds)
	}
}
