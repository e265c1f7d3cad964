package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Limits SPEC sets on messages.
const (
	MaxMessageContentLength = 4000 // characters
	MaxMessageMetaSize      = 4096 // bytes of compact JSON
	MaxClientMsgIDLength    = 64   // characters
	DefaultMessagesLimit    = 50
	MaxMessagesLimit        = 100
)

type messageRow struct {
	ID          string  `db:"id"`
	RoomID      string  `db:"room_id"`
	SenderID    string  `db:"sender_id"`
	Seq         int64   `db:"seq"`
	Content     string  `db:"content"`
	Meta        *string `db:"meta"`
	ClientMsgID *string `db:"client_msg_id"`
	CreatedAt   int64   `db:"created_at"`
	EditedAt    *int64  `db:"edited_at"`
	DeletedAt   *int64  `db:"deleted_at"`
	// The thread, quote and mentions columns (see 0011): parent_id, the
	// JSON of the quote snapshot and of the mentions, and a parent's
	// thread summary.
	ParentID          *string `db:"parent_id"`
	Quoted            *string `db:"quoted"`
	Mentions          *string `db:"mentions"`
	ReplyCount        int64   `db:"reply_count"`
	LastReplyAt       *int64  `db:"last_reply_at"`
	ReplyParticipants *string `db:"reply_participants"`
	// Attachments is the JSON list of the attachments' snapshots (0014).
	Attachments *string `db:"attachments"`
	// EventSeq is the event the change that produced the row appended.
	EventSeq int64 `db:"-"`
	// Effects are what the send that stored the row changed besides it.
	Effects *SendEffects `db:"-"`
}

const messageColumns = `id, room_id, sender_id, seq, content, meta, client_msg_id, created_at, edited_at, deleted_at, ` + threadColumns

// threadColumns are the columns of 0011 every read of a message takes.
const threadColumns = `parent_id, quoted, mentions, reply_count, last_reply_at, reply_participants, attachments`

func (r messageRow) message() Message {
	m := Message{
		ID:          r.ID,
		RoomID:      r.RoomID,
		SenderID:    r.SenderID,
		Seq:         r.Seq,
		Content:     r.Content,
		ClientMsgID: r.ClientMsgID,
		CreatedAt:   fromMillis(r.CreatedAt),
		EditedAt:    fromNullMillis(r.EditedAt),
		DeletedAt:   fromNullMillis(r.DeletedAt),
		EventSeq:    r.EventSeq,
	}
	if r.Meta != nil {
		m.Meta = []byte(*r.Meta)
	}
	m.ParentID, m.Effects = r.ParentID, r.Effects
	m.Quoted, m.Mentions, m.Thread = decodeRefs(r.Quoted, r.Mentions, r.ReplyCount, r.LastReplyAt, r.ReplyParticipants)
	if r.Attachments != nil {
		m.Attachments = decodeAttachments([]byte(*r.Attachments))
	}
	return m
}

// memberRoom reads the room through q for userID, who must be a member. A
// room that is not the tenant's is ErrNotFound; a room the user is not a
// member of, a ForbiddenError.
func (s *Store) memberRoom(ctx context.Context, q sqlx.QueryerContext, tenantID, roomID, userID string) (roomActorRow, error) {
	room, err := s.roomForActor(ctx, q, tenantID, roomID, userID)
	if err != nil {
		return roomActorRow{}, err
	}
	if room.ActorRole == nil {
		return roomActorRow{}, &ForbiddenError{Message: "not a member of this room"}
	}
	return room, nil
}

