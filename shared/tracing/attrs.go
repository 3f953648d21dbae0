package tracing

import "go.opentelemetry.io/otel/attribute"

// Attribute keys of the spans the functions start: the domain's under
// tabot., the rest from the OpenTelemetry semantic conventions for
// messaging and CloudEvents.
const (
	// KeySymbol and KeyInterval name the window: BTCUSDT, 15m.
	KeySymbol   = attribute.Key("tabot.symbol")
	KeyInterval = attribute.Key("tabot.interval")
	// KeyCandles is the number of candles in a window.
	KeyCandles = attribute.Key("tabot.candles")
	// KeyOutcome is what became of a candle message (appended,
	// duplicate, invalid, ...).
	KeyOutcome = attribute.Key("tabot.candle.outcome")
	// KeyTargets is the number of targets a window was sent to.
	KeyTargets = attribute.Key("tabot.targets")
	// KeyStrategies is the number of strategies evaluated.
	KeyStrategies = attribute.Key("tabot.strategies")
	// KeySignals is the number of signals an evaluation produced.
	KeySignals = attribute.Key("tabot.signals")
	// KeyStrategy and KeyAction describe one signal.
	KeyStrategy = attribute.Key("tabot.strategy")
	KeyAction   = attribute.Key("tabot.action")
	// KeyDuplicate is true when JetStream already held the signal.
	KeyDuplicate = attribute.Key("tabot.duplicate")
	// KeyStreamSeq and KeyDelivered are a JetStream message's stream
	// sequence and delivery count.
	KeyStreamSeq = attribute.Key("tabot.stream_seq")
	KeyDelivered = attribute.Key("tabot.delivered")

	KeyEventID         = attribute.Key("cloudevents.event_id")
	KeyEventType       = attribute.Key("cloudevents.event_type")
	KeyMessagingSystem = attribute.Key("messaging.system")
	KeyDestination     = attribute.Key("messaging.destination.name")
	KeyMessageID       = attribute.Key("messaging.message.id")
)

// MessagingNATS is the messaging.system of spans around NATS messages.
const MessagingNATS = "nats"
