package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tabot-functions/tabot/shared/candle"
)

// readCandleFile reads a candle CSV file (candle.ReadCSV) for the
// commands that take one; errors name the file.
func readCandleFile(path string) ([]candle.Candle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read candles: %w", err)
	}
	defer f.Close()
	cs, err := candle.ReadCSV(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	return cs, nil
}

// checkInterval returns an error naming the first candle whose open time
// is not on interval's grid: candles of another interval would be
// refused one by one by the candle-source, and mislabelled by a backtest.
func checkInterval(cs []candle.Candle, interval string) error {
	iv := candle.Interval(interval)
	for i, c := range cs {
		if err := iv.CheckOpenTime(c.OpenTime); err != nil {
			return fmt.Errorf("candle %d of %d: %w (is the file %s "+
				"candles?)", i+1, len(cs), err, interval)
		}
	}
	return nil
}
