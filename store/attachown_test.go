package store

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestAttachOwn hands attachOwn the page's own reactions in every order
// the aggregate may give them: each message gets its sorted types, one
// without counts (or not on the page) none.
func TestAttachOwn(t *testing.T) {
	counts := json.RawMessage(`{}`)
	cases := []struct {
		name, own string
		want      string
		err       bool
	}{
		{"none", "", "[] [] [] []", false},
		{"in order", "1 a 1 b 3 c 4 d", "[a b] [] [c] [d]", false},
		{"any order", "4 d 1 b 3 c 1 a", "[a b] [] [c] [d]", false},
		{"not on the page or without counts", "2 x 9 y 0 z 1 a", "[a] [] [] []", false},
		{"bad seq", "x a", "", true},
		{"no type", "1", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			page := []Message{{Seq: 1}, {Seq: 2}, {Seq: 3}, {Seq: 4}}
			page[0].Reactions.Counts, page[2].Reactions.Counts, page[3].Reactions.Counts = counts, counts, counts
			err := attachOwn(page, c.own)
			if (err != nil) != c.err {
				t.Fatalf("err %v, want error %v", err, c.err)
			}
			if c.err {
				return
			}
			got := fmt.Sprint(page[0].Reactions.Own, page[1].Reactions.Own, page[2].Reactions.Own, page[3].Reactions.Own)
			if got != c.want {
				t.Errorf("own %s, want %s", got, c.want)
			}
		})
	}
}
