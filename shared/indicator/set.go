package indicator

import (
	"errors"
	"fmt"

	"github.com/tabot-functions/tabot/shared/candle"
)

// ErrColumns is returned by Compute for a series whose columns differ in
// length.
var ErrColumns = errors.New("columns of unequal length")

// Set holds the 22 columns of the TA-Lib reference outputs (17 TA-Lib
// calls), each as long as the series, computed by Compute.
type Set struct {
	SMA20                      []float64 // SMA(close, 20)
	EMA9, EMA21, EMA50, EMA200 []float64 // EMA(close, n)
	RSI14                      []float64 // RSI(close, 14)
	MACD                       MACDResult
	BB                         Bands // BBands(close, 20, 2)
	ATR14                      []float64
	DMI                        DMIResult // DMI(14): ADX, +DI, -DI
	Stoch                      StochResult
	OBV                        []float64
	MFI14                      []float64
	CCI20                      []float64
	WillR14                    []float64
}

// Column is one named output of a Set.
type Column struct {
	Name   string
	Values []float64
}

// Columns returns the outputs under the column names of the TA-Lib
// reference files, in their order.
func (s *Set) Columns() []Column {
	return []Column{
		{"sma_20", s.SMA20},
		{"ema_9", s.EMA9}, {"ema_21", s.EMA21},
		{"ema_50", s.EMA50}, {"ema_200", s.EMA200},
		{"rsi_14", s.RSI14},
		{"macd", s.MACD.Line}, {"macd_signal", s.MACD.Signal},
		{"macd_hist", s.MACD.Hist},
		{"bb_upper", s.BB.Upper}, {"bb_middle", s.BB.Middle},
		{"bb_lower", s.BB.Lower},
		{"atr_14", s.ATR14}, {"adx_14", s.DMI.ADX},
		{"plus_di_14", s.DMI.PlusDI}, {"minus_di_14", s.DMI.MinusDI},
		{"stoch_k", s.Stoch.K}, {"stoch_d", s.Stoch.D},
		{"obv", s.OBV}, {"mfi_14", s.MFI14}, {"cci_20", s.CCI20},
		{"willr_14", s.WillR14},
	}
}

// setColumns is the number of columns of a Set; setScratch the number of
// scratch columns Compute shares between indicators.
const (
	setColumns = 22
	setScratch = 4
)

// Compute computes the reference set over s in shared passes: one true
// range for ATR and DMI, one 14-candle highest high and lowest low for
// Stoch and WillR, one typical price for MFI and CCI, one allocation for
// every column. The values are those of the single-indicator functions.
func Compute(s candle.Series) (*Set, error) {
	n := s.Len()
	for _, c := range [][]float64{s.High, s.Low, s.Volume} {
		if len(c) != n {
			return nil, fmt.Errorf("compute indicators: %w", ErrColumns)
		}
	}

	buf := make([]float64, (setColumns+setScratch)*n)
	col := func() []float64 {
		c := buf[:n:n]
		buf = buf[n:]
		return c
	}
	set := &Set{
		SMA20: col(), EMA9: col(), EMA21: col(), EMA50: col(),
		EMA200: col(), RSI14: col(),
		MACD:    MACDResult{Line: col(), Signal: col(), Hist: col()},
		BB:      Bands{Upper: col(), Middle: col(), Lower: col()},
		ATR14:   col(),
		DMI:     DMIResult{ADX: col(), PlusDI: col(), MinusDI: col()},
		Stoch:   StochResult{K: col(), D: col()},
		OBV:     col(),
		MFI14:   col(),
		CCI20:   col(),
		WillR14: col(),
	}
	tr, hh, ll, tp := col(), col(), col(), col()

	bbandsInto(set.BB, s.Close, 20, 2)
	copy(set.SMA20, set.BB.Middle)
	emaInto(set.EMA9, s.Close, 9)
	emaInto(set.EMA21, s.Close, 21)
	emaInto(set.EMA50, s.Close, 50)
	emaInto(set.EMA200, s.Close, 200)
	rsiInto(set.RSI14, s.Close, 14)
	macdInto(set.MACD, s.Close, 12, 26, 9)

	trueRangeInto(tr, s.High, s.Low, s.Close)
	atrInto(set.ATR14, tr, 14)
	dmiInto(set.DMI, s.High, s.Low, tr, 14)

	rollingMaxInto(hh, s.High, 14)
	rollingMinInto(ll, s.Low, 14)
	stochInto(set.Stoch, hh, ll, s.Close, tr, 14, 3, 3) // tr is free now
	willRInto(set.WillR14, hh, ll, s.Close, 14)

	typicalInto(tp, s.High, s.Low, s.Close)
	mfiInto(set.MFI14, tp, s.Volume, 14)
	cciInto(set.CCI20, tp, 20)
	obvInto(set.OBV, s.Close, s.Volume)
	return set, nil
}
