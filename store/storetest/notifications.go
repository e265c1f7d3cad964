package storetest

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

// notify creates a notification or fails the test.
func notify(t *testing.T, s *store.Store, tenant, sender string, n store.NewNotification) store.Notification {
	t.Helper()
	got, _, err := s.CreateNotification(t.Context(), tenant, sender, n)
	if err != nil {
		t.Fatalf("CreateNotification(%s, %+v): %v", sender, n, err)
	}
	return got
}

// subscribe subscribes a user or fails the test.
func subscribe(t *testing.T, s *store.Store, tenant, user, topic string) {
	t.Helper()
	if _, _, err := s.Subscribe(t.Context(), tenant, user, topic); err != nil {
		t.Fatalf("Subscribe(%s, %s): %v", user, topic, err)
	}
}

// pendingIDs lists the ids of the user's pending notifications, oldest first.
func pendingIDs(t *testing.T, s *store.Store, tenant, user string) []string {
	t.Helper()
	got, err := s.ListNotifications(t.Context(), tenant, user, store.MaxNotificationsLimit)
	if err != nil {
		t.Fatalf("ListNotifications(%s): %v", user, err)
	}
	return notificationIDs(got)
}

func notificationIDs(ns []store.Notification) []string {
	var ids []string
	for _, n := range ns {
		ids = append(ids, n.ID)
	}
	return ids
}

