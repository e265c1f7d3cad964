package store

import (
	"strconv"
	"strings"
)

// The shape of a send, shared by its three paths: sendOne (a transaction of
// its own), the group committer (SQLite) and sendStatement (PostgreSQL's one
// statement). What a send stores is said here once: the message's row
// (newMessageRow, sendColumns), the room's counters it takes
// (allocateSeqsSQL) and the sender's read cursor it moves (advanceAckSQL).
// A new message field is a field of NewMessage and messageRow, a line in
// newMessageRow and a line in sendColumns; every path then stores it.

// sendColumn is one column of messages a send writes.
type sendColumn struct {
	name string
	// pgType is the column's PostgreSQL type: postgresSendSQL casts its
	// parameters, whose types PostgreSQL cannot infer in an INSERT … SELECT.
	pgType string
	// allocated names the rooms counter the value is taken from, for the
	// columns postgresSendSQL fills from the statement's own UPDATE of
	// rooms; "" for a value the caller passes.
	allocated string
	value     func(tenantID string, r *messageRow) any
}

// sendColumns are the columns of messages every send path writes, in the
// order of sendValues. The allocated ones come last: postgresSendSQL's
// parameters are the others, a prefix of sendValues.
var sendColumns = []sendColumn{
	{name: "id", pgType: "text", value: func(_ string, r *messageRow) any { return r.ID }},
	{name: "tenant_id", pgType: "text", value: func(tenantID string, _ *messageRow) any { return tenantID }},
	{name: "room_id", pgType: "text", value: func(_ string, r *messageRow) any { return r.RoomID }},
	{name: "sender_id", pgType: "text", value: func(_ string, r *messageRow) any { return r.SenderID }},
	{name: "content", pgType: "text", value: func(_ string, r *messageRow) any { return r.Content }},
	{name: "meta", pgType: "text", value: func(_ string, r *messageRow) any { return r.Meta }},
	{name: "client_msg_id", pgType: "text", value: func(_ string, r *messageRow) any { return r.ClientMsgID }},
	{name: "created_at", pgType: "bigint", value: func(_ string, r *messageRow) any { return r.CreatedAt }},
	// Its seq among the room's messages, and its event_seq, which makes the
	// row the message's own event in the room's log (see readEvents).
	{name: "seq", pgType: "bigint", allocated: "last_seq", value: func(_ string, r *messageRow) any { return r.Seq }},
	{name: "event_seq", pgType: "bigint", allocated: "last_event_seq", value: func(_ string, r *messageRow) any { return r.EventSeq }},
}

// newMessageRow is the row a send stores for m (meta normalized), before
// its seqs are taken.
func newMessageRow(sender, roomID string, m NewMessage, meta *string, now int64) messageRow {
	return messageRow{
		ID: newID("msg_"), RoomID: roomID, SenderID: sender, Content: m.Content,
		Meta: meta, ClientMsgID: m.ClientMsgID, CreatedAt: now,
	}
}

// sendValues are r's values in sendColumns order, the seqs included.
func sendValues(tenantID string, r *messageRow) []any {
	args := make([]any, len(sendColumns))
	for i, c := range sendColumns {
		args[i] = c.value(tenantID, r)
	}
	return args
}

// sendParams is how many of sendColumns the caller passes to
// postgresSendSQL: all but the allocated ones, which come last (a test
// holds sendColumns to that).
var sendParams = func() int {
	n := 0
	for _, c := range sendColumns {
		if c.allocated == "" {
			n++
		}
	}
	return n
}()

// sendColumnList is sendColumns' names, for an INSERT.
func sendColumnList() string {
	names := make([]string, len(sendColumns))
	for i, c := range sendColumns {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// The statements of a send, in SQLite's placeholders: the group committer
// prepares them as they are, sendOne Rebinds them, postgresSendSQL is built
// from them.
const (
	// allocateSeqsSQL takes the room's next seq and event_seq and marks its
	// activity; its parameters are allocateParams'. It is the only write a
	// send makes to rooms.
	allocateSeqsSQL = `
		UPDATE rooms SET last_seq = last_seq + 1, last_event_seq = last_event_seq + 1, last_activity_at = ?
		WHERE tenant_id = ? AND id = ?`
	// ifSenderIsMember restricts allocateSeqsSQL to a sender who is a member,
	// checking membership in the statement that allocates; its parameters
	// are memberParams'.
	ifSenderIsMember = `
		AND EXISTS (SELECT 1 FROM room_members WHERE tenant_id = ? AND room_id = ? AND user_id = ?)`
	returningSeqs = `
		RETURNING last_seq, last_event_seq`
	// advanceAckSQL moves a member's last_ack to a seq, never backwards.
	advanceAckSQL = `
		UPDATE room_members SET last_ack = ?
		WHERE tenant_id = ? AND room_id = ? AND user_id = ? AND last_ack < ?`
)

// The parameters of the statements above, as the sendColumns they take
// their values from: a message's created_at is the room's activity time.
var (
	allocateParams = []string{"created_at", "tenant_id", "room_id"}
	memberParams   = []string{"tenant_id", "room_id", "sender_id"}
)

var (
	// insertMessageSQL stores a message row, every column a parameter
	// (sendValues).
	insertMessageSQL = `
		INSERT INTO messages (` + sendColumnList() + `)
		VALUES (` + strings.TrimSuffix(strings.Repeat("?, ", len(sendColumns)), ", ") + `)`
	// allocateSQL is allocateSeqsSQL as sendOne runs it, before it checks
	// membership itself (see sendOne).
	allocateSQL = allocateSeqsSQL + returningSeqs
	// allocateIfMemberSQL is allocateSeqsSQL for a member only: no row means
	// no room or no membership.
	allocateIfMemberSQL = allocateSeqsSQL + ifSenderIsMember + returningSeqs
)

// sendArgs are the values of r for the sendColumns named by params.
func sendArgs(tenantID string, r *messageRow, params ...[]string) []any {
	var args []any
	for _, names := range params {
		for _, name := range names {
			args = append(args, sendColumns[sendColumnIndex(name)].value(tenantID, r))
		}
	}
	return args
}

// sendColumnIndex is the place of the column named name in sendColumns.
// The names are this file's constants, so a wrong one is a programming
// error, caught when the package initializes, as regexp.MustCompile's are.
func sendColumnIndex(name string) int {
	for i, c := range sendColumns {
		if c.name == name {
			return i
		}
	}
	panic("store: no send column " + name)
}

// postgresParams rewrites the ? placeholders of query, in order, as the
// PostgreSQL parameters of the sendColumns named by params: $n::type, n
// being the column's place in sendColumns. A test holds the counts of
// placeholders and params equal.
func postgresParams(query string, params ...string) string {
	var b strings.Builder
	for _, name := range params {
		before, after, _ := strings.Cut(query, "?")
		i := sendColumnIndex(name)
		b.WriteString(before)
		b.WriteString("$" + strconv.Itoa(i+1) + "::" + sendColumns[i].pgType)
		query = after
	}
	b.WriteString(query)
	return b.String()
}

// postgresSendSelect is the select list postgresSendSQL inserts: the
// caller's parameters, then the counters the statement took (from its CTE
// seq).
func postgresSendSelect() string {
	items := make([]string, len(sendColumns))
	for i, c := range sendColumns {
		if c.allocated != "" {
			items[i] = "seq." + c.allocated
		} else {
			items[i] = "$" + strconv.Itoa(i+1) + "::" + c.pgType
		}
	}
	return strings.Join(items, ", ")
}
