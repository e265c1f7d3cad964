package realtime_test

import (
	"testing"
	"time"

	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

func TestTypingStopsByItself(t *testing.T) {
	const timeout = 200 * time.Millisecond
	e := newEnv(t, realtime.Config{TypingTimeout: timeout})
	room := e.room(store.RoomGroup, "alice", "bob")
	a, _, _ := e.connect("alice")
	b, _, _ := e.connect("bob")
	settle(t, a, b)

	expect := func(action string) {
		t.Helper()
		if f := b.next(); f.Type != "typing" || f.str("user_id") != "alice" || f.str("room_id") != room || f.str("action") != action {
			t.Fatalf("got %s, want typing %s", f.Raw, action)
		}
	}
	start := func() time.Time {
		sent := time.Now()
		a.send(map[string]any{"type": "typing.start", "room_id": room})
		expect("start")
		return sent
	}

	t.Run("unrefreshed start", func(t *testing.T) {
		sent := start()
		expect("stop")
		if d := time.Since(sent); d < timeout {
			t.Fatalf("stopped after %v, want at least %v", d, timeout)
		}
	})

	t.Run("refreshes push the stop back", func(t *testing.T) {
		var last time.Time
		for range 3 {
			last = start()
			time.Sleep(timeout / 2)
		}
		expect("stop")
		if d := time.Since(last); d < timeout {
			t.Fatalf("stopped %v after the last refresh, want at least %v", d, timeout)
		}
	})

	t.Run("explicit stop cancels the timer", func(t *testing.T) {
		start()
		a.send(map[string]any{"type": "typing.stop", "room_id": room})
		expect("stop")
		time.Sleep(2 * timeout)
		if got := b.until(); len(got) != 0 {
			t.Fatalf("after an explicit stop got %v", types(got))
		}
	})
}