// SendMessage stores a message from sender, a member of the room, with the
// room's next seq, and marks the room read for the sender. created is false
// when m.ClientMsgID repeats one of the sender's earlier sends to the room:
// that message is returned and nothing is stored.
//
// The seq comes from incrementing rooms.last_seq in the transaction that
// stores the message: the row lock (PostgreSQL) or the single writer (SQLite)
// makes concurrent sends take 1, 2, 3… and a failed send rolls its increment
// back, so seqs have no gaps.
func (s *Store) SendMessage(ctx context.Context, tenantID, sender, roomID string, m NewMessage) (msg Message, created bool, err error) {
	meta, err := checkNewMessage(&m)
	if err != nil {
		return Message{}, false, err
	}

	// Sends are committed in groups (see groupCommitter).
	res := s.sendsFor(tenantID, roomID).send(&sendRequest{ctx: ctx, tenantID: tenantID, sender: sender, roomID: roomID, m: m, meta: meta})
	if res.err != nil {
		return Message{}, false, res.err
	}
	return res.row.message(), res.created, nil
}

// checkNewMessage is the InvalidError of the first field of m that a send
// refuses before reading anything, else m's meta normalised; it drops
// repeated mentions from m.
func checkNewMessage(m *NewMessage) (meta *string, err error) {
	if err := checkContent(m.Content); err != nil {
		return nil, err
	}
	if meta, err = normalizeObject("meta", m.Meta, MaxMessageMetaSize); err != nil {
		return nil, err
	}
	if m.ClientMsgID != nil {
		if err := checkLength("client_msg_id", *m.ClientMsgID, MaxClientMsgIDLength); err != nil {
			return nil, err
		}
		if err := checkText("client_msg_id", *m.ClientMsgID, false); err != nil {
			return nil, err
		}
	}
	if m.Mentions, err = checkRefs(*m); err != nil {
		return nil, err
	}
	return meta, nil
}

// checkContent is an InvalidError on content unless it is 1 to
// MaxMessageContentLength characters of text (checkText, multiline).
func checkContent(content string) error {
	if err := checkLength("content", content, MaxMessageContentLength); err != nil {
		return err
	}
	return checkText("content", content, true)
}

// checkLength is an InvalidError on field unless v has 1 to maxLen characters.
func checkLength(field, v string, maxLen int) error {
	if n := utf8.RuneCountInString(v); n == 0 || n > maxLen {
		return &InvalidError{Field: field, Message: fmt.Sprintf("must be 1 to %d characters", maxLen)}
	}
	return nil
}

// sendOne stores one validated send in a transaction of its own.
func (s *Store) sendOne(ctx context.Context, tenantID, sender, roomID string, m NewMessage, meta *string) (messageRow, bool, error) {
	var row messageRow
	// A repeated client_msg_id rolls back the seq it took.
	errReplay := errors.New("client_msg_id replayed")
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		// Taking the seqs first locks the room row (PostgreSQL): the checks
		// below then see every earlier send and membership change committed.
		row = newMessageRow(sender, roomID, m, meta, s.nowMillis())
		events := sendEvents(m)
		err := tx.QueryRowxContext(ctx, tx.Rebind(allocateSeqsSQL), 1, events, row.CreatedAt, tenantID, roomID).Scan(&row.Seq, &row.EventSeq)
		row.EventSeq -= events - 1
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("room %s: %w", roomID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("allocate seq: %w", err)
		}
		if _, err := s.memberRoom(ctx, tx, tenantID, roomID, sender); err != nil {
			return err
		}
		if err := s.checkDeferredRules(ctx, tx, tenantID, m); err != nil {
			return err
		}
		if m.ClientMsgID != nil {
			existing, err := s.messageByClientID(ctx, tx, tenantID, roomID, sender, *m.ClientMsgID)
			if err == nil {
				row = existing
				return errReplay
			}
			if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		sends := []refSend{{tenantID: tenantID, m: m, row: &row}}
		var refs *sendRefs
		if sends[0].hasRefs() {
			var refused map[int]error
			if refs, refused, err = resolveRefs(ctx, tx, sends, row.CreatedAt); err != nil {
				return err
			}
			if err := refused[0]; err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(insertMessagesSQL(1)), sendValues(nil, tenantID, &row)...); err != nil {
			return fmt.Errorf("insert message: %w", err)
		}
		if refs != nil {
			effects, err := recordRefs(ctx, tx, sends, refs, row.CreatedAt)
			if err != nil {
				return err
			}
			row.Effects = effects[0]
		}
		return s.advanceAck(ctx, tx, tenantID, roomID, sender, row.Seq)
	})
	switch {
	case errors.Is(err, errReplay):
		return row, false, nil
	case m.ClientMsgID != nil && s.dialect.isUniqueViolation(err):
		// Only under an isolation level stricter than READ COMMITTED can two
		// sends of one client_msg_id both miss the lookup; the UNIQUE
		// constraint stops the second.
		return s.replayAfterConflict(ctx, tenantID, roomID, sender, *m.ClientMsgID, err)
	case err != nil:
		return messageRow{}, false, err
	}
	return row, true, nil
}

