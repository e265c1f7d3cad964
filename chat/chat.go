// Package chat is where a change to a room or a notification is stored and
// then announced, once, for every transport: the REST handlers (server) and
// the WebSocket inbound path (realtime) translate their requests into calls
// of Service and map its errors through Classify, so neither stores or
// publishes on its own and both refuse alike.
package chat

import (
	"context"
	"errors"
	"time"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/store"
)

// Store is what the service changes. The rules that guard each change live
// in the store, next to the data (see store.CanType, store.CanWatch).
type Store interface {
	SendMessage(ctx context.Context, tenantID, sender, roomID string, m store.NewMessage) (store.Message, bool, error)
	EditMessage(ctx context.Context, tenantID, actor, roomID, messageID string, u store.MessageUpdate) (store.Message, error)
	DeleteMessage(ctx context.Context, tenantID, actor, roomID, messageID string) (store.Message, error)
	Ack(ctx context.Context, tenantID, userID, roomID string, seq int64) (int64, error)
	Delivered(ctx context.Context, tenantID, userID, roomID string, seq int64) (store.Cursor, error)
	UpdateRoom(ctx context.Context, tenantID, actor, roomID string, u store.RoomUpdate) (store.Room, error)
	AddMember(ctx context.Context, tenantID, actor, roomID, userID string, role store.Role) (store.Member, error)
	RemoveMember(ctx context.Context, tenantID, actor, roomID, userID string) (int64, error)
	CreateNotification(ctx context.Context, tenantID, sender string, n store.NewNotification) (store.Notification, []string, error)
	AckNotification(ctx context.Context, tenantID, userID, notificationID string) (time.Time, error)
	CanType(ctx context.Context, tenantID, roomID, userID string) error
	AddReaction(ctx context.Context, tenantID, actor, roomID, messageID, typ string) (store.ReactionChange, error)
	RemoveReaction(ctx context.Context, tenantID, actor, roomID, messageID, typ string) (store.ReactionChange, error)
	AddPin(ctx context.Context, tenantID, actor, roomID, messageID string) (store.PinChange, error)
	RemovePin(ctx context.Context, tenantID, actor, roomID, messageID string) (store.PinChange, error)
	UpdateProfile(ctx context.Context, tenantID, actor, userID string, ch store.ProfileChange) (store.Profile, error)
	Moderator
}

// Publisher announces a stored change to realtime delivery (the hub). It
// must not block on slow receivers.
type Publisher interface {
	Publish(ctx context.Context, e event.Event)
}

// Service stores changes and announces the ones that happened. It holds no
// state of its own and is safe for concurrent use.
type Service struct {
	store  Store
	pub    Publisher
	urls   AttachmentSigner
	filter ContentFilter
}

// AttachmentSigner signs the download URLs of attachments, in place.
type AttachmentSigner interface {
	Sign(ctx context.Context, tenantID string, as []store.Attachment) error
}

// Option configures New.
type Option func(*Service)

// WithAttachmentURLs makes the service sign the attachments of the messages
// it stores before it announces and returns them, so that every receiver
// of one announcement gets the same working URLs.
func WithAttachmentURLs(sg AttachmentSigner) Option {
	return func(s *Service) { s.urls = sg }
}

