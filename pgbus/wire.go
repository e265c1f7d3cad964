package pgbus

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/store"
)

// The bus's wire format: what one instance tells the others, as its own
// types with explicit JSON names, never the Go structs of event or store
// serialised by field name (a renamed field would silently stop crossing).
// Two versions of the server on one database during a rolling deploy read
// each other's notifications as long as they speak the same WireVersion;
// a notification of another version is refused loudly (logged and counted
// in Stats.RefusedVersion), never half-read.
//
// Extending it: a new event type needs nothing here (its type travels as a
// string), and a new field is added to wireEvent with omitempty, which
// readers of the same version that do not know it ignore. A change an older
// reader would misread (a field that changes meaning, a required field)
// takes a new WireVersion.

// WireVersion is the version of the notifications this bus sends and the
// only one it accepts.
const WireVersion = 1

// envelope is the NOTIFY payload: the version, the origin instance, and
// either the event or the id of its stored body (see PutEventPayload):
//
//	{"v":1,"o":"<instance>","e":{<wireEvent>}}
//	{"v":1,"o":"<instance>","r":<id>}
//
// It is written by appending (envelopePrefix), in that order of fields, so
// that an instance knows its own notifications by their first bytes,
// without decoding them, and the event body is not validated and copied a
// second time; it is read in one pass, the event with it.
type envelope struct {
	V      int        `json:"v"`
	Origin string     `json:"o"`
	Event  *wireEvent `json:"e,omitempty"`
	Ref    int64      `json:"r,omitempty"`
}

// envelopePrefix is the start of every notification instance sends, up to
// the event or reference.
func envelopePrefix(instance string) string {
	o, _ := json.Marshal(instance) // a string always encodes
	return `{"v":` + strconv.Itoa(WireVersion) + `,"o":` + string(o) + `,`
}

// inlineNotification and refNotification complete prefix.
func inlineNotification(prefix string, body []byte) string {
	return prefix + `"e":` + string(body) + `}`
}

func refNotification(prefix string, id int64) string {
	return prefix + `"r":` + strconv.FormatInt(id, 10) + `}`
}

// wireEvent is an event.Event on the wire.
type wireEvent struct {
	Type           string            `json:"type"`
	TenantID       string            `json:"tenant_id"`
	RoomID         string            `json:"room_id,omitempty"`
	UserID         string            `json:"user_id,omitempty"`
	Seq            int64             `json:"seq,omitempty"`
	FromSeq        int64             `json:"from_seq,omitempty"`
	EventSeq       int64             `json:"event_seq,omitempty"`
	Room           *wireRoom         `json:"room,omitempty"`
	Member         *wireMember       `json:"member,omitempty"`
	Message        *wireMessage      `json:"message,omitempty"`
	Notification   *wireNotification `json:"notification,omitempty"`
	Recipients     []string          `json:"recipients,omitempty"`
	NotificationID string            `json:"notification_id,omitempty"`
	Action         string            `json:"action,omitempty"`
	Status         string            `json:"status,omitempty"`
	LastSeen       *time.Time        `json:"last_seen,omitempty"`
	Receipts       []wireReceipt     `json:"receipts,omitempty"`
	Thread         *wireThreadUpdate `json:"thread,omitempty"`
	// Frame is the client frame of the events that carry one (reactions,
	// pins): the asyncapi.yaml event, itself a versioned
	// contract.
	Frame   json.RawMessage `json:"frame,omitempty"`
	Profile *wireProfile    `json:"profile,omitempty"`
}

// wireProfile is a user.updated event's profile.
type wireProfile struct {
	UserID      string          `json:"user_id"`
	DisplayName string          `json:"display_name"`
	AvatarURL   string          `json:"avatar_url"`
	Custom      json.RawMessage `json:"custom,omitempty"`
	UpdatedAt   *time.Time      `json:"updated_at,omitempty"`
}

type wireThread struct {
	ReplyCount     int64     `json:"reply_count"`
	LastReplyAt    time.Time `json:"last_reply_at"`
	ParticipantIDs []string  `json:"participant_ids,omitempty"`
}

type wireThreadUpdate struct {
	MessageID  string     `json:"message_id"`
	Thread     wireThread `json:"thread"`
	OccurredAt time.Time  `json:"occurred_at"`
}

type wireQuote struct {
	MessageID string `json:"message_id"`
	SenderID  string `json:"sender_id"`
	Content   string `json:"content"`
	Deleted   bool   `json:"deleted,omitempty"`
}

// wireReceipt is one member's cursor moves in a receipts event.
type wireReceipt struct {
	UserID        string `json:"user_id"`
	LastAck       int64  `json:"last_ack,omitempty"`
	DeliveredFrom int64  `json:"delivered_from,omitempty"`
	DeliveredTo   int64  `json:"delivered_to,omitempty"`
}

