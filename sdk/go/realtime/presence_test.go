package realtime_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/chatapi/chatapi/sdk/go/realtime"
)

// TestPresenceBatchUnpacked: a presence.batch frame reaches the
// application as its presence.update events, in order, and a lone
// presence.update after it as itself. The server is a WebSocket endpoint
// of this test that sends those frames after sync.complete.
func TestPresenceBatchUnpacked(t *testing.T) {
	frames := []string{
		`{"type":"sync.complete","cursor":"c1","rooms":[]}`,
		`{"type":"presence.batch","updates":[` +
			`{"type":"presence.update","user_id":"bob","status":"online","last_seen":"2026-11-24T20:30:00Z"},` +
			`{"type":"presence.update","user_id":"carol","status":"online","last_seen":"2026-11-24T20:30:00Z"},` +
			`{"type":"presence.update","user_id":"bob","status":"offline","last_seen":"2026-11-24T20:30:01Z"}]}`,
		`{"type":"presence.update","user_id":"dan","status":"online","last_seen":null}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		for _, f := range frames {
			if err := conn.Write(r.Context(), websocket.MessageText, []byte(f)); err != nil {
				return
			}
		}
		// Hold the connection until the client goes.
		conn.Read(r.Context()) //nolint:errcheck
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := realtime.Connect(ctx, realtime.Options{BaseURL: srv.URL, APIKey: "sk_test", UserID: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	want := []string{"bob online", "carol online", "bob offline", "dan online"}
	var got []string
	for len(got) < len(want) {
		select {
		case ev := <-c.Events():
			switch e := ev.(type) {
			case realtime.PresenceUpdate:
				got = append(got, e.UserID+" "+e.Status)
			case realtime.PresenceBatch:
				t.Fatalf("a PresenceBatch reached the application: %+v", e)
			}
		case <-ctx.Done():
			t.Fatalf("presence updates: got %q, want %q", got, want)
		}
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("presence updates: got %q, want %q", got, want)
		}
	}
}