// messageByClientIDSQL finds the message a client_msg_id already stored.
const messageByClientIDSQL = `
	SELECT ` + messageColumns + `
	FROM messages
	WHERE tenant_id = ? AND room_id = ? AND sender_id = ? AND client_msg_id = ?`

// replayAfterConflict answers a send that conflict, a unique violation on
// client_msg_id, stopped: a replay, whose answer is the stored message.
func (s *Store) replayAfterConflict(ctx context.Context, tenantID, roomID, sender, clientMsgID string, conflict error) (messageRow, bool, error) {
	existing, err := s.messageByClientID(ctx, s.r, tenantID, roomID, sender, clientMsgID)
	if err != nil {
		return messageRow{}, false, fmt.Errorf("send message: %w", errors.Join(conflict, err))
	}
	return existing, false, nil
}

func (s *Store) messageByClientID(ctx context.Context, q sqlx.QueryerContext, tenantID, roomID, sender, clientMsgID string) (messageRow, error) {
	var row messageRow
	err := sqlx.GetContext(ctx, q, &row, s.w.Rebind(messageByClientIDSQL), tenantID, roomID, sender, clientMsgID)
	if errors.Is(err, sql.ErrNoRows) {
		return messageRow{}, ErrNotFound
	}
	if err != nil {
		return messageRow{}, fmt.Errorf("find message by client_msg_id: %w", err)
	}
	return row, nil
}

// ListMessages returns a page of the room's messages, in ascending seq, to
// one of its members (see MessagePage).
//
// The page query checks membership itself, so a page with messages costs one
// prepared statement; only an empty page reads the room to tell "no such
// room", "not a member" and "no messages there" apart.
func (s *Store) ListMessages(ctx context.Context, tenantID, actor, roomID string, p MessagePage) ([]Message, error) {
	limit, err := pageLimit(p.Limit, DefaultMessagesLimit, MaxMessagesLimit)
	if err != nil {
		return nil, err
	}
	query, args, descending := listMessagesQuery(tenantID, actor, roomID, p, limit)
	st, err := s.reads.get(ctx, s.r.Rebind(query))
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	out, own, err := scanPage(rows, roomID, limit, true)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	if len(out) == 0 {
		if _, err := s.memberRoom(ctx, s.r, tenantID, roomID, actor); err != nil {
			return nil, err
		}
		return out, nil
	}
	if descending {
		slices.Reverse(out)
	}
	if err := attachOwn(out, own); err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	return out, nil
}

