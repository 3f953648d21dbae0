package candle_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tabot-functions/tabot/shared/candle"
)

func TestReadCSV(t *testing.T) {
	const head = "open_time,open,high,low,close,volume\n"
	const row1 = "1704067200000,100,101,99,100.5,12\n"
	const row2 = "1704070800000,100.5,102,100,101,3\n"
	tests := []struct {
		name    string
		in      string
		want    []candle.Candle
		wantErr string
	}{{
		name: "two rows",
		in:   head + row1 + row2,
		want: []candle.Candle{
			{OpenTime: 1704067200000, Open: 100, High: 101, Low: 99,
				Close: 100.5, Volume: 12},
			{OpenTime: 1704070800000, Open: 100.5, High: 102, Low: 100,
				Close: 101, Volume: 3},
		},
	}, {
		name: "columns in any order, optional and unknown ones",
		in: "\ufeffClose,open_time,ignored,open,high,low,volume,trades\n" +
			"100.5,1704067200000,x,100,101,99,12,7\n",
		want: []candle.Candle{{OpenTime: 1704067200000, Open: 100,
			High: 101, Low: 99, Close: 100.5, Volume: 12, Trades: 7}},
	}, {
		name:    "empty",
		wantErr: "empty file",
	}, {
		name:    "header only",
		in:      head,
		wantErr: "no candles after the header",
	}, {
		name:    "missing column",
		in:      "open_time,open,high,low,close\n1,2,3,4,5\n",
		wantErr: "header has no volume column",
	}, {
		name:    "not a number",
		in:      head + row1 + "1704070800000,abc,102,100,101,3\n",
		wantErr: `line 3: open "abc" is not a number`,
	}, {
		name:    "seconds",
		in:      head + "1704067200,100,101,99,100.5,12\n",
		wantErr: "line 2: invalid candle: open_time 1704067200 looks like seconds",
	}, {
		name:    "high below close",
		in:      head + "1704067200000,100,100.2,99,100.5,12\n",
		wantErr: "line 2: invalid candle",
	}, {
		name:    "not after the row before",
		in:      head + row2 + row1,
		wantErr: "line 3: open_time 1704067200000 is not after",
	}, {
		name:    "duplicate",
		in:      head + row1 + row1,
		wantErr: "line 3: open_time",
	}, {
		name:    "short row",
		in:      head + "1704067200000,100,101\n",
		wantErr: "wrong number of fields",
	}, {
		name:    "NaN",
		in:      head + "1704067200000,NaN,101,99,100.5,12\n",
		wantErr: "line 2: invalid candle",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := candle.ReadCSV(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) ||
					!errors.Is(err, candle.ErrCSV) {
					t.Fatalf("got %v, want ErrCSV containing %q", err,
						tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d candles, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("candle %d: got %+v, want %+v", i, got[i],
						tt.want[i])
				}
			}
		})
	}
}

func TestReadCSVRealFiles(t *testing.T) {
	for _, name := range []string{
		"btcusdt_1h_2021-11_2022-07.csv", "ethusdt_15m_2021-03_2021-05.csv",
	} {
		f, err := os.Open(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		cs, err := candle.ReadCSV(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(cs) < 6000 {
			t.Errorf("%s: %d candles, want the whole file", name, len(cs))
		}
	}
}

// FuzzReadCSV checks that any input gives candles that are valid and
// rising, or an ErrCSV, never a panic.
func FuzzReadCSV(f *testing.F) {
	f.Add("open_time,open,high,low,close,volume\n" +
		"1704067200000,100,101,99,100.5,12\n")
	f.Add("open_time,open,high,low,close,volume,trades\n" +
		"1704067200000,100,101,99,100.5,12,\n1704067200001,1,1,1,1,0,3\n")
	f.Add("volume,low,high,open,close,open_time\n\"1\",2,3,2,2,1e15\n")
	f.Add("open_time,open\n1,2\n")
	f.Add("\"")
	f.Fuzz(func(t *testing.T, in string) {
		cs, err := candle.ReadCSV(strings.NewReader(in))
		if err != nil {
			if !errors.Is(err, candle.ErrCSV) {
				t.Errorf("error %v is not an ErrCSV", err)
			}
			return
		}
		for i, c := range cs {
			if err := c.Validate(); err != nil {
				t.Errorf("candle %d: %v", i, err)
			}
			if i > 0 && c.OpenTime <= cs[i-1].OpenTime {
				t.Errorf("candle %d does not open after %d", i, i-1)
			}
		}
	})
}
