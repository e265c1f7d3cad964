package realtime

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/chatapi/chatapi/chat"
	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/store"
)

// Error codes of the error event, as in openapi.yaml's ErrorCode. The
// store's refusals take theirs from chat.Classify.
const (
	codeValidation  = chat.CodeValidation
	codeRateLimited = "RATE_LIMIT_EXCEEDED"
	codeInternal    = "INTERNAL_ERROR"
)

// The frames below are the server events of asyncapi.yaml; realtime_test
// validates every frame it receives against those schemas.

type messageFrame struct {
	Type        string          `json:"type"`
	MessageID   string          `json:"message_id"`
	RoomID      string          `json:"room_id"`
	SenderID    string          `json:"sender_id"`
	Seq         int64           `json:"seq"`
	Content     string          `json:"content"`
	Meta        json.RawMessage `json:"meta"`
	ClientMsgID *string         `json:"client_msg_id"`
	CreatedAt   time.Time       `json:"created_at"`
	EditedAt    *time.Time      `json:"edited_at"`
	DeletedAt   *time.Time      `json:"deleted_at"`
	// EventSeq is the message event's place in the room's log; left out
	// where the store does not know it (a message from before the log).
	EventSeq int64       `json:"event_seq,omitempty"`
	ParentID *string     `json:"parent_id,omitempty"`
	Thread   *threadBody `json:"thread,omitempty"`
	Quoted   *quoteBody  `json:"quoted,omitempty"`
	Mentions []string    `json:"mentions,omitempty"`
	// Attachments carry the URLs chat.Service signed before announcing.
	Attachments []attachmentBody `json:"attachments,omitempty"`
}

type attachmentBody struct {
	UploadID    string `json:"upload_id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Width       *int   `json:"width"`
	Height      *int   `json:"height"`
	// The thumbnail's size, once made.
	ThumbnailWidth  *int    `json:"thumbnail_width,omitempty"`
	ThumbnailHeight *int    `json:"thumbnail_height,omitempty"`
	URL             string  `json:"url,omitempty"`
	ThumbnailURL    *string `json:"thumbnail_url,omitempty"`
}

type threadBody struct {
	ReplyCount     int64     `json:"reply_count"`
	LastReplyAt    time.Time `json:"last_reply_at"`
	ParticipantIDs []string  `json:"participant_ids"`
}

func newThreadBody(t store.Thread) *threadBody {
	ids := t.ParticipantIDs
	if ids == nil {
		ids = []string{}
	}
	return &threadBody{ReplyCount: t.ReplyCount, LastReplyAt: t.LastReplyAt, ParticipantIDs: ids}
}

type quoteBody struct {
	MessageID string `json:"message_id"`
	SenderID  string `json:"sender_id"`
	Content   string `json:"content"`
	Deleted   bool   `json:"deleted"`
}

type threadUpdatedFrame struct {
	Type      string     `json:"type"`
	RoomID    string     `json:"room_id"`
	MessageID string     `json:"message_id"`
	Thread    threadBody `json:"thread"`
	EventSeq  int64      `json:"event_seq,omitempty"`
}

func newMessageFrame(typ event.Type, m *store.Message) messageFrame {
	meta := m.Meta
	if len(meta) == 0 {
		meta = nil // encodes as null
	}
	f := messageFrame{
		Type: string(typ), MessageID: m.ID, RoomID: m.RoomID, SenderID: m.SenderID, Seq: m.Seq,
		Content: m.Content, Meta: meta, ClientMsgID: m.ClientMsgID,
		CreatedAt: m.CreatedAt, EditedAt: m.EditedAt, DeletedAt: m.DeletedAt, EventSeq: m.EventSeq,
	}
	f.ParentID, f.Mentions = m.ParentID, m.Mentions
	if m.Thread != nil {
		f.Thread = newThreadBody(*m.Thread)
	}
	if q := m.Quoted; q != nil {
		f.Quoted = &quoteBody{MessageID: q.MessageID, SenderID: q.SenderID, Content: q.Content, Deleted: q.Deleted}
	}
	if m.DeletedAt == nil {
		for _, a := range m.Attachments {
			f.Attachments = append(f.Attachments, attachmentBody{UploadID: a.UploadID, Filename: a.Filename,
				ContentType: a.ContentType, Size: a.Size, Width: a.Width, Height: a.Height,
				ThumbnailWidth: a.ThumbWidth, ThumbnailHeight: a.ThumbHeight, URL: a.URL, ThumbnailURL: a.ThumbnailURL})
		}
	}
	return f
}

type roomBody struct {
	RoomID          string          `json:"room_id"`
	Type            store.RoomType  `json:"type"`
	Name            *string         `json:"name"`
	UniqueKey       *string         `json:"unique_key"`
	Metadata        json.RawMessage `json:"metadata"`
	LastSeq         int64           `json:"last_seq"`
	MemberCount     int             `json:"member_count"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
	SlowModeSeconds int             `json:"slow_mode_seconds"`
	Frozen          bool            `json:"frozen"`
}

