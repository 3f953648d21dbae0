package candle

import (
	"fmt"
	"sync"
)

// Key names one window of a Book.
type Key struct {
	Symbol   string
	Interval Interval
}

// Book keeps one Window per symbol and interval, all of the same size
// and minimum. It is safe for concurrent use; each Add is atomic, so the
// window in its Result is the one the candle made.
type Book struct {
	size, min int

	mu      sync.Mutex
	windows map[Key]*Window
}

// NewBook returns an empty book whose windows hold at most size candles
// and emit from minCandles on (see NewWindow).
func NewBook(size, minCandles int) (*Book, error) {
	if _, err := NewWindow("1m", size, minCandles); err != nil {
		return nil, fmt.Errorf("new book: %w", err)
	}
	return &Book{size: size, min: minCandles, windows: make(map[Key]*Window)},
		nil
}

// Add puts c in the window of symbol and iv, creating it on first use;
// see Window.Add. An invalid symbol or interval is an error wrapping
// ErrInvalid.
func (b *Book) Add(symbol string, iv Interval, c Candle) (Result, error) {
	return b.add(symbol, iv, c, (*Window).Add)
}

// Restore is Add without the copy of the window in the result, for
// rebuilding the book from a replay of the candle stream.
func (b *Book) Restore(symbol string, iv Interval, c Candle) (Result,
	error) {
	return b.add(symbol, iv, c, (*Window).Restore)
}

func (b *Book) add(symbol string, iv Interval, c Candle,
	f func(*Window, Candle) (Result, error)) (Result, error) {
	if err := ValidateSymbol(symbol); err != nil {
		return Result{}, err
	}
	if _, err := ParseInterval(string(iv)); err != nil {
		return Result{}, err
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	k := Key{Symbol: symbol, Interval: iv}
	w := b.windows[k]
	if w == nil {
		var err error
		if w, err = NewWindow(iv, b.size, b.min); err != nil {
			return Result{}, err
		}
		b.windows[k] = w
	}
	return f(w, c)
}

// Snapshot returns a copy of the window of symbol and iv, oldest first,
// and the number of candles missing inside it; ok is false when the
// book holds no such window.
func (b *Book) Snapshot(symbol string, iv Interval) (candles []Candle,
	missing int, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	w := b.windows[Key{Symbol: symbol, Interval: iv}]
	if w == nil {
		return nil, 0, false
	}
	return w.Candles(), w.Missing(), true
}

// Keys returns the symbol and interval of every window in the book, in
// no particular order.
func (b *Book) Keys() []Key {
	b.mu.Lock()
	defer b.mu.Unlock()
	keys := make([]Key, 0, len(b.windows))
	for k := range b.windows {
		keys = append(keys, k)
	}
	return keys
}
