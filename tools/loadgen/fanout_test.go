package main

import (
	"encoding/json"
	"math"
	"testing"
)

// TestAppendConfirm holds appendConfirm to the bytes json.Marshal made of
// the confirmation as a map.
func TestAppendConfirm(t *testing.T) {
	for _, tc := range []struct {
		name, typ, room string
		seq             int64
	}{
		{"delivered", "delivered", "room_01JABCDEF", 1},
		{"ack", "ack", "r", 123456789},
		{"zero", "delivered", "r", 0},
		{"largest", "ack", "r", math.MaxInt64},
		{"room needing escapes", "ack", "a\"b\\c<d>&\u2028é", 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(map[string]any{"type": tc.typ, "room_id": tc.room, "seq": tc.seq})
			if err != nil {
				t.Fatal(err)
			}
			if got := appendConfirm([]byte("stale"), tc.typ, tc.room, tc.seq)[len("stale"):]; string(got) != string(want) {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

// TestSeqSet holds seqSet to a map of the same seqs, in the bits and
// outside them.
func TestSeqSet(t *testing.T) {
	for _, tc := range []struct {
		name string
		add  []int64
	}{
		{"empty", nil},
		{"dense from 1", []int64{1, 2, 3, 4, 5, 63, 64, 65, 127, 128}},
		{"out of order, repeated", []int64{9, 3, 3, 700, 1, 9}},
		{"beyond the bits", []int64{maxSeqBits - 1, maxSeqBits, math.MaxInt64, 2}},
		{"zero and negative", []int64{0, -1, math.MinInt64}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s seqSet
			want := map[int64]bool{}
			for _, seq := range tc.add {
				if got := s.has(seq); got != want[seq] {
					t.Fatalf("has(%d) before add: got %v, want %v", seq, got, want[seq])
				}
				s.add(seq)
				want[seq] = true
			}
			probes := []int64{-2, -1, 0, 1, 2, 3, 4, 62, 63, 64, 66, 699, 700, 701, maxSeqBits - 1, maxSeqBits, maxSeqBits + 1, math.MaxInt64, math.MinInt64}
			probes = append(probes, tc.add...)
			for _, seq := range probes {
				if got := s.has(seq); got != want[seq] {
					t.Errorf("has(%d): got %v, want %v", seq, got, want[seq])
				}
			}
		})
	}
}
