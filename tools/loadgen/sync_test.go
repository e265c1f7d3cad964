package main

import "testing"

func TestResumeCheck(t *testing.T) {
	msg := func(room string, eventSeq, seq int64) resumeEvent {
		return resumeEvent{Type: "message", RoomID: room, EventSeq: eventSeq, Seq: seq}
	}
	for _, tc := range []struct {
		name                             string
		events                           []resumeEvent
		received, outOfOrder, duplicates int64
	}{
		{"in order, rooms interleaved", []resumeEvent{msg("a", 3, 1), msg("b", 7, 1), msg("a", 4, 2), msg("b", 8, 2)}, 4, 0, 0},
		{"other events keep the event_seqs going", []resumeEvent{msg("a", 3, 1), {Type: "member.joined", RoomID: "a", EventSeq: 4}, msg("a", 5, 2)}, 2, 0, 0},
		{"a message missing", []resumeEvent{msg("a", 3, 1), msg("a", 5, 3)}, 2, 2, 0},
		{"a message twice", []resumeEvent{msg("a", 3, 1), msg("a", 4, 2), msg("a", 4, 2)}, 2, 1, 1},
		{"swapped", []resumeEvent{msg("a", 4, 2), msg("a", 3, 1)}, 1, 2, 1},
		{"a room not the scenario's", []resumeEvent{msg("z", 1, 1)}, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newResumeCheck([]string{"a", "b"})
			for _, e := range tc.events {
				c.event(e)
			}
			if c.received != tc.received || c.outOfOrder != tc.outOfOrder || c.duplicates != tc.duplicates {
				t.Errorf("received %d, out of order %d, duplicates %d; want %d, %d, %d (notes %q)",
					c.received, c.outOfOrder, c.duplicates, tc.received, tc.outOfOrder, tc.duplicates, c.notes)
			}
		})
	}
}