// attachOwn gives the messages of a page, in ascending seq, the caller's
// own reactions, pageOwn as pageOwnColumn reads them: "seq type" pairs,
// space-separated, in any order. A message without counts (or deleted)
// shows none. The types of the whole page share one array: two
// allocations a page, not one a message.
func attachOwn(page []Message, pageOwn string) error {
	if pageOwn == "" {
		return nil
	}
	type ownPair struct {
		seq int64
		typ string
	}
	pairs := make([]ownPair, 0, strings.Count(pageOwn, " ")/2+1)
	for pageOwn != "" {
		var seqText, typ string
		seqText, pageOwn, _ = strings.Cut(pageOwn, " ")
		typ, pageOwn, _ = strings.Cut(pageOwn, " ")
		seq, err := strconv.ParseInt(seqText, 10, 64)
		if err != nil || typ == "" {
			return fmt.Errorf("own reactions: bad pair %q %q", seqText, typ)
		}
		pairs = append(pairs, ownPair{seq, typ})
	}
	byPlace := func(a, b ownPair) int {
		if c := cmp.Compare(a.seq, b.seq); c != 0 {
			return c
		}
		return strings.Compare(a.typ, b.typ)
	}
	if !slices.IsSortedFunc(pairs, byPlace) {
		slices.SortFunc(pairs, byPlace)
	}
	types := make([]string, len(pairs))
	for i, p := range pairs {
		types[i] = p.typ
	}
	m := 0
	for start := 0; start < len(pairs); {
		seq, end := pairs[start].seq, start+1
		for end < len(pairs) && pairs[end].seq == seq {
			end++
		}
		for m < len(page) && page[m].Seq < seq {
			m++
		}
		if m < len(page) && page[m].Seq == seq && page[m].Reactions.Counts != nil {
			page[m].Reactions.Own = types[start:end:end]
		}
		start = end
	}
	return nil
}

// scanMessages reads rows of pageColumns and reactionColumns, messages of
// roomID, into Messages and closes rows. It scans by position, without
// sqlx's reflection: on a page of 100 that was a quarter of the server's
// CPU.
func scanMessages(rows *sql.Rows, roomID string, capacity int) ([]Message, error) {
	out, _, err := scanPage(rows, roomID, capacity, false)
	return out, err
}

// scanPage is scanMessages, or with withOwn for rows of pageColumns, the
// counts and pageOwnColumn (listMessagesQuery): the messages with their
// counts, and the page's own reactions for attachOwn.
func scanPage(rows *sql.Rows, roomID string, capacity int, withOwn bool) (out []Message, pageOwn string, err error) {
	defer func() {
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
	}()
	out = make([]Message, 0, capacity)
	var (
		head                string
		meta, clientMsgID   sql.NullString
		editedAt, deletedAt sql.NullInt64
		parentID            sql.NullString
		// Decoded before the next row, so read without a copy.
		quoted, mentions, attachments sql.RawBytes
		thread                        sql.NullString
		reactions, own                sql.NullString
		counts                        []byte // withOwn: the counts alone, one copy
	)
	dest := []any{&head, &meta, &clientMsgID,
		&editedAt, &deletedAt, &parentID, &quoted, &mentions, &thread,
		&attachments, &reactions}
	if withOwn {
		dest[len(dest)-1] = &counts
		dest = append(dest, &own)
	}
	for rows.Next() {
		// Scanned in place: a Message whose fields dest points at would
		// escape, one heap allocation a row (half the bytes a page
		// allocated) only to be copied into out.
		out = append(out, Message{RoomID: roomID})
		m := &out[len(out)-1]
		if err := rows.Scan(dest...); err != nil {
			return nil, "", err
		}
		if err := splitHead(head, m); err != nil {
			return nil, "", err
		}
		if own.Valid {
			pageOwn, own.Valid = own.String, false
		}
		if attachments != nil {
			m.Attachments = decodeAttachments(attachments)
		}
		if parentID.Valid {
			id := parentID.String
			m.ParentID = &id
		}
		if quoted != nil || mentions != nil || thread.Valid {
			replyCount, lastReplyAt, participants, err := splitThread(thread)
			if err != nil {
				return nil, "", err
			}
			m.Quoted, m.Mentions, m.Thread = decodeRefBytes(quoted, mentions, replyCount, &lastReplyAt, []byte(participants))
		}
		if withOwn {
			if counts != nil && !deletedAt.Valid {
				m.Reactions.Counts = counts
			}
		} else {
			m.Reactions = scannedReactions(reactions, deletedAt.Valid)
		}
		if meta.Valid {
			m.Meta = []byte(meta.String)
		}
		if clientMsgID.Valid {
			id := clientMsgID.String
			m.ClientMsgID = &id
		}
		if editedAt.Valid {
			m.EditedAt = fromNullMillis(&editedAt.Int64)
		}
		if deletedAt.Valid {
			m.DeletedAt = fromNullMillis(&deletedAt.Int64)
		}
	}
	return out, pageOwn, rows.Err()
}

