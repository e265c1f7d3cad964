package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Limits SPEC sets on threads, quotes and mentions.
const (
	MaxThreadParticipants = 10  // user ids in a thread summary
	MaxQuoteContentLength = 200 // characters of a quote's snapshot
	MaxMentions           = 50  // user ids a message mentions
	// MentionTopic is the topic of the notification a mention sends.
	MentionTopic = "mention"
)

// EventThreadUpdated is a parent's thread after a reply.
const EventThreadUpdated EventType = "thread.updated"

// The bodies of the 0011 columns and of thread.updated (see
// eventPayloadVersion): explicit wire types, never Message's fields by name.
type quoteV1 struct {
	MessageID string `json:"message_id"`
	SenderID  string `json:"sender_id"`
	Content   string `json:"content"`
	Deleted   bool   `json:"deleted"`
}

type threadBodyV1 struct {
	ReplyCount     int64     `json:"reply_count"`
	LastReplyAt    time.Time `json:"last_reply_at"`
	ParticipantIDs []string  `json:"participant_ids"`
}

type threadUpdatedBodyV1 struct {
	MessageID string       `json:"message_id"`
	Thread    threadBodyV1 `json:"thread"`
}

// checkRefs refuses, by itself, what a send's parent, quote and mentions
// can be wrong in without reading anything, and returns the mentions
// without repeats, in the order given.
func checkRefs(m NewMessage) ([]string, error) {
	for _, f := range []struct {
		name string
		id   *string
	}{{"parent_id", m.ParentID}, {"quoted_id", m.QuotedID}} {
		if f.id != nil && *f.id == "" {
			return nil, &InvalidError{Field: f.name, Message: "must not be empty"}
		}
	}
	if err := checkAttachments(m.Attachments); err != nil {
		return nil, err
	}
	if len(m.Mentions) > MaxMentions {
		return nil, &InvalidError{Field: "mentions", Message: fmt.Sprintf("at most %d user ids", MaxMentions)}
	}
	var out []string
	for _, u := range m.Mentions {
		if u == "" {
			return nil, &InvalidError{Field: "mentions", Message: "user ids must not be empty"}
		}
		if !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out, nil
}

// decodeRefs reads the 0011 columns of a message row. Stored by this
// package, they always decode; a value that does not is left out rather
// than failing the page.
func decodeRefs(quoted, mentions *string, replyCount int64, lastReplyAt *int64, participants *string) (*Quote, []string, *Thread) {
	bytesOf := func(s *string) []byte {
		if s == nil {
			return nil
		}
		return []byte(*s)
	}
	return decodeRefBytes(bytesOf(quoted), bytesOf(mentions), replyCount, lastReplyAt, bytesOf(participants))
}

// decodeRefBytes is decodeRefs on the columns' bytes (nil for NULL), as a
// page scans them.
func decodeRefBytes(quoted, mentions []byte, replyCount int64, lastReplyAt *int64, participants []byte) (*Quote, []string, *Thread) {
	var q *Quote
	if quoted != nil {
		var b quoteV1
		if json.Unmarshal(quoted, &b) == nil {
			q = &Quote{MessageID: b.MessageID, SenderID: b.SenderID, Content: b.Content, Deleted: b.Deleted}
		}
	}
	var ms []string
	if mentions != nil {
		ms = decodeStringList(mentions)
	}
	var th *Thread
	if replyCount > 0 {
		th = &Thread{ReplyCount: replyCount}
		if lastReplyAt != nil {
			th.LastReplyAt = fromMillis(*lastReplyAt)
		}
		if participants != nil {
			th.ParticipantIDs = decodeStringList(participants)
		}
		if th.ParticipantIDs == nil {
			th.ParticipantIDs = []string{}
		}
	}
	return q, ms, th
}

// decodeStringList decodes a JSON array of strings as json.Marshal wrote
// it. User ids (the lists' only content) need no escapes, so the list is
// split where it stands; anything else goes through encoding/json. A page
// decodes two lists a message: encoding/json's reflection was most of the
// cost of a threaded page over a plain one.
func decodeStringList(b []byte) []string {
	slow := func() []string {
		var out []string
		if json.Unmarshal(b, &out) != nil {
			return nil
		}
		return out
	}
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' || bytes.IndexByte(b, '\\') >= 0 {
		return slow()
	}
	inner := b[1 : len(b)-1]
	if len(inner) == 0 {
		return []string{}
	}
	out := make([]string, 0, bytes.Count(inner, []byte{','})+1)
	for len(inner) > 0 {
		if inner[0] != '"' {
			break
		}
		end := bytes.IndexByte(inner[1:], '"')
		if end < 0 {
			break
		}
		out = append(out, string(inner[1:1+end]))
		inner = inner[2+end:]
		if len(inner) > 0 && inner[0] == ',' {
			inner = inner[1:]
		}
	}
	if len(inner) > 0 { // not the shape json.Marshal writes
		return slow()
	}
	return out
}

