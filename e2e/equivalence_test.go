//go:build unix

package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// State equivalence, the property the room event log exists for: many
// goroutines send, edit, delete, join, leave and update rooms at once,
// while clients follow their rooms through GET /sync (or WebSocket
// connections), dropping pages (cutting connections) and going away at
// random points and resuming from their last cursor. Then
// every client's view of each of its rooms, rebuilt only from the events it
// was given, equals a fresh REST snapshot of the room (messages with their
// content and deleted flags, members, room fields), and each client was
// given each room's event_seq 1..N in order, without a gap or a repeat.
//
// The seeds fix each goroutine's choices; the interleaving is the
// scheduler's, so each run tries another one.

// equivalenceSeedsSQLite are the seeds run on SQLite, one server each.
var equivalenceSeedsSQLite = []uint64{1, 2, 3}

// Clients that follow through GET /sync.
func TestStateEquivalenceSQLite(t *testing.T) {
	for _, seed := range equivalenceSeedsSQLite {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			p := startServer(t, filepath.Join(t.TempDir(), "equivalence.db"))
			runEquivalence(t, seed, []*proc{p}, false)
		})
	}
}

// On three instances over one PostgreSQL, clients and writers spread over
// them: each client syncs through one instance, each change goes to a
// random one.
func TestStateEquivalencePostgresCluster(t *testing.T) {
	_, url := newPostgres(t)
	runEquivalence(t, 7, startCluster(t, url, 3), false)
}

// Half the clients follow through WebSocket connections instead, cut at
// random (mid-replay too) and resumed with ?cursor= on any instance. The
// cursor of the last sync.complete knows nothing of the live events since,
// so a resume replays events the client has (it checks they are the same)
// and may have to end a membership it was given live: the replay ends each
// room the user is out of with their last member.left.
func TestStateEquivalenceWebSocket(t *testing.T) {
	for _, seed := range equivalenceSeedsSQLite {
		t.Run(fmt.Sprintf("sqlite/seed=%d", seed), func(t *testing.T) {
			p := startServer(t, filepath.Join(t.TempDir(), "equivalence.db"))
			runEquivalence(t, seed, []*proc{p}, true)
		})
	}
	t.Run("postgres-cluster/seed=7", func(t *testing.T) {
		_, url := newPostgres(t)
		runEquivalence(t, 7, startCluster(t, url, 3), true)
	})
}

// The size of one run: small enough for a race-built server on a loaded
// machine, large enough that changes interleave with every sync.
const (
	eqClients   = 6  // users who follow their rooms (c0…)
	eqChurn     = 4  // users who only join, leave and send (u0…)
	eqGroups    = 2  // rooms whose members the admin adds and removes
	eqChannels  = 2  // rooms users join and leave themselves
	eqWriters   = 6  // goroutines making changes
	eqOpsPerW   = 70 // changes each makes
	eqAdmin     = "adm"
	eqMaxPage   = 40 // a client asks for 1 to eqMaxPage events a sync
	eqDropPct   = 15 // % of pages a client drops unread, as if it died
	eqAwayPct   = 10 // % of syncs after which it goes away a while
	eqRunBudget = 90 * time.Second
)

