package indicator_test

import (
	"fmt"
	"math"

	"github.com/tabot-functions/tabot/shared/candle"
	"github.com/tabot-functions/tabot/shared/indicator"
)

// An EMA has no value before its seed, the SMA of its first n values.
func ExampleEMA() {
	closes := []float64{10, 11, 12, 13, 14, 13}
	fmt.Println(indicator.EMA(closes, 3))
	// Output: [NaN NaN 11 12 13 13]
}

// A strategy reads the last value and treats NaN as "not enough data".
func ExampleRSI() {
	closes := []float64{100, 102, 101, 104, 103, 105, 102, 106}
	for _, n := range []int{3, 14} {
		rsi := indicator.RSI(closes, n)
		last := rsi[len(rsi)-1]
		if math.IsNaN(last) {
			fmt.Printf("RSI(%d): not enough data, %d closes, need %d\n",
				n, len(closes), indicator.LookbackRSI(n)+1)
			continue
		}
		fmt.Printf("RSI(%d) = %.2f\n", n, last)
	}
	// Output:
	// RSI(3) = 70.21
	// RSI(14): not enough data, 8 closes, need 15
}

// A swing high is only known k bars after it.
func ExampleSwingHighs() {
	highs := []float64{1, 3, 2, 5, 4, 4, 6, 5, 7, 6, 6}
	s := indicator.SwingHighs(highs, 2)
	for _, t := range []int{4, 5, 9, 10} {
		fmt.Printf("at bar %d: latest swing high %v at bar %d\n",
			t, s.Price[t], s.Bar[t])
	}
	// Output:
	// at bar 4: latest swing high NaN at bar -1
	// at bar 5: latest swing high 5 at bar 3
	// at bar 9: latest swing high 5 at bar 3
	// at bar 10: latest swing high 7 at bar 8
}

// Compute gives the columns of TA-Lib's reference files in one call.
func ExampleCompute() {
	var candles []candle.Candle
	for i := range 40 {
		c := 100 + 10*math.Sin(float64(i)/4)
		candles = append(candles, candle.Candle{
			OpenTime: int64(i) * 3_600_000, Open: c - 1, High: c + 2,
			Low: c - 2, Close: c, Volume: 10,
		})
	}
	set, err := indicator.Compute(candle.NewSeries(candles))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, col := range set.Columns() {
		switch col.Name {
		case "sma_20", "rsi_14", "adx_14", "stoch_k":
			fmt.Printf("%s %.4f\n", col.Name, col.Values[39])
		}
	}
	// Output:
	// sma_20 102.1300
	// rsi_14 38.6932
	// adx_14 26.4016
	// stoch_k 21.4339
}
