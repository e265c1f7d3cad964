package storetest

import (
	"errors"
	"slices"
	"testing"

	"github.com/chatapi/chatapi/store"
)

// testContentRules covers the blocklist and before-send hook of a tenant:
// defaults, replacement, the version that moves at every change, and
// isolation between tenants.
func testContentRules(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	a, other := newTenant(t, s), newTenant(t, s)

	cr, err := s.ContentRules(ctx, a)
	if err != nil || cr.Version != 0 || len(cr.Blocklist.Words) != 0 || cr.Blocklist.Match != "word" || cr.Blocklist.Action != "block" || cr.Hook != nil {
		t.Fatalf("ContentRules of a new tenant = %+v, %v", cr, err)
	}
	versions := []int64{0}
	steps := []struct {
		name   string
		change func() error
		words  []string
		hook   bool
	}{
		{"set a blocklist", func() error {
			_, err := s.SetBlocklist(ctx, a, store.Blocklist{Words: []string{"darn", "Straße"}, Match: "substring", Action: "mask"})
			return err
		}, []string{"darn", "Straße"}, false},
		{"set a hook", func() error {
			h, created, err := s.SetBeforeSendHook(ctx, a, store.BeforeSendHook{URL: "https://hooks.example.com/a", TimeoutMS: 500, OnError: "allow", Secret: "whsec_one"})
			if err == nil && (!created || h.Secret != "whsec_one") {
				err = errors.New("first hook: not created with its secret")
			}
			return err
		}, []string{"darn", "Straße"}, true},
		{"replace the hook, secret kept", func() error {
			h, created, err := s.SetBeforeSendHook(ctx, a, store.BeforeSendHook{URL: "https://hooks.example.com/b", TimeoutMS: 900, OnError: "reject", Secret: "whsec_two"})
			if err == nil && (created || h.Secret != "whsec_one") {
				err = errors.New("second hook: created again or secret changed")
			}
			return err
		}, []string{"darn", "Straße"}, true},
		{"empty the blocklist", func() error {
			_, err := s.SetBlocklist(ctx, a, store.Blocklist{Words: nil, Match: "word", Action: "block"})
			return err
		}, []string{}, true},
		{"delete the hook", func() error { return s.DeleteBeforeSendHook(ctx, a) }, []string{}, false},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.change(); err != nil {
				t.Fatal(err)
			}
			cr, err := s.ContentRules(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(cr.Blocklist.Words, st.words) || (cr.Hook != nil) != st.hook {
				t.Fatalf("ContentRules = %+v, want words %q and hook %v", cr, st.words, st.hook)
			}
			v, err := s.ContentRulesVersion(ctx, a)
			if err != nil || v != cr.Version || v <= versions[len(versions)-1] {
				t.Fatalf("ContentRulesVersion = %d, %v; ContentRules says %d, the last was %d", v, err, cr.Version, versions[len(versions)-1])
			}
			versions = append(versions, v)
		})
	}
	t.Run("hook details", func(t *testing.T) {
		if _, _, err := s.SetBeforeSendHook(ctx, other, store.BeforeSendHook{URL: "https://h.example.com", TimeoutMS: 1234, OnError: "reject", Secret: "whsec_x"}); err != nil {
			t.Fatal(err)
		}
		cr, err := s.ContentRules(ctx, other)
		if err != nil || cr.Hook == nil || cr.Hook.URL != "https://h.example.com" || cr.Hook.TimeoutMS != 1234 || cr.Hook.OnError != "reject" || cr.Hook.Secret != "whsec_x" {
			t.Fatalf("ContentRules = %+v, %v", cr.Hook, err)
		}
	})
	t.Run("no hook to delete", func(t *testing.T) {
		if err := s.DeleteBeforeSendHook(ctx, a); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("DeleteBeforeSendHook without a hook: %v, want ErrNotFound", err)
		}
	})
	t.Run("too many words", func(t *testing.T) {
		_, err := s.SetBlocklist(ctx, a, store.Blocklist{Words: make([]string, store.MaxBlocklistWords+1), Match: "word", Action: "block"})
		checkErr(t, err, store.ErrInvalid, "words")
	})
	t.Run("isolation", func(t *testing.T) {
		if _, err := s.SetBlocklist(ctx, a, store.Blocklist{Words: []string{"only-a"}, Match: "word", Action: "flag"}); err != nil {
			t.Fatal(err)
		}
		cr, err := s.ContentRules(ctx, other)
		if err != nil || len(cr.Blocklist.Words) != 0 {
			t.Fatalf("other tenant's blocklist = %q, %v", cr.Blocklist.Words, err)
		}
	})
}

