package candle

import "fmt"

// Symbol length bounds: "OP" is a real base asset, and the longest spot
// pairs (1000SATSFDUSD and the like) stay well under 20.
const (
	minSymbolLen = 2
	maxSymbolLen = 20
)

// ValidateSymbol returns nil when s is a market symbol as exchanges print
// it and as it appears in NATS subjects: 2 to 20 upper-case letters or
// digits (^[A-Z0-9]{2,20}$), e.g. BTCUSDT or 1000SHIBUSDT. Otherwise the
// error wraps ErrInvalid. Lower case is refused, not folded, so one market
// has exactly one spelling in subjects, ids and metric labels.
func ValidateSymbol(s string) error {
	if len(s) < minSymbolLen || len(s) > maxSymbolLen {
		return fmt.Errorf("%w: symbol %q must be %d to %d characters",
			ErrInvalid, truncate(s), minSymbolLen, maxSymbolLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return fmt.Errorf("%w: symbol %q must be upper-case letters "+
				"and digits only", ErrInvalid, s)
		}
	}
	return nil
}

// truncate keeps error messages one short line whatever the input.
func truncate(s string) string {
	const limit = 40
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "..."
}
