package store

import (
	"regexp"
	"slices"
	"testing"
)

// TestMessageIDsSortByTime holds message ids to the order of their
// creation times, whatever their random part, and to the contract's
// MessageId pattern.
func TestMessageIDsSortByTime(t *testing.T) {
	contract := regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	times := []int64{0, 1, 61, 62, 999, 1_000, 1_733_000_000_000, 1_733_000_000_001, 1_733_000_060_000, 4_102_444_800_000}
	var ids []string
	for _, ms := range times {
		for range 3 {
			id := newMessageID(ms)
			if !contract.MatchString(id) || id[:4] != "msg_" {
				t.Fatalf("newMessageID(%d) = %q: not a message id of the contract", ms, id)
			}
			ids = append(ids, id)
		}
	}
	for i := 3; i < len(ids); i++ {
		if ids[i-3] >= ids[i] {
			t.Errorf("id of %d ms %q sorts after the one of %d ms %q", times[i/3-1], ids[i-3], times[i/3], ids[i])
		}
	}
	if got := slices.Compact(slices.Sorted(slices.Values(ids))); len(got) != len(ids) {
		t.Errorf("got %d distinct ids of %d", len(got), len(ids))
	}
}