func testCreateNotification(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)

	room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob", "carol")
	notInRoom := newRoom(t, s, tenant, "dave", store.RoomGroup, "erin")
	channel := newRoom(t, s, tenant, "dave", store.RoomChannel)
	otherRoom := newRoom(t, s, other, "alice", store.RoomGroup, "bob")
	for _, sub := range []struct{ tenant, user, topic string }{
		{tenant, "bob", "news"},
		{tenant, "erin", "news"},
		{tenant, "alice", "news"}, // the sender: never through the topic
		{tenant, "frank", "sports"},
		{other, "zed", "news"}, // another tenant's subscriber
	} {
		subscribe(t, s, sub.tenant, sub.user, sub.topic)
	}
	everyone := []string{"alice", "bob", "carol", "dave", "erin", "frank", "zed", "zoe"}
	longestTopic := strings.Repeat("t", store.MaxTopicLength)

	tests := []struct {
		name      string
		n         store.NewNotification
		want      []string
		wantErr   error
		wantField string
	}{
		{name: "user_ids only, duplicates once",
			n:    store.NewNotification{Topic: "news", UserIDs: []string{"zoe", "bob", "zoe"}},
			want: []string{"bob", "zoe"}},
		{name: "user_ids naming the sender",
			n:    store.NewNotification{Topic: "news", UserIDs: []string{"alice"}},
			want: []string{"alice"}},
		{name: "room only: members but the sender",
			n:    store.NewNotification{Topic: "news", RoomID: &room.ID},
			want: []string{"bob", "carol"}},
		{name: "topic subscribers only: the tenant's, but the sender",
			n:    store.NewNotification{Topic: "news", TopicSubscribers: true},
			want: []string{"bob", "erin"}},
		{name: "all combined, overlaps once",
			n:    store.NewNotification{Topic: "news", UserIDs: []string{"bob", "zoe", "alice"}, RoomID: &room.ID, TopicSubscribers: true},
			want: []string{"alice", "bob", "carol", "erin", "zoe"}},
		{name: "topic without subscribers: nobody",
			n:    store.NewNotification{Topic: "quiet", TopicSubscribers: true},
			want: []string{}},
		{name: "longest topic",
			n:    store.NewNotification{Topic: longestTopic, UserIDs: []string{"zoe"}},
			want: []string{"zoe"}},
		{name: "room of another tenant",
			n:       store.NewNotification{Topic: "news", RoomID: &otherRoom.ID},
			wantErr: store.ErrNotFound},
		{name: "missing room",
			n:       store.NewNotification{Topic: "news", RoomID: ptr("room_missing"), UserIDs: []string{"bob"}},
			wantErr: store.ErrNotFound},
		{name: "room the sender is not in",
			n:       store.NewNotification{Topic: "news", RoomID: &notInRoom.ID, UserIDs: []string{"bob"}},
			wantErr: store.ErrForbidden},
		{name: "channel the sender has not joined",
			n:       store.NewNotification{Topic: "news", RoomID: &channel.ID},
			wantErr: store.ErrForbidden},
		{name: "empty topic",
			n:       store.NewNotification{UserIDs: []string{"bob"}},
			wantErr: store.ErrInvalid, wantField: "topic"},
		{name: "upper case topic",
			n:       store.NewNotification{Topic: "News", UserIDs: []string{"bob"}},
			wantErr: store.ErrInvalid, wantField: "topic"},
		{name: "topic with a space",
			n:       store.NewNotification{Topic: "the news", UserIDs: []string{"bob"}},
			wantErr: store.ErrInvalid, wantField: "topic"},
		{name: "topic too long",
			n:       store.NewNotification{Topic: longestTopic + "t", UserIDs: []string{"bob"}},
			wantErr: store.ErrInvalid, wantField: "topic"},
		{name: "no targets",
			n:       store.NewNotification{Topic: "news"},
			wantErr: store.ErrInvalid, wantField: "targets"},
		{name: "empty user_ids and nothing else",
			n:       store.NewNotification{Topic: "news", UserIDs: []string{}},
			wantErr: store.ErrInvalid, wantField: "targets"},
		{name: "empty user id",
			n:       store.NewNotification{Topic: "news", UserIDs: []string{"bob", ""}},
			wantErr: store.ErrInvalid, wantField: "targets.user_ids"},
		{name: "payload not an object",
			n:       store.NewNotification{Topic: "news", Payload: json.RawMessage(`[1]`), UserIDs: []string{"bob"}},
			wantErr: store.ErrInvalid, wantField: "payload"},
		{name: "payload too large",
			n: store.NewNotification{Topic: "news", UserIDs: []string{"bob"},
				Payload: json.RawMessage(`{"x":"` + strings.Repeat("x", store.MaxNotificationPayloadSize) + `"}`)},
			wantErr: store.ErrInvalid, wantField: "payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := pendingIDs(t, s, tenant, "bob")
			if tt.n.Payload == nil && tt.wantErr == nil {
				tt.n.Payload = json.RawMessage(`{ "headline": "hi" }`)
			}
			got, recipients, err := s.CreateNotification(ctx, tenant, "alice", tt.n)
			checkErr(t, err, tt.wantErr, tt.wantField)
			if err != nil {
				if after := pendingIDs(t, s, tenant, "bob"); !slices.Equal(after, before) {
					t.Errorf("a refused notification reached bob: got %v, want %v", after, before)
				}
				return
			}
			if !strings.HasPrefix(got.ID, "ntf_") || got.Topic != tt.n.Topic || got.SenderID != "alice" ||
				string(got.Payload) != `{"headline":"hi"}` || got.CreatedAt.Location() != time.UTC ||
				got.CreatedAt.Before(epoch) || !got.ExpiresAt.Equal(got.CreatedAt.Add(store.NotificationTTL)) {
				t.Errorf("got %+v", got)
			}
			if !slices.Equal(recipients, tt.want) {
				t.Errorf("got recipients %v, want %v", recipients, tt.want)
			}
			// Stored: exactly the recipients have it pending, in either tenant.
			for _, user := range everyone {
				for _, tn := range []string{tenant, other} {
					has := slices.Contains(pendingIDs(t, s, tn, user), got.ID)
					if want := tn == tenant && slices.Contains(tt.want, user); has != want {
						t.Errorf("%s (tenant %s) has it pending: %v, want %v", user, tn, has, want)
					}
				}
			}
		})
	}

	t.Run("no payload is the empty object", func(t *testing.T) {
		got, _, err := s.CreateNotification(ctx, tenant, "alice", store.NewNotification{Topic: "news", UserIDs: []string{"zoe"}})
		if err != nil {
			t.Fatalf("CreateNotification: %v", err)
		}
		if string(got.Payload) != `{}` {
			t.Errorf("got payload %s, want {}", got.Payload)
		}
	})
}

