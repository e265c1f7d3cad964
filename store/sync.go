package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// MaxSyncCursorLength bounds a cursor's text: about 5,000 rooms.
const MaxSyncCursorLength = 65536

// SyncCursor is a user's place in the logs of their rooms: for each room,
// by its number in the tenant, the last event_seq the user was given. The
// zero value names no room.
//
// It also holds when Sync made it (unix milliseconds, 0 when unknown): a
// live client may be given a room joined after that, which the cursor does
// not name, and must learn when it has left it again (see Sync).
//
// Its text (String, ParseSyncCursor) is "v1", then ".t<time>" when the time
// is known, then ".<room>-<event_seq>" per room, all numbers in base 36: a
// few characters a room, so that the cursor of a user in hundreds of rooms
// still fits a URL, and nothing has to be kept on the server for it. Every
// string of that form is a cursor Sync can act on (a room the user never was
// in adds nothing), so the contract's pattern tells exactly which cursors
// are valid. Clients treat it as opaque.
type SyncCursor struct {
	pos map[int64]int64
	at  int64
}

// syncCursorVersion starts a cursor's text; a cursor of another form is
// refused, not guessed at.
const syncCursorVersion = "v1"

// maxBase36Digits keeps a number of the cursor within int64.
const maxBase36Digits = 12

// String is the cursor's text.
func (c SyncCursor) String() string {
	var b strings.Builder
	b.WriteString(syncCursorVersion)
	if c.at > 0 {
		b.WriteString(".t")
		b.WriteString(strconv.FormatInt(c.at, 36))
	}
	for _, num := range slices.Sorted(maps.Keys(c.pos)) {
		b.WriteByte('.')
		b.WriteString(strconv.FormatInt(num, 36))
		b.WriteByte('-')
		b.WriteString(strconv.FormatInt(c.pos[num], 36))
	}
	return b.String()
}

// ParseSyncCursor reads a cursor's text; anything but the form String
// writes is an InvalidError on cursor.
func ParseSyncCursor(text string) (SyncCursor, error) {
	bad := &InvalidError{Field: "cursor", Message: "is not a cursor from GET /sync"}
	if len(text) > MaxSyncCursorLength || !strings.HasPrefix(text, syncCursorVersion) {
		return SyncCursor{}, bad
	}
	c := SyncCursor{pos: make(map[int64]int64)}
	rest := text[len(syncCursorVersion):]
	if strings.HasPrefix(rest, ".t") {
		atText := rest[2:]
		rest = ""
		if i := strings.IndexByte(atText, '.'); i >= 0 {
			atText, rest = atText[:i], atText[i:]
		}
		at, ok := parseBase36(atText)
		if !ok {
			return SyncCursor{}, bad
		}
		c.at = at
	}
	for rest != "" {
		if rest[0] != '.' {
			return SyncCursor{}, bad
		}
		entry := rest[1:]
		rest = ""
		if i := strings.IndexByte(entry, '.'); i >= 0 {
			entry, rest = entry[:i], entry[i:]
		}
		numText, seqText, ok := strings.Cut(entry, "-")
		num, numOK := parseBase36(numText)
		seq, seqOK := parseBase36(seqText)
		if !ok || !numOK || !seqOK {
			return SyncCursor{}, bad
		}
		c.pos[num] = seq
	}
	return c, nil
}

// parseBase36 reads 1 to maxBase36Digits digits of [0-9a-z].
func parseBase36(s string) (int64, bool) {
	if len(s) == 0 || len(s) > maxBase36Digits {
		return 0, false
	}
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'z') {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 36, 64)
	return n, err == nil
}

