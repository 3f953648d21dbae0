package candle

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// ErrConflict marks a candle whose open time is already in the window
// with different values. The first one stays; the caller acknowledges
// the newcomer, counts it and emits nothing.
var ErrConflict = errors.New("conflicting candle")

// DefaultWindowSize is the number of candles a window keeps unless told
// otherwise (WINDOW_SIZE).
const DefaultWindowSize = 1000

// Outcome says what Add did with a candle.
type Outcome int

// The outcomes of Add.
const (
	// Appended: the candle is the new newest one.
	Appended Outcome = iota + 1
	// Inserted: a late candle, older than the newest, took its place.
	Inserted
	// Duplicate: the same candle was already there; nothing changed.
	Duplicate
	// Dropped: older than the oldest candle of a full window; not kept.
	Dropped
)

// String names o in lower case, for logs.
func (o Outcome) String() string {
	switch o {
	case Appended:
		return "appended"
	case Inserted:
		return "inserted"
	case Duplicate:
		return "duplicate"
	case Dropped:
		return "dropped"
	}
	return fmt.Sprintf("outcome(%d)", int(o))
}

// Result is what Add did and whether a window event is due.
type Result struct {
	Outcome Outcome
	// Emit is true when the candle is the new newest one and the window
	// holds at least its minimum: a decision on it is due. Late,
	// duplicate and dropped candles never emit.
	Emit bool
	// Newest is true when the candle is (now or already) the newest one;
	// with Duplicate it tells a redelivery of the last emitted candle.
	Newest bool
	// Gap counts the candles missing right before an appended one.
	Gap int
	// Missing counts the candles absent inside the window after Add.
	Missing int
	// Len is the number of candles in the window after Add.
	Len int
	// Candles is a copy of the window, oldest first, when Emit is true:
	// the data of the window event. Window.Restore and Book.Restore leave
	// it nil.
	Candles []Candle
}

// Window keeps the last candles of one symbol and interval, sorted by
// open time, at most its capacity, following the candle rules of the
// design: new newest candles are appended and due for a decision, late
// ones fill their place silently, duplicates change nothing, conflicts
// are refused. A Window is not safe for concurrent use; Book is.
type Window struct {
	iv   Interval
	size int
	min  int
	// candles is a view of buf; the oldest are dropped by moving its
	// start, and it is moved back to the front of buf when it reaches
	// the end, so appending to a full window costs O(1) on average.
	candles []Candle
	buf     []Candle
	missing int
}

// NewWindow returns an empty window of iv holding at most size candles
// that is due to emit once it holds minCandles. It fails on an invalid
// interval or when 1 <= minCandles <= size does not hold (0 is read as 1).
func NewWindow(iv Interval, size, minCandles int) (*Window, error) {
	if !iv.Valid() {
		return nil, fmt.Errorf("new window: %w: interval %q", ErrInvalid,
			truncate(string(iv)))
	}
	if minCandles == 0 {
		minCandles = 1
	}
	if size < 1 || minCandles < 1 || minCandles > size {
		return nil, fmt.Errorf("new window: size %d and minimum %d: want "+
			"1 <= minimum <= size", size, minCandles)
	}
	buf := make([]Candle, 0, 2*size)
	return &Window{iv: iv, size: size, min: minCandles, candles: buf,
		buf: buf}, nil
}

// Interval returns the interval of w's candles.
func (w *Window) Interval() Interval { return w.iv }

// Len returns the number of candles in w.
func (w *Window) Len() int { return len(w.candles) }

// Candles returns a copy of w's candles, oldest first.
func (w *Window) Candles() []Candle { return slices.Clone(w.candles) }

// Missing counts the candles absent inside w (exchange gaps).
func (w *Window) Missing() int { return w.missing }

// Add puts c in its place in w. An invalid candle or one off w's grid is
// an error wrapping ErrInvalid; a different candle at an open time w
// already holds is an error wrapping ErrConflict. Neither changes w.
func (w *Window) Add(c Candle) (Result, error) {
	r, err := w.Restore(c)
	if r.Emit {
		r.Candles = w.Candles()
	}
	return r, err
}

// Restore is Add without the copy of the window in the result: the same
// rules, for rebuilding w from a replay where no event is sent.
func (w *Window) Restore(c Candle) (Result, error) {
	if err := c.Validate(); err != nil {
		return Result{}, err
	}
	if !w.iv.Aligned(c.OpenTime) {
		return Result{}, w.iv.CheckOpenTime(c.OpenTime)
	}

	n := len(w.candles)
	if n == 0 || c.OpenTime > w.candles[n-1].OpenTime {
		return w.appendNewest(c), nil
	}
	i, found := slices.BinarySearchFunc(w.candles, c.OpenTime,
		func(x Candle, t int64) int { return cmp.Compare(x.OpenTime, t) })
	if found {
		return w.duplicate(i, c)
	}
	if i == 0 && n == w.size {
		return w.result(Dropped, false), nil
	}
	w.insert(i, c)
	return w.result(Inserted, false), nil
}

func (w *Window) appendNewest(c Candle) Result {
	gap := 0
	if n := len(w.candles); n > 0 {
		gap = w.gap(w.candles[n-1], c)
	}
	if len(w.candles) == cap(w.candles) {
		w.candles = append(w.buf[:0], w.candles...)
	}
	w.candles = append(w.candles, c)
	w.missing += gap
	w.trim()
	r := w.result(Appended, true)
	r.Emit = len(w.candles) >= w.min
	r.Gap = gap
	return r
}

// insert puts c at index i, before the newest candle.
func (w *Window) insert(i int, c Candle) {
	next := w.candles[i]
	if i > 0 {
		prev := w.candles[i-1]
		w.missing += w.gap(prev, c) - w.gap(prev, next)
	}
	w.missing += w.gap(c, next)
	if len(w.candles) == cap(w.candles) {
		w.candles = append(w.buf[:0], w.candles...)
	}
	w.candles = slices.Insert(w.candles, i, c)
	w.trim()
}

func (w *Window) duplicate(i int, c Candle) (Result, error) {
	old := w.candles[i]
	if !old.Same(c) {
		return Result{}, fmt.Errorf("%w: open_time %d already holds "+
			"open %v high %v low %v close %v volume %v", ErrConflict,
			c.OpenTime, old.Open, old.High, old.Low, old.Close, old.Volume)
	}
	return w.result(Duplicate, i == len(w.candles)-1), nil
}

// trim drops the oldest candles beyond w's capacity.
func (w *Window) trim() {
	for len(w.candles) > w.size {
		w.missing -= w.gap(w.candles[0], w.candles[1])
		w.candles = w.candles[1:]
	}
}

// gap counts the candles missing between a and a later b.
func (w *Window) gap(a, b Candle) int {
	return max(int(w.iv.Steps(a.OpenTime, b.OpenTime))-1, 0)
}

func (w *Window) result(o Outcome, newest bool) Result {
	return Result{Outcome: o, Newest: newest, Len: len(w.candles),
		Missing: w.missing}
}
