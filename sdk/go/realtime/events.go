package realtime

import (
	"encoding/json"
	"time"

	"github.com/coder/websocket"
)

// Event is one event of the WebSocket protocol, as typed from asyncapi.yaml
// in events.gen.go (Message, MessageSent, SyncComplete, …), an UnknownEvent,
// or one of this client's own connection events, Connected and Disconnected.
// Switch on its dynamic type:
//
//	switch e := ev.(type) {
//	case realtime.Message:
//		fmt.Println(e.SenderID, e.Content)
//	}
type Event interface {
	// EventType is the event's "type" on the wire ("message", "typing", …);
	// the client's own events use "client.connected" and "client.disconnected".
	EventType() string
}

// UnknownEvent is a server event of a type this SDK does not know yet
// (servers may add event types): its raw frame.
type UnknownEvent struct {
	Type string
	Raw  json.RawMessage
}

// EventType is the event's "type".
func (e UnknownEvent) EventType() string { return e.Type }

// Connected tells that a connection is open. Resumed is true when it
// resumed from a stored cursor; the server then replays what was missed
// before its SyncComplete.
type Connected struct {
	At      time.Time
	Resumed bool
}

// EventType is "client.connected".
func (Connected) EventType() string { return "client.connected" }

// Disconnected tells that the connection ended (Code and Reason of the
// close, or Err when it failed otherwise, e.g. a refused handshake) and when
// the client tries again.
type Disconnected struct {
	Code    websocket.StatusCode // -1 when no close frame arrived
	Reason  string
	Err     error
	RetryIn time.Duration
}

// EventType is "client.disconnected".
func (Disconnected) EventType() string { return "client.disconnected" }

// Error makes the server's error event an error: SendMessage returns it when
// the server refuses a send.
func (e Error) Error() string {
	if e.Field != nil {
		return string(e.Code) + ": " + e.Message + " (" + *e.Field + ")"
	}
	return string(e.Code) + ": " + e.Message
}