// SyncPage is one page of Sync.
type SyncPage struct {
	// Events are the user's rooms' events after the cursor, each room's in
	// event_seq order, room after room.
	Events []RoomEvent
	// Next is the cursor to continue from.
	Next SyncCursor
	// HasMore says more events are owed than the page held.
	HasMore bool
	// Ends is, for each room the user is a member of, by id, the event_seq
	// of its last event when the page was read: what a live stream that
	// starts now continues from.
	Ends map[string]int64
	// Members is, without a cursor, the user's rooms by id with their read
	// cursors, read with Ends (MemberCursors' answer, without a second
	// read): where a connect without a cursor streams messages from.
	Members []RoomCursor
}

// syncRoom is a room Sync looks at: one the user is a member of, or one the
// cursor names.
type syncRoom struct {
	ID       string `db:"room_id"`
	Num      int64  `db:"num"`
	Last     int64  `db:"last_event_seq"`
	Pruned   int64  `db:"pruned_event_seq"`
	JoinedAt int64  `db:"joined_event_seq"` // the user's member.joined, if a member
	LastSeq  int64  `db:"last_seq"`
	LastAck  int64  `db:"last_ack"`
	member   bool
	// pos is where the cursor places the user, when it names the room.
	pos      int64
	inCursor bool
	// RecentLeft is the user's last member.left in the room when it is
	// no older than the cursor (0: none).
	RecentLeft int64 `db:"recent_left"`
}

// syncRange is a run of a room's events owed to the user: after < event_seq
// and, when upto > 0, event_seq <= upto, which is then the user's own
// member.left.
type syncRange struct {
	after, upto int64
}