func testListNotifications(t *testing.T, b Backend) {
	s, clk := newStoreClock(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)

	var sent []store.Notification
	for range 5 {
		sent = append(sent, notify(t, s, tenant, "alice", store.NewNotification{Topic: "news", UserIDs: []string{"bob", "carol"}}))
	}
	if _, err := s.AckNotification(ctx, tenant, "bob", sent[1].ID); err != nil {
		t.Fatalf("AckNotification: %v", err)
	}
	if err := s.RecordFailedNotification(ctx, store.FailedNotification{
		TenantID: tenant, NotificationID: sent[2].ID, UserID: "bob", Attempts: 5, Error: "no ack",
	}); err != nil {
		t.Fatalf("RecordFailedNotification: %v", err)
	}
	ids := func(is ...int) []string {
		var out []string
		for _, i := range is {
			out = append(out, sent[i].ID)
		}
		return out
	}

	tests := []struct {
		name      string
		tenant    string
		user      string
		limit     int
		want      []string
		wantErr   error
		wantField string
	}{
		{name: "oldest first, without acked and dead", tenant: tenant, user: "bob", want: ids(0, 3, 4)},
		{name: "limit", tenant: tenant, user: "bob", limit: 2, want: ids(0, 3)},
		{name: "another recipient keeps them all", tenant: tenant, user: "carol", want: ids(0, 1, 2, 3, 4)},
		{name: "the sender, not a recipient", tenant: tenant, user: "alice", want: nil},
		{name: "other tenant", tenant: other, user: "bob", want: nil},
		{name: "limit too large", tenant: tenant, user: "bob", limit: store.MaxNotificationsLimit + 1, wantErr: store.ErrInvalid, wantField: "limit"},
		{name: "negative limit", tenant: tenant, user: "bob", limit: -1, wantErr: store.ErrInvalid, wantField: "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListNotifications(ctx, tt.tenant, tt.user, tt.limit)
			checkErr(t, err, tt.wantErr, tt.wantField)
			if ids := notificationIDs(got); !slices.Equal(ids, tt.want) {
				t.Errorf("got %v, want %v", ids, tt.want)
			}
			for _, n := range got {
				i := slices.IndexFunc(sent, func(m store.Notification) bool { return m.ID == n.ID })
				if i < 0 || n.Topic != "news" || n.SenderID != "alice" || string(n.Payload) != `{}` ||
					!n.CreatedAt.Equal(sent[i].CreatedAt) || !n.ExpiresAt.Equal(sent[i].ExpiresAt) {
					t.Errorf("got %+v, want as sent", n)
				}
			}
		})
	}

	t.Run("default limit", func(t *testing.T) {
		for range store.DefaultNotificationsLimit + 1 {
			notify(t, s, tenant, "alice", store.NewNotification{Topic: "bulk", UserIDs: []string{"dave"}})
		}
		got, err := s.ListNotifications(ctx, tenant, "dave", 0)
		if err != nil || len(got) != store.DefaultNotificationsLimit {
			t.Errorf("got %d, %v; want %d", len(got), err, store.DefaultNotificationsLimit)
		}
	})

	t.Run("expiry", func(t *testing.T) {
		tenant := newTenant(t, s)
		old := notify(t, s, tenant, "alice", store.NewNotification{Topic: "news", UserIDs: []string{"bob"}})
		clk.Advance(24 * time.Hour)
		newer := notify(t, s, tenant, "alice", store.NewNotification{Topic: "news", UserIDs: []string{"bob"}})
		steps := []struct {
			name    string
			advance time.Duration
			want    []string
		}{
			{"both within the ttl", 0, []string{old.ID, newer.ID}},
			{"the first one's ttl passed", store.NotificationTTL - 24*time.Hour, []string{newer.ID}},
			{"both passed", 24 * time.Hour, nil},
		}
		for _, st := range steps {
			clk.Advance(st.advance)
			if got := pendingIDs(t, s, tenant, "bob"); !slices.Equal(got, st.want) {
				t.Errorf("%s: got %v, want %v", st.name, got, st.want)
			}
		}
	})
}

