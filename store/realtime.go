package store

import (
	"context"
	"fmt"
)

// RoomCursor is where a member stands in one of their rooms: the room's last
// seq and the member's read cursor. Messages after LastAck are owed to them.
type RoomCursor struct {
	RoomID  string
	LastSeq int64
	LastAck int64
}

// RoomMemberIDs returns the user ids of the room's members, with no actor
// check: realtime delivery uses it to fan an event out to the room after the
// change was authorized. A room that is not the tenant's (or none) has no
// members, so the answer is empty rather than ErrNotFound.
func (s *Store) RoomMemberIDs(ctx context.Context, tenantID, roomID string) ([]string, error) {
	var gen uint64
	if s.members != nil {
		ids, ok, g := s.members.get(tenantID, roomID)
		if ok {
			return ids, nil
		}
		gen = g
	}
	var ids []string
	st, err := s.reads.get(ctx, s.r.Rebind(`
		SELECT user_id FROM room_members
		WHERE tenant_id = ? AND room_id = ?
		ORDER BY user_id`))
	if err == nil {
		err = st.SelectContext(ctx, &ids, tenantID, roomID)
	}
	if err != nil {
		return nil, fmt.Errorf("list room member ids: %w", err)
	}
	if s.members != nil {
		s.members.put(tenantID, roomID, ids, gen)
	}
	return ids, nil
}

// MemberCursors returns a RoomCursor for every room userID is a member of,
// ordered by room id, with no paging: the connect-time sync walks all of them.
func (s *Store) MemberCursors(ctx context.Context, tenantID, userID string) ([]RoomCursor, error) {
	var rows []struct {
		RoomID  string `db:"room_id"`
		LastSeq int64  `db:"last_seq"`
		LastAck int64  `db:"last_ack"`
	}
	st, err := s.reads.get(ctx, s.r.Rebind(`
		SELECT m.room_id, r.last_seq, m.last_ack
		FROM room_members m
		JOIN rooms r ON r.id = m.room_id AND r.tenant_id = m.tenant_id
		WHERE m.tenant_id = ? AND m.user_id = ?
		ORDER BY m.room_id`))
	if err == nil {
		err = st.SelectContext(ctx, &rows, tenantID, userID)
	}
	if err != nil {
		return nil, fmt.Errorf("list member cursors: %w", err)
	}
	out := make([]RoomCursor, len(rows))
	for i, r := range rows {
		out[i] = RoomCursor{RoomID: r.RoomID, LastSeq: r.LastSeq, LastAck: r.LastAck}
	}
	return out, nil
}

// RoomMessagesBetween returns the room's messages with afterSeq < seq <
// beforeSeq, in ascending seq, at most limit (1 to MaxMessagesLimit), with no
// actor check: realtime delivery uses it to redeliver messages and to catch
// a connection up. Each carries, as EventSeq, the event_seq of its own
// message event (0 for a message from before the log).
func (s *Store) RoomMessagesBetween(ctx context.Context, tenantID, roomID string, afterSeq, beforeSeq int64, limit int) ([]Message, error) {
	limit, err := pageLimit(limit, MaxMessagesLimit, MaxMessagesLimit)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		messageRow
		EventSeq int64 `db:"event_seq"`
	}
	st, err := s.reads.get(ctx, s.r.Rebind(`
		SELECT `+messageColumns+`, COALESCE(event_seq, 0) AS event_seq
		FROM messages
		WHERE tenant_id = ? AND room_id = ? AND seq > ? AND seq < ?
		ORDER BY seq LIMIT ?`))
	if err == nil {
		err = st.SelectContext(ctx, &rows, tenantID, roomID, afterSeq, beforeSeq, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("list messages between: %w", err)
	}
	out := make([]Message, len(rows))
	for i, r := range rows {
		r.messageRow.EventSeq = r.EventSeq
		out[i] = r.message()
	}
	return out, nil
}

// RoomPeerIDs returns, once each and ordered, the users who share at least
// one room with userID, leaving userID out, with no actor check: presence
// tells them when userID comes and goes. One query, however many rooms.
func (s *Store) RoomPeerIDs(ctx context.Context, tenantID, userID string) ([]string, error) {
	var ids []string
	err := s.r.SelectContext(ctx, &ids, s.r.Rebind(`
		SELECT DISTINCT o.user_id
		FROM room_members m
		JOIN room_members o ON o.tenant_id = m.tenant_id AND o.room_id = m.room_id
		WHERE m.tenant_id = ? AND m.user_id = ? AND o.user_id <> ?
		ORDER BY o.user_id`), tenantID, userID, userID)
	if err != nil {
		return nil, fmt.Errorf("list room peer ids: %w", err)
	}
	return ids, nil
}