// Sync returns the changes to userID's rooms since cursor, at most limit
// events (0: DefaultEventsLimit) with the cursor to continue from. Without a
// cursor it returns no events and a cursor at the end of every room's log.
//
// A room joined since the cursor is owed from the user's own member.joined
// (which carries the room); a room left since is owed up to the user's own
// member.left and no further. A live client may have been given more than
// its cursor knows (a WebSocket client resumes from the cursor of its last
// sync.complete), so a resume ends every room the user is out of with their
// last member.left: a room the cursor names is owed the end of the
// membership it was in, then, if the user joined and left again, their last
// member.left alone; a room the cursor does not name that the user left no
// earlier than the cursor was made (less syncClockSkew) is owed that last
// member.left alone. Such a room stays in the next cursor at the
// member.left while it is that recent, so that it is not owed again. When
// an event the cursor still needs has been pruned, and no later membership
// kept whole stands for it, the answer is a GoneError with a fresh cursor:
// the user must reload their rooms.
//
// The cost follows the page: the user's memberships, the rooms the cursor
// names and the user's recent leaves are read once, then each room's owed
// run through the log's primary key, with a LIMIT of what the page still
// holds.
func (s *Store) Sync(ctx context.Context, tenantID, userID string, cursor *SyncCursor, limit int) (SyncPage, error) {
	limit, err := pageLimit(limit, DefaultEventsLimit, MaxEventsLimit)
	if err != nil {
		return SyncPage{}, err
	}
	// Before the memberships are read: a membership that began after the
	// read ends with a member.left no older than this.
	start := s.nowMillis()
	var members []*syncRoom
	st, err := s.reads.get(ctx, s.r.Rebind(syncMembershipsSQL))
	if err == nil {
		err = st.SelectContext(ctx, &members, tenantID, userID)
	}
	if err != nil {
		return SyncPage{}, fmt.Errorf("sync: read memberships: %w", err)
	}
	fresh := SyncCursor{pos: make(map[int64]int64, len(members)), at: start}
	ends := make(map[string]int64, len(members))
	for _, r := range members {
		r.member = true
		fresh.pos[r.Num] = r.Last
		ends[r.ID] = r.Last
	}
	if cursor == nil {
		cursors := make([]RoomCursor, len(members))
		for i, r := range members {
			cursors[i] = RoomCursor{RoomID: r.ID, LastSeq: r.LastSeq, LastAck: r.LastAck}
		}
		slices.SortFunc(cursors, func(a, b RoomCursor) int { return strings.Compare(a.RoomID, b.RoomID) })
		return SyncPage{Events: []RoomEvent{}, Next: fresh, Ends: ends, Members: cursors}, nil
	}
	gone := &GoneError{Message: "the cursor is past the event retention; reload your rooms and continue from details.cursor", Cursor: &fresh}

	rooms := make(map[int64]*syncRoom, len(members))
	for _, r := range members {
		rooms[r.Num] = r
	}
	var others []int64
	for num := range cursor.pos {
		if rooms[num] == nil {
			others = append(others, num)
		}
	}
	if err := s.syncOtherRooms(ctx, tenantID, others, rooms); err != nil {
		return SyncPage{}, err
	}
	if err := s.syncRecentLefts(ctx, tenantID, userID, cursor.at, rooms); err != nil {
		return SyncPage{}, err
	}

	// Place the user in each room and find where they may have left.
	next := SyncCursor{pos: make(map[int64]int64, len(rooms)), at: start}
	var leftIn []string
	for num, r := range rooms {
		p, ok := cursor.pos[num]
		if ok {
			// A place past the log's end (only a forged cursor has one)
			// owes nothing; the next cursor holds the real end.
			r.pos, r.inCursor = min(p, r.Last), true
			next.pos[num] = r.pos
		}
		if r.inCursor && r.pos < r.Last && (!r.member || r.JoinedAt > r.pos) {
			leftIn = append(leftIn, r.ID)
		}
	}
	lefts, err := s.syncLefts(ctx, tenantID, userID, leftIn)
	if err != nil {
		return SyncPage{}, err
	}

	// What each room owes, room after room by number. A run whose first
	// event has been pruned is owed only when nothing later stands for it:
	// a later membership starts with the user's own member.joined (the room
	// anew), and a last member.left says all a client needs of a room it
	// is out of.
	type plan struct {
		room   *syncRoom
		ranges []syncRange
	}
	var plans []plan
	for _, num := range slices.Sorted(maps.Keys(rooms)) {
		r := rooms[num]
		intact := r.pos >= r.Pruned // the events after the cursor's place are kept
		// A cursor placed at the user's own member.left (kept there so
		// that it is not owed again) has them out of the room: nothing
		// of the time until they join again is theirs.
		out := r.inCursor && slices.Contains(lefts[r.ID], r.pos)
		var ranges []syncRange
		switch {
		case r.member && r.inCursor && r.JoinedAt <= r.pos:
			if r.pos < r.Last {
				if !intact {
					return SyncPage{}, gone
				}
				ranges = append(ranges, syncRange{after: r.pos})
			}
		case r.member:
			// Joined since the cursor: first the end of an earlier
			// membership the cursor was in, then the new one.
			if r.inCursor && intact && !out {
				if left := firstLeft(lefts[r.ID], r.pos, r.JoinedAt); left > 0 {
					ranges = append(ranges, syncRange{after: r.pos, upto: left})
				}
			}
			after := max(r.JoinedAt-1, 0)
			if after < r.Pruned {
				return SyncPage{}, gone
			}
			ranges = append(ranges, syncRange{after: after})
		case !r.inCursor:
			// Joined after the cursor was made and left again: a live
			// client may have been given the member.joined; the last
			// member.left tells it the room is over.
			ranges = append(ranges, syncRange{after: r.RecentLeft - 1, upto: r.RecentLeft})
		default: // named by the cursor, no longer a member
			first := firstLeft(lefts[r.ID], r.pos, 0)
			if first == 0 {
				if r.pos < r.Last && !intact {
					// Whether the user left after the cursor's place
					// went with the pruned events.
					return SyncPage{}, gone
				}
				if r.RecentLeft == 0 {
					delete(next.pos, num) // never a member there, or left before the cursor
				}
				// else kept while the member.left is as recent as the
				// cursor: without the room, it would be owed again.
				break
			}
			// The end of the membership the cursor was in, then, when the
			// user joined and left again since (live clients may have seen
			// those runs), their last member.left alone: the room ends
			// with it, whatever the client was given meanwhile.
			last := lefts[r.ID][len(lefts[r.ID])-1]
			if intact && !out {
				ranges = append(ranges, syncRange{after: r.pos, upto: first})
			}
			if last > first || !intact || out {
				ranges = append(ranges, syncRange{after: last - 1, upto: last})
			}
		}
		if len(ranges) > 0 {
			plans = append(plans, plan{room: r, ranges: ranges})
		}
	}

	page := SyncPage{Events: make([]RoomEvent, 0, min(limit, 64)), Next: next, Ends: ends}
	for _, p := range plans {
	ranges:
		for i, rg := range p.ranges {
			room := p.room.ID
			remaining := limit - len(page.Events)
			if remaining == 0 {
				return page.more(cursor), nil
			}
			events, err := s.readEvents(ctx, tenantID, room, rg.after, rg.upto, remaining+1)
			if err != nil {
				return SyncPage{}, err
			}
			// Every planned run has events; its first one is missing only
			// when pruning ran since the rooms were read.
			if len(events) == 0 || events[0].EventSeq != rg.after+1 {
				return SyncPage{}, gone
			}
			more := len(events) > remaining
			if more {
				events = events[:remaining]
			}
			left := false
			for i, e := range events {
				if e.Type == EventMemberLeft && e.UserID == userID {
					// The user's own member.left ends what the room owes
					// them (it may have happened since the rooms were read).
					events, left, more = events[:i+1], true, false
					break
				}
			}
			page.Events = append(page.Events, events...)
			if left {
				if rg.upto == 0 || i == len(p.ranges)-1 {
					// Kept at the member.left until the cursor is newer
					// than it, so that it is not owed again.
					next.pos[p.room.Num] = events[len(events)-1].EventSeq
					break ranges
				}
				// The next run is still owed: a cursor just before it
				// owes it (and nothing of the time the user was out).
				next.pos[p.room.Num] = p.ranges[i+1].after
				continue
			}
			next.pos[p.room.Num] = events[len(events)-1].EventSeq
			if more {
				return page.more(cursor), nil
			}
		}
	}
	return page, nil
}