func testAckNotification(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)
	n := notify(t, s, tenant, "alice", store.NewNotification{Topic: "news", UserIDs: []string{"bob", "carol", "erin"}})
	if err := s.RecordFailedNotification(ctx, store.FailedNotification{
		TenantID: tenant, NotificationID: n.ID, UserID: "erin", Attempts: 5, Error: "no ack",
	}); err != nil {
		t.Fatalf("RecordFailedNotification: %v", err)
	}

	// In order: "again" steps expect the time of the user's first ack.
	acked := map[string]time.Time{}
	tests := []struct {
		name    string
		tenant  string
		user    string
		id      string
		again   bool
		wantErr error
	}{
		{name: "recipient", tenant: tenant, user: "bob", id: n.ID},
		{name: "twice: the first ack's time", tenant: tenant, user: "bob", id: n.ID, again: true},
		{name: "another recipient", tenant: tenant, user: "carol", id: n.ID},
		{name: "after it was dead-lettered", tenant: tenant, user: "erin", id: n.ID},
		{name: "the sender, not a recipient", tenant: tenant, user: "alice", id: n.ID, wantErr: store.ErrNotFound},
		{name: "another user's notification", tenant: tenant, user: "mallory", id: n.ID, wantErr: store.ErrNotFound},
		{name: "other tenant", tenant: other, user: "bob", id: n.ID, wantErr: store.ErrNotFound},
		{name: "other tenant, not yet acked", tenant: other, user: "carol", id: n.ID, wantErr: store.ErrNotFound},
		{name: "missing notification", tenant: tenant, user: "bob", id: "ntf_missing", wantErr: store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.AckNotification(ctx, tt.tenant, tt.user, tt.id)
			checkErr(t, err, tt.wantErr, "")
			if err != nil {
				return
			}
			if tt.again {
				if !got.Equal(acked[tt.user]) {
					t.Errorf("got acked_at %v, want the first ack's %v", got, acked[tt.user])
				}
				return
			}
			if got.Location() != time.UTC || !got.After(n.CreatedAt) {
				t.Errorf("got acked_at %v, want UTC after %v", got, n.CreatedAt)
			}
			acked[tt.user] = got
		})
	}
	for _, user := range []string{"bob", "carol", "erin"} {
		if got := pendingIDs(t, s, tenant, user); len(got) != 0 {
			t.Errorf("%s still has %v pending", user, got)
		}
	}
}

func testSubscriptions(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)
	other := newTenant(t, s)

	first, created, err := s.Subscribe(ctx, tenant, "bob", "news")
	if err != nil || !created || first.Topic != "news" || first.CreatedAt.Location() != time.UTC || first.CreatedAt.Before(epoch) {
		t.Fatalf("Subscribe: got %+v, created %v, %v", first, created, err)
	}
	again, created, err := s.Subscribe(ctx, tenant, "bob", "news")
	if err != nil || created || again.Topic != "news" || !again.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("Subscribe again: got %+v, created %v, %v; want the first %+v, created false", again, created, err, first)
	}
	for _, topic := range []string{"zeta", "a_b", "alerts", "a.b", "a-z"} {
		subscribe(t, s, tenant, "bob", topic)
	}
	subscribe(t, s, tenant, "carol", "carols.own")
	subscribe(t, s, other, "bob", "other.tenant")

	topics := func(t *testing.T, tenant, user string) []string {
		t.Helper()
		subs, err := s.ListSubscriptions(ctx, tenant, user)
		if err != nil {
			t.Fatalf("ListSubscriptions: %v", err)
		}
		var out []string
		for _, sub := range subs {
			out = append(out, sub.Topic)
		}
		return out
	}

	t.Run("list", func(t *testing.T) {
		tests := []struct {
			name   string
			tenant string
			user   string
			want   []string
		}{
			{"byte order", tenant, "bob", []string{"a-z", "a.b", "a_b", "alerts", "news", "zeta"}},
			{"another user", tenant, "carol", []string{"carols.own"}},
			{"nobody's", tenant, "dave", nil},
			{"other tenant", other, "bob", []string{"other.tenant"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := topics(t, tt.tenant, tt.user); !slices.Equal(got, tt.want) {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			})
		}
	})

	t.Run("invalid topics", func(t *testing.T) {
		for _, topic := range []string{"", "News", "the news", "naïve", "a/b", strings.Repeat("t", store.MaxTopicLength+1)} {
			t.Run(topic, func(t *testing.T) {
				_, _, err := s.Subscribe(ctx, tenant, "bob", topic)
				checkErr(t, err, store.ErrInvalid, "topic")
				checkErr(t, s.Unsubscribe(ctx, tenant, "bob", topic), store.ErrInvalid, "topic")
			})
		}
	})

	t.Run("unsubscribe", func(t *testing.T) {
		// In order, each step on what the previous left.
		tests := []struct {
			name    string
			tenant  string
			user    string
			topic   string
			wantErr error
		}{
			{name: "subscribed", tenant: tenant, user: "bob", topic: "news"},
			{name: "again", tenant: tenant, user: "bob", topic: "news", wantErr: store.ErrNotFound},
			{name: "never subscribed", tenant: tenant, user: "bob", topic: "never", wantErr: store.ErrNotFound},
			{name: "another user's topic", tenant: tenant, user: "bob", topic: "carols.own", wantErr: store.ErrNotFound},
			{name: "other tenant", tenant: other, user: "bob", topic: "alerts", wantErr: store.ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				checkErr(t, s.Unsubscribe(ctx, tt.tenant, tt.user, tt.topic), tt.wantErr, "")
			})
		}
		if got, want := topics(t, tenant, "bob"), []string{"a-z", "a.b", "a_b", "alerts", "zeta"}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		if got := topics(t, tenant, "carol"); !slices.Equal(got, []string{"carols.own"}) {
			t.Errorf("carol: got %v, want [carols.own]", got)
		}
		// Subscribing again after unsubscribing makes a new subscription.
		sub, created, err := s.Subscribe(ctx, tenant, "bob", "news")
		if err != nil || !created || !sub.CreatedAt.After(first.CreatedAt) {
			t.Errorf("resubscribe: got %+v, created %v, %v; want a new subscription", sub, created, err)
		}
	})
}

