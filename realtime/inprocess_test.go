package realtime_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chatapi/chatapi/membus"
	"github.com/chatapi/chatapi/realtime"
	"github.com/chatapi/chatapi/store"
)

// sibling runs another hub, named id, over e's store and tenant, on bus and
// presence, with its own server; its bus and heartbeat run until t ends.
func (e *env) sibling(t *testing.T, cfg realtime.Config, bus *membus.Bus) *env {
	t.Helper()
	cfg.MaxConnsPerUser = 1000
	hub, err := realtime.New(cfg, e.st)
	if err != nil {
		t.Fatalf("new hub: %v", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := hub.ServeWS(w, r, sessionOf(r)); err != nil {
			http.Error(w, err.Error(), http.StatusTooManyRequests)
		}
	}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = bus.Run(ctx, hub); done <- struct{}{} }()
	go func() { _ = hub.RunCluster(ctx); done <- struct{}{} }()
	<-bus.Listening()
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		if err := hub.Shutdown(sctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		srv.Close()
		cancel()
		<-done
		<-done
	})
	return &env{t: t, st: e.st, hub: hub, srv: srv, tenant: e.tenant}
}

// Two hubs of one process over one in-process bus and presence behave as
// two instances over PostgreSQL: events and presence cross between them.
func TestTwoHubsOnOneInProcessBus(t *testing.T) {
	const grace = 50 * time.Millisecond
	network := membus.NewNetwork()
	shared := membus.NewPresence(membus.PresenceConfig{})
	cfg := func(id string) realtime.Config {
		return realtime.Config{PresenceGrace: grace, Cluster: network.Bus(), Presence: shared,
			Instance: realtime.ClusterConfig{InstanceID: id, Heartbeat: 20 * time.Millisecond, InstanceTimeout: 5 * time.Second}}
	}
	// The first env only lends its store and tenant; hubs A and B run on
	// the bus.
	base := newEnv(t, realtime.Config{})
	cfgA, cfgB := cfg("a"), cfg("b")
	a := base.sibling(t, cfgA, cfgA.Cluster.(*membus.Bus))
	b := base.sibling(t, cfgB, cfgB.Cluster.(*membus.Bus))
	room := base.room(store.RoomGroup, "alice", "bob")

	alice, _, _ := a.connect("alice")
	bob, _, _ := b.connect("bob")
	// alice, on A, hears bob come online on B.
	if f := alice.next(); f.Type != "presence.update" || f.str("user_id") != "bob" || f.str("status") != "online" {
		t.Fatalf("alice got %s, want bob online", f.Raw)
	}
	settle(t, bob)

	alice.send(map[string]any{"type": "typing.start", "room_id": room})
	// alice's own presence may still reach bob after settling: presence
	// travels apart from room events (and is coalesced), in no order with
	// them.
	f := bob.next()
	for f.Type == "presence.update" {
		f = bob.next()
	}
	if f.Type != "typing" || f.str("user_id") != "alice" || f.str("action") != "start" {
		t.Fatalf("bob got %s, want alice typing", f.Raw)
	}

	// B knows alice is online through the shared presence.
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := b.hub.PresenceOf(t.Context(), b.tenant, []string{"alice"})
		if err != nil {
			t.Fatal(err)
		}
		if got[0].Online {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("B's presence of alice = %+v, want online", got[0])
		}
		time.Sleep(10 * time.Millisecond)
	}

	_ = alice.ws.CloseNow()
	for {
		f := bob.next()
		if f.Type == "typing" {
			continue // the stop of alice's typing, as she left
		}
		if f.Type != "presence.update" || f.str("user_id") != "alice" || f.str("status") != "offline" {
			t.Fatalf("bob got %s, want alice offline", f.Raw)
		}
		break
	}
	got, err := b.hub.PresenceOf(t.Context(), b.tenant, []string{"alice"})
	if err != nil || got[0].Online || got[0].LastSeen == nil {
		t.Fatalf("B's presence of alice = %+v, %v; want offline with a last seen", got, err)
	}
}
