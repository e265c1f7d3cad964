// Package store persists ChatAPI's tenants, rooms, members, messages,
// notifications, subscriptions and dead letters in SQLite (the embedded
// default) or PostgreSQL, behind one API. The tenant id is an explicit
// parameter of every tenant-scoped method, so isolation is visible in every
// query. The rules that guard the data (who may add a member, who may edit a
// room, who may type in a room, which rooms may be watched) are enforced
// here, the ones that must hold inside a transaction in it, and reported
// with the sentinel errors below.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Callers test them with errors.Is; chat.Classify maps them
// to the SPEC error codes for REST and WebSocket alike.
var (
	ErrNotFound      = errors.New("not found")
	ErrConflict      = errors.New("conflict")
	ErrForbidden     = errors.New("forbidden")
	ErrInvalid       = errors.New("invalid")
	ErrGone          = errors.New("gone")
	ErrSchemaTooNew  = errors.New("database schema is newer than this binary")
	ErrUnknownDriver = errors.New("unsupported database url")
	// ErrRulesChanged refuses a send whose rules CheckSend deferred
	// (NewMessage.RulesDeferred) because its tenant has had moderation
	// state since: nothing was stored; check the send again and resend.
	// The service does (chat.Service.SendMessage); it never reaches a
	// client.
	ErrRulesChanged = errors.New("the tenant's moderation state changed: check the send again")
)

// InvalidError is a refused input, naming the field at fault. It wraps ErrInvalid.
type InvalidError struct {
	Field   string
	Message string
	// Reason, when set, is a machine-readable word for the refusal
	// (details.reason), where Field alone does not tell clients apart
	// (an upload's content: sha256_mismatch, image_too_large …).
	Reason string
}

func (e *InvalidError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Message) }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Unwrap() error { return ErrInvalid }

// ConflictError is a request refused because of the current state of
// something it names (the thing exists already, a dm's members are fixed, an
// ack is beyond the room's last message): Message says which state blocks it,
// Field names the input at fault when there is one, and RoomID the existing
// room when there is one. It wraps ErrConflict.
type ConflictError struct {
	Message string
	Field   string
	RoomID  string
}

func (e *ConflictError) Error() string { return e.Message }

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// ForbiddenError explains a refusal to an authenticated user. It wraps ErrForbidden.
type ForbiddenError struct{ Message string }

func (e *ForbiddenError) Error() string { return e.Message }

// Unwrap makes errors.Is(err, ErrForbidden) true.
func (e *ForbiddenError) Unwrap() error { return ErrForbidden }

// Tenant is an organisation using the service. Its API key is kept only as a
// SHA-256 hash and never leaves the store.
type Tenant struct {
	ID           string
	Name         string
	RateLimitRPS int
	// Uploads are its limits on uploads, the defaults included.
	Uploads   UploadLimits
	CreatedAt time.Time
	// KeyGeneration counts the tenant's keys: 1 for the key it was created
	// with, one more at each rotation. What a key opened or issued (a user
	// token, a WebSocket connection) is valid only while it is current.
	KeyGeneration int64
}

// RoomType is dm, group or channel.
type RoomType string

// Room types.
const (
	RoomDM      RoomType = "dm"
	RoomGroup   RoomType = "group"
	RoomChannel RoomType = "channel"
)

// Role is a member's role in a room.
type Role string

// Member roles.
const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Room is a conversation. Metadata is a JSON object ({} when none was given).
type Room struct {
	ID          string
	TenantID    string
	Type        RoomType
	Name        *string
	UniqueKey   *string
	Metadata    json.RawMessage
	LastSeq     int64
	MemberCount int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// SlowModeSeconds is the room's slow mode (0: off); Frozen refuses
	// every send and edit (see moderation.go).
	SlowModeSeconds int
	Frozen          bool
	// LastEventSeq is the event_seq of the room's latest event: after
	// CreateRoom or UpdateRoom, the event that change appended.
	LastEventSeq int64
}

// RoomSummary is a room as its member sees it in a listing.
type RoomSummary struct {
	Room
	UnreadCount int64
	// UnreadMentions counts the messages after the user's read cursor
	// that mention them.
	UnreadMentions int64
	LastMessage    *Message
	// Settings are the listing user's own settings of the room.
	Settings MemberSettings
}

// Member is a user's membership of a room; LastAck is their read cursor,
// LastDelivered their delivered cursor (never below LastAck: reading
// implies receipt).
// JoinedEventSeq is the event_seq of their member.joined, where their view
// of the room's log starts (0 for members from before the log).
type Member struct {
	RoomID         string
	UserID         string
	Role           Role
	JoinedAt       time.Time
	LastAck        int64
	LastDelivered  int64
	JoinedEventSeq int64
}

// Message is one stored message. Meta is a JSON object or nil.
type Message struct {
	ID          string
	RoomID      string
	SenderID    string
	Seq         int64
	Content     string
	Meta        json.RawMessage
	ClientMsgID *string
	CreatedAt   time.Time
	EditedAt    *time.Time
	DeletedAt   *time.Time
	// Reactions are the message's reactions as the user who read or
	// changed it sees them; empty for a new or deleted message.
	Reactions Reactions
	// EventSeq is the event_seq of the change that returned the message
	// (a send, an edit, a delete); 0 when nothing changed (a read, a
	// client_msg_id replay, the delete of a deleted message).
	EventSeq int64
	// ParentID is the top-level message a reply answers; nil for a
	// top-level message.
	ParentID *string
	// Thread summarizes the replies to a top-level message; nil while it
	// has none.
	Thread *Thread
	// Quoted is the snapshot of the message it quotes, taken at send.
	Quoted *Quote
	// Mentions are the user ids the message mentions, as sent.
	Mentions []string
	// Attachments are the files it carries, as they were when attached.
	Attachments []Attachment
	// Effects are what a send changed besides storing the message, for the
	// caller to announce; nil but on the answer of a send that stored it.
	Effects *SendEffects
}

