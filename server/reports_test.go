package server_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/chatapi/chatapi/gen/chatclient"
)

// Reports over HTTP: opening them, the queue of the tenant key and of room
// admins, closing them, and other tenants' ids.
func TestReports(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 100000)
	other := e.newTenant("other", 100000)
	ctx := context.Background()
	group := tn.createRoom("alice", chatclient.RoomTypeGroup, "bob", "mallory")
	private := tn.createRoom("dave", chatclient.RoomTypeGroup)
	spam := tn.send("mallory", group.RoomId, "buy now")
	secret := tn.send("dave", private.RoomId, "secret")
	otherRoom := other.createRoom("alice", chatclient.RoomTypeGroup)
	otherMsg := other.send("alice", otherRoom.RoomId, "elsewhere")
	alice, bob := e.bearer(tn.token("alice")), e.bearer(tn.token("bob"))
	ptr := func(s string) *string { return &s }

	var ids []string
	creates := []struct {
		name   string
		client *chatclient.ClientWithResponses
		body   chatclient.CreateReportRequest
		status int
		field  string
		target string
	}{
		{"a message, by a member", bob, chatclient.CreateReportRequest{MessageId: &spam.MessageId, Reason: "spam", Note: ptr("again")}, http.StatusCreated, "", "mallory"},
		{"a user", bob, chatclient.CreateReportRequest{UserId: ptr("mallory"), Reason: "harassment"}, http.StatusCreated, "", "mallory"},
		{"a message, with the tenant key as a member", tn.as("bob"), chatclient.CreateReportRequest{MessageId: &spam.MessageId, Reason: "spam"}, http.StatusCreated, "", "mallory"},
		{"a message the reporter cannot read", bob, chatclient.CreateReportRequest{MessageId: &secret.MessageId, Reason: "spam"}, http.StatusNotFound, "", ""},
		{"another tenant's message", bob, chatclient.CreateReportRequest{MessageId: &otherMsg.MessageId, Reason: "spam"}, http.StatusNotFound, "", ""},
		{"both a message and a user", bob, chatclient.CreateReportRequest{MessageId: &spam.MessageId, UserId: ptr("mallory"), Reason: "spam"}, http.StatusBadRequest, "message_id", ""},
		{"neither", bob, chatclient.CreateReportRequest{Reason: "spam"}, http.StatusBadRequest, "message_id", ""},
		{"no reason", bob, chatclient.CreateReportRequest{UserId: ptr("mallory")}, http.StatusBadRequest, "reason", ""},
	}
	for _, tt := range creates {
		t.Run("create/"+tt.name, func(t *testing.T) {
			r, err := tt.client.CreateReportWithResponse(ctx, nil, tt.body)
			if tt.status != http.StatusCreated {
				code := map[int]string{400: "VALIDATION_ERROR", 404: "NOT_FOUND"}[tt.status]
				refused(t, r, err, refusal{tt.status, code, tt.field})
				return
			}
			if err != nil || r.JSON201 == nil {
				t.Fatalf("create: %v %s", err, bodyOf(r))
			}
			if d := r.JSON201.Data; d.TargetUserId != tt.target || d.Status != "open" || d.ReporterId == nil {
				t.Fatalf("report = %+v", d)
			}
			ids = append(ids, r.JSON201.Data.ReportId)
		})
	}

	reportIDs := func(rs []chatclient.Report) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.ReportId)
		}
		return out
	}
	limit1 := 1
	lists := []struct {
		name   string
		client *chatclient.ClientWithResponses
		params chatclient.ListReportsParams
		want   []string
		more   bool
	}{
		{"tenant key: all", tn.as("ops"), chatclient.ListReportsParams{}, ids, false},
		{"tenant key: a page", tn.as("ops"), chatclient.ListReportsParams{Limit: &limit1}, ids[:1], true},
		{"tenant key: the next page", tn.as("ops"), chatclient.ListReportsParams{After: &ids[0]}, ids[1:], false},
		{"room admin: their room's", alice, chatclient.ListReportsParams{}, []string{ids[0], ids[2]}, false},
		{"member, no admin: none", bob, chatclient.ListReportsParams{}, []string{}, false},
		{"other tenant: none", other.as("ops"), chatclient.ListReportsParams{}, []string{}, false},
	}
	for _, tt := range lists {
		t.Run("list/"+tt.name, func(t *testing.T) {
			r, err := tt.client.ListReportsWithResponse(ctx, &tt.params)
			if err != nil || r.JSON200 == nil {
				t.Fatalf("list: %v %s", err, bodyOf(r))
			}
			if got := reportIDs(r.JSON200.Data.Reports); !slices.Equal(got, tt.want) || r.JSON200.Data.HasMore != tt.more {
				t.Fatalf("reports %q (more %v), want %q (more %v)", got, r.JSON200.Data.HasMore, tt.want, tt.more)
			}
		})
	}

	closes := []struct {
		name   string
		client *chatclient.ClientWithResponses
		id     string
		status chatclient.UpdateReportRequestStatus
		want   int
	}{
		{"a member who is no admin", bob, ids[0], "resolved", http.StatusNotFound},
		{"a report of a user, by a room admin", alice, ids[1], "resolved", http.StatusNotFound},
		{"another tenant", other.as("ops"), ids[0], "resolved", http.StatusNotFound},
		{"unknown id", tn.as("ops"), "rep_nope", "resolved", http.StatusNotFound},
		{"the room's admin", alice, ids[0], "resolved", http.StatusOK},
		{"the tenant key", tn.as("ops"), ids[1], "dismissed", http.StatusOK},
	}
	for _, tt := range closes {
		t.Run("close/"+tt.name, func(t *testing.T) {
			r, err := tt.client.UpdateReportWithResponse(ctx, tt.id, chatclient.UpdateReportRequest{Status: tt.status})
			if tt.want != http.StatusOK {
				refused(t, r, err, refusal{tt.want, "NOT_FOUND", ""})
				return
			}
			if err != nil || r.JSON200 == nil {
				t.Fatalf("close: %v %s", err, bodyOf(r))
			}
			if d := r.JSON200.Data; string(d.Status) != string(tt.status) || d.ResolvedAt == nil || d.ResolvedBy == nil {
				t.Fatalf("closed report = %+v", d)
			}
		})
	}
	t.Run("list/open only", func(t *testing.T) {
		if got := reportIDs(openReports(t, tn)); !slices.Equal(got, ids[2:]) {
			t.Fatalf("open reports %q, want %q", got, ids[2:])
		}
	})
	t.Run("create is idempotent", func(t *testing.T) {
		key := "report-once"
		body := chatclient.CreateReportRequest{UserId: ptr("mallory"), Reason: "spam"}
		first, err := bob.CreateReportWithResponse(ctx, &chatclient.CreateReportParams{IdempotencyKey: &key}, body)
		if err != nil || first.JSON201 == nil {
			t.Fatalf("create: %v %s", err, bodyOf(first))
		}
		again, err := bob.CreateReportWithResponse(ctx, &chatclient.CreateReportParams{IdempotencyKey: &key}, body)
		if err != nil || again.JSON201 == nil || again.JSON201.Data.ReportId != first.JSON201.Data.ReportId {
			t.Fatalf("repeat: %v %s", err, bodyOf(again))
		}
	})
}
