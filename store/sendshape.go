package store

import (
	"strings"
)

// The shape of a send, shared by its two paths: sendOne (a transaction of
// its own) and the group committer (a batch of sends in one transaction).
// What a send stores is said here once: the message's row (newMessageRow,
// sendColumns), the room's counters it takes (allocateSeqsSQL) and the
// sender's read cursor it moves (advanceAckSQL). A new message field is a
// field of NewMessage and messageRow, a line in newMessageRow and a line in
// sendColumns; every path then stores it.

// sendColumn is one column of messages a send writes.
type sendColumn struct {
	name  string
	value func(tenantID string, r *messageRow) any
}

// sendColumns are the columns of messages every send path writes, in the
// order of sendValues.
var sendColumns = []sendColumn{
	{name: "id", value: func(_ string, r *messageRow) any { return r.ID }},
	{name: "tenant_id", value: func(tenantID string, _ *messageRow) any { return tenantID }},
	{name: "room_id", value: func(_ string, r *messageRow) any { return r.RoomID }},
	{name: "sender_id", value: func(_ string, r *messageRow) any { return r.SenderID }},
	{name: "content", value: func(_ string, r *messageRow) any { return r.Content }},
	{name: "meta", value: func(_ string, r *messageRow) any { return r.Meta }},
	{name: "client_msg_id", value: func(_ string, r *messageRow) any { return r.ClientMsgID }},
	{name: "created_at", value: func(_ string, r *messageRow) any { return r.CreatedAt }},
	// Its seq among the room's messages, and its event_seq, which makes the
	// row the message's own event in the room's log (see readEvents); both
	// taken from the room's counters (allocateSeqsSQL).
	{name: "seq", value: func(_ string, r *messageRow) any { return r.Seq }},
	{name: "event_seq", value: func(_ string, r *messageRow) any { return r.EventSeq }},
	// A reply's parent, a quote's snapshot and the mentions, as checked
	// by resolveRefs (threads.go).
	{name: "parent_id", value: func(_ string, r *messageRow) any { return r.ParentID }},
	{name: "quoted", value: func(_ string, r *messageRow) any { return r.Quoted }},
	{name: "mentions", value: func(_ string, r *messageRow) any { return r.Mentions }},
	// The attachments' snapshots (uploads.go).
	{name: "attachments", value: func(_ string, r *messageRow) any { return r.Attachments }},
}

// newMessageRow is the row a send stores for m (meta normalized), before
// its seqs are taken.
func newMessageRow(sender, roomID string, m NewMessage, meta *string, now int64) messageRow {
	return messageRow{
		ID: newMessageID(now), RoomID: roomID, SenderID: sender, Content: m.Content,
		Meta: meta, ClientMsgID: m.ClientMsgID, CreatedAt: now, ParentID: m.ParentID,
	}
}

// sendEvents is how many events of the room's log a send appends: its
// message, and a reply the thread.updated of its parent.
func sendEvents(m NewMessage) int64 {
	if m.ParentID != nil {
		return 2
	}
	return 1
}

// sendValues appends r's values in sendColumns order, the seqs included,
// to args.
func sendValues(args []any, tenantID string, r *messageRow) []any {
	for _, c := range sendColumns {
		args = append(args, c.value(tenantID, r))
	}
	return args
}

// sendColumnList is sendColumns' names, for an INSERT.
func sendColumnList() string {
	names := make([]string, len(sendColumns))
	for i, c := range sendColumns {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// The statements of a send, in SQLite's placeholders (Rebind them for
// PostgreSQL).
const (
	// allocateSeqsSQL takes the room's next n seqs and event_seqs and marks
	// its activity; its parameters are n, n, the activity time, the tenant
	// and the room. It returns the last of the n taken, so the sends get
	// last_seq-n+1 … last_seq in their order. It (or allocateRoomsSQL) is
	// the only write a send makes to rooms, and on PostgreSQL it locks the
	// room's row: what the send checks afterwards (membership, a
	// client_msg_id) sees every change to the room committed before.
	allocateSeqsSQL = `
		UPDATE rooms SET last_seq = last_seq + ?, last_event_seq = last_event_seq + ?, last_activity_at = ?
		WHERE tenant_id = ? AND id = ?
		RETURNING last_seq, last_event_seq`
	// advanceAckSQL moves a member's last_ack to a seq, never backwards.
	advanceAckSQL = `
		UPDATE room_members SET last_ack = ?
		WHERE tenant_id = ? AND room_id = ? AND user_id = ? AND last_ack < ?`
)

// allocateRoomsSQL is allocateSeqsSQL for n rooms at once: its parameters
// are the activity time, then (tenant, room, how many seqs, how many
// event_seqs) per room. It
// returns the rooms it found, each with the last of the seqs taken. The
// rooms are updated, and on PostgreSQL locked, in the order listed (the
// VALUES rows are read in order against the primary key, see
// TestQueryPlans).
func allocateRoomsSQL(n int) string {
	return `UPDATE rooms SET last_seq = last_seq + v.column3, last_event_seq = last_event_seq + v.column4,
			last_activity_at = ?
		FROM (VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT)), ", n), ", ") + `) AS v
		WHERE rooms.tenant_id = v.column1 AND rooms.id = v.column2
		RETURNING rooms.tenant_id, rooms.id, rooms.last_seq, rooms.last_event_seq`
}

// allocateRoomsRulesSQL is allocateRoomsSQL that also returns whether each
// room's tenant has had moderation state (tenants.moderated, PostgreSQL
// only): a batch holding sends whose rules CheckSend deferred runs it.
func allocateRoomsRulesSQL(n int) string {
	return allocateRoomsSQL(n) + `,
			(SELECT t.moderated FROM tenants t WHERE t.id = rooms.tenant_id)`
}

// sendCursorsSQL moves n senders' read cursors (last_ack) to their last
// message of a batch and returns the (tenant, room, user) of each it found:
// the senders that are members of the room. Its parameters are (tenant,
// room, user, seq) per sender, listed in compareMembers' order, the order
// in which PostgreSQL reads and locks the rows (TestQueryPlans). It is the
// send's membership check, so it matches every member's row: a cursor
// already past seq keeps its place.
func sendCursorsSQL(n int) string {
	return `UPDATE room_members SET last_ack = CASE WHEN room_members.last_ack < v.column4 THEN v.column4 ELSE room_members.last_ack END
		FROM (VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?, CAST(? AS BIGINT)), ", n), ", ") + `) AS v
		WHERE room_members.room_id = v.column2 AND room_members.user_id = v.column3 AND room_members.tenant_id = v.column1
		RETURNING room_members.tenant_id, room_members.room_id, room_members.user_id`
}

// insertMessagesSQL stores n message rows, every column a parameter
// (sendValues, row after row).
func insertMessagesSQL(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(sendColumns)), ", ") + ")"
	return `INSERT INTO messages (` + sendColumnList() + `) VALUES ` +
		strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}
