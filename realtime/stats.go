package realtime

import "sync/atomic"

// Stats are the hub's counters since it started, for metrics.
type Stats struct {
	// EventsIn counts the frames clients sent, valid or not.
	EventsIn uint64
	// EventsOut counts the frames accepted for a client: queued, or written
	// directly during the connect-time sync.
	EventsOut uint64
	// SlowConsumersDropped counts the connections closed with 1013 because
	// their outgoing queue was full.
	SlowConsumersDropped uint64
	// EphemeralSkipped counts presence and typing frames not queued for a
	// connection whose queue was half full.
	EphemeralSkipped uint64
}

type counters struct {
	eventsIn, eventsOut, slowDropped, ephemeralSkipped atomic.Uint64
}

// Stats returns the hub's counters. Each is read atomically; together they
// are not a snapshot of one instant.
func (h *Hub) Stats() Stats {
	return Stats{
		EventsIn:             h.stats.eventsIn.Load(),
		EventsOut:            h.stats.eventsOut.Load(),
		SlowConsumersDropped: h.stats.slowDropped.Load(),
		EphemeralSkipped:     h.stats.ephemeralSkipped.Load(),
	}
}
