package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/chatapi/chatapi/store"
)

func TestParseSyncCursor(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		// want is the cursor's text as String writes it; "" for a refusal.
		want string
	}{
		{"no rooms", "v1", "v1"},
		{"rooms in number order", "v1.2s-1ekf.1-5.a-0", "v1.1-5.a-0.2s-1ekf"},
		{"a room twice keeps the last", "v1.1-5.1-7", "v1.1-7"},
		{"leading zeros", "v1.001-0a", "v1.1-a"},
		{"largest numbers", "v1.zzzzzzzzzzzz-zzzzzzzzzzzz", "v1.zzzzzzzzzzzz-zzzzzzzzzzzz"},
		{"empty", "", ""},
		{"other version", "v2.1-5", ""},
		{"no separator", "v1.15", ""},
		{"empty room", "v1.-5", ""},
		{"empty seq", "v1.1-", ""},
		{"trailing dot", "v1.1-5.", ""},
		{"upper case", "v1.A-5", ""},
		{"negative", "v1.1--5", ""},
		{"too many digits", "v1.1-zzzzzzzzzzzzz", ""},
		{"other characters", "v1.1-5~", ""},
		{"base64 garbage", "eyJ2IjoxfQ", ""},
		{"too long", "v1" + strings.Repeat(".1-1", store.MaxSyncCursorLength/4), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := store.ParseSyncCursor(tt.text)
			if tt.want == "" {
				var inv *store.InvalidError
				if !errors.As(err, &inv) || inv.Field != "cursor" {
					t.Fatalf("ParseSyncCursor(%q) = %v, %v; want an InvalidError on cursor", tt.text, c, err)
				}
				return
			}
			if err != nil || c.String() != tt.want {
				t.Fatalf("ParseSyncCursor(%q) = %q, %v; want %q", tt.text, c, err, tt.want)
			}
		})
	}
}
