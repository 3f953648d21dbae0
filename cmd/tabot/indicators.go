package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/indicator"
)

// indicatorsCommand is `tabot indicators`: the indicator columns of a
// candle file as CSV, under the column names of the TA-Lib reference
// files, so they can be checked against a charting tool.
func indicatorsCommand() command {
	return command{
		summary: "compute indicators over a candle CSV file, CSV to stdout",
		run:     runIndicators,
	}
}

func runIndicators(ctx context.Context, args []string,
	stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("indicators", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "candle CSV file, its header naming "+
		"open_time, open, high, low, close, volume (required)")
	window := fs.Int("window", 0, "compute each row over the last `N` "+
		"candles only, as a strategy window of N does; 0: over the "+
		"whole file, as the TA-Lib reference values")
	extra := fs.Bool("extra", false, "add the columns TA-Lib lacks: "+
		"vwap, tenkan, kijun, span_a, span_b")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tabot indicators --data FILE.csv "+
			"[--window N] [--extra]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	switch {
	case *data == "":
		fs.Usage()
		return fmt.Errorf("%w: --data is required", errUsage)
	case *window < 0:
		return fmt.Errorf("%w: --window %d is negative", errUsage, *window)
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}

	cs, err := readCandleFile(*data)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	err = indWrite(ctx, w, candle.NewSeries(cs), *window, *extra)
	if err != nil {
		return err
	}
	return w.Flush()
}

// indColumns computes the reference columns over s, and the extra ones.
func indColumns(set *indicator.Set, s candle.Series,
	extra bool) ([]indicator.Column, error) {
	if err := set.Fill(s); err != nil {
		return nil, err
	}
	cols := set.Columns()
	if extra {
		ich := indicator.Ichimoku(s.High, s.Low, 9, 26, 52)
		cols = append(cols,
			indicator.Column{Name: "vwap", Values: indicator.VWAP(
				s.OpenTime, s.High, s.Low, s.Close, s.Volume)},
			indicator.Column{Name: "tenkan", Values: ich.Tenkan},
			indicator.Column{Name: "kijun", Values: ich.Kijun},
			indicator.Column{Name: "span_a", Values: ich.SpanA},
			indicator.Column{Name: "span_b", Values: ich.SpanB})
	}
	return cols, nil
}

// indWrite writes the header and one row per candle. With a window, the
// row of candle i holds the last values over candles i-window+1..i.
func indWrite(ctx context.Context, w io.Writer, s candle.Series,
	window int, extra bool) error {
	var set indicator.Set
	cols, err := indColumns(&set, s, extra)
	if err != nil {
		return err
	}
	out := csv.NewWriter(w)
	rec := make([]string, 1+len(cols))
	rec[0] = "open_time"
	for j, c := range cols {
		rec[j+1] = c.Name
	}
	if err := out.Write(rec); err != nil {
		return err
	}

	for i := range s.Len() {
		row := i
		if window > 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			from := max(0, i-window+1)
			if cols, err = indColumns(&set, indSlice(s, from, i+1),
				extra); err != nil {
				return err
			}
			row = i - from
		}
		rec[0] = strconv.FormatInt(s.OpenTime[i], 10)
		for j, c := range cols {
			rec[j+1] = indFormat(c.Values[row])
		}
		if err := out.Write(rec); err != nil {
			return err
		}
	}
	out.Flush()
	return out.Error()
}

// indSlice returns candles [from, to) of s.
func indSlice(s candle.Series, from, to int) candle.Series {
	return candle.Series{OpenTime: s.OpenTime[from:to],
		Open: s.Open[from:to], High: s.High[from:to], Low: s.Low[from:to],
		Close: s.Close[from:to], Volume: s.Volume[from:to]}
}

// indFormat writes a value with 10 significant digits, as the reference
// files do, and an empty cell where there is no value.
func indFormat(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 10, 64)
}