type wireRoom struct {
	ID           string          `json:"id"`
	TenantID     string          `json:"tenant_id"`
	Type         string          `json:"type"`
	Name         *string         `json:"name,omitempty"`
	UniqueKey    *string         `json:"unique_key,omitempty"`
	Metadata     json.RawMessage `json:"metadata,omitempty"`
	LastSeq      int64           `json:"last_seq"`
	MemberCount  int             `json:"member_count"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
	LastEventSeq int64           `json:"last_event_seq,omitempty"`
	// The room controls; absent (off) from older instances.
	SlowModeSeconds int  `json:"slow_mode_seconds,omitempty"`
	Frozen          bool `json:"frozen,omitempty"`
}

type wireMember struct {
	RoomID         string    `json:"room_id"`
	UserID         string    `json:"user_id"`
	Role           string    `json:"role"`
	JoinedAt       time.Time `json:"joined_at"`
	LastAck        int64     `json:"last_ack"`
	LastDelivered  int64     `json:"last_delivered,omitempty"`
	JoinedEventSeq int64     `json:"joined_event_seq,omitempty"`
}

type wireMessage struct {
	ID          string          `json:"id"`
	RoomID      string          `json:"room_id"`
	SenderID    string          `json:"sender_id"`
	Seq         int64           `json:"seq"`
	Content     string          `json:"content"`
	Meta        json.RawMessage `json:"meta,omitempty"`
	ClientMsgID *string         `json:"client_msg_id,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	EditedAt    *time.Time      `json:"edited_at,omitempty"`
	DeletedAt   *time.Time      `json:"deleted_at,omitempty"`
	EventSeq    int64           `json:"event_seq,omitempty"`
	ParentID    *string         `json:"parent_id,omitempty"`
	Thread      *wireThread     `json:"thread,omitempty"`
	Quoted      *wireQuote      `json:"quoted,omitempty"`
	Mentions    []string        `json:"mentions,omitempty"`
}

type wireNotification struct {
	ID        string          `json:"id"`
	Topic     string          `json:"topic"`
	Payload   json.RawMessage `json:"payload,omitempty"`
	SenderID  string          `json:"sender_id"`
	CreatedAt time.Time       `json:"created_at"`
	ExpiresAt time.Time       `json:"expires_at"`
}

// encodeEvent is e's wire body.
func encodeEvent(e event.Event) ([]byte, error) {
	w := wireEvent{
		Type: string(e.Type), TenantID: e.TenantID, RoomID: e.RoomID, UserID: e.UserID,
		Seq: e.Seq, FromSeq: e.FromSeq, EventSeq: e.EventSeq, Recipients: e.Recipients, NotificationID: e.NotificationID,
		Action: e.Action, Status: e.Status, LastSeen: e.LastSeen, Frame: e.Frame,
	}
	if p := e.Profile; p != nil {
		w.Profile = &wireProfile{UserID: p.UserID, DisplayName: p.DisplayName, AvatarURL: p.AvatarURL, Custom: p.Custom, UpdatedAt: p.UpdatedAt}
	}
	for _, r := range e.Receipts {
		w.Receipts = append(w.Receipts, wireReceipt{UserID: r.UserID, LastAck: r.LastAck, DeliveredFrom: r.DeliveredFrom, DeliveredTo: r.DeliveredTo})
	}
	if r := e.Room; r != nil {
		w.Room = &wireRoom{
			ID: r.ID, TenantID: r.TenantID, Type: string(r.Type), Name: r.Name, UniqueKey: r.UniqueKey,
			Metadata: r.Metadata, LastSeq: r.LastSeq, MemberCount: r.MemberCount,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, LastEventSeq: r.LastEventSeq,
			SlowModeSeconds: r.SlowModeSeconds, Frozen: r.Frozen,
		}
	}
	if m := e.Member; m != nil {
		w.Member = &wireMember{
			RoomID: m.RoomID, UserID: m.UserID, Role: string(m.Role), JoinedAt: m.JoinedAt,
			LastAck: m.LastAck, LastDelivered: m.LastDelivered, JoinedEventSeq: m.JoinedEventSeq,
		}
	}
	if m := e.Message; m != nil {
		w.Message = &wireMessage{
			ID: m.ID, RoomID: m.RoomID, SenderID: m.SenderID, Seq: m.Seq, Content: m.Content,
			Meta: m.Meta, ClientMsgID: m.ClientMsgID, CreatedAt: m.CreatedAt,
			EditedAt: m.EditedAt, DeletedAt: m.DeletedAt, EventSeq: m.EventSeq,
			ParentID: m.ParentID, Mentions: m.Mentions,
		}
		if t := m.Thread; t != nil {
			w.Message.Thread = &wireThread{ReplyCount: t.ReplyCount, LastReplyAt: t.LastReplyAt, ParticipantIDs: t.ParticipantIDs}
		}
		if q := m.Quoted; q != nil {
			w.Message.Quoted = &wireQuote{MessageID: q.MessageID, SenderID: q.SenderID, Content: q.Content, Deleted: q.Deleted}
		}
	}
	if t := e.Thread; t != nil {
		w.Thread = &wireThreadUpdate{MessageID: t.MessageID, OccurredAt: t.OccurredAt,
			Thread: wireThread{ReplyCount: t.Thread.ReplyCount, LastReplyAt: t.Thread.LastReplyAt, ParticipantIDs: t.Thread.ParticipantIDs}}
	}
	if n := e.Notification; n != nil {
		w.Notification = &wireNotification{
			ID: n.ID, Topic: n.Topic, Payload: n.Payload, SenderID: n.SenderID,
			CreatedAt: n.CreatedAt, ExpiresAt: n.ExpiresAt,
		}
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("encode %s event: %w", e.Type, err)
	}
	return b, nil
}

