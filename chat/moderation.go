package chat

import (
	"context"

	"github.com/chatapi/chatapi/event"
	"github.com/chatapi/chatapi/store"
)

// Moderator is what the service needs from the store for moderation: the
// rules a send or an edit obeys (checked before it is stored), a shadow
// send, and the changes of bans, mutes and blocks.
type Moderator interface {
	CheckSend(ctx context.Context, tenantID, sender, roomID string) (store.SendVerdict, error)
	CheckEdit(ctx context.Context, tenantID, actor, roomID string) error
	SendShadow(ctx context.Context, tenantID, sender, roomID string, m store.NewMessage) (store.Message, bool, error)
	BanFromRoom(ctx context.Context, tenantID, actor, roomID string, b store.NewBan) (store.ModChange, error)
	UnbanFromRoom(ctx context.Context, tenantID, actor, roomID, userID string) (store.ModChange, error)
	MuteInRoom(ctx context.Context, tenantID, actor, roomID, userID string, durationSeconds *int) (store.ModChange, error)
	UnmuteInRoom(ctx context.Context, tenantID, actor, roomID, userID string) (store.ModChange, error)
	BanFromTenant(ctx context.Context, tenantID, actor string, b store.NewBan) (store.Ban, error)
	BlockUser(ctx context.Context, tenantID, userID, blockedID string) (store.Block, bool, error)
	UnblockUser(ctx context.Context, tenantID, userID, blockedID string) error
}

// sendShadow stores a shadow-banned sender's message and shows it to the
// sender's own connections alone (Recipients, outside the room's log).
func (s *Service) sendShadow(ctx context.Context, tenantID, sender, roomID string, m store.NewMessage, confirm func(store.Message)) (store.Message, bool, error) {
	msg, created, err := s.store.SendShadow(ctx, tenantID, sender, roomID, m)
	if err != nil {
		return store.Message{}, false, err
	}
	if confirm != nil {
		confirm(msg)
	}
	if created {
		e := event.ForMessage(event.MessageCreated, tenantID, msg)
		e.Recipients = []string{sender}
		s.pub.Publish(ctx, e)
	}
	return msg, created, nil
}

// announceMod announces a room moderation change: a banned member's
// member.left, then the change's own events.
func (s *Service) announceMod(ctx context.Context, tenantID, roomID string, ch store.ModChange, userID string) {
	if ch.LeftEventSeq != 0 {
		s.pub.Publish(ctx, event.Event{Type: event.MemberLeft, TenantID: tenantID, RoomID: roomID, UserID: userID, EventSeq: ch.LeftEventSeq})
	}
	for _, e := range ch.Events {
		s.pub.Publish(ctx, event.ForLogged(tenantID, e))
	}
}

// BanFromRoom bans a user from a room and announces it (see
// store.BanFromRoom; a shadow ban announces nothing).
func (s *Service) BanFromRoom(ctx context.Context, tenantID, actor, roomID string, b store.NewBan) (store.Ban, error) {
	ch, err := s.store.BanFromRoom(ctx, tenantID, actor, roomID, b)
	if err != nil {
		return store.Ban{}, err
	}
	s.announceMod(ctx, tenantID, roomID, ch, b.UserID)
	return ch.Ban, nil
}

// UnbanFromRoom lifts a room ban and announces it.
func (s *Service) UnbanFromRoom(ctx context.Context, tenantID, actor, roomID, userID string) error {
	ch, err := s.store.UnbanFromRoom(ctx, tenantID, actor, roomID, userID)
	if err != nil {
		return err
	}
	s.announceMod(ctx, tenantID, roomID, ch, userID)
	return nil
}

// MuteInRoom mutes a user in a room and announces it.
func (s *Service) MuteInRoom(ctx context.Context, tenantID, actor, roomID, userID string, durationSeconds *int) (store.Mute, error) {
	ch, err := s.store.MuteInRoom(ctx, tenantID, actor, roomID, userID, durationSeconds)
	if err != nil {
		return store.Mute{}, err
	}
	s.announceMod(ctx, tenantID, roomID, ch, userID)
	return ch.Mute, nil
}

// UnmuteInRoom lifts a mute and announces it.
func (s *Service) UnmuteInRoom(ctx context.Context, tenantID, actor, roomID, userID string) error {
	ch, err := s.store.UnmuteInRoom(ctx, tenantID, actor, roomID, userID)
	if err != nil {
		return err
	}
	s.announceMod(ctx, tenantID, roomID, ch, userID)
	return nil
}

// BanFromTenant bans a user from the tenant and has every instance close
// the user's open connections (event.UserBanned).
func (s *Service) BanFromTenant(ctx context.Context, tenantID, actor string, b store.NewBan) (store.Ban, error) {
	ban, err := s.store.BanFromTenant(ctx, tenantID, actor, b)
	if err != nil {
		return store.Ban{}, err
	}
	s.pub.Publish(ctx, event.Event{Type: event.UserBanned, TenantID: tenantID, UserID: b.UserID})
	return ban, nil
}

// BlockUser records userID's block of blockedID and tells realtime
// delivery (event.BlocksChanged); created is false when it was there.
func (s *Service) BlockUser(ctx context.Context, tenantID, userID, blockedID string) (store.Block, bool, error) {
	b, created, err := s.store.BlockUser(ctx, tenantID, userID, blockedID)
	if err != nil {
		return store.Block{}, false, err
	}
	if created {
		s.pub.Publish(ctx, event.Event{Type: event.BlocksChanged, TenantID: tenantID, UserID: userID})
	}
	return b, created, nil
}

// UnblockUser lifts userID's block of blockedID and tells realtime delivery.
func (s *Service) UnblockUser(ctx context.Context, tenantID, userID, blockedID string) error {
	if err := s.store.UnblockUser(ctx, tenantID, userID, blockedID); err != nil {
		return err
	}
	s.pub.Publish(ctx, event.Event{Type: event.BlocksChanged, TenantID: tenantID, UserID: userID})
	return nil
}
