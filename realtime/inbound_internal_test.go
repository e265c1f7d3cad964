package realtime

import (
	"reflect"
	"strings"
	"testing"

	"github.com/coder/websocket"
)

// agrees checks decodeFrequent against the schema path on data: whatever
// it accepts, the schema path accepts as the same event. It reports
// whether decodeFrequent accepted.
func agrees(t *testing.T, d *decoder, data []byte) bool {
	t.Helper()
	got, ok := decodeFrequent(data)
	if !ok {
		return false
	}
	want, fe := d.decodeText(data)
	if fe != nil {
		t.Fatalf("decodeFrequent accepted %q as %+v; the schema refuses it: %v", data, got, fe)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeFrequent read %q as %+v, the schema path as %+v", data, got, want)
	}
	return true
}

// TestDecodeFrequentAgreesWithSchema holds the fast path of the frequent
// client events to asyncapi.yaml: the plain forms clients send take it,
// and everything it accepts the schemas accept as the same event. Forms
// it leaves to the schema path are valid or not; the schema decides.
func TestDecodeFrequentAgreesWithSchema(t *testing.T) {
	d, err := newDecoder()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		frame string
		fast  bool
	}{
		{`{"type":"delivered","room_id":"room_5a6b7c8f3a2b1c9d0e4f","seq":13}`, true},
		{`{"room_id":"room_x","seq":13,"type":"delivered"}`, true}, // json.Marshal of a map
		{`{"type":"ack","room_id":"room_x","seq":0,"request_id":"r-1"}`, true},
		{" {\n\t\"type\" : \"ack\" ,\r\"room_id\":\"a\", \"seq\": 999999999999999999 } ", true},
		{`{"type":"ping"}`, true},
		{`{"type":"ping","request_id":"` + strings.Repeat("r", 64) + `"}`, true},
		{`{"type":"delivered","room_id":"` + strings.Repeat("a", 64) + `","seq":1}`, true},

		{`{"type":"ping","request_id":"` + strings.Repeat("r", 65) + `"}`, false},
		{`{"type":"ping","request_id":""}`, false},
		{`{"type":"delivered","room_id":"` + strings.Repeat("a", 65) + `","seq":1}`, false},
		{`{"type":"delivered","room_id":"","seq":1}`, false},
		{`{"type":"delivered","room_id":"room x","seq":1}`, false},
		{`{"type":"delivered","room_id":"room_\u0078","seq":1}`, false},
		{`{"type":"delivered","room_id":"room_é","seq":1}`, false},
		{`{"type":"delivered","room_id":"r","seq":-1}`, false},
		{`{"type":"delivered","room_id":"r","seq":01}`, false},
		{`{"type":"delivered","room_id":"r","seq":1.0}`, false},
		{`{"type":"delivered","room_id":"r","seq":1e2}`, false},
		{`{"type":"delivered","room_id":"r","seq":9223372036854775807}`, false},
		{`{"type":"delivered","room_id":"r","seq":99999999999999999999}`, false},
		{`{"type":"delivered","room_id":"r","seq":"1"}`, false},
		{`{"type":"delivered","room_id":"r"}`, false},
		{`{"type":"delivered","seq":1}`, false},
		{`{"type":"ping","seq":1}`, false},
		{`{"type":"ping","room_id":"r","seq":1}`, false},
		{`{"type":"ack","room_id":"r","seq":1,"seq":2}`, false},
		{`{"type":"ack","type":"delivered","room_id":"r","seq":1}`, false},
		{`{"type":"ack","room_id":"r","seq":1,"extra":1}`, false},
		{`{"Type":"ack","room_id":"r","seq":1}`, false},
		{`{"type":"typing.start","room_id":"r"}`, false},
		{`{"type":"ack","room_id":"r","seq":1,}`, false},
		{`{"type":"ack","room_id":"r","seq":1}x`, false},
		{`{"type":"ack","room_id":"r","seq":1`, false},
		{`{}`, false}, {``, false}, {`[]`, false}, {`"ping"`, false},
	} {
		if got := agrees(t, d, []byte(tc.frame)); got != tc.fast {
			t.Errorf("%q: fast path %v, want %v", tc.frame, got, tc.fast)
		}
	}
	// Every ASCII byte in a room id, a request id and a seq.
	for c := 0; c < 0x80; c++ {
		s := string(rune(c))
		for _, frame := range []string{
			`{"type":"ack","room_id":"a` + s + `b","seq":1}`,
			`{"type":"ack","room_id":"r","seq":1,"request_id":"a` + s + `b"}`,
			`{"type":"ack","room_id":"r","seq":1` + s + `}`,
			`{"type":"ack"` + s + `,"room_id":"r","seq":1}`,
		} {
			agrees(t, d, []byte(frame))
		}
	}
}

// FuzzDecodeFrequent holds decodeFrequent to the schema path on arbitrary
// frames.
func FuzzDecodeFrequent(f *testing.F) {
	d, err := newDecoder()
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		`{"type":"delivered","room_id":"room_1","seq":13}`,
		`{"type":"ack","room_id":"room_1","seq":0,"request_id":"r"}`,
		`{"type":"ping","request_id":"r1"}`,
		`{"type":"ack","room_id":"r","seq":1e400}`,
		`{"type":"ack","room_id":"r","seq":01}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		agrees(t, d, data)
	})
}

// BenchmarkDecodeDelivered decodes the confirmation every receiver sends
// every 200 ms, by decode and by its schema path alone.
func BenchmarkDecodeDelivered(b *testing.B) {
	d, err := newDecoder()
	if err != nil {
		b.Fatal(err)
	}
	frame := []byte(`{"room_id":"room_5a6b7c8f3a2b1c9d0e4f","seq":12345,"type":"delivered"}`)
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, fe := d.decode(websocket.MessageText, frame); fe != nil {
				b.Fatal(fe)
			}
		}
	})
	b.Run("schema", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, fe := d.decodeText(frame); fe != nil {
				b.Fatal(fe)
			}
		}
	})
}
