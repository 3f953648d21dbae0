package strategy

// MayHold reports whether the strategy id may decide Hold, an alert with
// no trade. Only bollinger_squeeze_alert does; every other strategy buys
// or sells.
func MayHold(id string) bool { return id == BollingerSqueezeAlert{}.ID() }
