package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

func testDeadLetters(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	a := newTenant(t, s)
	bTenant := newTenant(t, s)
	quiet := newTenant(t, s) // has no dead letters
	n := notify(t, s, a, "alice", store.NewNotification{Topic: "news", UserIDs: []string{"bob", "carol"}})
	at := func(h int) time.Time { return epoch.Add(time.Duration(h) * time.Hour) }

	// Recorded out of time order: listings sort by last attempt.
	msgs := []store.FailedMessage{
		{TenantID: a, MessageID: "msg_1", RoomID: "room_1", UserID: "bob", Attempts: 5, LastAttemptAt: at(1), Error: "ack timeout"},
		{TenantID: bTenant, MessageID: "msg_2", RoomID: "room_2", UserID: "bob", Attempts: 3, LastAttemptAt: at(3), Error: "ack timeout"},
		{TenantID: a, MessageID: "msg_3", RoomID: "room_1", UserID: "carol", Attempts: 5, LastAttemptAt: at(2), Error: "write failed"},
	}
	ntfs := []store.FailedNotification{
		{TenantID: a, NotificationID: n.ID, UserID: "bob", Attempts: 5, LastAttemptAt: at(2), Error: "ack timeout"},
		{TenantID: bTenant, NotificationID: "ntf_gone", UserID: "dave", Attempts: 5, LastAttemptAt: at(1), Error: "ack timeout"},
	}
	for _, f := range msgs {
		if err := s.RecordFailedMessage(ctx, f); err != nil {
			t.Fatalf("RecordFailedMessage: %v", err)
		}
	}
	for _, f := range ntfs {
		if err := s.RecordFailedNotification(ctx, f); err != nil {
			t.Fatalf("RecordFailedNotification: %v", err)
		}
	}

	t.Run("list", func(t *testing.T) {
		tests := []struct {
			name      string
			tenant    string
			limit     int
			wantMsgs  []store.FailedMessage
			wantNtfs  []store.FailedNotification
			wantErr   error
			wantField string
		}{
			{name: "all tenants, newest first", wantMsgs: []store.FailedMessage{msgs[1], msgs[2], msgs[0]},
				wantNtfs: []store.FailedNotification{ntfs[0], ntfs[1]}},
			{name: "one tenant", tenant: a, wantMsgs: []store.FailedMessage{msgs[2], msgs[0]},
				wantNtfs: []store.FailedNotification{ntfs[0]}},
			{name: "another tenant", tenant: bTenant, wantMsgs: []store.FailedMessage{msgs[1]},
				wantNtfs: []store.FailedNotification{ntfs[1]}},
			{name: "a tenant without any", tenant: quiet},
			{name: "limit applies to each list", limit: 1, wantMsgs: []store.FailedMessage{msgs[1]},
				wantNtfs: []store.FailedNotification{ntfs[0]}},
			{name: "limit in a tenant", tenant: a, limit: 1, wantMsgs: []store.FailedMessage{msgs[2]},
				wantNtfs: []store.FailedNotification{ntfs[0]}},
			{name: "limit too large", limit: store.MaxDeadLettersLimit + 1, wantErr: store.ErrInvalid, wantField: "limit"},
			{name: "negative limit", limit: -1, wantErr: store.ErrInvalid, wantField: "limit"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.ListDeadLetters(ctx, tt.tenant, tt.limit)
				checkErr(t, err, tt.wantErr, tt.wantField)
				if !slices.EqualFunc(got.Messages, tt.wantMsgs, failedMessagesEqual) {
					t.Errorf("got messages %+v, want %+v", got.Messages, tt.wantMsgs)
				}
				if !slices.EqualFunc(got.Notifications, tt.wantNtfs, failedNotificationsEqual) {
					t.Errorf("got notifications %+v, want %+v", got.Notifications, tt.wantNtfs)
				}
			})
		}
	})

	t.Run("a dead-lettered notification is no longer pending", func(t *testing.T) {
		if got := pendingIDs(t, s, a, "bob"); len(got) != 0 {
			t.Errorf("bob: got %v pending, want none", got)
		}
		if got := pendingIDs(t, s, a, "carol"); !slices.Equal(got, []string{n.ID}) {
			t.Errorf("carol: got %v pending, want [%s]", got, n.ID)
		}
	})

	t.Run("an acked notification stays acked", func(t *testing.T) {
		ackedAt, err := s.AckNotification(ctx, a, "carol", n.ID)
		if err != nil {
			t.Fatalf("AckNotification: %v", err)
		}
		// Redelivery gave up as the ack came in: the failure is recorded,
		// the ack kept.
		late := store.FailedNotification{TenantID: a, NotificationID: n.ID, UserID: "carol", Attempts: 5, Error: "ack timeout"}
		if err := s.RecordFailedNotification(ctx, late); err != nil {
			t.Fatalf("RecordFailedNotification: %v", err)
		}
		again, err := s.AckNotification(ctx, a, "carol", n.ID)
		if err != nil || !again.Equal(ackedAt) {
			t.Errorf("got %v, %v; want the ack kept at %v", again, err, ackedAt)
		}
	})

	t.Run("no last attempt time is now", func(t *testing.T) {
		tenant := newTenant(t, s)
		if err := s.RecordFailedMessage(ctx, store.FailedMessage{
			TenantID: tenant, MessageID: "msg_x", RoomID: "room_x", UserID: "bob", Attempts: 1,
		}); err != nil {
			t.Fatalf("RecordFailedMessage: %v", err)
		}
		got, err := s.ListDeadLetters(ctx, tenant, 0)
		if err != nil || len(got.Messages) != 1 {
			t.Fatalf("got %+v, %v; want one message", got, err)
		}
		if at := got.Messages[0].LastAttemptAt; at.Location() != time.UTC || !at.After(epoch) {
			t.Errorf("got last_attempt_at %v, want the injected clock's now", at)
		}
	})

	t.Run("refused", func(t *testing.T) {
		okMsg := store.FailedMessage{TenantID: a, MessageID: "m", RoomID: "r", UserID: "u", Attempts: 1}
		okNtf := store.FailedNotification{TenantID: a, NotificationID: "n", UserID: "u", Attempts: 1}
		tests := []struct {
			name      string
			record    func() error
			wantField string
		}{
			{"message without tenant", func() error { f := okMsg; f.TenantID = ""; return s.RecordFailedMessage(ctx, f) }, "tenant_id"},
			{"message without message id", func() error { f := okMsg; f.MessageID = ""; return s.RecordFailedMessage(ctx, f) }, "message_id"},
			{"message without room", func() error { f := okMsg; f.RoomID = ""; return s.RecordFailedMessage(ctx, f) }, "room_id"},
			{"message without user", func() error { f := okMsg; f.UserID = ""; return s.RecordFailedMessage(ctx, f) }, "user_id"},
			{"message with negative attempts", func() error { f := okMsg; f.Attempts = -1; return s.RecordFailedMessage(ctx, f) }, "attempts"},
			{"notification without tenant", func() error { f := okNtf; f.TenantID = ""; return s.RecordFailedNotification(ctx, f) }, "tenant_id"},
			{"notification without id", func() error { f := okNtf; f.NotificationID = ""; return s.RecordFailedNotification(ctx, f) }, "notification_id"},
			{"notification without user", func() error { f := okNtf; f.UserID = ""; return s.RecordFailedNotification(ctx, f) }, "user_id"},
			{"notification with negative attempts", func() error { f := okNtf; f.Attempts = -1; return s.RecordFailedNotification(ctx, f) }, "attempts"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				checkErr(t, tt.record(), store.ErrInvalid, tt.wantField)
			})
		}
	})
}

func failedMessagesEqual(a, b store.FailedMessage) bool {
	return a.TenantID == b.TenantID && a.MessageID == b.MessageID && a.RoomID == b.RoomID && a.UserID == b.UserID &&
		a.Attempts == b.Attempts && a.LastAttemptAt.Equal(b.LastAttemptAt) && a.Error == b.Error
}

func failedNotificationsEqual(a, b store.FailedNotification) bool {
	return a.TenantID == b.TenantID && a.NotificationID == b.NotificationID && a.UserID == b.UserID &&
		a.Attempts == b.Attempts && a.LastAttemptAt.Equal(b.LastAttemptAt) && a.Error == b.Error
}
