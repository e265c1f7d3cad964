package store

import (
	"encoding/json"
	"slices"
	"testing"
)

// decodeStringList reads back what json.Marshal writes for a []string,
// through its fast path or encoding/json.
func TestDecodeStringList(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []string
	}{
		{"empty", []string{}},
		{"one", []string{"alice"}},
		{"several", []string{"alice", "bob.b@x:y-z_1", "c"}},
		{"escapes", []string{`a"b`, `c\d`, "<e>", "é\u2028"}},
		{"commas and brackets", []string{"a,b", "[c]", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := json.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := decodeStringList(enc); !slices.Equal(got, tc.in) || got == nil {
				t.Errorf("decodeStringList(%s) = %q, want %q", enc, got, tc.in)
			}
		})
	}
	if got := decodeStringList([]byte(`[1]`)); got != nil {
		t.Errorf("decodeStringList([1]) = %q, want nil", got)
	}
}