// testReports covers opening reports of messages and users, who sees them
// (the tenant all, a room admin their rooms'), paging, closing, and other
// tenants' ids.
func testReports(t *testing.T, b Backend) {
	s := newStore(t, b)
	ctx := t.Context()
	a, other := newTenant(t, s), newTenant(t, s)
	group := newRoom(t, s, a, "alice", store.RoomGroup, "bob", "mallory")
	channel := newRoom(t, s, a, "carol", store.RoomChannel)
	private := newRoom(t, s, a, "dave", store.RoomGroup)
	inGroup := send(t, s, a, "mallory", group.ID, "spam spam")
	inChannel := send(t, s, a, "carol", channel.ID, "hello")
	inPrivate := send(t, s, a, "dave", private.ID, "secret")
	otherRoom := newRoom(t, s, other, "alice", store.RoomGroup)
	otherMsg := send(t, s, other, "alice", otherRoom.ID, "elsewhere")

	var opened []store.Report
	open := []struct {
		name     string
		reporter string
		n        store.NewReport
		want     error
		target   string
	}{
		{"message in a room of the reporter", "bob", store.NewReport{MessageID: inGroup.ID, Reason: "spam"}, nil, "mallory"},
		{"message of a channel, not joined", "bob", store.NewReport{MessageID: inChannel.ID, Reason: "rude"}, nil, "carol"},
		{"a user", "bob", store.NewReport{UserID: "mallory", Reason: "harassment"}, nil, "mallory"},
		{"the system's flag", "", store.NewReport{MessageID: inPrivate.ID, Reason: "blocklist"}, nil, "dave"},
		{"message of a group not joined", "bob", store.NewReport{MessageID: inPrivate.ID, Reason: "spam"}, store.ErrNotFound, ""},
		{"message of another tenant", "bob", store.NewReport{MessageID: otherMsg.ID, Reason: "spam"}, store.ErrNotFound, ""},
		{"unknown message", "bob", store.NewReport{MessageID: "msg_nope", Reason: "spam"}, store.ErrNotFound, ""},
	}
	for _, tt := range open {
		t.Run("open/"+tt.name, func(t *testing.T) {
			r, err := s.CreateReport(ctx, a, tt.reporter, tt.n)
			checkErr(t, err, tt.want, "")
			if tt.want != nil {
				return
			}
			if r.TargetUserID != tt.target || r.Status != store.ReportOpen || (r.ReporterID == nil) != (tt.reporter == "") {
				t.Fatalf("report = %+v", r)
			}
			opened = append(opened, r)
		})
	}
	ids := func(rs []store.Report) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	all := ids(opened)
	list := []struct {
		name  string
		scope store.ReportScope
		f     store.ReportFilter
		want  []string
		more  bool
	}{
		{"tenant, all", store.ReportScope{All: true}, store.ReportFilter{Limit: 50}, all, false},
		{"tenant, first page", store.ReportScope{All: true}, store.ReportFilter{Limit: 2}, all[:2], true},
		{"tenant, second page", store.ReportScope{All: true}, store.ReportFilter{Limit: 2, After: all[1]}, all[2:], false},
		{"admin of the group", store.ReportScope{Admin: "alice"}, store.ReportFilter{Limit: 50}, all[:1], false},
		{"admin of the channel", store.ReportScope{Admin: "carol"}, store.ReportFilter{Limit: 50}, all[1:2], false},
		{"a member, no admin", store.ReportScope{Admin: "bob"}, store.ReportFilter{Limit: 50}, []string{}, false},
		{"other tenant", store.ReportScope{All: true}, store.ReportFilter{Limit: 50}, nil, false},
	}
	for _, tt := range list {
		t.Run("list/"+tt.name, func(t *testing.T) {
			tenant := a
			if tt.want == nil {
				tenant, tt.want = other, []string{}
			}
			got, more, err := s.ListReports(ctx, tenant, tt.scope, tt.f)
			if err != nil || !slices.Equal(ids(got), tt.want) || more != tt.more {
				t.Fatalf("ListReports = %q, %v, %v; want %q, %v", ids(got), more, err, tt.want, tt.more)
			}
		})
	}
	closeCases := []struct {
		name   string
		tenant string
		actor  string
		scope  store.ReportScope
		id     string
		status string
		want   error
	}{
		{"not the room's admin", a, "bob", store.ReportScope{Admin: "bob"}, all[0], store.ReportResolved, store.ErrNotFound},
		{"other tenant", other, "alice", store.ReportScope{All: true}, all[0], store.ReportResolved, store.ErrNotFound},
		{"the room's admin", a, "alice", store.ReportScope{Admin: "alice"}, all[0], store.ReportResolved, nil},
		{"the tenant", a, "ops", store.ReportScope{All: true}, all[2], store.ReportDismissed, nil},
	}
	for _, tt := range closeCases {
		t.Run("close/"+tt.name, func(t *testing.T) {
			r, err := s.CloseReport(ctx, tt.tenant, tt.actor, tt.scope, tt.id, tt.status)
			checkErr(t, err, tt.want, "")
			if tt.want == nil && (r.Status != tt.status || r.ResolvedBy == nil || *r.ResolvedBy != tt.actor || r.ResolvedAt == nil) {
				t.Fatalf("closed report = %+v", r)
			}
		})
	}
	t.Run("list/open only", func(t *testing.T) {
		got, _, err := s.ListReports(ctx, a, store.ReportScope{All: true}, store.ReportFilter{Status: store.ReportOpen, Limit: 50})
		if want := []string{all[1], all[3]}; err != nil || !slices.Equal(ids(got), want) {
			t.Fatalf("open reports = %q, %v; want %q", ids(got), err, want)
		}
	})
}
