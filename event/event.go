// Package event defines the changes that realtime delivery announces: once a
// change to a room, a membership, a message, an ack or a notification is
// stored, chat.Service describes it as an Event and hands it to a publisher.
package event

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/chatapi/chatapi/store"
)

// Type is the wire name of the event clients receive (see asyncapi.yaml).
type Type string

// Event types announced to clients.
const (
	MessageCreated Type = "message"
	MessageUpdated Type = "message.updated"
	MessageDeleted Type = "message.deleted"
	AckReceived    Type = "ack.received"
	// DeliveryReceived is a member's delivered cursor moving (FromSeq to
	// Seq). Realtime coalesces it, with AckReceived, into receipts.
	DeliveryReceived Type = "delivery.received"
	RoomUpdated      Type = "room.updated"
	// ThreadUpdated is a parent's thread after a reply (Thread).
	ThreadUpdated Type = "thread.updated"
	MemberJoined  Type = "member.joined"
	MemberLeft    Type = "member.left"
	Notification  Type = "notification"
	// NotificationAcked is internal: a recipient confirmed a notification
	// over REST, so realtime stops redelivering it. Clients never see it.
	NotificationAcked Type = "notification.acked"
	// Typing relays a member's typing.start or typing.stop (Action) to the
	// room's other members.
	Typing Type = "typing"
	// Presence tells the users who share a room with UserID that they came
	// online or went offline (Status).
	Presence Type = "presence.update"
	// ReactionAdded, ReactionRemoved, PinAdded and PinRemoved are room log
	// events whose client frame the store encoded when it stored the
	// change (Frame).
	ReactionAdded   Type = "reaction.added"
	ReactionRemoved Type = "reaction.removed"
	PinAdded        Type = "pin.added"
	PinRemoved      Type = "pin.removed"
	// AttachmentProcessed is an image's thumbnail made (Frame): a room log
	// event when the upload is attached to a message (EventSeq set), else
	// for its uploader only (Recipients).
	AttachmentProcessed Type = "attachment.processed"
	// UserUpdated tells the users who share a room with UserID that their
	// profile changed (Profile). Not a room event: not in any log.
	UserUpdated Type = "user.updated"
	// BanAdded, BanRemoved, MuteAdded and MuteRemoved are room log events
	// of moderation, with their frame (Frame), as reactions and pins.
	BanAdded    Type = "ban.added"
	BanRemoved  Type = "ban.removed"
	MuteAdded   Type = "mute.added"
	MuteRemoved Type = "mute.removed"
	// UserBanned is internal: UserID was banned from the tenant, and every
	// instance closes their connections (4003). Clients never see it.
	UserBanned Type = "user.banned"
	// BlocksChanged is internal: UserID blocked or unblocked someone, and
	// every instance holding their connections reloads whom they block.
	BlocksChanged Type = "blocks.changed"
	// Receipts travels between instances only: the read and delivered
	// cursors that moved on one instance in a room since its last receipts
	// flush (Receipts), one event per room and flush instead of one per
	// ack or delivered.
	Receipts Type = "receipts"
)

// Receipt is one member's cursor moves in a Receipts event; a zero field
// did not move.
type Receipt struct {
	UserID string
	// LastAck is the read cursor.
	LastAck int64 `json:",omitempty"`
	// DeliveredFrom and DeliveredTo are the delivered cursor's move.
	DeliveredFrom int64 `json:",omitempty"`
	DeliveredTo   int64 `json:",omitempty"`
}

