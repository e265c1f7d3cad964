package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// EventType is the wire name of a room event, as asyncapi.yaml names it.
type EventType string

// The changes a room's event log records.
const (
	EventMessage        EventType = "message"
	EventMessageUpdated EventType = "message.updated"
	EventMessageDeleted EventType = "message.deleted"
	EventMemberJoined   EventType = "member.joined"
	EventMemberLeft     EventType = "member.left"
	EventRoomUpdated    EventType = "room.updated"
)

// Limits of the log listings.
const (
	DefaultEventsLimit = 100
	MaxEventsLimit     = 500
)

// RoomEvent is one entry of a room's event log: a change, with its place in
// the room's order.
type RoomEvent struct {
	RoomID   string
	EventSeq int64
	Type     EventType
	// UserID is the member who joined or left; for the other events, the
	// user who made the change.
	UserID    string
	CreatedAt time.Time
	// MessageSeq is the seq of the message the event is about, for the
	// message events; 0 for the others.
	MessageSeq int64
	// Frame is the event as a client receives it: the JSON object
	// asyncapi.yaml gives the event type, with event_seq and occurred_at.
	Frame json.RawMessage
}

// GoneError refuses a read of the log that needs events the retention has
// pruned: the reader must reload what it shows and continue from a new
// place. It wraps ErrGone.
type GoneError struct {
	Message string
	// Cursor is, for Sync, a fresh cursor to continue from after reloading.
	Cursor *SyncCursor
	// LastEventSeq is, for ListRoomEvents, the room's last event_seq, to
	// continue from after reloading the room.
	LastEventSeq int64
}

func (e *GoneError) Error() string { return e.Message }

// Unwrap makes errors.Is(err, ErrGone) true.
func (e *GoneError) Unwrap() error { return ErrGone }

// The bodies of the events as stored in room_events, version
// eventPayloadVersion: explicit wire types, never store structs serialised
// by field name, so that the stored log keeps its meaning when the Go types
// change. A body holds what asyncapi.yaml gives the event but the fields of
// its row (type, room_id, event_seq, occurred_at and a message's seq),
// which eventFrame adds when the event is read. A message's own event (type
// message) has no stored body: it is the messages row, sent with the
// room's event_seq, encoded with messageBodyV1 when read.
const eventPayloadVersion = 1

type messageBodyV1 struct {
	MessageID   string          `json:"message_id"`
	SenderID    string          `json:"sender_id"`
	Content     string          `json:"content"`
	Meta        json.RawMessage `json:"meta"`
	ClientMsgID *string         `json:"client_msg_id"`
	CreatedAt   time.Time       `json:"created_at"`
	EditedAt    *time.Time      `json:"edited_at"`
	DeletedAt   *time.Time      `json:"deleted_at"`
	// A reply's parent, the quote's snapshot (quoteV1) and the mentions
	// (a JSON array), left out when the message has none.
	ParentID *string         `json:"parent_id,omitempty"`
	Quoted   json.RawMessage `json:"quoted,omitempty"`
	Mentions json.RawMessage `json:"mentions,omitempty"`
	// The attachments' snapshots (attachmentV1), without their signed
	// URLs, which only the edge can sign.
	Attachments json.RawMessage `json:"attachments,omitempty"`
}

func messageBody(r messageRow) messageBodyV1 {
	b := messageBodyV1{
		MessageID: r.ID, SenderID: r.SenderID, Content: r.Content, ClientMsgID: r.ClientMsgID,
		CreatedAt: fromMillis(r.CreatedAt), EditedAt: fromNullMillis(r.EditedAt), DeletedAt: fromNullMillis(r.DeletedAt),
	}
	if r.Meta != nil {
		b.Meta = json.RawMessage(*r.Meta)
	}
	b.ParentID = r.ParentID
	if r.Quoted != nil {
		b.Quoted = json.RawMessage(*r.Quoted)
	}
	if r.Mentions != nil {
		b.Mentions = json.RawMessage(*r.Mentions)
	}
	if r.Attachments != nil {
		b.Attachments = json.RawMessage(*r.Attachments)
	}
	return b
}