// runEquivalence runs one seed on procs; with webSockets, every other
// client follows through WebSocket resumes instead of GET /sync.
func runEquivalence(t *testing.T, seed uint64, procs []*proc, webSockets bool) {
	ctx, cancel := context.WithTimeout(context.Background(), eqRunBudget)
	defer cancel()
	start := time.Now()
	apis := make([]*api, len(procs))
	for i, p := range procs {
		apis[i] = newAPI(t, p)
	}
	tn := apis[0].newTenant(t, ctx, fmt.Sprintf("equivalence-%d", seed), 100000)
	tenants := make([]tenant, len(apis))
	for i, a := range apis {
		tenants[i] = tn.on(a)
	}
	clients := userIDs("c", eqClients)
	churn := userIDs("u", eqChurn)

	// Each client takes its cursor before any room exists: everything it
	// will ever be shown comes through sync: GET /sync through the
	// client's instance, or WebSocket resumes on any instance.
	followers := make([]*follower, len(clients))
	for i, u := range clients {
		f := &follower{user: u, tn: tenants[i%len(tenants)], rng: rand.New(rand.NewPCG(seed, uint64(1000+i))), replica: newReplica(u)}
		if webSockets && i%2 == 1 {
			f.ws = procs
		}
		if err := f.freshCursor(ctx); err != nil {
			t.Fatal(err)
		}
		followers[i] = f
	}

	w := newEqWorld(seed, clients, churn)
	if err := w.createRooms(ctx, tenants[0]); err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	var followWG sync.WaitGroup
	followErrs := make([]error, len(followers))
	for i, f := range followers {
		followWG.Go(func() { followErrs[i] = f.follow(ctx, stop) })
	}
	var writeWG sync.WaitGroup
	writeErrs := make([]error, eqWriters)
	for i := range eqWriters {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		writeWG.Go(func() { writeErrs[i] = w.write(ctx, rng, tenants) })
	}
	writeWG.Wait()
	close(stop)
	followWG.Wait()
	if err := errors.Join(writeErrs...); err != nil {
		t.Fatalf("changes: %v", err)
	}
	if err := errors.Join(followErrs...); err != nil {
		t.Fatalf("followers: %v", err)
	}
	// Every change is committed: one last sync to the end each.
	for _, f := range followers {
		if err := f.catchUp(ctx); err != nil {
			t.Fatalf("%s: final sync: %v", f.user, err)
		}
	}

	snaps := make(map[string]roomSnapshot, len(w.rooms))
	for _, r := range w.rooms {
		s, err := snapshotRoom(ctx, tenants[0], r.id)
		if err != nil {
			t.Fatalf("snapshot %s: %v", r.id, err)
		}
		snaps[r.id] = s
	}
	for _, f := range followers {
		checkReplica(t, f, w, snaps)
	}
	var events, pages, drops, aways, conns, cuts, resent int
	for _, s := range snaps {
		events += int(s.lastEventSeq)
	}
	for _, f := range followers {
		pages, drops, aways = pages+f.pages, drops+f.drops, aways+f.aways
		conns, cuts, resent = conns+f.conns, cuts+f.cuts, resent+f.resent
	}
	w.mu.Lock()
	t.Logf("seed %d on %d instance(s): %d changes made (%d refused by the rules as the race had it), %d events in %d rooms; "+
		"REST clients synced %d pages, dropped %d, went away %d times; WebSocket clients connected %d times, "+
		"cut %d connections before sync.complete, were replayed %d events they had (their cursor predates live events); %v",
		seed, len(procs), w.made, w.refused, events, len(w.rooms), pages, drops, aways, conns, cuts, resent,
		time.Since(start).Round(time.Millisecond))
	w.mu.Unlock()
}

// --- the changes -----------------------------------------------------------

type eqRoom struct {
	id, typ string
}

type eqMessage struct {
	room, id, sender string
}

// eqWorld is what the writers believe of the rooms, to choose changes that
// the rules will mostly accept. Being updated after each change, it lags
// behind the others' changes: a refusal (403, 404, 409) is a change the
// race made pointless, not an error.
type eqWorld struct {
	seed    uint64
	clients []string
	churn   []string
	rooms   []eqRoom

	mu       sync.Mutex
	members  map[string]map[string]bool // room → users
	messages []eqMessage
	made     int
	refused  int
}

func newEqWorld(seed uint64, clients, churn []string) *eqWorld {
	return &eqWorld{seed: seed, clients: clients, churn: churn, members: map[string]map[string]bool{}}
}

// createRooms creates eqGroups groups and eqChannels channels, by the
// admin, each with some of the clients (at least two) and, for groups, one
// churn user.
func (w *eqWorld) createRooms(ctx context.Context, tn tenant) error {
	rng := rand.New(rand.NewPCG(w.seed, 999))
	for i := range eqGroups + eqChannels {
		typ := "group"
		if i >= eqGroups {
			typ = "channel"
		}
		var members []string
		for _, c := range w.clients {
			if rng.IntN(2) == 0 {
				members = append(members, c)
			}
		}
		for len(members) < 2 {
			if c := w.clients[rng.IntN(len(w.clients))]; !slices.Contains(members, c) {
				members = append(members, c)
			}
		}
		if typ == "group" {
			members = append(members, w.churn[rng.IntN(len(w.churn))])
		}
		id, err := tn.createRoom(ctx, eqAdmin, typ, members)
		if err != nil {
			return fmt.Errorf("create %s: %w", typ, err)
		}
		w.rooms = append(w.rooms, eqRoom{id: id, typ: typ})
		set := map[string]bool{eqAdmin: true}
		for _, m := range members {
			set[m] = true
		}
		w.members[id] = set
	}
	return nil
}