// pageColumns are messageColumns but room_id, which a page query fixes,
// with the columns every message has in one (pageHead). A page query names
// the messages table m.
const pageColumns = pageHead + `, m.meta, m.client_msg_id, m.edited_at, m.deleted_at, ` +
	`m.parent_id, m.quoted, m.mentions, ` + pageThread + `, m.attachments`

// pageHead is a message's seq, created_at, id, sender_id and content, in
// that order, separated by a space: one column that splitHead takes apart.
// Every column read from SQLite is two to three calls into the driver, each
// taking the connection's mutex (modernc opens every connection
// SQLITE_OPEN_FULLMUTEX, and nothing lets us open one without), and a text
// or a large integer is two allocations: those five columns were 13 of the
// 28 calls and 8 of the 9 allocations of a plain message's row. None is
// NULL; a message id and a user id hold no space (newID, SPEC's pattern),
// so the content, last, is whatever follows the fourth.
// concat_ws builds the value in one go; a chain of || built (and allocated)
// every prefix of it, which cost SQLite a fifth of what the head saved.
const pageHead = `concat_ws(' ', m.seq, m.created_at, m.id, m.sender_id, m.content)`

// pageThread is a message's thread summary, reply_count, last_reply_at
// and reply_participants (a JSON list of user ids) separated by a space,
// or NULL while it has no replies: one column instead of three, for the
// reason pageHead is one. The three are written together (recordRefs),
// never NULL once a reply counts.
const pageThread = `CASE WHEN m.reply_count > 0 THEN concat_ws(' ', m.reply_count, m.last_reply_at, m.reply_participants) END`

// splitThread takes apart a pageThread value; NULL is no thread (a count
// of 0, which decodeRefs reads as none).
func splitThread(thread sql.NullString) (replyCount, lastReplyAt int64, participants string, err error) {
	if !thread.Valid {
		return 0, 0, "", nil
	}
	countText, rest, ok1 := strings.Cut(thread.String, " ")
	atText, participants, ok2 := strings.Cut(rest, " ")
	replyCount, err1 := strconv.ParseInt(countText, 10, 64)
	lastReplyAt, err2 := strconv.ParseInt(atText, 10, 64)
	if !ok1 || !ok2 || err1 != nil || err2 != nil {
		return 0, 0, "", fmt.Errorf("thread summary: malformed %.60q", thread.String)
	}
	return replyCount, lastReplyAt, participants, nil
}

// splitHead sets m's fields from a pageHead value; the strings share head's
// bytes.
func splitHead(head string, m *Message) error {
	seqText, rest, ok1 := strings.Cut(head, " ")
	createdText, rest, ok2 := strings.Cut(rest, " ")
	id, rest, ok3 := strings.Cut(rest, " ")
	sender, content, ok4 := strings.Cut(rest, " ")
	seq, err1 := strconv.ParseInt(seqText, 10, 64)
	createdAt, err2 := strconv.ParseInt(createdText, 10, 64)
	if !ok1 || !ok2 || !ok3 || !ok4 || err1 != nil || err2 != nil {
		// Not quoted: the head holds the message's content.
		return fmt.Errorf("message head: malformed (%d bytes)", len(head))
	}
	m.Seq, m.CreatedAt, m.ID, m.SenderID, m.Content = seq, fromMillis(createdAt), id, sender, content
	return nil
}