// decodeEvent reads a wire body back into an event.
func decodeEvent(body []byte) (event.Event, error) {
	var w wireEvent
	if err := json.Unmarshal(body, &w); err != nil {
		return event.Event{}, err
	}
	return w.event(), nil
}

// event is w as an event.Event.
func (w *wireEvent) event() event.Event {
	e := event.Event{
		Type: event.Type(w.Type), TenantID: w.TenantID, RoomID: w.RoomID, UserID: w.UserID,
		Seq: w.Seq, FromSeq: w.FromSeq, EventSeq: w.EventSeq, Recipients: w.Recipients, NotificationID: w.NotificationID,
		Action: w.Action, Status: w.Status, LastSeen: w.LastSeen, Frame: w.Frame,
	}
	if p := w.Profile; p != nil {
		e.Profile = &store.Profile{UserID: p.UserID, DisplayName: p.DisplayName, AvatarURL: p.AvatarURL, Custom: p.Custom, UpdatedAt: p.UpdatedAt}
	}
	for _, r := range w.Receipts {
		e.Receipts = append(e.Receipts, event.Receipt{UserID: r.UserID, LastAck: r.LastAck, DeliveredFrom: r.DeliveredFrom, DeliveredTo: r.DeliveredTo})
	}
	if r := w.Room; r != nil {
		e.Room = &store.Room{
			ID: r.ID, TenantID: r.TenantID, Type: store.RoomType(r.Type), Name: r.Name, UniqueKey: r.UniqueKey,
			Metadata: r.Metadata, LastSeq: r.LastSeq, MemberCount: r.MemberCount,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, LastEventSeq: r.LastEventSeq,
			SlowModeSeconds: r.SlowModeSeconds, Frozen: r.Frozen,
		}
	}
	if m := w.Member; m != nil {
		e.Member = &store.Member{
			RoomID: m.RoomID, UserID: m.UserID, Role: store.Role(m.Role), JoinedAt: m.JoinedAt,
			LastAck: m.LastAck, LastDelivered: m.LastDelivered, JoinedEventSeq: m.JoinedEventSeq,
		}
	}
	if m := w.Message; m != nil {
		e.Message = &store.Message{
			ID: m.ID, RoomID: m.RoomID, SenderID: m.SenderID, Seq: m.Seq, Content: m.Content,
			Meta: m.Meta, ClientMsgID: m.ClientMsgID, CreatedAt: m.CreatedAt,
			EditedAt: m.EditedAt, DeletedAt: m.DeletedAt, EventSeq: m.EventSeq,
			ParentID: m.ParentID, Mentions: m.Mentions,
		}
		if t := m.Thread; t != nil {
			e.Message.Thread = &store.Thread{ReplyCount: t.ReplyCount, LastReplyAt: t.LastReplyAt, ParticipantIDs: t.ParticipantIDs}
		}
		if q := m.Quoted; q != nil {
			e.Message.Quoted = &store.Quote{MessageID: q.MessageID, SenderID: q.SenderID, Content: q.Content, Deleted: q.Deleted}
		}
	}
	if t := w.Thread; t != nil {
		e.Thread = &store.ThreadUpdate{RoomID: w.RoomID, MessageID: t.MessageID, EventSeq: w.EventSeq, OccurredAt: t.OccurredAt,
			Thread: store.Thread{ReplyCount: t.Thread.ReplyCount, LastReplyAt: t.Thread.LastReplyAt, ParticipantIDs: t.Thread.ParticipantIDs}}
	}
	if n := w.Notification; n != nil {
		e.Notification = &store.Notification{
			ID: n.ID, Topic: n.Topic, Payload: n.Payload, SenderID: n.SenderID,
			CreatedAt: n.CreatedAt, ExpiresAt: n.ExpiresAt,
		}
	}
	return e
}