// write makes eqOpsPerW changes, each through a random instance.
func (w *eqWorld) write(ctx context.Context, rng *rand.Rand, tenants []tenant) error {
	for n := range eqOpsPerW {
		tn := tenants[rng.IntN(len(tenants))]
		room := w.rooms[rng.IntN(len(w.rooms))]
		var err error
		switch k := rng.IntN(100); {
		case k < 40:
			err = w.send(ctx, rng, tn, room, n)
		case k < 55:
			err = w.edit(ctx, rng, tn, n)
		case k < 65:
			err = w.delete(ctx, rng, tn)
		case k < 78:
			err = w.join(ctx, rng, tn, room)
		case k < 91:
			err = w.leave(ctx, rng, tn, room)
		default:
			err = w.update(ctx, rng, tn, room, n)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// done records the outcome of one change: a refusal by the rules counts,
// anything else but success is the test's failure.
func (w *eqWorld) done(status int, err error) (ok bool, _ error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case err == nil:
		w.made++
		return true, nil
	case status == http.StatusForbidden || status == http.StatusNotFound || status == http.StatusConflict:
		w.refused++
		return false, nil
	}
	return false, err
}

func (w *eqWorld) memberList(room string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for u, in := range w.members[room] {
		if in {
			out = append(out, u)
		}
	}
	slices.Sort(out) // map order is random; the seed's choices must not be
	return out
}

func (w *eqWorld) send(ctx context.Context, rng *rand.Rand, tn tenant, room eqRoom, n int) error {
	members := w.memberList(room.id)
	sender := members[rng.IntN(len(members))]
	body := map[string]any{"content": fmt.Sprintf("m %s %d %d", sender, n, rng.IntN(1000))}
	if rng.IntN(3) == 0 {
		body["meta"] = map[string]any{"n": n}
	}
	var out struct {
		MessageID string `json:"message_id"`
	}
	status, err := tn.a.do(ctx, http.MethodPost, "/rooms/"+room.id+"/messages", tn.headers(sender), body, &out)
	if ok, err := w.done(status, err); !ok {
		return err
	}
	w.mu.Lock()
	w.messages = append(w.messages, eqMessage{room: room.id, id: out.MessageID, sender: sender})
	w.mu.Unlock()
	return nil
}

func (w *eqWorld) pickMessage(rng *rand.Rand) (eqMessage, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.messages) == 0 {
		return eqMessage{}, false
	}
	return w.messages[rng.IntN(len(w.messages))], true
}

func (w *eqWorld) edit(ctx context.Context, rng *rand.Rand, tn tenant, n int) error {
	m, ok := w.pickMessage(rng)
	if !ok {
		return nil
	}
	body := map[string]any{"content": fmt.Sprintf("edited %d %d", n, rng.IntN(1000))}
	if rng.IntN(2) == 0 {
		body["meta"] = map[string]any{"edit": n}
	}
	status, err := tn.a.do(ctx, http.MethodPatch, "/rooms/"+m.room+"/messages/"+m.id, tn.headers(m.sender), body, nil)
	_, err = w.done(status, err)
	return err
}

func (w *eqWorld) delete(ctx context.Context, rng *rand.Rand, tn tenant) error {
	m, ok := w.pickMessage(rng)
	if !ok {
		return nil
	}
	actor := m.sender
	if rng.IntN(3) == 0 {
		actor = eqAdmin
	}
	status, err := tn.a.do(ctx, http.MethodDelete, "/rooms/"+m.room+"/messages/"+m.id, tn.headers(actor), nil, nil)
	_, err = w.done(status, err)
	return err
}

// join: in a channel a client or churn user joins by themself; in a group
// the admin adds a churn user (clients stay in the groups they started in,
// so that a client's group is never one it may no longer read).
func (w *eqWorld) join(ctx context.Context, rng *rand.Rand, tn tenant, room eqRoom) error {
	candidates := w.churn
	if room.typ == "channel" {
		candidates = slices.Concat(w.clients, w.churn)
	}
	members := w.memberList(room.id)
	var outside []string
	for _, u := range candidates {
		if !slices.Contains(members, u) {
			outside = append(outside, u)
		}
	}
	if len(outside) == 0 {
		return nil
	}
	user := outside[rng.IntN(len(outside))]
	actor := user
	if room.typ == "group" {
		actor = eqAdmin
	}
	status, err := tn.a.do(ctx, http.MethodPost, "/rooms/"+room.id+"/members", tn.headers(actor), map[string]any{"user_id": user}, nil)
	if ok, err := w.done(status, err); !ok {
		return err
	}
	w.mu.Lock()
	w.members[room.id][user] = true
	w.mu.Unlock()
	return nil
}

// leave: in a channel a member (not the admin) leaves; in a group the
// admin removes a churn user.
func (w *eqWorld) leave(ctx context.Context, rng *rand.Rand, tn tenant, room eqRoom) error {
	var candidates []string
	for _, u := range w.memberList(room.id) {
		if u == eqAdmin || (room.typ == "group" && !slices.Contains(w.churn, u)) {
			continue
		}
		candidates = append(candidates, u)
	}
	if len(candidates) == 0 {
		return nil
	}
	user := candidates[rng.IntN(len(candidates))]
	actor := user
	if room.typ == "group" {
		actor = eqAdmin
	}
	status, err := tn.a.do(ctx, http.MethodDelete, "/rooms/"+room.id+"/members/"+user, tn.headers(actor), nil, nil)
	if ok, err := w.done(status, err); !ok {
		return err
	}
	w.mu.Lock()
	w.members[room.id][user] = false
	w.mu.Unlock()
	return nil
}

func (w *eqWorld) update(ctx context.Context, rng *rand.Rand, tn tenant, room eqRoom, n int) error {
	body := map[string]any{"name": fmt.Sprintf("room %d/%d", n, rng.IntN(1000))}
	if rng.IntN(2) == 0 {
		body["metadata"] = map[string]any{"topic": fmt.Sprint(rng.IntN(100)), "n": n}
	}
	status, err := tn.a.do(ctx, http.MethodPatch, "/rooms/"+room.id, tn.headers(eqAdmin), body, nil)
	_, err = w.done(status, err)
	return err
}

// --- the clients -----------------------------------------------------------

// follower is a client that follows its rooms through GET /sync, or
// through WebSocket connections resumed with ?cursor=, and keeps a replica
// of them built from the events alone.
type follower struct {
	user    string
	tn      tenant
	rng     *rand.Rand
	cursor  string
	replica *replica
	// ws, when set, are the instances a WebSocket client connects to.
	ws []*proc

	pages, drops, aways int // GET /sync
	conns, cuts, resent int // WebSocket
}

func (f *follower) freshCursor(ctx context.Context) error {
	page, _, err := f.sync(ctx, "", 1)
	if err != nil {
		return err
	}
	if len(page.Events) != 0 {
		return fmt.Errorf("%s: a fresh cursor came with %d events", f.user, len(page.Events))
	}
	f.cursor = page.NextCursor
	return nil
}

type syncPage struct {
	Events     []json.RawMessage `json:"events"`
	NextCursor string            `json:"next_cursor"`
	HasMore    bool              `json:"has_more"`
}

func (f *follower) sync(ctx context.Context, cursor string, limit int) (syncPage, int, error) {
	q := url.Values{"limit": {fmt.Sprint(limit)}}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	var page syncPage
	status, err := f.tn.a.do(ctx, http.MethodGet, "/sync?"+q.Encode(), f.tn.headers(f.user), nil, &page)
	return page, status, err
}

// follow syncs until stop, then returns. Now and then it drops a page it
// was given, as a client that dies before it stores what it received, and
// goes away a while; either way it resumes from the last cursor it kept.
func (f *follower) follow(ctx context.Context, stop <-chan struct{}) error {
	if f.ws != nil {
		return f.followWS(ctx, stop)
	}
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		page, _, err := f.sync(ctx, f.cursor, 1+f.rng.IntN(eqMaxPage))
		if err != nil {
			return fmt.Errorf("%s: sync: %w", f.user, err)
		}
		f.pages++
		if f.rng.IntN(100) < eqDropPct {
			f.drops++
		} else if err := f.apply(ctx, page); err != nil {
			return err
		}
		pause := time.Duration(0)
		if !page.HasMore {
			pause = time.Duration(5+f.rng.IntN(20)) * time.Millisecond
		}
		if f.rng.IntN(100) < eqAwayPct {
			f.aways++
			pause = time.Duration(50+f.rng.IntN(250)) * time.Millisecond
		}
		select {
		case <-stop:
			return nil
		case <-time.After(pause):
		}
	}
}

