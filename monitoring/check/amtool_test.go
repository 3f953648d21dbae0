package check

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestAmtoolCheckConfig(t *testing.T) {
	if out, ok := amtool(t, "check-config", amConfig); !ok {
		t.Errorf("amtool check-config failed:\n%s", out)
	}
}

// Each severity the rules use reaches the receiver meant for it.
func TestAlertRouting(t *testing.T) {
	tests := []struct {
		name     string
		labels   []string
		receiver string
	}{
		{"critical pages on-call",
			[]string{"alertname=TAPodDown", "severity=critical"},
			"tabot-oncall"},
		{"warning goes to the team",
			[]string{"alertname=TAHighErrorRate", "severity=warning"},
			"tabot-team"},
		{"no severity falls back to the team",
			[]string{"alertname=Other"}, "tabot-team"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"config", "routes", "test",
				"--config.file=" + amConfig,
				"--verify.receivers=" + tt.receiver}, tt.labels...)
			if out, ok := amtool(t, args...); !ok {
				t.Errorf("labels %v: want receiver %s, amtool said:\n%s",
					tt.labels, tt.receiver, out)
			}
		})
	}
}

// Every alert carries a severity the routes know, and the inhibit rules
// name only alerts that exist.
func TestAlertmanagerMatchesRules(t *testing.T) {
	var rf struct {
		Groups []struct {
			Rules []struct {
				Alert  string            `yaml:"alert"`
				Labels map[string]string `yaml:"labels"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	alerts := alertNames(t)
	for _, f := range glob(t, rulesGlob) {
		readYAML(t, f, &rf)
		for _, g := range rf.Groups {
			for _, r := range g.Rules {
				s := r.Labels["severity"]
				if s != "critical" && s != "warning" {
					t.Errorf("alert %s: severity %q, want critical or "+
						"warning", r.Alert, s)
				}
			}
		}
	}

	var am struct {
		InhibitRules []struct {
			Source []string `yaml:"source_matchers"`
			Target []string `yaml:"target_matchers"`
		} `yaml:"inhibit_rules"`
	}
	readYAML(t, amConfig, &am)
	alertname := regexp.MustCompile(`^alertname\s*(=~?)\s*"(.*)"$`)
	for i, ir := range am.InhibitRules {
		for _, m := range append(ir.Source, ir.Target...) {
			sub := alertname.FindStringSubmatch(m)
			if sub == nil {
				continue
			}
			names := []string{sub[2]}
			if sub[1] == "=~" {
				names = strings.Split(sub[2], "|")
			}
			for _, n := range names {
				if !slices.Contains(alerts, n) {
					t.Errorf("inhibit_rules[%d] names alert %s, which no "+
						"rule defines", i, n)
				}
			}
		}
	}
}

// Secrets are read from files, never written into the configuration.
func TestAlertmanagerSecretsFromFiles(t *testing.T) {
	secrets := []string{"smtp_auth_password", "smtp_auth_secret",
		"slack_api_url", "api_url", "auth_password", "auth_secret",
		"url", "service_key", "routing_key", "bot_token", "api_key",
		"webhook_url", "password", "credentials"}
	var cfg any
	readYAML(t, amConfig, &cfg)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				if slices.Contains(secrets, k) {
					t.Errorf("%s.%s holds a secret: use %s_file", path, k, k)
				}
				walk(path+"."+k, child)
			}
		case []any:
			for _, child := range v {
				walk(path+"[]", child)
			}
		}
	}
	walk("alertmanager", cfg)
}