type roomUpdatedFrame struct {
	Type     string   `json:"type"`
	RoomID   string   `json:"room_id"`
	Room     roomBody `json:"room"`
	EventSeq int64    `json:"event_seq,omitempty"`
}

type ackReceivedFrame struct {
	Type   string `json:"type"`
	RoomID string `json:"room_id"`
	Seq    int64  `json:"seq"`
	UserID string `json:"user_id"`
}

// receiptEntry is one member's cursors that moved; a cursor that did not
// move is left out.
type receiptEntry struct {
	UserID        string `json:"user_id"`
	LastAck       *int64 `json:"last_ack,omitempty"`
	LastDelivered *int64 `json:"last_delivered,omitempty"`
}

type receiptsFrame struct {
	Type     string         `json:"type"`
	RoomID   string         `json:"room_id"`
	Receipts []receiptEntry `json:"receipts"`
}

type deliveryReceivedFrame struct {
	Type   string `json:"type"`
	RoomID string `json:"room_id"`
	UserID string `json:"user_id"`
	Seq    int64  `json:"seq"`
}

type memberFrame struct {
	Type     string     `json:"type"`
	RoomID   string     `json:"room_id"`
	UserID   string     `json:"user_id"`
	Role     store.Role `json:"role,omitempty"`
	EventSeq int64      `json:"event_seq,omitempty"`
}

type notificationFrame struct {
	Type           string          `json:"type"`
	NotificationID string          `json:"notification_id"`
	Topic          string          `json:"topic"`
	Payload        json.RawMessage `json:"payload"`
	CreatedAt      time.Time       `json:"created_at"`
	ExpiresAt      time.Time       `json:"expires_at"`
}

func newNotificationFrame(n *store.Notification) notificationFrame {
	payload := n.Payload
	if len(payload) == 0 {
		payload = json.RawMessage(`{}`)
	}
	return notificationFrame{Type: string(event.Notification), NotificationID: n.ID, Topic: n.Topic, Payload: payload, CreatedAt: n.CreatedAt, ExpiresAt: n.ExpiresAt}
}

// userUpdatedFrame is a profile as GET /users/{user_id} shows it, with the
// event's type.
type userUpdatedFrame struct {
	Type        string          `json:"type"`
	UserID      string          `json:"user_id"`
	DisplayName string          `json:"display_name"`
	AvatarURL   string          `json:"avatar_url"`
	Custom      json.RawMessage `json:"custom"`
	UpdatedAt   *time.Time      `json:"updated_at"`
}

func newUserUpdatedFrame(p *store.Profile) userUpdatedFrame {
	custom := p.Custom
	if len(custom) == 0 {
		custom = json.RawMessage(`{}`)
	}
	var at *time.Time
	if p.UpdatedAt != nil {
		u := p.UpdatedAt.UTC()
		at = &u
	}
	return userUpdatedFrame{Type: string(event.UserUpdated), UserID: p.UserID, DisplayName: p.DisplayName, AvatarURL: p.AvatarURL, Custom: custom, UpdatedAt: at}
}

type messageSentFrame struct {
	Type      string    `json:"type"`
	RequestID string    `json:"request_id,omitempty"`
	RoomID    string    `json:"room_id"`
	MessageID string    `json:"message_id"`
	Seq       int64     `json:"seq"`
	CreatedAt time.Time `json:"created_at"`
}

