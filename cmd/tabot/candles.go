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