// catchUp syncs to the end, keeping every page.
func (f *follower) catchUp(ctx context.Context) error {
	if f.ws != nil {
		_, err := f.connection(ctx, ctx, f.ws[f.rng.IntN(len(f.ws))], -1, true)
		return err
	}
	for {
		page, _, err := f.sync(ctx, f.cursor, eqMaxPage)
		if err != nil {
			return err
		}
		f.pages++
		if err := f.apply(ctx, page); err != nil {
			return err
		}
		if !page.HasMore {
			return nil
		}
	}
}

// apply gives the replica a page's events, then keeps its cursor.
func (f *follower) apply(ctx context.Context, page syncPage) error {
	for _, raw := range page.Events {
		var e roomEvent
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("%s: event %s: %w", f.user, raw, err)
		}
		if err := f.replica.apply(e, false, f.backfill(ctx)); err != nil {
			return fmt.Errorf("%s: %w", f.user, err)
		}
	}
	f.cursor = page.NextCursor
	return nil
}

// backfill reads a room's history as the user. A user who has left the
// room again since the member.joined being applied may no longer read it
// (an application would show the room as left); the history is then read as
// the admin, so that the replica still checks everything it is given.
func (f *follower) backfill(ctx context.Context) func(room string, after, before int64) ([]roomEvent, error) {
	return func(room string, after, before int64) ([]roomEvent, error) {
		evs, err := roomEvents(ctx, f.tn, f.user, room, after, before)
		if err != nil {
			return roomEvents(ctx, f.tn, eqAdmin, room, after, before)
		}
		return evs, nil
	}
}

// followWS connects until stop: each connection resumes from the cursor of
// the last sync.complete the client saw and lives a random while; some are
// cut before their sync.complete (mid-replay), some after; between them the
// client goes away a while.
func (f *follower) followWS(ctx context.Context, stop <-chan struct{}) error {
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		life := time.Duration(100+f.rng.IntN(700)) * time.Millisecond
		cutAfter := -1 // room events into the connection; -1: none
		if f.rng.IntN(100) < 30 {
			cutAfter = f.rng.IntN(20)
		}
		cctx, cancel := context.WithTimeout(ctx, life)
		synced, err := f.connection(ctx, cctx, f.ws[f.rng.IntN(len(f.ws))], cutAfter, false)
		// A connection whose life ended mid-read is a cut, not a failure;
		// what it was given is checked all the same.
		cut := cctx.Err() != nil
		cancel()
		var pe *protocolError
		if err != nil && (!cut || errors.As(err, &pe)) {
			return err
		}
		if !synced {
			f.cuts++
		}
		select {
		case <-stop:
			return nil
		case <-time.After(time.Duration(f.rng.IntN(150)) * time.Millisecond):
		}
	}
}