// New returns a service over st announcing to pub; a nil pub announces to
// no one (a server without realtime delivery).
func New(st Store, pub Publisher, opts ...Option) *Service {
	if pub == nil {
		pub = discard{}
	}
	s := &Service{store: st, pub: pub, filter: noFilter{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// sign signs msg's attachments, if any and if the service signs.
func (s *Service) sign(ctx context.Context, tenantID string, msg *store.Message) error {
	if s.urls == nil || len(msg.Attachments) == 0 {
		return nil
	}
	return s.urls.Sign(ctx, tenantID, msg.Attachments)
}

type discard struct{}

func (discard) Publish(context.Context, event.Event) {}

// SendMessage stores a message and, when it is new (not the replay of a
// client_msg_id already stored), announces it, and then what it changed
// besides: a reply's thread.updated, a mention's notification. created tells which.
// confirm, when not nil, runs once the message is stored (new or not) and
// before it is announced: the WebSocket path queues the sender's
// message.sent there, so that it reaches the sender ahead of the message.
func (s *Service) SendMessage(ctx context.Context, tenantID, sender, roomID string, m store.NewMessage, confirm func(store.Message)) (msg store.Message, created bool, err error) {
	verdict, err := s.store.CheckSend(ctx, tenantID, sender, roomID)
	if err != nil {
		return store.Message{}, false, err
	}
	v, err := s.filter.Check(ctx, Draft{TenantID: tenantID, RoomID: roomID, SenderID: sender, Content: m.Content})
	if err != nil {
		return store.Message{}, false, err
	}
	m.Content = v.Content
	for {
		if verdict.Shadow {
			return s.sendShadow(ctx, tenantID, sender, roomID, m, confirm)
		}
		m.RulesDeferred = verdict.Deferred
		msg, created, err = s.store.SendMessage(ctx, tenantID, sender, roomID, m)
		if !errors.Is(err, store.ErrRulesChanged) {
			break
		}
		// The tenant gained moderation state after CheckSend deferred its
		// rules; the store has forgotten it, so this reads them.
		if verdict, err = s.store.CheckSend(ctx, tenantID, sender, roomID); err != nil {
			return store.Message{}, false, err
		}
	}
	if err != nil {
		return store.Message{}, false, err
	}
	if created {
		s.flagged(ctx, tenantID, msg, v)
	}
	if err := s.sign(ctx, tenantID, &msg); err != nil {
		return store.Message{}, false, err
	}
	if confirm != nil {
		confirm(msg)
	}
	if created {
		s.pub.Publish(ctx, event.ForMessage(event.MessageCreated, tenantID, msg))
		if fx := msg.Effects; fx != nil {
			// In event_seq order: a reply's thread.updated follows it.
			if fx.Thread != nil {
				s.pub.Publish(ctx, event.ForThread(tenantID, *fx.Thread))
			}
			if fx.Mention != nil {
				s.pub.Publish(ctx, event.Event{Type: event.Notification, TenantID: tenantID, Notification: fx.Mention, Recipients: fx.MentionRecipients})
			}
		}
	}
	return msg, created, nil
}

// EditMessage edits actor's own message and announces the edit.
func (s *Service) EditMessage(ctx context.Context, tenantID, actor, roomID, messageID string, u store.MessageUpdate) (store.Message, error) {
	if err := s.store.CheckEdit(ctx, tenantID, actor, roomID); err != nil {
		return store.Message{}, err
	}
	var v Verdict
	if u.Content != nil {
		var err error
		if v, err = s.filter.Check(ctx, Draft{TenantID: tenantID, RoomID: roomID, SenderID: actor, MessageID: messageID, Content: *u.Content}); err != nil {
			return store.Message{}, err
		}
		u.Content = &v.Content
	}
	msg, err := s.store.EditMessage(ctx, tenantID, actor, roomID, messageID, u)
	if err != nil {
		return store.Message{}, err
	}
	s.flagged(ctx, tenantID, msg, v)
	if err := s.sign(ctx, tenantID, &msg); err != nil {
		return store.Message{}, err
	}
	s.pub.Publish(ctx, event.ForMessage(event.MessageUpdated, tenantID, msg))
	return msg, nil
}

// DeleteMessage soft-deletes a message and announces it. Deleting a
// deleted message changes nothing (no event_seq) and announces nothing: the
// room's log holds one message.deleted per message, and so does the live
// stream.
func (s *Service) DeleteMessage(ctx context.Context, tenantID, actor, roomID, messageID string) (store.Message, error) {
	msg, err := s.store.DeleteMessage(ctx, tenantID, actor, roomID, messageID)
	if err != nil {
		return store.Message{}, err
	}
	if msg.EventSeq != 0 {
		s.pub.Publish(ctx, event.ForMessage(event.MessageDeleted, tenantID, msg))
	}
	return msg, nil
}

// Ack moves userID's read cursor in a room and announces the receipt; it
// returns the cursor, which never moves back.
func (s *Service) Ack(ctx context.Context, tenantID, userID, roomID string, seq int64) (int64, error) {
	last, err := s.store.Ack(ctx, tenantID, userID, roomID, seq)
	if err != nil {
		return 0, err
	}
	s.pub.Publish(ctx, event.ForAck(tenantID, roomID, userID, last))
	return last, nil
}

// Delivered moves userID's delivered cursor in a room and, when it moved,
// announces the delivery receipt. It returns the cursor's move, which
// never goes back.
func (s *Service) Delivered(ctx context.Context, tenantID, userID, roomID string, seq int64) (store.Cursor, error) {
	cur, err := s.store.Delivered(ctx, tenantID, userID, roomID, seq)
	if err != nil {
		return store.Cursor{}, err
	}
	if cur.Moved() {
		s.pub.Publish(ctx, event.ForDelivery(tenantID, roomID, userID, cur.From, cur.To))
	}
	return cur, nil
}

// UpdateRoom changes a room's name or metadata and tells its members.
func (s *Service) UpdateRoom(ctx context.Context, tenantID, actor, roomID string, u store.RoomUpdate) (store.Room, error) {
	room, err := s.store.UpdateRoom(ctx, tenantID, actor, roomID, u)
	if err != nil {
		return store.Room{}, err
	}
	s.pub.Publish(ctx, event.Event{Type: event.RoomUpdated, TenantID: tenantID, RoomID: room.ID, EventSeq: room.LastEventSeq, Room: &room})
	return room, nil
}

// AddMember adds userID to a room and tells its members.
func (s *Service) AddMember(ctx context.Context, tenantID, actor, roomID, userID string, role store.Role) (store.Member, error) {
	m, err := s.store.AddMember(ctx, tenantID, actor, roomID, userID, role)
	if err != nil {
		return store.Member{}, err
	}
	s.pub.Publish(ctx, event.Event{Type: event.MemberJoined, TenantID: tenantID, RoomID: roomID, UserID: m.UserID, EventSeq: m.JoinedEventSeq, Member: &m})
	return m, nil
}

// RemoveMember removes userID from a room (or lets actor leave) and tells
// the room.
func (s *Service) RemoveMember(ctx context.Context, tenantID, actor, roomID, userID string) error {
	eventSeq, err := s.store.RemoveMember(ctx, tenantID, actor, roomID, userID)
	if err != nil {
		return err
	}
	s.pub.Publish(ctx, event.Event{Type: event.MemberLeft, TenantID: tenantID, RoomID: roomID, UserID: userID, EventSeq: eventSeq})
	return nil
}

// SendNotification stores a notification for its resolved recipients and,
// when there are any, announces it for delivery.
func (s *Service) SendNotification(ctx context.Context, tenantID, sender string, n store.NewNotification) (store.Notification, []string, error) {
	stored, recipients, err := s.store.CreateNotification(ctx, tenantID, sender, n)
	if err != nil {
		return store.Notification{}, nil, err
	}
	if len(recipients) > 0 {
		s.pub.Publish(ctx, event.Event{Type: event.Notification, TenantID: tenantID, Notification: &stored, Recipients: recipients})
	}
	return stored, recipients, nil
}

// AckNotification confirms one of userID's notifications and announces it,
// so that redelivery to their other connections stops.
func (s *Service) AckNotification(ctx context.Context, tenantID, userID, notificationID string) (time.Time, error) {
	at, err := s.store.AckNotification(ctx, tenantID, userID, notificationID)
	if err != nil {
		return time.Time{}, err
	}
	s.pub.Publish(ctx, event.ForNotificationAck(tenantID, userID, notificationID))
	return at, nil
}

// Typing relays that userID started or stopped (action "start" or "stop")
// typing in a room, if they may (store.CanType). Nothing is stored.
func (s *Service) Typing(ctx context.Context, tenantID, roomID, userID, action string) error {
	if err := s.store.CanType(ctx, tenantID, roomID, userID); err != nil {
		return err
	}
	s.pub.Publish(ctx, event.ForTyping(tenantID, roomID, userID, action))
	return nil
}

// AddReaction records actor's reaction to a message and, when it is new,
// announces reaction.added.
func (s *Service) AddReaction(ctx context.Context, tenantID, actor, roomID, messageID, typ string) (store.ReactionChange, error) {
	ch, err := s.store.AddReaction(ctx, tenantID, actor, roomID, messageID, typ)
	if err != nil {
		return store.ReactionChange{}, err
	}
	if ch.Changed {
		s.pub.Publish(ctx, event.ForLogged(tenantID, ch.Event))
	}
	return ch, nil
}

// RemoveReaction takes actor's reaction back and, when there was one,
// announces reaction.removed.
func (s *Service) RemoveReaction(ctx context.Context, tenantID, actor, roomID, messageID, typ string) (store.ReactionChange, error) {
	ch, err := s.store.RemoveReaction(ctx, tenantID, actor, roomID, messageID, typ)
	if err != nil {
		return store.ReactionChange{}, err
	}
	if ch.Changed {
		s.pub.Publish(ctx, event.ForLogged(tenantID, ch.Event))
	}
	return ch, nil
}

// AddPin pins a message and, when it was not pinned, announces pin.added.
func (s *Service) AddPin(ctx context.Context, tenantID, actor, roomID, messageID string) (store.PinChange, error) {
	ch, err := s.store.AddPin(ctx, tenantID, actor, roomID, messageID)
	if err != nil {
		return store.PinChange{}, err
	}
	if ch.Changed {
		s.pub.Publish(ctx, event.ForLogged(tenantID, ch.Event))
	}
	return ch, nil
}

// RemovePin unpins a message and, when it was pinned, announces
// pin.removed.
func (s *Service) RemovePin(ctx context.Context, tenantID, actor, roomID, messageID string) (store.PinChange, error) {
	ch, err := s.store.RemovePin(ctx, tenantID, actor, roomID, messageID)
	if err != nil {
		return store.PinChange{}, err
	}
	if ch.Changed {
		s.pub.Publish(ctx, event.ForLogged(tenantID, ch.Event))
	}
	return ch, nil
}

// UpdateProfile changes actor's own profile and tells the users who share
// a room with them (user.updated, not a room event: only live connections
// get it).
func (s *Service) UpdateProfile(ctx context.Context, tenantID, actor, userID string, ch store.ProfileChange) (store.Profile, error) {
	prof, err := s.store.UpdateProfile(ctx, tenantID, actor, userID, ch)
	if err != nil {
		return store.Profile{}, err
	}
	s.pub.Publish(ctx, event.Event{Type: event.UserUpdated, TenantID: tenantID, UserID: prof.UserID, Profile: &prof})
	return prof, nil
}