// listMessagesQuery is ListMessages' SQL (before Rebind) for page p with its
// limit resolved. descending says the rows come newest first and must be
// reversed. Every mode reads the (room_id, seq) primary key in order and
// stops after limit rows (store/plan_test.go holds it to that). The EXISTS
// on room_members does not depend on the row, so it is evaluated once (an
// InitPlan on PostgreSQL): a non-member gets no rows. Each message's
// reaction counts are a column of its row; the caller's own reactions of
// the whole page are one range of reactions_user, read once (pageOwnColumn)
// between the page's first and last seq, which the CTE page_bounds finds by
// the same window over the primary key: no lookup per message.
//
// page_bounds reads (room_id, seq) alone, so that PostgreSQL answers it from
// the primary key's index without visiting the rows (an Index Only Scan):
// on a page whose rows reactions and replies have rewritten, the rows lie
// on as many heap pages as messages, and reading them twice, for the bounds
// and for the page, was a third of the backend's extra cost of a rich page
// over a plain one. It needs no tenant_id: a room id is unique across
// tenants (rooms' primary key), the bounds only narrow the own reactions'
// range, and the page's rows themselves are the tenant's.
func listMessagesQuery(tenantID, actor, roomID string, p MessagePage, limit int) (query string, args []any, descending bool) {
	filter := ``
	if p.TopLevel {
		filter = ` AND m.parent_id IS NULL`
	}
	bounds, boundArgs, _ := pageWindow(`
		SELECT m.seq FROM messages m
		WHERE m.room_id = ?`+filter, []any{roomID}, p, limit)
	query, args = `
		WITH page_bounds AS MATERIALIZED (SELECT MIN(b.seq) AS lo, MAX(b.seq) AS hi FROM (`+bounds+`) b)
		SELECT `+pageColumns+`, m.reaction_counts,`+pageOwnColumn+`
		FROM messages m
		WHERE m.tenant_id = ? AND m.room_id = ?
		AND EXISTS (SELECT 1 FROM room_members WHERE room_id = ? AND user_id = ?)`+filter,
		append(boundArgs, roomID, actor, tenantID, roomID, roomID, actor)
	return pageWindow(query, args, p, limit)
}

// pageOwnColumn is, on the row of the page's last seq (page_bounds.hi) and
// NULL on the others, the reactions of the user bound to the second
// placeholder (the room bound to the first) to the messages of the page:
// "seq type" pairs, space-separated (a type has no whitespace). Both
// subqueries are uncorrelated, so each is evaluated once a page (an
// InitPlan on PostgreSQL).
const pageOwnColumn = `
	CASE WHEN m.seq = (SELECT hi FROM page_bounds) THEN (
		SELECT string_agg(r.message_seq || ' ' || r.type, ' ') FROM reactions r, page_bounds pb
		WHERE r.room_id = ? AND r.user_id = ? AND r.message_seq >= pb.lo AND r.message_seq <= pb.hi)
	END AS page_own`

// pageWindow adds p's window, order and limit to a page query, whose
// messages table is m: the first limit messages after p.AfterSeq (below
// p.BeforeSeq, if given), or without p.AfterSeq the last limit below
// p.BeforeSeq, newest first (descending).
//
// Every page is bounded on both sides, a missing bound by the extreme
// int64, so that PostgreSQL runs a page from its cached plan. After five
// executions of a prepared statement it compares the plan for any
// arguments (the generic one) with those it made for each call's, and
// keeps planning anew while the generic one's estimate is the higher. With
// one bound it guesses a third of the room's rows for "m.seq > $1", and a
// tenth of those for the LIMIT, and pays for a longer walk than the plans
// for the real arguments, which know the LIMIT; planning a rich page each
// time cost more than running it (BENCHMARKS.md, issue 14, fourth pass). A
// range's guess is half a percent of the rows, which no real page's plan
// undercuts. The walk is the same (the primary key, in order, stopping at
// the limit), on SQLite too; store/plan_test.go holds both to it.
func pageWindow(query string, args []any, p MessagePage, limit int) (string, []any, bool) {
	after, before := int64(math.MinInt64), int64(math.MaxInt64)
	if p.AfterSeq != nil {
		after = *p.AfterSeq
	}
	if p.BeforeSeq != nil {
		before = *p.BeforeSeq
	}
	order, descending := ` ORDER BY m.seq`, p.AfterSeq == nil
	if descending {
		order += ` DESC`
	}
	return query + ` AND m.seq > ? AND m.seq < ?` + order + ` LIMIT ?`, append(args, after, before, limit), descending
}