// roomBodyV1 is a room as GET /rooms/{room_id} shows it.
type roomBodyV1 struct {
	RoomID      string          `json:"room_id"`
	Type        RoomType        `json:"type"`
	Name        *string         `json:"name"`
	UniqueKey   *string         `json:"unique_key"`
	Metadata    json.RawMessage `json:"metadata"`
	LastSeq     int64           `json:"last_seq"`
	MemberCount int             `json:"member_count"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	// The room controls (0018); absent from events stored before them,
	// which read as off.
	SlowModeSeconds int  `json:"slow_mode_seconds"`
	Frozen          bool `json:"frozen"`
}

func roomBody(r roomRow) roomBodyV1 {
	meta := json.RawMessage(r.Metadata)
	if len(meta) == 0 {
		meta = json.RawMessage(`{}`)
	}
	return roomBodyV1{
		RoomID: r.ID, Type: RoomType(r.Type), Name: r.Name, UniqueKey: r.UniqueKey, Metadata: meta,
		LastSeq: r.LastSeq, MemberCount: r.MemberCount, CreatedAt: fromMillis(r.CreatedAt), UpdatedAt: fromMillis(r.UpdatedAt),
		SlowModeSeconds: r.SlowModeSeconds, Frozen: r.Frozen,
	}
}

// memberJoinedBodyV1 carries the room as it was when the member joined, so
// that a user who joined while away learns the room from the event.
type memberJoinedBodyV1 struct {
	UserID string     `json:"user_id"`
	Role   Role       `json:"role"`
	Room   roomBodyV1 `json:"room"`
}

type memberLeftBodyV1 struct {
	UserID string `json:"user_id"`
}

type roomUpdatedBodyV1 struct {
	Room roomBodyV1 `json:"room"`
}

// eventRow is an event to store in room_events. MessageSeq is set for
// message.updated and message.deleted.
type eventRow struct {
	Type       EventType
	UserID     string
	MessageSeq *int64
	Payload    []byte
	CreatedAt  int64
	EventSeq   int64
}

// newEvent encodes body as the payload of an event of typ.
func newEvent(typ EventType, userID string, body any, now int64) (eventRow, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return eventRow{}, fmt.Errorf("encode %s event: %w", typ, err)
	}
	return eventRow{Type: typ, UserID: userID, Payload: payload, CreatedAt: now}, nil
}

// eventInsertColumns are the columns of room_events an append writes, in the
// order of eventValues and then the two seqs.
const eventInsertColumns = `tenant_id, room_id, type, user_id, payload_version, payload, created_at, message_seq, event_seq`

// eventValues are an event's values in eventInsertColumns order, but the
// two seqs.
func eventValues(tenantID, roomID string, e eventRow) []any {
	return []any{tenantID, roomID, string(e.Type), e.UserID, eventPayloadVersion, string(e.Payload), e.CreatedAt}
}

// insertEventsSQL stores n events (in SQLite's placeholders); their values
// are eventValues and the two seqs, event after event.
func insertEventsSQL(n int) string {
	var q strings.Builder
	q.WriteString(`INSERT INTO room_events (` + eventInsertColumns + `) VALUES `)
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	return q.String()
}

// eventInsertBatch rows per INSERT keep the parameters (9 a row) far below
// both databases' limits.
const eventInsertBatch = 100

// insertEvents stores events of a room whose EventSeq is set.
func insertEvents(ctx context.Context, tx *sqlx.Tx, tenantID, roomID string, events []eventRow) error {
	for start := 0; start < len(events); start += eventInsertBatch {
		batch := events[start:min(start+eventInsertBatch, len(events))]
		args := make([]any, 0, 9*len(batch))
		for _, e := range batch {
			args = append(append(args, eventValues(tenantID, roomID, e)...), e.MessageSeq, e.EventSeq)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(insertEventsSQL(len(batch))), args...); err != nil {
			return fmt.Errorf("append events: %w", err)
		}
	}
	return nil
}

// nextEventSeq takes the room's next event_seq in tx. On PostgreSQL the
// UPDATE locks the room's row until tx ends, so the transactions that append
// to one room commit in event_seq order, and a rollback gives the number
// back: the log has no gaps.
func nextEventSeq(ctx context.Context, tx *sqlx.Tx, tenantID, roomID string) (int64, error) {
	var seq int64
	err := tx.GetContext(ctx, &seq, tx.Rebind(`
		UPDATE rooms SET last_event_seq = last_event_seq + 1
		WHERE tenant_id = ? AND id = ?
		RETURNING last_event_seq`), tenantID, roomID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("room %s: %w", roomID, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("allocate event_seq: %w", err)
	}
	return seq, nil
}

// appendEvent appends e to the room's log in tx, the transaction of the
// change it records, and returns its event_seq.
func appendEvent(ctx context.Context, tx *sqlx.Tx, tenantID, roomID string, e eventRow) (int64, error) {
	seq, err := nextEventSeq(ctx, tx, tenantID, roomID)
	if err != nil {
		return 0, err
	}
	e.EventSeq = seq
	if err := insertEvents(ctx, tx, tenantID, roomID, []eventRow{e}); err != nil {
		return 0, err
	}
	return seq, nil
}

// readEvents returns up to limit events of the room with after < event_seq
// (and event_seq <= upto when upto > 0), in event_seq order: the rows of
// room_events merged with the messages sent in that range, each a message
// event. One statement, so that both are read from one snapshot: two reads
// could see a message that committed after a change the first read missed,
// a gap a reader would step over.
func (s *Store) readEvents(ctx context.Context, tenantID, roomID string, after, upto int64, limit int) ([]RoomEvent, error) {
	query, args := s.dialect.readEventsQuery(tenantID, roomID, after, upto, limit)
	st, err := s.reads.get(ctx, s.r.Rebind(query))
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	out := make([]RoomEvent, 0, min(limit, 64))
	for rows.Next() {
		var (
			e              RoomEvent
			typ            string
			messageSeq     sql.NullInt64
			version        sql.NullInt64
			payload        []byte
			createdAt      int64
			messageDeleted sql.NullInt64
			// The message of a message event; NULL for the others.
			id, content sql.NullString
			msg         messageRow
		)
		if err := rows.Scan(&e.EventSeq, &typ, &e.UserID, &messageSeq, &version, &payload, &createdAt, &messageDeleted,
			&id, &content, &msg.Meta, &msg.ClientMsgID, &msg.EditedAt, &msg.ParentID, &msg.Quoted, &msg.Mentions, &msg.Attachments); err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		e.RoomID, e.Type, e.CreatedAt = roomID, EventType(typ), fromMillis(createdAt)
		var seq *int64
		if messageSeq.Valid {
			seq = &messageSeq.Int64
			e.MessageSeq = messageSeq.Int64
		}
		switch {
		case e.Type == EventMessage:
			// The message as it is now; its changes follow in the log.
			msg.ID, msg.RoomID, msg.SenderID, msg.Seq, msg.Content, msg.CreatedAt = id.String, roomID, e.UserID, messageSeq.Int64, content.String, createdAt
			if messageDeleted.Valid {
				msg.DeletedAt = &messageDeleted.Int64
			}
			e.Frame, err = messageEventFrame(e, msg)
		case e.Type == EventMessageUpdated && messageDeleted.Valid:
			if payload, err = redactMessage(payload, messageDeleted.Int64); err == nil {
				e.Frame, err = eventFrame(e, seq, payload)
			}
		default:
			e.Frame, err = eventFrame(e, seq, payload)
		}
		if err != nil {
			return nil, fmt.Errorf("event %d of room %s: %w", e.EventSeq, roomID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return out, nil
}

// readEventsQuery is readEvents' SQL (before Rebind) and arguments. Each
// side reads its rows through an index in event_seq order (the room_events
// primary key, messages_room_event); the dialect puts the two together
// (eventsInOrder), reading no more of either than the page takes, and
// store/plan_test.go holds both to that. A change carries the deletion
// time of the message it is about (by the messages primary key), so that a
// deleted message's edits are served without its words.
func (d dialect) readEventsQuery(tenantID, roomID string, after, upto int64, limit int) (string, []any) {
	bound := func(col string) string {
		if upto > 0 {
			return ` AND ` + col + ` <= ?`
		}
		return ""
	}
	changes := `
		SELECT e.event_seq, e.type, e.user_id, e.message_seq, e.payload_version, e.payload, e.created_at,
			(SELECT m.deleted_at FROM messages m WHERE m.room_id = e.room_id AND m.seq = e.message_seq) AS message_deleted_at,
			CAST(NULL AS TEXT) AS message_id, CAST(NULL AS TEXT) AS content, CAST(NULL AS TEXT) AS meta,
			CAST(NULL AS TEXT) AS client_msg_id, CAST(NULL AS BIGINT) AS edited_at,
			CAST(NULL AS TEXT) AS parent_id, CAST(NULL AS TEXT) AS quoted, CAST(NULL AS TEXT) AS mentions,
			CAST(NULL AS TEXT) AS attachments
		FROM room_events e
		WHERE e.tenant_id = ? AND e.room_id = ? AND e.event_seq > ?` + bound("e.event_seq")
	sent := `
		SELECT m.event_seq, '` + string(EventMessage) + `', m.sender_id, m.seq, CAST(NULL AS INTEGER), CAST(NULL AS TEXT), m.created_at,
			m.deleted_at, m.id, m.content, m.meta, m.client_msg_id, m.edited_at,
			m.parent_id, m.quoted, m.mentions, m.attachments
		FROM messages m
		WHERE m.tenant_id = ? AND m.room_id = ? AND m.event_seq > ?` + bound("m.event_seq")
	side := []any{tenantID, roomID, after}
	if upto > 0 {
		side = append(side, upto)
	}
	return d.eventsInOrder(changes, sent, side, limit)
}

// redactMessage empties the content and meta of a message body whose
// message has since been deleted, as the delete empties the message: a
// deleted message's words are never served again, by the log either. It
// works on the fields by name, whatever the body's version.
func redactMessage(payload []byte, deletedAt int64) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(payload, &fields); err != nil {
		return nil, fmt.Errorf("decode message body: %w", err)
	}
	at, err := json.Marshal(fromMillis(deletedAt))
	if err != nil {
		return nil, err
	}
	fields["content"], fields["meta"], fields["deleted_at"] = json.RawMessage(`""`), json.RawMessage(`null`), at
	delete(fields, "quoted") // a deleted message's quote goes with its words
	return json.Marshal(fields)
}

// messageEventFrame is the frame of the message event e of msg:
// eventFrame(e, &msg.Seq, the JSON of messageBody(msg)), byte for byte
// (TestMessageEventFrame holds it to that), written straight from the row.
// A resume is mostly message events, and encoding each body through
// encoding/json's reflection, then splicing it, was most of what a page
// cost after the query.
func messageEventFrame(e RoomEvent, msg messageRow) (json.RawMessage, error) {
	b := make([]byte, 0, 320+len(msg.Content))
	b = append(b, `{"type":"`...)
	b = append(b, e.Type...)
	b = append(b, `","room_id":`...)
	b = appendJSONString(b, e.RoomID)
	b = append(b, `,"event_seq":`...)
	b = strconv.AppendInt(b, e.EventSeq, 10)
	b = append(b, `,"occurred_at":"`...)
	b = e.CreatedAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","seq":`...)
	b = strconv.AppendInt(b, msg.Seq, 10)
	// The fields of messageBodyV1, in its order.
	b = append(b, `,"message_id":`...)
	b = appendJSONString(b, msg.ID)
	b = append(b, `,"sender_id":`...)
	b = appendJSONString(b, msg.SenderID)
	b = append(b, `,"content":`...)
	b = appendJSONString(b, msg.Content)
	b = append(b, `,"meta":`...)
	if msg.Meta == nil {
		b = append(b, "null"...)
	} else {
		// As encoding/json encodes the RawMessage field: compacted, HTML
		// escaped, refused when it is not JSON.
		meta, err := json.Marshal(json.RawMessage(*msg.Meta))
		if err != nil {
			return nil, err
		}
		b = append(b, meta...)
	}
	b = append(b, `,"client_msg_id":`...)
	if msg.ClientMsgID == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, *msg.ClientMsgID)
	}
	var err error
	b = append(b, `,"created_at":`...)
	if b, err = appendJSONMillis(b, &msg.CreatedAt); err != nil {
		return nil, err
	}
	b = append(b, `,"edited_at":`...)
	if b, err = appendJSONMillis(b, msg.EditedAt); err != nil {
		return nil, err
	}
	b = append(b, `,"deleted_at":`...)
	if b, err = appendJSONMillis(b, msg.DeletedAt); err != nil {
		return nil, err
	}
	if msg.ParentID != nil {
		b = append(b, `,"parent_id":`...)
		b = appendJSONString(b, *msg.ParentID)
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{`,"quoted":`, msg.Quoted}, {`,"mentions":`, msg.Mentions}, {`,"attachments":`, msg.Attachments}} {
		if f.v == nil {
			continue
		}
		// As encoding/json encodes the RawMessage fields (see meta).
		raw, err := json.Marshal(json.RawMessage(*f.v))
		if err != nil {
			return nil, err
		}
		b = append(b, f.name...)
		b = append(b, raw...)
	}
	return append(b, '}'), nil
}