// refSend is a fresh send whose seqs are taken, as resolveRefs and
// recordRefs see it: row is the row it will store.
type refSend struct {
	tenantID string
	m        NewMessage
	row      *messageRow
}

func (r refSend) hasRefs() bool {
	return r.m.ParentID != nil || r.m.QuotedID != nil || len(r.m.Mentions) > 0 || len(r.m.Attachments) > 0
}

type refKey struct{ tenantID, roomID, id string }

// refRow is a message a send refers to: a parent or a quoted message.
type refRow struct {
	TenantID          string  `db:"tenant_id"`
	RoomID            string  `db:"room_id"`
	ID                string  `db:"id"`
	SenderID          string  `db:"sender_id"`
	Content           string  `db:"content"`
	ParentID          *string `db:"parent_id"`
	DeletedAt         *int64  `db:"deleted_at"`
	ReplyCount        int64   `db:"reply_count"`
	LastReplyAt       *int64  `db:"last_reply_at"`
	ReplyParticipants *string `db:"reply_participants"`
}

// refsOfSQL reads the n (tenant, room, message id) messages given, those
// that exist, through the UNIQUE index on messages.id.
func refsOfSQL(n int) string {
	return `SELECT m.tenant_id, m.room_id, m.id, m.sender_id, m.content, m.parent_id, m.deleted_at,
			m.reply_count, m.last_reply_at, m.reply_participants
		FROM (VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", n), ", ") + `) AS v
		JOIN messages m ON m.id = v.column3 AND m.tenant_id = v.column1 AND m.room_id = v.column2`
}

// mentionedMembersSQL returns, of the n (index, tenant, room, user) rows
// given, those whose user is a member of the room, with the member's
// muted_until.
func mentionedMembersSQL(n int) string {
	return `SELECT v.column1, m.muted_until FROM (VALUES ` +
		strings.TrimSuffix(strings.Repeat("(CAST(? AS INTEGER), ?, ?, ?), ", n), ", ") + `) AS v
		JOIN room_members m ON m.room_id = v.column3 AND m.user_id = v.column4 AND m.tenant_id = v.column2`
}

// sendRefs is what resolveRefs found for a batch of sends.
type sendRefs struct {
	parents map[refKey]*refRow
	// notify are, by index in the sends, the mentioned members to notify:
	// not the sender, not those who muted the room.
	notify map[int][]string
}

// resolveRefs checks the parent, quote and mentions of sends (in one
// query for the messages they refer to and one for the mentioned users,
// whatever their number), fills their rows' quote snapshot and mentions,
// and returns the refusals by index in sends: a parent or quoted message
// that is not one of the room's is ErrNotFound; a parent that is a reply
// or deleted, and a mention of a non-member, a ConflictError. It must run
// after the sends' seqs are taken: the room's lock makes what it reads
// (the parents' thread summaries above all) current until commit.
func resolveRefs(ctx context.Context, tx *sqlx.Tx, sends []refSend, now int64) (*sendRefs, map[int]error, error) {
	refs := &sendRefs{parents: map[refKey]*refRow{}, notify: map[int][]string{}}
	refused := map[int]error{}
	var args []any
	seen := map[refKey]bool{}
	want := func(tenantID, roomID string, id *string) {
		if id == nil {
			return
		}
		k := refKey{tenantID, roomID, *id}
		if !seen[k] {
			seen[k] = true
			args = append(args, k.tenantID, k.roomID, k.id)
		}
	}
	for _, sd := range sends {
		want(sd.tenantID, sd.row.RoomID, sd.m.ParentID)
		want(sd.tenantID, sd.row.RoomID, sd.m.QuotedID)
	}
	found := map[refKey]*refRow{}
	if len(args) > 0 {
		var rows []refRow
		if err := sqlx.SelectContext(ctx, tx, &rows, tx.Rebind(refsOfSQL(len(args)/3)), args...); err != nil {
			return nil, nil, fmt.Errorf("read referenced messages: %w", err)
		}
		for i := range rows {
			r := &rows[i]
			found[refKey{r.TenantID, r.RoomID, r.ID}] = r
		}
	}
	for i, sd := range sends {
		if id := sd.m.ParentID; id != nil {
			k := refKey{sd.tenantID, sd.row.RoomID, *id}
			parent, ok := found[k]
			switch {
			case !ok:
				refused[i] = fmt.Errorf("parent message %s: %w", *id, ErrNotFound)
			case parent.ParentID != nil:
				refused[i] = &ConflictError{Field: "parent_id", Message: "the parent is a reply: threads are one level deep"}
			case parent.DeletedAt != nil:
				refused[i] = &ConflictError{Field: "parent_id", Message: "the parent message is deleted"}
			default:
				refs.parents[k] = parent
			}
		}
		if id := sd.m.QuotedID; id != nil && refused[i] == nil {
			q, ok := found[refKey{sd.tenantID, sd.row.RoomID, *id}]
			if !ok {
				refused[i] = fmt.Errorf("quoted message %s: %w", *id, ErrNotFound)
				continue
			}
			content := q.Content
			if r := []rune(content); len(r) > MaxQuoteContentLength {
				content = string(r[:MaxQuoteContentLength])
			}
			b, err := json.Marshal(quoteV1{MessageID: q.ID, SenderID: q.SenderID, Content: content, Deleted: q.DeletedAt != nil})
			if err != nil {
				return nil, nil, fmt.Errorf("encode quote: %w", err)
			}
			snapshot := string(b)
			sd.row.Quoted = &snapshot
		}
	}

	if err := claimAttachments(ctx, tx, sends, refused); err != nil {
		return nil, nil, err
	}

	// Mentions: one row per (send, user), numbered k.
	type mention struct {
		send int
		user string
	}
	var ms []mention
	args = args[:0]
	for i, sd := range sends {
		if refused[i] != nil {
			continue
		}
		for _, u := range sd.m.Mentions {
			args = append(args, len(ms), sd.tenantID, sd.row.RoomID, u)
			ms = append(ms, mention{i, u})
		}
	}
	if len(ms) == 0 {
		return refs, refused, nil
	}
	rows, err := tx.QueryxContext(ctx, tx.Rebind(mentionedMembersSQL(len(ms))), args...)
	if err != nil {
		return nil, nil, fmt.Errorf("check mentions: %w", err)
	}
	defer rows.Close()
	muted := make(map[int]bool, len(ms))
	for rows.Next() {
		var k int
		var until *int64
		if err := rows.Scan(&k, &until); err != nil {
			return nil, nil, fmt.Errorf("check mentions: %w", err)
		}
		muted[k] = until != nil && *until > now
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("check mentions: %w", err)
	}
	for k, mn := range ms {
		isMuted, member := muted[k]
		switch {
		case !member:
			if refused[mn.send] == nil {
				refused[mn.send] = &ConflictError{Field: "mentions", Message: fmt.Sprintf("%s is not a member of the room", mn.user)}
			}
		case !isMuted && mn.user != sends[mn.send].row.SenderID:
			refs.notify[mn.send] = append(refs.notify[mn.send], mn.user)
		}
	}
	for i, sd := range sends {
		if len(sd.m.Mentions) == 0 || refused[i] != nil {
			continue
		}
		b, err := json.Marshal(sd.m.Mentions)
		if err != nil {
			return nil, nil, fmt.Errorf("encode mentions: %w", err)
		}
		list := string(b)
		sd.row.Mentions = &list
	}
	return refs, refused, nil
}

// recordRefs stores, in tx, what the stored sends change besides their
// rows: each reply's parent thread summary and its thread.updated event
// (at the event_seq after the reply's own, see sendEvents), the mention
// rows that unread_mentions counts, and a mention notification per
// message for the members resolveRefs said to notify. It returns the
// effects by index in sends (nil for a send without any).
func recordRefs(ctx context.Context, tx *sqlx.Tx, sends []refSend, refs *sendRefs, now int64) ([]*SendEffects, error) {
	effects := make([]*SendEffects, len(sends))
	effect := func(i int) *SendEffects {
		if effects[i] == nil {
			effects[i] = &SendEffects{}
		}
		return effects[i]
	}

	// Threads: the sends are in seq order within each room, so each
	// parent's summary is brought up to date reply after reply.
	type roomKey struct{ tenantID, roomID string }
	events := map[roomKey][]eventRow{}
	var roomOrder []roomKey
	var touched []*refRow
	for i, sd := range sends {
		if sd.m.ParentID == nil {
			continue
		}
		k := refKey{sd.tenantID, sd.row.RoomID, *sd.m.ParentID}
		p := refs.parents[k]
		if !slices.Contains(touched, p) {
			touched = append(touched, p)
		}
		var participants []string
		if p.ReplyParticipants != nil {
			_ = json.Unmarshal([]byte(*p.ReplyParticipants), &participants)
		}
		participants = append([]string{sd.row.SenderID}, slices.DeleteFunc(participants, func(u string) bool { return u == sd.row.SenderID })...)
		if len(participants) > MaxThreadParticipants {
			participants = participants[:MaxThreadParticipants]
		}
		enc, err := json.Marshal(participants)
		if err != nil {
			return nil, fmt.Errorf("encode thread participants: %w", err)
		}
		list := string(enc)
		at := sd.row.CreatedAt
		p.ReplyCount++
		p.LastReplyAt = &at
		p.ReplyParticipants = &list

		th := Thread{ReplyCount: p.ReplyCount, LastReplyAt: fromMillis(at), ParticipantIDs: participants}
		up := &ThreadUpdate{RoomID: p.RoomID, MessageID: p.ID, Thread: th, EventSeq: sd.row.EventSeq + 1, OccurredAt: fromMillis(at)}
		effect(i).Thread = up
		ev, err := newEvent(EventThreadUpdated, sd.row.SenderID, threadUpdatedBodyV1{
			MessageID: p.ID, Thread: threadBodyV1{ReplyCount: th.ReplyCount, LastReplyAt: th.LastReplyAt, ParticipantIDs: participants},
		}, at)
		if err != nil {
			return nil, err
		}
		ev.EventSeq = up.EventSeq
		rk := roomKey{sd.tenantID, sd.row.RoomID}
		if _, ok := events[rk]; !ok {
			roomOrder = append(roomOrder, rk)
		}
		events[rk] = append(events[rk], ev)
	}
	for _, p := range touched {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`
			UPDATE messages SET reply_count = ?, last_reply_at = ?, reply_participants = ?
			WHERE tenant_id = ? AND room_id = ? AND id = ?`),
			p.ReplyCount, p.LastReplyAt, p.ReplyParticipants, p.TenantID, p.RoomID, p.ID); err != nil {
			return nil, fmt.Errorf("update thread: %w", err)
		}
	}
	for _, rk := range roomOrder {
		if err := insertEvents(ctx, tx, rk.tenantID, rk.roomID, events[rk]); err != nil {
			return nil, err
		}
	}

	// Mentions.
	var args []any
	for _, sd := range sends {
		for _, u := range sd.m.Mentions {
			if u != sd.row.SenderID {
				args = append(args, sd.tenantID, sd.row.RoomID, u, sd.row.Seq)
			}
		}
	}
	if len(args) > 0 {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO message_mentions (tenant_id, room_id, user_id, seq) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", len(args)/4), ", ")), args...); err != nil {
			return nil, fmt.Errorf("store mentions: %w", err)
		}
	}
	for i, sd := range sends {
		users := refs.notify[i]
		if len(users) == 0 {
			continue
		}
		n, err := insertMention(ctx, tx, sd.tenantID, *sd.row, users, now)
		if err != nil {
			return nil, err
		}
		e := effect(i)
		e.Mention = &n
		e.MentionRecipients = slices.Sorted(slices.Values(users))
	}
	return effects, nil
}

// mentionPayloadV1 is a mention notification's payload.
type mentionPayloadV1 struct {
	RoomID    string `json:"room_id"`
	MessageID string `json:"message_id"`
	Seq       int64  `json:"seq"`
	SenderID  string `json:"sender_id"`
}

// insertMention stores the mention notification of row for users, as
// CreateNotification stores one.
func insertMention(ctx context.Context, tx *sqlx.Tx, tenantID string, row messageRow, users []string, now int64) (Notification, error) {
	payload, err := json.Marshal(mentionPayloadV1{RoomID: row.RoomID, MessageID: row.ID, Seq: row.Seq, SenderID: row.SenderID})
	if err != nil {
		return Notification{}, fmt.Errorf("encode mention: %w", err)
	}
	n := notificationRow{
		ID: newID("ntf_"), Topic: MentionTopic, Payload: string(payload), SenderID: row.SenderID,
		CreatedAt: now, ExpiresAt: now + NotificationTTL.Milliseconds(),
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`
		INSERT INTO notifications (id, tenant_id, sender_id, topic, payload, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`),
		n.ID, tenantID, n.SenderID, n.Topic, n.Payload, n.CreatedAt, n.ExpiresAt); err != nil {
		return Notification{}, fmt.Errorf("insert mention notification: %w", err)
	}
	if err := insertRecipients(ctx, tx, tenantID, n.ID, slices.Sorted(slices.Values(users))); err != nil {
		return Notification{}, err
	}
	return n.notification(), nil
}

// ListReplies returns a page of a thread's replies, in ascending seq, to a
// member of the room (see MessagePage; TopLevel does not apply). The
// parent must be a top-level message of the room: another room's or
// tenant's is ErrNotFound. A deleted parent's replies stay readable.
func (s *Store) ListReplies(ctx context.Context, tenantID, actor, roomID, parentID string, p MessagePage) ([]Message, error) {
	limit, err := pageLimit(p.Limit, DefaultMessagesLimit, MaxMessagesLimit)
	if err != nil {
		return nil, err
	}
	query, args, descending := listRepliesQuery(tenantID, actor, roomID, parentID, p, limit)
	st, err := s.reads.get(ctx, s.r.Rebind(query))
	if err != nil {
		return nil, fmt.Errorf("list replies: %w", err)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("list replies: %w", err)
	}
	out, err := scanMessages(rows, roomID, limit)
	if err != nil {
		return nil, fmt.Errorf("list replies: %w", err)
	}
	if len(out) == 0 {
		if _, err := s.memberRoom(ctx, s.r, tenantID, roomID, actor); err != nil {
			return nil, err
		}
		var n int
		if err := sqlx.GetContext(ctx, s.r, &n, s.r.Rebind(`
			SELECT COUNT(*) FROM messages WHERE tenant_id = ? AND room_id = ? AND id = ?`), tenantID, roomID, parentID); err != nil {
			return nil, fmt.Errorf("list replies: %w", err)
		}
		if n == 0 {
			return nil, fmt.Errorf("message %s: %w", parentID, ErrNotFound)
		}
		return out, nil
	}
	if descending {
		slices.Reverse(out)
	}
	return out, nil
}

// listRepliesQuery is ListReplies' SQL (before Rebind): the replies of
// one parent through messages_replies (room_id, parent_id, seq), in order,
// stopping after limit rows.
func listRepliesQuery(tenantID, actor, roomID, parentID string, p MessagePage, limit int) (string, []any, bool) {
	return pageWindow(`
		SELECT `+pageColumns+`,`+reactionColumns+`
		FROM messages m
		WHERE m.tenant_id = ? AND m.room_id = ? AND m.parent_id = ?
		AND EXISTS (SELECT 1 FROM room_members WHERE room_id = ? AND user_id = ?)`,
		[]any{actor, tenantID, roomID, parentID, roomID, actor}, p, limit)
}

// UnreadTotals are a user's unread counts over the rooms they have not
// muted.
type UnreadTotals struct {
	TotalUnread         int64
	TotalUnreadMentions int64
	RoomsWithUnread     int64
}

// unreadSQL sums a user's unread messages and mentions over their
// memberships (room_members_tenant_user), each room by its primary key and
// its mentions by message_mentions' primary key; a room muted at the
// moment given is not counted.
const unreadSQL = `
	SELECT COALESCE(SUM(u.unread), 0), COALESCE(SUM(u.mentions), 0),
		COALESCE(SUM(CASE WHEN u.unread > 0 THEN 1 ELSE 0 END), 0)
	FROM (
		SELECT CASE WHEN r.last_seq > m.last_ack THEN r.last_seq - m.last_ack ELSE 0 END AS unread,
			(SELECT COUNT(*) FROM message_mentions mm
			 WHERE mm.room_id = m.room_id AND mm.user_id = m.user_id AND mm.seq > m.last_ack) AS mentions
		FROM room_members m
		JOIN rooms r ON r.id = m.room_id AND r.tenant_id = m.tenant_id
		WHERE m.tenant_id = ? AND m.user_id = ? AND (m.muted_until IS NULL OR m.muted_until <= ?)
	) u`

// Unread returns userID's unread totals (GET /unread), in one query.
func (s *Store) Unread(ctx context.Context, tenantID, userID string) (UnreadTotals, error) {
	var t UnreadTotals
	err := s.r.QueryRowxContext(ctx, s.r.Rebind(unreadSQL), tenantID, userID, s.nowMillis()).
		Scan(&t.TotalUnread, &t.TotalUnreadMentions, &t.RoomsWithUnread)
	if err != nil {
		return UnreadTotals{}, fmt.Errorf("unread totals: %w", err)
	}
	return t, nil
}