// advanceAck sets a member's last_ack to seq unless it is already past it.
func (s *Store) advanceAck(ctx context.Context, tx *sqlx.Tx, tenantID, roomID, userID string, seq int64) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(advanceAckSQL), seq, tenantID, roomID, userID, seq)
	if err != nil {
		return fmt.Errorf("advance ack: %w", err)
	}
	return nil
}

// messageForActor reads a message of a room actor is a member of, with the
// room (for actor's role).
func (s *Store) messageForActor(ctx context.Context, tx *sqlx.Tx, tenantID, actor, roomID, messageID string) (messageRow, roomActorRow, error) {
	room, err := s.memberRoom(ctx, tx, tenantID, roomID, actor)
	if err != nil {
		return messageRow{}, roomActorRow{}, err
	}
	var row messageRow
	err = tx.GetContext(ctx, &row, tx.Rebind(`
		SELECT `+messageColumns+`
		FROM messages
		WHERE tenant_id = ? AND room_id = ? AND id = ?`), tenantID, roomID, messageID)
	if errors.Is(err, sql.ErrNoRows) {
		return messageRow{}, roomActorRow{}, fmt.Errorf("message %s: %w", messageID, ErrNotFound)
	}
	if err != nil {
		return messageRow{}, roomActorRow{}, fmt.Errorf("read message: %w", err)
	}
	return row, room, nil
}

// EditMessage changes a message's content or meta and sets edited_at. Only
// its sender, still a member, may; a deleted message is a ConflictError.
func (s *Store) EditMessage(ctx context.Context, tenantID, actor, roomID, messageID string, u MessageUpdate) (Message, error) {
	if u.Content == nil && u.Meta == nil && u.Attachments == nil {
		return Message{}, &InvalidError{Field: "content", Message: "give content, meta or attachments to change"}
	}
	if u.Attachments != nil {
		if err := checkAttachments(*u.Attachments); err != nil {
			return Message{}, err
		}
	}
	if u.Content != nil {
		if err := checkContent(*u.Content); err != nil {
			return Message{}, err
		}
	}
	var meta *string
	if u.Meta != nil {
		m, err := normalizeObject("meta", u.Meta, MaxMessageMetaSize)
		if err != nil {
			return Message{}, err
		}
		meta = m
	}

	var (
		out       messageRow
		reactions Reactions
	)
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		// The room's lock (the event_seq) before the message's row, the
		// order every change of a message takes (see 0016); a refusal
		// rolls back and gives the event_seq back.
		eventSeq, err := nextEventSeq(ctx, tx, tenantID, roomID)
		if err != nil {
			return err
		}
		row, _, err := s.messageForActor(ctx, tx, tenantID, actor, roomID, messageID)
		if err != nil {
			return err
		}
		if row.SenderID != actor {
			return &ForbiddenError{Message: "only the sender may edit a message"}
		}
		if row.DeletedAt != nil {
			return &ConflictError{Field: "message_id", Message: "the message is deleted"}
		}
		if u.Content != nil {
			row.Content = *u.Content
		}
		if u.Meta != nil {
			row.Meta = meta
		}
		now := s.nowMillis()
		row.EditedAt = &now
		// deleted_at IS NULL again: a delete may have committed since the read.
		res, err := tx.ExecContext(ctx, tx.Rebind(`
			UPDATE messages SET content = ?, meta = ?, edited_at = ?
			WHERE tenant_id = ? AND room_id = ? AND id = ? AND deleted_at IS NULL`),
			row.Content, row.Meta, row.EditedAt, tenantID, roomID, messageID)
		if err != nil {
			return fmt.Errorf("edit message: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("edit message: %w", err)
		} else if n == 0 {
			return &ConflictError{Field: "message_id", Message: "the message is deleted"}
		}
		row.EventSeq = eventSeq
		if u.Attachments != nil {
			// The room's lock before the uploads', as a send takes them.
			if row.Attachments, err = replaceAttachments(ctx, tx, tenantID, row, *u.Attachments); err != nil {
				return err
			}
		}
		if err := insertMessageEvent(ctx, tx, tenantID, EventMessageUpdated, actor, row, now); err != nil {
			return err
		}
		out = row
		// An edit keeps the message's reactions.
		reactions, err = s.reactionsFor(ctx, tx, row, actor)
		return err
	})
	if err != nil {
		return Message{}, err
	}
	msg := out.message()
	msg.Reactions = reactions
	return msg, nil
}

