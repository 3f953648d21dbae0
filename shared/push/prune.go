package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/push"
)

// ErrStatus reports an HTTP status the Pushgateway should not answer.
var ErrStatus = errors.New("unexpected pushgateway status")

// Group is one grouping key held by a Pushgateway and when it was last
// pushed to.
type Group struct {
	// Labels is the grouping key: job, instance and any other label.
	Labels map[string]string
	// LastPush is the time of the last successful push (zero if none).
	LastPush time.Time
}

// Groups lists the groups the Pushgateway at rawURL holds, read from its
// /api/v1/metrics. A nil c is http.DefaultClient.
func Groups(ctx context.Context, c *http.Client,
	rawURL string) ([]Group, error) {
	if c == nil {
		c = http.DefaultClient
	}
	u := strings.TrimSuffix(rawURL, "/") + "/api/v1/metrics"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("list groups: %w %d", ErrStatus,
			resp.StatusCode)
	}
	groups, err := decodeGroups(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	return groups, nil
}

// Prune deletes every group of the given jobs (of all jobs if none is
// given) last pushed to before cutoff, and returns the deleted groups.
// Run it on a schedule with a cutoff well past the push interval, so
// that only groups of processes that are gone are removed. A nil c is
// http.DefaultClient.
func Prune(ctx context.Context, c *http.Client, rawURL string,
	cutoff time.Time, jobs ...string) ([]Group, error) {
	if c == nil {
		c = http.DefaultClient
	}
	groups, err := Groups(ctx, c, rawURL)
	if err != nil {
		return nil, err
	}

	var deleted []Group
	for _, g := range groups {
		if len(jobs) > 0 && !slices.Contains(jobs, g.Labels["job"]) {
			continue
		}
		if !g.LastPush.Before(cutoff) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return deleted, err
		}
		if err := deleteGroup(c, rawURL, g.Labels); err != nil {
			return deleted, err
		}
		deleted = append(deleted, g)
	}
	return deleted, nil
}

// deleteGroup deletes one group; the push package encodes the key.
func deleteGroup(c *http.Client, rawURL string,
	labels map[string]string) error {
	p := push.New(rawURL, labels["job"]).Client(c)
	for _, name := range slices.Sorted(maps.Keys(labels)) {
		if name != "job" {
			p.Grouping(name, labels[name])
		}
	}
	if err := p.Delete(); err != nil {
		return fmt.Errorf("delete group %v: %w", labels, err)
	}
	return nil
}

// apiGroups is the part of /api/v1/metrics that Groups reads.
type apiGroups struct {
	Status string `json:"status"`
	Data   []struct {
		Labels   map[string]string `json:"labels"`
		PushTime *struct {
			Metrics []struct {
				Value string `json:"value"`
			} `json:"metrics"`
		} `json:"push_time_seconds"`
	} `json:"data"`
}

// decodeGroups decodes the Pushgateway's /api/v1/metrics answer.
func decodeGroups(r io.Reader) ([]Group, error) {
	var resp apiGroups
	if err := json.NewDecoder(r).Decode(&resp); err != nil {
		return nil, fmt.Errorf("decode groups: %w", err)
	}
	if resp.Status != "success" {
		return nil, fmt.Errorf("decode groups: status %q", resp.Status)
	}

	groups := make([]Group, 0, len(resp.Data))
	for _, d := range resp.Data {
		if d.Labels["job"] == "" {
			return nil, errors.New("decode groups: a group has no job")
		}
		g := Group{Labels: d.Labels}
		if d.PushTime != nil && len(d.PushTime.Metrics) > 0 {
			t, err := parseUnix(d.PushTime.Metrics[0].Value)
			if err != nil {
				return nil, fmt.Errorf("decode groups: %w", err)
			}
			g.LastPush = t
		}
		groups = append(groups, g)
	}
	return groups, nil
}

// parseUnix parses seconds since the epoch, with a fraction; 0 is the
// zero time (never pushed).
func parseUnix(s string) (time.Time, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f >= 0 && f <= 1e11) {
		return time.Time{}, fmt.Errorf("push time %q is not a time", s)
	}
	if f == 0 {
		return time.Time{}, nil
	}
	sec := int64(f)
	nsec := int64((f - float64(sec)) * 1e9)
	return time.Unix(sec, nsec).UTC(), nil
}
