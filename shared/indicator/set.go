package indicator

import (
	"errors"
	"fmt"

	"github.com/tabot-functions/tabot/shared/candle"
)

// ErrColumns is returned by Compute for a series whose columns differ in
// length.
var ErrColumns = errors.New("columns of unequal length")

// Set holds the 22 columns of the TA-Lib reference files (the outputs of
// 17 TA-Lib calls), each as long as the series, computed by Compute or
// Fill; Columns names them.
type Set struct {
	SMA20                      []float64   // SMA(close, 20)
	EMA9, EMA21, EMA50, EMA200 []float64   // EMA(close, n)
	RSI14                      []float64   // RSI(close, 14)
	MACD                       MACDResult  // MACD(close, 12, 26, 9)
	BB                         Bands       // BBands(close, 20, 2)
	ATR14                      []float64   // ATR(14)
	DMI                        DMIResult   // DMI(14): ADX, +DI, -DI
	Stoch                      StochResult // Stoch(14, 3, 3)
	OBV                        []float64   // OBV
	MFI14                      []float64   // MFI(14)
	CCI20                      []float64   // CCI(20)
	WillR14                    []float64   // WillR(14)

	buf []float64 // every column, and scratch space for Fill
}

// Column is one named output of a Set.
type Column struct {
	Name   string
	Values []float64
}

// Columns returns the outputs under the column names of the TA-Lib
// reference files, in their order.
func (set *Set) Columns() []Column {
	return []Column{
		{"sma_20", set.SMA20},
		{"ema_9", set.EMA9}, {"ema_21", set.EMA21},
		{"ema_50", set.EMA50}, {"ema_200", set.EMA200},
		{"rsi_14", set.RSI14},
		{"macd", set.MACD.Line}, {"macd_signal", set.MACD.Signal},
		{"macd_hist", set.MACD.Hist},
		{"bb_upper", set.BB.Upper}, {"bb_middle", set.BB.Middle},
		{"bb_lower", set.BB.Lower},
		{"atr_14", set.ATR14}, {"adx_14", set.DMI.ADX},
		{"plus_di_14", set.DMI.PlusDI}, {"minus_di_14", set.DMI.MinusDI},
		{"stoch_k", set.Stoch.K}, {"stoch_d", set.Stoch.D},
		{"obv", set.OBV}, {"mfi_14", set.MFI14}, {"cci_20", set.CCI20},
		{"willr_14", set.WillR14},
	}
}

// setColumns is the number of columns of a Set; setScratch the number of
// scratch columns Fill shares between indicators.
const (
	setColumns = 22
	setScratch = 2
)

// Compute computes the reference set over s into a new Set.
func Compute(s candle.Series) (*Set, error) {
	set := new(Set)
	if err := set.Fill(s); err != nil {
		return nil, err
	}
	return set, nil
}

// Fill computes the reference set over s into set, in shared passes: one
// loop for the recursions over the closes, one loop and one true range for
// ATR and DMI, one highest high and lowest low for Stoch and WillR, one
// typical price for MFI and CCI. It reuses set's columns when they are
// long enough, so a caller filling window after window allocates once; the
// columns of an earlier Fill are overwritten. The values are those of the
// single-indicator functions.
func (set *Set) Fill(s candle.Series) error {
	n := s.Len()
	for _, c := range [][]float64{s.High, s.Low, s.Volume} {
		if len(c) != n {
			return fmt.Errorf("compute indicators: %w", ErrColumns)
		}
	}

	if size := (setColumns + setScratch) * n; cap(set.buf) < size {
		set.buf = make([]float64, size)
	}
	buf := set.buf
	col := func() []float64 {
		c := buf[:n:n]
		buf = buf[n:]
		return c
	}
	set.SMA20, set.EMA9, set.EMA21 = col(), col(), col()
	set.EMA50, set.EMA200, set.RSI14 = col(), col(), col()
	set.MACD = MACDResult{Line: col(), Signal: col(), Hist: col()}
	set.BB = Bands{Upper: col(), Middle: col(), Lower: col()}
	set.ATR14 = col()
	set.DMI = DMIResult{ADX: col(), PlusDI: col(), MinusDI: col()}
	set.Stoch = StochResult{K: col(), D: col()}
	set.OBV, set.MFI14, set.CCI20, set.WillR14 = col(), col(), col(), col()
	ll, tp := col(), col()

	set.closePass(s.Close)
	bbandsInto(set.BB, s.Close, 20, 2)
	copy(set.SMA20, set.BB.Middle)

	dmiInto(set.DMI, set.ATR14, s.High, s.Low, s.Close, 14)

	hh := set.WillR14 // %R replaces the highest highs it reads
	rollingMaxInto(hh, s.High, 14)
	rollingMinInto(ll, s.Low, 14)
	stochInto(set.Stoch, hh, ll, s.Close, 14, 3, 3)
	willRInto(set.WillR14, hh, ll, s.Close, 14)

	typicalInto(tp, s.High, s.Low, s.Close)
	mfiInto(set.MFI14, tp, s.Volume, 14)
	cciInto(set.CCI20, tp, 20)
	obvInto(set.OBV, s.Close, s.Volume)
	return nil
}