// more marks p as a page with more owed: its cursor keeps the time of the
// cursor it continues, since rooms left since then may not have been given
// yet.
func (p SyncPage) more(cursor *SyncCursor) SyncPage {
	p.HasMore = true
	p.Next.at = cursor.at
	return p
}

// The reads of Sync (before sqlx.In and Rebind), each through an index
// (store/plan_test.go holds them to that).
const (
	// syncMembershipsSQL reads the user's rooms through
	// room_members_tenant_user.
	syncMembershipsSQL = `
		SELECT r.id AS room_id, r.num, r.last_event_seq, r.pruned_event_seq, m.joined_event_seq,
			r.last_seq, m.last_ack
		FROM room_members m
		JOIN rooms r ON r.id = m.room_id AND r.tenant_id = m.tenant_id
		WHERE m.tenant_id = ? AND m.user_id = ?`
	// syncRoomsSQL reads rooms by number through rooms_tenant_num.
	syncRoomsSQL = `
		SELECT id AS room_id, num, last_event_seq, pruned_event_seq
		FROM rooms WHERE tenant_id = ? AND num IN (?)`
	// syncLeftsSQL reads where the user left rooms through the partial
	// index room_events_member_left; the type is a literal so that SQLite
	// may use it.
	syncLeftsSQL = `
		SELECT room_id, event_seq FROM room_events
		WHERE tenant_id = ? AND user_id = ? AND type = 'member.left' AND room_id IN (?)
		ORDER BY room_id, event_seq`
	// syncRecentLeftsSQL reads the rooms where the user's last member.left
	// is no older than a time, through room_events_member_left (the
	// user's leaves in the retention), then rooms by primary key.
	syncRecentLeftsSQL = `
		SELECT r.id AS room_id, r.num, r.last_event_seq, r.pruned_event_seq, MAX(e.event_seq) AS recent_left
		FROM room_events e
		JOIN rooms r ON r.id = e.room_id
		WHERE e.tenant_id = ? AND e.user_id = ? AND e.type = 'member.left' AND e.created_at >= ?
		GROUP BY r.id, r.num, r.last_event_seq, r.pruned_event_seq`
)