// Thread is the summary of a top-level message's replies.
type Thread struct {
	ReplyCount  int64
	LastReplyAt time.Time
	// ParticipantIDs are the latest repliers, at most MaxThreadParticipants,
	// most recent first, each once.
	ParticipantIDs []string
}

// Quote is a quoted message as it was when the quoting message was sent;
// Content is cut to MaxQuoteContentLength characters.
type Quote struct {
	MessageID string
	SenderID  string
	Content   string
	Deleted   bool
}

// SendEffects are the changes a send made besides its message.
type SendEffects struct {
	// Thread is the parent's thread after a reply, with the event_seq of
	// the thread.updated the reply appended to the room's log.
	Thread *ThreadUpdate
	// Mention is the mention notification the message caused, and
	// MentionRecipients the users it is owed to (sorted); nil and empty
	// when no one was notified.
	Mention           *Notification
	MentionRecipients []string
}

// ThreadUpdate is a thread.updated event: a parent's thread after a reply.
type ThreadUpdate struct {
	RoomID    string
	MessageID string
	Thread    Thread
	EventSeq  int64
	// OccurredAt is when the reply was stored.
	OccurredAt time.Time
}

// NewRoom is what CreateRoom needs. Members may include the creator.
type NewRoom struct {
	Type     RoomType
	Name     *string
	Metadata json.RawMessage
	Members  []string
}

// RoomUpdate changes a room; a nil field is left as it is. SetName with a nil
// Name clears the name.
type RoomUpdate struct {
	SetName  bool
	Name     *string
	Metadata json.RawMessage
	// SlowModeSeconds and Frozen, when set, change the room's controls.
	SlowModeSeconds *int
	Frozen          *bool
}

// RoomFilter pages and filters ListRooms. Limit 0 means the default (50).
// Archived lists the rooms the user archived instead of the others.
type RoomFilter struct {
	Type     *RoomType
	Archived bool
	Limit    int
	Offset   int
}

// NewMessage is what SendMessage needs. A ClientMsgID makes the send
// idempotent per room and sender.
type NewMessage struct {
	Content     string
	Meta        json.RawMessage
	ClientMsgID *string
	// ParentID makes the message a reply to a top-level message of the
	// same room.
	ParentID *string
	// QuotedID quotes a message of the same room.
	QuotedID *string
	// Mentions are members of the room (at most MaxMentions).
	Mentions []string
	// Attachments are ready uploads of the sender for the same room (at
	// most MaxAttachments), each attached to one message only.
	Attachments []string
	// RulesDeferred is CheckSend's SendVerdict.Deferred: the send's
	// transaction refuses it with ErrRulesChanged if the tenant has had
	// moderation state since CheckSend's instance last looked.
	RulesDeferred bool
}

// MessagePage selects ListMessages' page, always in ascending seq order:
// the Limit messages right after AfterSeq, or right before BeforeSeq, or
// the latest Limit when neither is set. With both, the first Limit messages
// strictly between them (none when the window is empty). Limit 0 means the
// default (50).
type MessagePage struct {
	AfterSeq  *int64
	BeforeSeq *int64
	Limit     int
	// TopLevel leaves replies out.
	TopLevel bool
}

// MessageUpdate edits a message; a nil field is left as it is.
type MessageUpdate struct {
	Content *string
	Meta    json.RawMessage
	// Attachments, when not nil, replaces the message's uploads, by the
	// rules of a send (NewMessage.Attachments); empty removes them all.
	Attachments *[]string
}

// NewNotification is what CreateNotification needs. Its recipients are the
// union of UserIDs, the members of RoomID (the sender must be one) and, with
// TopicSubscribers, the subscribers of Topic; at least one of the three must
// be given. The sender receives it only when named in UserIDs, never through
// the room or the topic. A union that turns out empty is fine.
type NewNotification struct {
	Topic            string
	Payload          json.RawMessage
	UserIDs          []string
	RoomID           *string
	TopicSubscribers bool
}

// Notification is a stored notification. Payload is a JSON object.
type Notification struct {
	ID        string
	Topic     string
	Payload   json.RawMessage
	SenderID  string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Subscription is a user's subscription to a notification topic.
type Subscription struct {
	Topic     string
	CreatedAt time.Time
}

// FailedMessage is a message whose redelivery to a connected member gave up
// after Attempts tries.
type FailedMessage struct {
	TenantID      string
	MessageID     string
	RoomID        string
	UserID        string
	Attempts      int
	LastAttemptAt time.Time
	Error         string
}

// FailedNotification is a notification whose redelivery to one recipient
// gave up after Attempts tries.
type FailedNotification struct {
	TenantID       string
	NotificationID string
	UserID         string
	Attempts       int
	LastAttemptAt  time.Time
	Error          string
}

// DeadLetters is what ListDeadLetters returns, each list newest first.
type DeadLetters struct {
	Messages      []FailedMessage
	Notifications []FailedNotification
}