// testConcurrentSubscribes has one user subscribe to one topic from many
// goroutines at once: one subscription, created once, the same to all.
func testConcurrentSubscribes(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tenant := newTenant(t, s)

	const n = 20
	subs := make([]store.Subscription, n)
	created := make([]bool, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			var err error
			subs[i], created[i], err = s.Subscribe(ctx, tenant, "bob", "news")
			if err != nil {
				t.Errorf("Subscribe: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	if got := len(slices.DeleteFunc(slices.Clone(created), func(c bool) bool { return !c })); got != 1 {
		t.Errorf("%d calls created the subscription, want 1", got)
	}
	for i, sub := range subs {
		if sub.Topic != "news" || !sub.CreatedAt.Equal(subs[0].CreatedAt) {
			t.Errorf("call %d got %+v, want %+v", i, sub, subs[0])
		}
	}
	got, err := s.ListSubscriptions(ctx, tenant, "bob")
	if err != nil || len(got) != 1 {
		t.Errorf("got %+v, %v; want one subscription", got, err)
	}
}

// A tenant's first notification is owed at once, through every way one is
// stored, although the reads before it found the tenant without any
// (which SQLite caches): the write must drop that answer.
func testFirstNotification(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	tests := []struct {
		name  string
		topic string
		// store stores the tenant's first notification, owed to bob.
		store func(tenant, room string) error
	}{
		{name: "to user_ids", topic: "news", store: func(tenant, _ string) error {
			_, _, err := s.CreateNotification(ctx, tenant, "alice", store.NewNotification{Topic: "news", UserIDs: []string{"bob"}})
			return err
		}},
		{name: "to a room's members", topic: "news", store: func(tenant, room string) error {
			_, _, err := s.CreateNotification(ctx, tenant, "alice", store.NewNotification{Topic: "news", RoomID: &room})
			return err
		}},
		{name: "to a topic's subscribers", topic: "news", store: func(tenant, _ string) error {
			_, _, err := s.CreateNotification(ctx, tenant, "alice", store.NewNotification{Topic: "news", TopicSubscribers: true})
			return err
		}},
		{name: "a mention", topic: store.MentionTopic, store: func(tenant, room string) error {
			_, _, err := s.SendMessage(ctx, tenant, "alice", room, store.NewMessage{Content: "@bob", Mentions: []string{"bob"}})
			return err
		}},
		{name: "a mention among concurrent sends", topic: store.MentionTopic, store: func(tenant, room string) error {
			// Sends that queue together share a group commit.
			errs := make(chan error, 8)
			for i := range 8 {
				go func() {
					m := store.NewMessage{Content: "plain"}
					if i == 7 {
						m = store.NewMessage{Content: "@bob", Mentions: []string{"bob"}}
					}
					_, _, err := s.SendMessage(ctx, tenant, "alice", room, m)
					errs <- err
				}()
			}
			var err error
			for range 8 {
				err = errors.Join(err, <-errs)
			}
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tenant := newTenant(t, s)
			room := newRoom(t, s, tenant, "alice", store.RoomGroup, "bob")
			subscribe(t, s, tenant, "bob", "news")
			// Twice: the second answer may come from a cache.
			for range 2 {
				if got := pendingIDs(t, s, tenant, "bob"); len(got) != 0 {
					t.Fatalf("before: got %v, want none", got)
				}
			}
			if err := tt.store(tenant, room.ID); err != nil {
				t.Fatalf("store the notification: %v", err)
			}
			got, err := s.ListNotifications(ctx, tenant, "bob", store.MaxNotificationsLimit)
			if err != nil {
				t.Fatalf("ListNotifications: %v", err)
			}
			if len(got) != 1 || got[0].Topic != tt.topic {
				t.Errorf("got %+v, want one notification on %s", got, tt.topic)
			}
		})
	}
}