// DeleteMessage soft-deletes a message: its content and meta are emptied,
// deleted_at is set, its seq stays taken. Its sender or a room admin may;
// deleting a deleted message returns it unchanged.
func (s *Store) DeleteMessage(ctx context.Context, tenantID, actor, roomID, messageID string) (Message, error) {
	var out messageRow
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		// The room's lock (the event_seq) before the message's row, as an
		// edit takes them; a delete that changes nothing rolls back and
		// gives the event_seq back.
		eventSeq, err := nextEventSeq(ctx, tx, tenantID, roomID)
		if err != nil {
			return err
		}
		row, room, err := s.messageForActor(ctx, tx, tenantID, actor, roomID, messageID)
		if err != nil {
			return err
		}
		if row.SenderID != actor && !room.actorIsAdmin() {
			return &ForbiddenError{Message: "only the sender or a room admin may delete a message"}
		}
		if row.DeletedAt != nil {
			out = row
			return errUnchanged
		}
		now := s.nowMillis()
		// deleted_at IS NULL again: another delete may have committed since
		// the read, and a message is deleted (and its event appended) once.
		// RETURNING gives the event an edit committed since the read.
		err = tx.QueryRowxContext(ctx, tx.Rebind(`
			UPDATE messages SET content = '', meta = NULL, quoted = NULL, attachments = NULL, deleted_at = ?
			WHERE tenant_id = ? AND room_id = ? AND id = ? AND deleted_at IS NULL
			RETURNING `+messageColumns),
			now, tenantID, roomID, messageID).StructScan(&row)
		if errors.Is(err, sql.ErrNoRows) {
			if out, _, err = s.messageForActor(ctx, tx, tenantID, actor, roomID, messageID); err != nil {
				return err
			}
			return errUnchanged
		}
		if err != nil {
			return fmt.Errorf("delete message: %w", err)
		}
		row.EventSeq = eventSeq
		if err := insertMessageEvent(ctx, tx, tenantID, EventMessageDeleted, actor, row, now); err != nil {
			return err
		}
		out = row
		return nil
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		return Message{}, err
	}
	return out.message(), nil
}

// insertMessageEvent appends the typ event of the message row, changed by
// actor at now in tx, at row.EventSeq, which the caller took first.
func insertMessageEvent(ctx context.Context, tx *sqlx.Tx, tenantID string, typ EventType, actor string, row messageRow, now int64) error {
	ev, err := newEvent(typ, actor, messageBody(row), now)
	if err != nil {
		return err
	}
	ev.MessageSeq, ev.EventSeq = &row.Seq, row.EventSeq
	return insertEvents(ctx, tx, tenantID, row.RoomID, []eventRow{ev})
}