// connection opens /ws on p resuming from f.cursor and applies the room
// events it is given, until life ends, cutAfter room events (when >= 0),
// or, with untilSync, sync.complete. It reports whether sync.complete came
// (and its cursor was kept). Within a connection each room's events must
// follow one another without a gap or a repeat (the user's own
// member.joined after their member.left excepted: the events in between are
// not theirs; and their own last member.left, which a replay gives alone
// after the end of an earlier membership); an event the replica already has (the cursor, kept at
// sync.complete, predates the live events that followed) must be the same
// event as before, and is skipped.
func (f *follower) connection(ctx, life context.Context, p *proc, cutAfter int, untilSync bool) (synced bool, err error) {
	h := http.Header{}
	h.Set("X-API-Key", f.tn.key)
	h.Set("X-User-Id", f.user)
	wsURL := "ws" + strings.TrimPrefix(p.base, "http") + "/ws?" + url.Values{"cursor": {f.cursor}}.Encode()
	c, _, err := websocket.Dial(life, wsURL, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		return false, fmt.Errorf("%s: dial: %w", f.user, err)
	}
	defer c.CloseNow()
	c.SetReadLimit(4 << 20)
	f.conns++
	connLast := map[string]int64{}
	delivered := map[string]int64{} // room → seq not yet confirmed
	lastFlush := time.Now()
	taken, frames := 0, 0
	for {
		if cutAfter >= 0 && taken >= cutAfter {
			return synced, nil
		}
		_, data, err := c.Read(life)
		if err != nil {
			return synced, err
		}
		frames++
		var e roomEvent
		var head struct {
			Type      string `json:"type"`
			Cursor    string `json:"cursor"`
			Code      string `json:"code"`
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal(data, &head); err != nil {
			return synced, protocolErr("%s: frame %s: %w", f.user, data, err)
		}
		switch head.Type {
		case "sync.complete":
			if head.Cursor == "" {
				return synced, protocolErr("%s: sync.complete without a cursor: %s", f.user, data)
			}
			f.cursor, synced = head.Cursor, true
			if untilSync {
				return true, nil
			}
			continue
		case "error":
			if strings.HasPrefix(head.RequestID, "dlv-") {
				continue // a delivered for a room left since: the rules' answer
			}
			return synced, protocolErr("%s: error frame %s", f.user, data)
		case "sync.reset_required", "server.shutdown":
			return synced, protocolErr("%s: unexpected %s", f.user, data)
		case "message", "message.updated", "message.deleted", "member.joined", "member.left", "room.updated":
		default:
			continue // presence, typing, receipts: not the room's state
		}
		if err := json.Unmarshal(data, &e); err != nil {
			return synced, protocolErr("%s: event %s: %w", f.user, data, err)
		}
		taken++
		ownJoin := e.Type == "member.joined" && e.UserID == f.user
		ownLeft := e.Type == "member.left" && e.UserID == f.user
		if prev, ok := connLast[e.RoomID]; ok && e.EventSeq != prev+1 && !ownJoin && !(ownLeft && e.EventSeq > prev) {
			return synced, protocolErr("%s: room %s: %s event %d after event %d on one connection to %s (sync.complete %v, %d frames in): a gap or a repeat; the log between: %s",
				f.user, e.RoomID, e.Type, e.EventSeq, prev, p.addr, synced, frames, describeLog(ctx, f.tn, e.RoomID, min(prev, e.EventSeq-1), max(prev, e.EventSeq)+1))
		}
		connLast[e.RoomID] = e.EventSeq
		if v := f.replica.rooms[e.RoomID]; v != nil && e.EventSeq <= v.last {
			if v.types[e.EventSeq] != e.Type {
				return synced, protocolErr("%s: room %s: event %d is %s now, was %q", f.user, e.RoomID, e.EventSeq, e.Type, v.types[e.EventSeq])
			}
			f.resent++
			continue
		}
		if err := f.replica.apply(e, true, f.backfill(ctx)); err != nil {
			return synced, protocolErr("%s (WebSocket, %d frames into a connection to %s, sync.complete %v): %w", f.user, frames, p.addr, synced, err)
		}
		if e.Type == "message" {
			delivered[e.RoomID] = e.Seq
		}
		// Confirm receipt, batched, as clients do: no redelivery then.
		if time.Since(lastFlush) > 100*time.Millisecond {
			for room, seq := range delivered {
				if v := f.replica.rooms[room]; v != nil && v.member {
					b, _ := json.Marshal(map[string]any{"type": "delivered", "room_id": room, "seq": seq, "request_id": "dlv-" + fmt.Sprint(seq)})
					if err := c.Write(life, websocket.MessageText, b); err != nil {
						return synced, err
					}
				}
			}
			clear(delivered)
			lastFlush = time.Now()
		}
	}
}

// describeLog summarizes the room's log from after+1 to before-1, read by
// the admin, for a failure message.
func describeLog(ctx context.Context, tn tenant, room string, after, before int64) string {
	evs, err := roomEvents(ctx, tn, eqAdmin, room, after, before)
	if err != nil {
		return err.Error()
	}
	var parts []string
	for _, e := range evs {
		parts = append(parts, fmt.Sprintf("%d %s %s%s", e.EventSeq, e.Type, e.UserID, e.SenderID))
	}
	return strings.Join(parts, ", ")
}

// protocolError is something wrong in what a connection was given, as
// opposed to the connection ending.
type protocolError struct{ err error }

func (e *protocolError) Error() string { return e.err.Error() }

func protocolErr(format string, args ...any) error {
	return &protocolError{fmt.Errorf(format, args...)}
}

// roomEvents reads room's log as user from after+1 to before-1.
func roomEvents(ctx context.Context, tn tenant, user, room string, after, before int64) ([]roomEvent, error) {
	var out []roomEvent
	for after+1 < before {
		var page []roomEvent
		q := url.Values{"after": {fmt.Sprint(after)}, "limit": {"500"}}
		if _, err := tn.a.do(ctx, http.MethodGet, "/rooms/"+room+"/events?"+q.Encode(), tn.headers(user), nil, &page); err != nil {
			return nil, err
		}
		if len(page) == 0 {
			return nil, fmt.Errorf("room %s: no events after %d, want them up to %d", room, after, before-1)
		}
		for _, e := range page {
			if e.EventSeq >= before {
				return out, nil
			}
			out = append(out, e)
			after = e.EventSeq
		}
	}
	return out, nil
}

// roomEvent holds the fields of a room event a replica uses.
type roomEvent struct {
	Type      string          `json:"type"`
	RoomID    string          `json:"room_id"`
	EventSeq  int64           `json:"event_seq"`
	Seq       int64           `json:"seq"`
	MessageID string          `json:"message_id"`
	SenderID  string          `json:"sender_id"`
	Content   string          `json:"content"`
	Meta      json.RawMessage `json:"meta"`
	EditedAt  *string         `json:"edited_at"`
	DeletedAt *string         `json:"deleted_at"`
	UserID    string          `json:"user_id"`
	Role      string          `json:"role"`
	Room      *roomFields     `json:"room"`
}

// roomFields are the fields of a room the replica compares.
type roomFields struct {
	RoomID      string          `json:"room_id"`
	Type        string          `json:"type"`
	Name        *string         `json:"name"`
	Metadata    json.RawMessage `json:"metadata"`
	LastSeq     int64           `json:"last_seq"`
	MemberCount int             `json:"member_count"`
}

// messageView is a message as a client shows it.
type messageView struct {
	ID, Sender, Content, Meta string
	Edited, Deleted           bool
}

// roomView is a room as a client shows it, built from the room's events.
type roomView struct {
	// member says the log has the user in the room: events of the room
	// come to them.
	member   bool
	last     int64 // the event_seq of the last event applied
	typ      string
	name     *string
	metadata string
	members  map[string]string // user → role
	messages map[int64]messageView
	types    map[int64]string // event_seq → type, of every event applied
}

type replica struct {
	user  string
	rooms map[string]*roomView
}

func newReplica(user string) *replica {
	return &replica{user: user, rooms: map[string]*roomView{}}
}

// apply takes the next event sync gave for a room. A room the user is not
// in (yet, or any more) must come back with the user's own member.joined;
// what the room's log holds before it (the room's history, or what
// happened while the user was away) is read with backfill, as a client
// that shows history would. Any other event must follow the last one
// applied at once: no gap, no repeat.
//
// With rejoin (WebSocket clients), the user's own member.joined may also
// follow a gap in a room the client is in: the resume cursor, kept at the
// last sync.complete, knows nothing of what came live since, and a room
// left and joined again after it is replayed, as SPEC has it, from the
// first member.left after the cursor and then from the latest
// member.joined; what the client was given live and the memberships in
// between are not in the replay, and the log between is read as for a room
// joined anew. A room the user is out of is replayed up to the first
// member.left after the cursor and then the last member.left alone: that
// ends a later membership the WebSocket client was given live, and a
// client out of the room already ignores it. A GET /sync client's cursor
// is always current, so it gets no other leeway: its replay must bring the
// first member.left.
func (r *replica) apply(e roomEvent, rejoin bool, backfill func(room string, after, before int64) ([]roomEvent, error)) error {
	v := r.rooms[e.RoomID]
	ownJoin := e.Type == "member.joined" && e.UserID == r.user
	if e.Type == "member.left" && e.UserID == r.user {
		switch {
		case v == nil || !v.member:
			// The user's last member.left, after the end of an earlier
			// membership: the client is out of the room already.
			return nil
		case rejoin && e.EventSeq > v.last+1:
			// A WebSocket client given a later membership live, then a
			// replay from an older cursor: the room ends here. What it
			// missed of that membership is read as history if the user
			// joins again.
			v.member = false
			return nil
		}
	}
	if v == nil || !v.member || (rejoin && ownJoin) {
		if !ownJoin {
			last := int64(0)
			if v != nil {
				last = v.last
			}
			return fmt.Errorf("room %s: %s event %d arrived while not a member (last event %d), before the user's own member.joined", e.RoomID, e.Type, e.EventSeq, last)
		}
		if v == nil {
			v = &roomView{members: map[string]string{}, messages: map[int64]messageView{}, types: map[int64]string{}}
			r.rooms[e.RoomID] = v
		}
		if e.EventSeq > v.last+1 {
			history, err := backfill(e.RoomID, v.last, e.EventSeq)
			if err != nil {
				return fmt.Errorf("room %s: history before event %d: %w", e.RoomID, e.EventSeq, err)
			}
			for _, h := range history {
				if err := v.step(r.user, h); err != nil {
					return fmt.Errorf("room %s, history: %w", e.RoomID, err)
				}
			}
		}
	}
	if err := v.step(r.user, e); err != nil {
		return fmt.Errorf("room %s: %w", e.RoomID, err)
	}
	return nil
}

// step applies e, which must be the room's next event.
func (v *roomView) step(user string, e roomEvent) error {
	if e.EventSeq != v.last+1 {
		return fmt.Errorf("%s event %d after event %d: a gap or a repeat", e.Type, e.EventSeq, v.last)
	}
	switch e.Type {
	case "message":
		if _, ok := v.messages[e.Seq]; ok {
			return fmt.Errorf("message seq %d twice (event %d)", e.Seq, e.EventSeq)
		}
		v.messages[e.Seq] = messageOf(e)
	case "message.updated", "message.deleted":
		m, ok := v.messages[e.Seq]
		if !ok {
			return fmt.Errorf("%s event %d of message seq %d, which it was never given", e.Type, e.EventSeq, e.Seq)
		}
		if m.ID != e.MessageID {
			return fmt.Errorf("%s event %d: message seq %d is %s, the event says %s", e.Type, e.EventSeq, e.Seq, m.ID, e.MessageID)
		}
		v.messages[e.Seq] = messageOf(e)
	case "member.joined":
		v.members[e.UserID] = e.Role
		if e.Room != nil {
			v.typ, v.name, v.metadata = e.Room.Type, e.Room.Name, canonicalJSON(e.Room.Metadata)
		}
		if e.UserID == user {
			v.member = true
		}
	case "member.left":
		delete(v.members, e.UserID)
		if e.UserID == user {
			v.member = false
		}
	case "room.updated":
		if e.Room == nil {
			return fmt.Errorf("room.updated event %d without the room", e.EventSeq)
		}
		v.typ, v.name, v.metadata = e.Room.Type, e.Room.Name, canonicalJSON(e.Room.Metadata)
	default:
		return fmt.Errorf("event %d of unknown type %q", e.EventSeq, e.Type)
	}
	v.last = e.EventSeq
	v.types[e.EventSeq] = e.Type
	return nil
}

func messageOf(e roomEvent) messageView {
	return messageView{ID: e.MessageID, Sender: e.SenderID, Content: e.Content, Meta: canonicalJSON(e.Meta),
		Edited: e.EditedAt != nil, Deleted: e.DeletedAt != nil}
}

// canonicalJSON is raw re-encoded with sorted keys; null and absent alike.
func canonicalJSON(raw json.RawMessage) string {
	if len(bytes.TrimSpace(raw)) == 0 {
		return "null"
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "invalid: " + string(raw)
	}
	b, _ := json.Marshal(v) // maps marshal with sorted keys
	return string(b)
}

// --- the snapshot ----------------------------------------------------------

// roomSnapshot is a room as REST shows it now, read by its admin.
type roomSnapshot struct {
	room         roomFields
	members      map[string]string
	messages     map[int64]messageView
	lastEventSeq int64
}

func snapshotRoom(ctx context.Context, tn tenant, room string) (roomSnapshot, error) {
	h := tn.headers(eqAdmin)
	var s roomSnapshot
	if _, err := tn.a.do(ctx, http.MethodGet, "/rooms/"+room, h, nil, &s.room); err != nil {
		return s, err
	}
	var members []struct {
		UserID string `json:"user_id"`
		Role   string `json:"role"`
	}
	if _, err := tn.a.do(ctx, http.MethodGet, "/rooms/"+room+"/members", h, nil, &members); err != nil {
		return s, err
	}
	s.members = map[string]string{}
	for _, m := range members {
		s.members[m.UserID] = m.Role
	}
	s.messages = map[int64]messageView{}
	for after := int64(0); ; {
		var page []roomEvent // a message lists with the fields of its event
		q := url.Values{"after_seq": {fmt.Sprint(after)}, "limit": {"100"}}
		if _, err := tn.a.do(ctx, http.MethodGet, "/rooms/"+room+"/messages?"+q.Encode(), h, nil, &page); err != nil {
			return s, err
		}
		for _, m := range page {
			s.messages[m.Seq] = messageOf(m)
			after = m.Seq
		}
		if len(page) < 100 {
			break
		}
	}
	// The log's end, and that it has no gap.
	for {
		var page []roomEvent
		q := url.Values{"after": {fmt.Sprint(s.lastEventSeq)}, "limit": {"500"}}
		if _, err := tn.a.do(ctx, http.MethodGet, "/rooms/"+room+"/events?"+q.Encode(), h, nil, &page); err != nil {
			return s, err
		}
		for _, e := range page {
			if e.EventSeq != s.lastEventSeq+1 {
				return s, fmt.Errorf("the room's log has event %d after %d", e.EventSeq, s.lastEventSeq)
			}
			s.lastEventSeq = e.EventSeq
		}
		if len(page) < 500 {
			return s, nil
		}
	}
}

// ownMemberEvents lists f's joins and leaves of room in its log, for a
// failure message.
func ownMemberEvents(f *follower, room string, last int64) string {
	evs, err := roomEvents(context.Background(), f.tn, eqAdmin, room, 0, last+1)
	if err != nil {
		return err.Error()
	}
	var parts []string
	for _, e := range evs {
		if e.UserID == f.user && strings.HasPrefix(e.Type, "member.") {
			parts = append(parts, fmt.Sprintf("%d %s", e.EventSeq, e.Type))
		}
	}
	return strings.Join(parts, ", ")
}

// checkReplica compares f's view of each room it is in with the snapshot.
func checkReplica(t *testing.T, f *follower, w *eqWorld, snaps map[string]roomSnapshot) {
	t.Helper()
	for _, r := range w.rooms {
		s := snaps[r.id]
		_, inRoom := s.members[f.user]
		v := f.replica.rooms[r.id]
		switch {
		case inRoom && (v == nil || !v.member):
			t.Errorf("%s: a member of room %s by REST, not by the events it was given (the user's in the log: %s)",
				f.user, r.id, ownMemberEvents(f, r.id, s.lastEventSeq))
			continue
		case !inRoom && v != nil && v.member:
			t.Errorf("%s: not a member of room %s by REST, still one by the events it was given (the last event %d; the user's in the log: %s)",
				f.user, r.id, v.last, ownMemberEvents(f, r.id, s.lastEventSeq))
			continue
		case !inRoom:
			continue
		}
		where := fmt.Sprintf("%s's view of %s room %s", f.user, r.typ, r.id)
		if v.last != s.lastEventSeq {
			t.Errorf("%s: given events 1..%d, the log holds 1..%d", where, v.last, s.lastEventSeq)
		}
		if v.typ != s.room.Type || !equalPtr(v.name, s.room.Name) || v.metadata != canonicalJSON(s.room.Metadata) {
			t.Errorf("%s: room (%s, %s, %s), REST (%s, %s, %s)", where, v.typ, str(v.name), v.metadata,
				s.room.Type, str(s.room.Name), canonicalJSON(s.room.Metadata))
		}
		if !mapsEqual(v.members, s.members) {
			t.Errorf("%s: members %v, REST %v", where, v.members, s.members)
		}
		if s.room.MemberCount != len(s.members) {
			t.Errorf("room %s: member_count %d, %d members listed", r.id, s.room.MemberCount, len(s.members))
		}
		if int64(len(s.messages)) != s.room.LastSeq {
			t.Errorf("room %s: last_seq %d, %d messages listed", r.id, s.room.LastSeq, len(s.messages))
		}
		if !mapsEqual(v.messages, s.messages) {
			t.Errorf("%s: messages differ from REST:\n%s", where, messageDiff(v.messages, s.messages))
		}
	}
}

func equalPtr(a, b *string) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// messageDiff lists, by seq, the messages that differ (at most 10).
func messageDiff(got, want map[int64]messageView) string {
	seqs := map[int64]bool{}
	for s := range got {
		seqs[s] = true
	}
	for s := range want {
		seqs[s] = true
	}
	var keys []int64
	for s := range seqs {
		if got[s] != want[s] {
			keys = append(keys, s)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	var b strings.Builder
	for i, s := range keys {
		if i == 10 {
			fmt.Fprintf(&b, "… and %d more\n", len(keys)-10)
			break
		}
		fmt.Fprintf(&b, "seq %d: events %+v, REST %+v\n", s, got[s], want[s])
	}
	return b.String()
}