// syncClockSkew is how far the clocks of the instances may disagree: a
// member.left written by another instance up to this much before a cursor
// was made (by its clock) may still be one the cursor's client was not
// given.
const syncClockSkew = 5 * time.Second

// syncBatch bounds the ids of one IN list.
const syncBatch = 500

// syncOtherRooms adds to rooms those of nums, rooms of the tenant the user
// is not a member of. Nums of no room are left out.
func (s *Store) syncOtherRooms(ctx context.Context, tenantID string, nums []int64, rooms map[int64]*syncRoom) error {
	for batch := range slices.Chunk(nums, syncBatch) {
		query, args, err := sqlx.In(syncRoomsSQL, tenantID, batch)
		if err != nil {
			return fmt.Errorf("sync: read rooms: %w", err)
		}
		var found []*syncRoom
		if err := s.r.SelectContext(ctx, &found, s.r.Rebind(query), args...); err != nil {
			return fmt.Errorf("sync: read rooms: %w", err)
		}
		for _, r := range found {
			rooms[r.Num] = r
		}
	}
	return nil
}

// syncRecentLefts notes, in rooms, where the user last left a room no
// earlier than at (a cursor's time) less syncClockSkew, and adds the rooms
// that are not there yet.
func (s *Store) syncRecentLefts(ctx context.Context, tenantID, userID string, at int64, rooms map[int64]*syncRoom) error {
	if at == 0 {
		return nil
	}
	var found []*syncRoom
	since := at - syncClockSkew.Milliseconds()
	// Prepared once: every page of a resume reads it, and compiling it
	// again was a few percent of a page.
	st, err := s.reads.get(ctx, s.r.Rebind(syncRecentLeftsSQL))
	if err == nil {
		err = st.SelectContext(ctx, &found, tenantID, userID, since)
	}
	if err != nil {
		return fmt.Errorf("sync: read recent leaves: %w", err)
	}
	for _, f := range found {
		if r := rooms[f.Num]; r != nil {
			if !r.member {
				r.RecentLeft = f.RecentLeft
			}
			continue
		}
		rooms[f.Num] = f
	}
	return nil
}

// syncLefts returns, per room of roomIDs, the event_seqs of the user's
// member.left events the log keeps, ascending.
func (s *Store) syncLefts(ctx context.Context, tenantID, userID string, roomIDs []string) (map[string][]int64, error) {
	lefts := make(map[string][]int64)
	for batch := range slices.Chunk(roomIDs, syncBatch) {
		query, args, err := sqlx.In(syncLeftsSQL, tenantID, userID, batch)
		if err != nil {
			return nil, fmt.Errorf("sync: read leaves: %w", err)
		}
		var rows []struct {
			RoomID   string `db:"room_id"`
			EventSeq int64  `db:"event_seq"`
		}
		if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(query), args...); err != nil {
			return nil, fmt.Errorf("sync: read leaves: %w", err)
		}
		for _, r := range rows {
			lefts[r.RoomID] = append(lefts[r.RoomID], r.EventSeq)
		}
	}
	return lefts, nil
}

// firstLeft is the first of seqs (ascending) after after and, when before >
// 0, before before; 0 when there is none.
func firstLeft(seqs []int64, after, before int64) int64 {
	for _, seq := range seqs {
		if seq > after && (before == 0 || seq < before) {
			return seq
		}
	}
	return 0
}