type typingFrame struct {
	Type   string `json:"type"`
	RoomID string `json:"room_id"`
	UserID string `json:"user_id"`
	Action string `json:"action"`
}

type syncRoom struct {
	RoomID    string `json:"room_id"`
	LastSeq   int64  `json:"last_seq"`
	Delivered int    `json:"delivered"`
	HasMore   bool   `json:"has_more"`
}

type syncCompleteFrame struct {
	Type  string     `json:"type"`
	Rooms []syncRoom `json:"rooms"`
	// Cursor is where a later connection resumes from (GET /ws?cursor=).
	Cursor string `json:"cursor"`
}

type syncResetFrame struct {
	Type   string `json:"type"`
	Cursor string `json:"cursor"`
}

type shutdownFrame struct {
	Type             string `json:"type"`
	ReconnectAfterMS int64  `json:"reconnect_after_ms"`
}

type pongFrame struct {
	Type      string `json:"type"`
	RequestID string `json:"request_id,omitempty"`
}

type errorFrame struct {
	Type      string `json:"type"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// encodeEvent is the frame a published event becomes, encoded once for all
// its recipients.
func encodeEvent(e event.Event) ([]byte, error) {
	var v any
	switch e.Type {
	case event.MessageCreated, event.MessageUpdated, event.MessageDeleted:
		if e.Message == nil {
			return nil, fmt.Errorf("%s event without a message", e.Type)
		}
		f := newMessageFrame(e.Type, e.Message)
		f.EventSeq = e.EventSeq
		v = f
	case event.ThreadUpdated:
		if e.Thread == nil {
			return nil, fmt.Errorf("%s event without a thread", e.Type)
		}
		v = threadUpdatedFrame{Type: string(e.Type), RoomID: e.RoomID, MessageID: e.Thread.MessageID,
			Thread: *newThreadBody(e.Thread.Thread), EventSeq: e.EventSeq}
	case event.AckReceived:
		v = ackReceivedFrame{Type: string(e.Type), RoomID: e.RoomID, Seq: e.Seq, UserID: e.UserID}
	case event.RoomUpdated:
		if e.Room == nil {
			return nil, fmt.Errorf("%s event without a room", e.Type)
		}
		r := e.Room
		meta := r.Metadata
		if len(meta) == 0 {
			meta = json.RawMessage(`{}`)
		}
		v = roomUpdatedFrame{Type: string(e.Type), RoomID: r.ID, Room: roomBody{
			RoomID: r.ID, Type: r.Type, Name: r.Name, UniqueKey: r.UniqueKey, Metadata: meta,
			LastSeq: r.LastSeq, MemberCount: r.MemberCount, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
			SlowModeSeconds: r.SlowModeSeconds, Frozen: r.Frozen,
		}, EventSeq: e.EventSeq}
	case event.MemberJoined:
		role := store.RoleMember
		if e.Member != nil && e.Member.Role != "" {
			role = e.Member.Role
		}
		v = memberFrame{Type: string(e.Type), RoomID: e.RoomID, UserID: e.UserID, Role: role, EventSeq: e.EventSeq}
	case event.MemberLeft:
		v = memberFrame{Type: string(e.Type), RoomID: e.RoomID, UserID: e.UserID, EventSeq: e.EventSeq}
	case event.Notification:
		if e.Notification == nil {
			return nil, fmt.Errorf("%s event without a notification", e.Type)
		}
		v = newNotificationFrame(e.Notification)
	case event.ReactionAdded, event.ReactionRemoved, event.PinAdded, event.PinRemoved, event.AttachmentProcessed,
		event.BanAdded, event.BanRemoved, event.MuteAdded, event.MuteRemoved:
		// Encoded by the store with the change, as the log serves it.
		if len(e.Frame) == 0 {
			return nil, fmt.Errorf("%s event without its frame", e.Type)
		}
		return e.Frame, nil
	default:
		return nil, fmt.Errorf("unknown event type %q", e.Type)
	}
	return json.Marshal(v)
}

// mustEncode encodes a frame built here from known-good values.
func mustEncode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Every frame type above marshals; reaching this is a programming error.
		return []byte(`{"type":"error","code":"INTERNAL_ERROR","message":"internal error"}`)
	}
	return b
}