// Event is one change, scoped to a tenant and, for room events, to a room.
// Only the fields its Type needs are set.
type Event struct {
	Type     Type
	TenantID string
	RoomID   string
	// UserID is the member who joined, left, acked or confirmed delivery.
	UserID string
	Seq    int64
	// FromSeq is where a DeliveryReceived cursor moved from.
	FromSeq int64 `json:",omitempty"`
	// Receipts are the moves of a Receipts event.
	Receipts []Receipt `json:",omitempty"`
	// EventSeq is the room event's place in its room's event log, taken
	// from the log entry the change appended in its own transaction; 0 for
	// events that are not in the log (acks, receipts, typing, presence,
	// notifications).
	EventSeq int64
	Room     *store.Room
	Member   *store.Member
	Message  *store.Message
	// Thread is set for ThreadUpdated.
	Thread *store.ThreadUpdate
	// Notification is set for notification events. Recipients, the users
	// an event is for, is set for notifications and for the events
	// addressed to users outside any room's log (attachment.processed of
	// an upload not attached yet).
	Notification *store.Notification
	Recipients   []string
	// NotificationID is set for NotificationAcked.
	NotificationID string
	// Action is "start" or "stop" for Typing.
	Action string `json:",omitempty"`
	// Status is "online" or "offline" for Presence, seen last at LastSeen.
	Status   string     `json:",omitempty"`
	LastSeen *time.Time `json:",omitempty"`
	// Frame is the event as clients receive it, for the types whose frame
	// is encoded where the change is made (reactions, pins).
	Frame json.RawMessage `json:",omitempty"`
	// Profile is the profile after the change, for UserUpdated.
	Profile *store.Profile `json:",omitempty"`
}

// ForLogged is the event of a change the store appended to a room's log,
// as the store gave it back: its frame is what clients receive.
func ForLogged(tenantID string, e store.RoomEvent) Event {
	return Event{Type: Type(e.Type), TenantID: tenantID, RoomID: e.RoomID, UserID: e.UserID, Seq: e.MessageSeq, EventSeq: e.EventSeq, Frame: e.Frame}
}

// ForMessage is the event of a created, updated or deleted message; typ is
// MessageCreated, MessageUpdated or MessageDeleted.
func ForMessage(typ Type, tenantID string, m store.Message) Event {
	return Event{Type: typ, TenantID: tenantID, RoomID: m.RoomID, Seq: m.Seq, EventSeq: m.EventSeq, Message: &m}
}

// ForThread is the thread.updated event of a reply.
func ForThread(tenantID string, t store.ThreadUpdate) Event {
	return Event{Type: ThreadUpdated, TenantID: tenantID, RoomID: t.RoomID, EventSeq: t.EventSeq, Thread: &t}
}

// ForAck is the read receipt of userID's cursor moving to seq in a room.
func ForAck(tenantID, roomID, userID string, seq int64) Event {
	return Event{Type: AckReceived, TenantID: tenantID, RoomID: roomID, UserID: userID, Seq: seq}
}

// ForDelivery is the delivery receipt of userID's delivered cursor moving
// from from to seq in a room.
func ForDelivery(tenantID, roomID, userID string, from, seq int64) Event {
	return Event{Type: DeliveryReceived, TenantID: tenantID, RoomID: roomID, UserID: userID, FromSeq: from, Seq: seq}
}

// ForTyping is userID typing (action "start") or no longer (action "stop")
// in a room.
func ForTyping(tenantID, roomID, userID, action string) Event {
	return Event{Type: Typing, TenantID: tenantID, RoomID: roomID, UserID: userID, Action: action}
}

// ForPresence is userID coming online or going offline (status), last seen
// at lastSeen.
func ForPresence(tenantID, userID, status string, lastSeen time.Time) Event {
	return Event{Type: Presence, TenantID: tenantID, UserID: userID, Status: status, LastSeen: &lastSeen}
}

// ForNotificationAck is userID's confirmation of a notification.
func ForNotificationAck(tenantID, userID, notificationID string) Event {
	return Event{Type: NotificationAcked, TenantID: tenantID, UserID: userID, NotificationID: notificationID}
}

// Recorder is a publisher that only remembers what it was given, in order,
// so that tests can assert on what a request announced.
type Recorder struct {
	mu     sync.Mutex
	events []Event
}

// Publish records e.
func (r *Recorder) Publish(_ context.Context, e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// Events returns a copy of what was published so far.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}