// appendJSONMillis appends the time of unix milliseconds ms as
// encoding/json encodes fromMillis(ms), or null for nil.
func appendJSONMillis(b []byte, ms *int64) ([]byte, error) {
	if ms == nil {
		return append(b, "null"...), nil
	}
	// time.Time's MarshalJSON refuses years it cannot write as RFC 3339;
	// its error is kept.
	t := fromMillis(*ms)
	if y := t.Year(); y < 0 || y > 9999 {
		_, err := t.MarshalJSON()
		return nil, err
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// appendJSONString appends s as encoding/json encodes it. Printable ASCII
// without the characters it escapes (quote, backslash and, by default,
// < > &) is copied; anything else is left to encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s) // a string always encodes
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// eventFrame is the event as a client receives it: the row's fields, then
// the stored body's. Spliced, not decoded: the body was encoded once, when
// the change was stored.
func eventFrame(e RoomEvent, messageSeq *int64, payload []byte) (json.RawMessage, error) {
	body := bytes.TrimSpace(payload)
	if len(body) < 2 || body[0] != '{' || body[len(body)-1] != '}' {
		return nil, errors.New("stored event body is not a JSON object")
	}
	roomID, err := json.Marshal(e.RoomID)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(body)+160)
	b = append(b, `{"type":"`...)
	b = append(b, e.Type...)
	b = append(b, `","room_id":`...)
	b = append(b, roomID...)
	b = append(b, `,"event_seq":`...)
	b = strconv.AppendInt(b, e.EventSeq, 10)
	b = append(b, `,"occurred_at":"`...)
	b = e.CreatedAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if messageSeq != nil {
		b = append(b, `,"seq":`...)
		b = strconv.AppendInt(b, *messageSeq, 10)
	}
	if inner := bytes.TrimSpace(body[1 : len(body)-1]); len(inner) > 0 {
		b = append(b, ',')
		b = append(b, inner...)
	}
	return append(b, '}'), nil
}

// ListRoomEvents returns the room's log after event_seq after (from its
// oldest kept event when after is nil), in event_seq order, at most limit
// events (0: DefaultEventsLimit), to a user who may read the room: members,
// and any user of the tenant in a channel. An after older than what the
// retention kept is a GoneError.
func (s *Store) ListRoomEvents(ctx context.Context, tenantID, actor, roomID string, after *int64, limit int) ([]RoomEvent, error) {
	limit, err := pageLimit(limit, DefaultEventsLimit, MaxEventsLimit)
	if err != nil {
		return nil, err
	}
	if after != nil && *after < 0 {
		return nil, &InvalidError{Field: "after", Message: "must not be negative"}
	}
	room, err := s.visibleRoom(ctx, tenantID, actor, roomID)
	if err != nil {
		return nil, err
	}
	from := room.PrunedEventSeq
	if after != nil {
		from = *after
	}
	gone := &GoneError{
		Message:      "the room's events after this event_seq are past the retention; reload the room and continue from details.last_event_seq",
		LastEventSeq: room.LastEventSeq,
	}
	if from < room.PrunedEventSeq {
		return nil, gone
	}
	events, err := s.readEvents(ctx, tenantID, roomID, from, 0, limit)
	if err != nil {
		return nil, err
	}
	// Pruning may have run since the room was read: the log has no gaps, so
	// the first event must follow from at once.
	if (len(events) > 0 && events[0].EventSeq != from+1) || (len(events) == 0 && from < room.LastEventSeq) {
		return nil, gone
	}
	return events, nil
}

// RoomEventsAfter returns up to limit (1 to MaxEventsLimit) events of the
// room with after < event_seq <= upto, in event_seq order, with no actor
// check: realtime delivery reads the log with it where its live stream has a
// gap. Events the retention pruned are simply not there: the caller sees
// where the returned run starts.
func (s *Store) RoomEventsAfter(ctx context.Context, tenantID, roomID string, after, upto int64, limit int) ([]RoomEvent, error) {
	limit, err := pageLimit(limit, MaxEventsLimit, MaxEventsLimit)
	if err != nil {
		return nil, err
	}
	if upto <= after {
		return nil, nil
	}
	return s.readEvents(ctx, tenantID, roomID, after, upto, limit)
}

// pruneBatchSQL finds a batch of the oldest events through
// room_events_created: each room it reaches, with its newest event in the
// batch.
const pruneBatchSQL = `
	SELECT room_id, MAX(event_seq) AS upto
	FROM (SELECT room_id, event_seq FROM room_events WHERE created_at < ? ORDER BY created_at LIMIT ?) oldest
	GROUP BY room_id
	ORDER BY room_id`

// PruneEvents deletes the room events created before before, oldest first,
// in transactions of at most batch events (0: 1000) so that the writer is
// never held long, until none is left or ctx ends, and returns how many it
// deleted. A room's log stays a contiguous run that ends with its newest
// event: a batch deletes, in each room it reaches, everything up to the
// newest of the batch's events there, and records that in
// rooms.pruned_event_seq, which readers compare their place with. The
// messages sent before that place leave the log with it (they stay
// messages); a room that only gets messages keeps them in its log as long
// as they exist.
func (s *Store) PruneEvents(ctx context.Context, before time.Time, batch int) (int64, error) {
	if batch <= 0 {
		batch = 1000
	}
	var total int64
	for ctx.Err() == nil {
		var deleted int64
		err := s.withTx(ctx, func(tx *sqlx.Tx) error {
			var ends []struct {
				RoomID string `db:"room_id"`
				Upto   int64  `db:"upto"`
			}
			// Rooms in id order: two pruners (two instances) lock them in
			// the same order.
			if err := tx.SelectContext(ctx, &ends, tx.Rebind(pruneBatchSQL), before.UnixMilli(), batch); err != nil {
				return fmt.Errorf("prune events: %w", err)
			}
			for _, end := range ends {
				if _, err := tx.ExecContext(ctx, tx.Rebind(`
					UPDATE rooms SET pruned_event_seq = ?
					WHERE id = ? AND pruned_event_seq < ?`), end.Upto, end.RoomID, end.Upto); err != nil {
					return fmt.Errorf("prune events: %w", err)
				}
				res, err := tx.ExecContext(ctx, tx.Rebind(`
					DELETE FROM room_events WHERE room_id = ? AND event_seq <= ?`), end.RoomID, end.Upto)
				if err != nil {
					return fmt.Errorf("prune events: %w", err)
				}
				n, err := res.RowsAffected()
				if err != nil {
					return fmt.Errorf("prune events: %w", err)
				}
				deleted += n
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += deleted
		if deleted == 0 {
			break
		}
	}
	return total, ctx.Err()
}
