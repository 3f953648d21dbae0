package push

import (
	"strings"
	"testing"
	"time"
)

func TestDecodeGroups(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Group
		wantErr bool
	}{
		{
			name: "one group",
			in: `{"status":"success","data":[{"labels":{"job":"j",` +
				`"instance":"a"},"push_time_seconds":{"metrics":` +
				`[{"value":"1.7e+09"}]}}]}`,
			want: []Group{{
				Labels:   map[string]string{"job": "j", "instance": "a"},
				LastPush: time.Unix(1_700_000_000, 0).UTC(),
			}},
		},
		{
			name: "never pushed",
			in: `{"status":"success","data":[{"labels":{"job":"j"},` +
				`"push_time_seconds":{"metrics":[{"value":"0"}]}}]}`,
			want: []Group{{Labels: map[string]string{"job": "j"}}},
		},
		{name: "empty", in: `{"status":"success","data":[]}`,
			want: []Group{}},
		{name: "error status", in: `{"status":"error"}`, wantErr: true},
		{name: "not json", in: `<html>`, wantErr: true},
		{name: "no job", in: `{"status":"success","data":[{"labels":{}}]}`,
			wantErr: true},
		{
			name: "bad time",
			in: `{"status":"success","data":[{"labels":{"job":"j"},` +
				`"push_time_seconds":{"metrics":[{"value":"NaN"}]}}]}`,
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeGroups(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("decodeGroups error = %v, want error %v",
					err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d groups, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if !got[i].LastPush.Equal(tt.want[i].LastPush) ||
					len(got[i].Labels) != len(tt.want[i].Labels) ||
					got[i].Labels["job"] != tt.want[i].Labels["job"] {
					t.Errorf("group %d = %+v, want %+v", i, got[i],
						tt.want[i])
				}
			}
		})
	}
}

func FuzzDecodeGroups(f *testing.F) {
	f.Add(`{"status":"success","data":[{"labels":{"job":"j","instance":` +
		`"a"},"push_time_seconds":{"metrics":[{"value":"1.7e+09"}]}}]}`)
	f.Add(`{"status":"success","data":[{"labels":{"job":"j"}}]}`)
	f.Add(`{"status":"success","data":[{"labels":{"job":"j"},` +
		`"push_time_seconds":{"metrics":[{"value":"-1"}]}}]}`)
	f.Add(`{"status":"error","data":null}`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, in string) {
		groups, err := decodeGroups(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, g := range groups {
			if g.Labels["job"] == "" {
				t.Errorf("decoded a group without job: %+v", g)
			}
		}
	})
}
