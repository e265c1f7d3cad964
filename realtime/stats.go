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
	// OrderGaps counts the times a room's live event was not the one after
	// the last delivered, and the log was read for those in between;
	// OrderFilled counts the events delivered from it, OrderSkipped those it
	// no longer had (pruned) or a failed read did not bring.
	OrderGaps, OrderFilled, OrderSkipped uint64
	// OrderDropped counts live announcements of events delivered already
	// from the log; OrderLate those below the position the room was given
	// when it was first seen here, delivered as they come.
	OrderDropped, OrderLate uint64
	// ResumesReset counts resumes from a cursor past the event retention,
	// answered by sync.reset_required.
	ResumesReset uint64
}

type counters struct {
	eventsIn, eventsOut, slowDropped, ephemeralSkipped            atomic.Uint64
	orderGaps, orderFilled, orderSkipped, orderDropped, orderLate atomic.Uint64
	resumesReset                                                  atomic.Uint64
}

// Stats returns the hub's counters. Each is read atomically; together they
// are not a snapshot of one instant.
func (h *Hub) Stats() Stats {
	return Stats{
		EventsIn:             h.stats.eventsIn.Load(),
		EventsOut:            h.stats.eventsOut.Load(),
		SlowConsumersDropped: h.stats.slowDropped.Load(),
		EphemeralSkipped:     h.stats.ephemeralSkipped.Load(),
		OrderGaps:            h.stats.orderGaps.Load(),
		OrderFilled:          h.stats.orderFilled.Load(),
		OrderSkipped:         h.stats.orderSkipped.Load(),
		OrderDropped:         h.stats.orderDropped.Load(),
		OrderLate:            h.stats.orderLate.Load(),
		ResumesReset:         h.stats.resumesReset.Load(),
	}
}
