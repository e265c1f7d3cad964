package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/coder/websocket"
)

// syncRooms is how many rooms the sync scenario spreads its messages over.
const syncRooms = 10

// runSync has K messages arrive across 10 rooms while a member is offline,
// then connects it without a cursor and times sync.complete and the arrival
// of all K. With -resume it runs runResume instead.
func runSync(ctx context.Context, o options) (outcome, error) {
	if o.resume {
		return runResume(ctx, o)
	}
	a := newAPI(o.base, 32)
	defer a.close()
	tn, err := newTenant(ctx, a, o.masterKey, "loadgen-sync")
	if err != nil {
		return outcome{}, err
	}
	rooms := make([]string, syncRooms)
	for i := range rooms {
		if rooms[i], err = tn.createRoom(ctx, "writer", []string{"offline"}); err != nil {
			return outcome{}, err
		}
	}
	if err := seed(ctx, tn, "writer", rooms, o.messages); err != nil {
		return outcome{}, fmt.Errorf("seed: %w", err)
	}
	hc := wsHTTPClient()
	defer hc.CloseIdleConnections()

	t0 := time.Now()
	c, err := tn.dial(ctx, hc, "offline")
	if err != nil {
		return outcome{}, err
	}
	defer c.CloseNow()
	dialed := time.Since(t0)
	seen := map[string]map[int64]bool{}
	for _, r := range rooms {
		seen[r] = map[int64]bool{}
	}
	received := 0
	var syncDone, allDone time.Duration
	var hasMore int64
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for syncDone == 0 || allDone == 0 {
		_, data, err := c.Read(rctx)
		if err != nil {
			return outcome{}, fmt.Errorf("read after %d of %d messages: %w", received, o.messages, err)
		}
		var f struct {
			frame
			Rooms []struct {
				HasMore bool `json:"has_more"`
			} `json:"rooms"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			continue
		}
		switch f.Type {
		case "message":
			if s, ok := seen[f.RoomID]; ok && !s[f.Seq] {
				s[f.Seq] = true
				received++
				if received == o.messages {
					allDone = time.Since(t0)
				}
			}
		case "sync.complete":
			syncDone = time.Since(t0)
			for _, r := range f.Rooms {
				if r.HasMore {
					hasMore++
				}
			}
			if allDone == 0 {
				// Beyond the server's per-room cap the rest is paged over
				// REST; what sync sent is all there is to wait for.
				allDone = syncDone
			}
		}
	}
	_ = c.Close(websocket.StatusNormalClosure, "")
	return outcome{
		Metrics: map[string]float64{
			"sync_complete_ms": ms(syncDone),
			"all_received_ms":  ms(allDone),
			"dial_ms":          ms(dialed),
		},
		Counts: map[string]int64{
			"received":       int64(received),
			"missing":        int64(o.messages - received),
			"rooms_has_more": hasMore,
		},
		Order:  []string{"sync_complete_ms", "all_received_ms", "received", "missing", "rooms_has_more", "dial_ms"},
		Params: map[string]any{"k": o.messages, "rooms": syncRooms},
	}, nil
}

// resumeLimit is the page size of the REST resume: the API's most.
const resumeLimit = 500

// runResume measures a resume: a member takes a cursor (GET /sync), is away
// while K messages arrive across 10 rooms, then resumes from that cursor
// twice: over WebSocket (GET /ws?cursor= until sync.complete) and over REST
// (GET /sync, page after page until has_more is false). Each resume must
// bring every message once, each room's in order, with no gap in its
// event_seqs. Both are read-only, so they start from the same place.
func runResume(ctx context.Context, o options) (outcome, error) {
	a := newAPI(o.base, 32)
	defer a.close()
	tn, err := newTenant(ctx, a, o.masterKey, "loadgen-resume")
	if err != nil {
		return outcome{}, err
	}
	rooms := make([]string, syncRooms)
	for i := range rooms {
		if rooms[i], err = tn.createRoom(ctx, "writer", []string{"away"}); err != nil {
			return outcome{}, err
		}
	}
	var start struct {
		NextCursor string `json:"next_cursor"`
	}
	if _, err := a.do(ctx, http.MethodGet, "/sync", tn.headers("away"), nil, &start); err != nil {
		return outcome{}, fmt.Errorf("take a cursor: %w", err)
	}
	if err := seed(ctx, tn, "writer", rooms, o.messages); err != nil {
		return outcome{}, fmt.Errorf("seed: %w", err)
	}

	ws := newResumeCheck(rooms)
	wsTime, frames, err := resumeWS(ctx, tn, "away", start.NextCursor, ws)
	if err != nil {
		return outcome{}, fmt.Errorf("resume over WebSocket: %w", err)
	}
	rest := newResumeCheck(rooms)
	restTime, pages, err := resumeREST(ctx, tn, "away", start.NextCursor, rest)
	if err != nil {
		return outcome{}, fmt.Errorf("resume over REST: %w", err)
	}
	want := int64(o.messages)
	return outcome{
		Metrics: map[string]float64{"ws_resume_ms": ms(wsTime), "rest_resume_ms": ms(restTime)},
		Counts: map[string]int64{
			"ws_received": ws.received, "rest_received": rest.received,
			"missing":      (want - ws.received) + (want - rest.received),
			"out_of_order": ws.outOfOrder + rest.outOfOrder,
			"duplicates":   ws.duplicates + rest.duplicates,
			"ws_frames":    frames, "rest_pages": pages,
		},
		Order: []string{"ws_resume_ms", "rest_resume_ms", "ws_received", "rest_received", "missing", "out_of_order",
			"duplicates", "ws_frames", "rest_pages"},
		Params: map[string]any{"k": o.messages, "rooms": syncRooms},
		Notes:  append(ws.notes, rest.notes...),
	}, nil
}

// resumeEvent is the part of a room event a resume checks.
type resumeEvent struct {
	Type     string
	RoomID   string
	EventSeq int64
	Seq      int64
	Cursor   string // sync.complete's
}

// parseResumeEvent reads the members of a frame or event a resume checks,
// walking it (eachMember) instead of decoding it: 10,000 frames decoded by
// encoding/json took as much CPU as the server spent sending them.
func parseResumeEvent(data []byte) (resumeEvent, error) {
	var e resumeEvent
	err := eachMember(data, func(key, value []byte) error {
		var err error
		switch string(key) {
		case "type":
			e.Type, err = jsonString(value)
		case "room_id":
			e.RoomID, err = jsonString(value)
		case "event_seq":
			e.EventSeq, err = jsonInt(value)
		case "seq":
			e.Seq, err = jsonInt(value)
		case "cursor":
			e.Cursor, err = jsonString(value)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return nil
	})
	return e, err
}

// resumeCheck follows the events of one resume: per room, each event_seq
// the one after the last, and the messages' seqs 1, 2, 3… each once (the
// rooms had none before the cursor).
type resumeCheck struct {
	lastEvent  map[string]int64
	lastSeq    map[string]int64
	received   int64 // messages, each counted once
	outOfOrder int64 // an event_seq or seq that is not the next one
	duplicates int64
	notes      []string
}

func newResumeCheck(rooms []string) *resumeCheck {
	c := &resumeCheck{lastEvent: map[string]int64{}, lastSeq: map[string]int64{}}
	for _, r := range rooms {
		c.lastSeq[r] = 0
	}
	return c
}

func (c *resumeCheck) event(e resumeEvent) {
	last, known := c.lastSeq[e.RoomID]
	if !known {
		c.note(fmt.Sprintf("an event of room %s, not one of the scenario's", e.RoomID))
		return
	}
	if prev, ok := c.lastEvent[e.RoomID]; ok && e.EventSeq != prev+1 {
		c.outOfOrder++
		c.note(fmt.Sprintf("room %s: event_seq %d after %d", e.RoomID, e.EventSeq, prev))
	}
	c.lastEvent[e.RoomID] = e.EventSeq
	if e.Type != "message" {
		return
	}
	switch {
	case e.Seq <= last:
		c.duplicates++
		c.note(fmt.Sprintf("room %s: seq %d again after %d", e.RoomID, e.Seq, last))
		return
	case e.Seq != last+1:
		c.outOfOrder++
		c.note(fmt.Sprintf("room %s: seq %d after %d", e.RoomID, e.Seq, last))
	}
	c.lastSeq[e.RoomID] = e.Seq
	c.received++
}

// note keeps the first few problems for the report.
func (c *resumeCheck) note(s string) {
	if len(c.notes) < 5 {
		c.notes = append(c.notes, s)
	}
}

// resumeWS connects as user with ?cursor= and reads until sync.complete,
// handing every event to check. It returns the time from the dial to
// sync.complete and the frames read.
func resumeWS(ctx context.Context, tn tenant, user, cursor string, check *resumeCheck) (time.Duration, int64, error) {
	u, err := url.Parse(tn.a.base)
	if err != nil {
		return 0, 0, err
	}
	u.Scheme, u.Path, u.RawQuery = "ws", "/ws", url.Values{"cursor": {cursor}}.Encode()
	h := http.Header{}
	h.Set("X-API-Key", tn.key)
	h.Set("X-User-Id", user)
	hc := wsHTTPClient()
	defer hc.CloseIdleConnections()
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	t0 := time.Now()
	c, _, err := websocket.Dial(rctx, u.String(), &websocket.DialOptions{HTTPClient: hc, HTTPHeader: h})
	if err != nil {
		return 0, 0, err
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	var frames int64
	for {
		_, data, err := c.Read(rctx)
		if err != nil {
			return 0, frames, fmt.Errorf("read after %d messages: %w", check.received, err)
		}
		frames++
		e, err := parseResumeEvent(data)
		if err != nil {
			return 0, frames, fmt.Errorf("frame %.200s: %w", data, err)
		}
		switch e.Type {
		case "sync.complete":
			took := time.Since(t0)
			if e.Cursor == "" {
				return 0, frames, errors.New("sync.complete without a cursor")
			}
			_ = c.Close(websocket.StatusNormalClosure, "")
			return took, frames, nil
		case "sync.reset_required":
			return 0, frames, errors.New("the server asked for a reset: the cursor is past its retention")
		case "presence", "typing", "receipt", "notification":
			// Not room log events.
		default:
			check.event(e)
		}
	}
}

// resumeREST pages GET /sync from cursor as user until has_more is false,
// handing every event to check. It returns the time of all the pages and
// how many there were.
func resumeREST(ctx context.Context, tn tenant, user, cursor string, check *resumeCheck) (time.Duration, int64, error) {
	var (
		pages int64
		body  bytes.Buffer
	)
	t0 := time.Now()
	for {
		path := "/sync?" + url.Values{"cursor": {cursor}, "limit": {strconv.Itoa(resumeLimit)}}.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, tn.a.base+path, nil)
		if err != nil {
			return 0, pages, err
		}
		req.Header.Set("X-API-Key", tn.key)
		req.Header.Set("X-User-Id", user)
		resp, err := tn.a.client.Do(req)
		if err != nil {
			return 0, pages, err
		}
		body.Reset()
		_, err = body.ReadFrom(io.LimitReader(resp.Body, 64<<20))
		resp.Body.Close()
		if err != nil {
			return 0, pages, err
		}
		if resp.StatusCode != http.StatusOK {
			return 0, pages, fmt.Errorf("GET %s: HTTP %d: %.200s", path, resp.StatusCode, body.Bytes())
		}
		page, err := readSyncPage(body.Bytes(), check)
		if err != nil {
			return 0, pages, fmt.Errorf("GET %s: %w; body %.200s", path, err, body.Bytes())
		}
		pages++
		if !page.hasMore {
			return time.Since(t0), pages, nil
		}
		if page.next == "" || (page.next == cursor && page.events == 0) {
			return 0, pages, fmt.Errorf("page %d: has_more without moving the cursor", pages)
		}
		cursor = page.next
	}
}

// syncPage is what a resume needs of a GET /sync page.
type syncPage struct {
	events  int
	hasMore bool
	next    string
}

// readSyncPage walks a GET /sync body ({"data":{"events":[…],"has_more":…,
// "next_cursor":…},"error":null,"success":true}), handing each event to
// check.
func readSyncPage(body []byte, check *resumeCheck) (syncPage, error) {
	var (
		p       syncPage
		data    []byte
		success bool
	)
	err := eachMember(body, func(key, value []byte) error {
		switch string(key) {
		case "data":
			data = value
		case "success":
			success = string(value) == "true"
		}
		return nil
	})
	switch {
	case err != nil:
		return p, err
	case !success || data == nil:
		return p, errors.New(`not "success":true with data`)
	}
	var events []byte
	err = eachMember(data, func(key, value []byte) error {
		var err error
		switch string(key) {
		case "events":
			events = value
		case "has_more":
			p.hasMore = string(value) == "true"
		case "next_cursor":
			p.next, err = jsonString(value)
		}
		return err
	})
	if err != nil {
		return p, err
	}
	err = eachElement(events, func(value []byte) error {
		e, err := parseResumeEvent(value)
		if err != nil {
			return fmt.Errorf("event %d: %w", p.events, err)
		}
		p.events++
		check.event(e)
		return nil
	})
	return p, err
}
