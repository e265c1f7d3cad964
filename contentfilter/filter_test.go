package contentfilter_test

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatapi/chatapi/chat"
	"github.com/chatapi/chatapi/contentfilter"
	"github.com/chatapi/chatapi/store"
	"github.com/chatapi/chatapi/webhook"
)

// A hook whose host name resolves to a private address is refused when
// set, and, stored anyway, never called unless private targets are
// allowed: the dialer refuses the address, and on_error decides.
func TestHookPrivateTargetRefusedAtCall(t *testing.T) {
	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tn, err := st.CreateTenant(ctx, "acme", 0, "hash")
	if err != nil {
		t.Fatal(err)
	}
	room, err := st.CreateRoom(ctx, tn.ID, "alice", store.NewRoom{Type: store.RoomGroup})
	if err != nil {
		t.Fatal(err)
	}
	// The machine's own name: a name, not an address or "localhost", which
	// resolves to a loopback address on the usual
	// Linux installs (/etc/hosts).
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := net.LookupHost(host)
	if err != nil || len(addrs) == 0 || !net.ParseIP(addrs[0]).IsLoopback() {
		t.Skipf("the host name %q does not resolve to a loopback address here (%v, %v)", host, addrs, err)
	}
	var calls atomic.Int64
	recv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.Write([]byte(`{"action":"reject","reason":"called"}`))
	}))
	recv.Listener.Close()
	if recv.Listener, err = net.Listen("tcp", net.JoinHostPort(addrs[0], "0")); err != nil {
		t.Fatal(err)
	}
	recv.Start()
	t.Cleanup(recv.Close)
	_, port, _ := net.SplitHostPort(recv.Listener.Addr().String())
	url := "http://" + net.JoinHostPort(host, port) + "/hook"
	// Stored as the server stores it: sealed with the filters' key.
	sealKey := []byte("test seal key")
	secret := contentfilter.New(st, contentfilter.Config{SealKey: sealKey}).SealSecret(tn.ID, webhook.NewSecret())
	if _, _, err := st.SetBeforeSendHook(ctx, tn.ID, store.BeforeSendHook{URL: url, TimeoutMS: 1000, OnError: "reject", Secret: secret}); err != nil {
		t.Fatal(err)
	}
	draft := chat.Draft{TenantID: tn.ID, RoomID: room.ID, SenderID: "alice", Content: "hi"}
	tests := []struct {
		name         string
		allowPrivate bool
		reason       string
	}{
		{"private targets refused", false, "before_send_unavailable"},
		{"private targets allowed", true, "before_send"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := contentfilter.New(st, contentfilter.Config{AllowPrivate: tt.allowPrivate, Recheck: time.Minute, SealKey: sealKey})
			// Setting it is refused; a hook stored while private targets
			// were allowed (or a name that moved since) meets the dialer.
			if err := f.CheckTarget(ctx, url); (err != nil) != !tt.allowPrivate || (err != nil && !errors.Is(err, webhook.ErrPrivateTarget)) {
				t.Fatalf("CheckTarget(%s) = %v", url, err)
			}
			before := calls.Load()
			_, err := f.Check(ctx, draft)
			var inv *store.InvalidError
			if !errors.As(err, &inv) || inv.Reason != tt.reason {
				t.Fatalf("Check: %v, want a refusal with reason %s", err, tt.reason)
			}
			if called := calls.Load() > before; called != tt.allowPrivate {
				t.Fatalf("receiver called: %v, want %v", called, tt.allowPrivate)
			}
		})
	}
}

// A list changed through another instance holds here once Recheck has
// passed, and not before; one changed through this instance (Forget) holds
// at once.
func TestRulesCachedUntilRecheck(t *testing.T) {
	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tn, err := st.CreateTenant(ctx, "acme", 0, "hash")
	if err != nil {
		t.Fatal(err)
	}
	room, err := st.CreateRoom(ctx, tn.ID, "alice", store.NewRoom{Type: store.RoomGroup})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	f := contentfilter.New(st, contentfilter.Config{Recheck: time.Second, Now: func() time.Time { return now }})
	draft := chat.Draft{TenantID: tn.ID, RoomID: room.ID, SenderID: "alice", Content: "darn it"}
	steps := []struct {
		name    string
		action  string // the list's action set before the step, "" for none
		forget  bool
		advance time.Duration
		want    string // the content Check returns, "" for a refusal
	}{
		{"block", "block", false, 0, ""},
		{"changed elsewhere, within Recheck: the cached list", "mask", false, 500 * time.Millisecond, ""},
		{"Recheck passed: the new list", "", false, 600 * time.Millisecond, "*** it"},
		{"changed here: at once", "flag", true, 0, "darn it"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.action != "" {
				if _, err := st.SetBlocklist(ctx, tn.ID, store.Blocklist{Words: []string{"darn"}, Match: "word", Action: s.action}); err != nil {
					t.Fatal(err)
				}
			}
			if s.forget {
				f.Forget(tn.ID)
			}
			now = now.Add(s.advance)
			v, err := f.Check(ctx, draft)
			switch {
			case s.want == "" && err == nil:
				t.Fatalf("Check = %q, want a refusal", v.Content)
			case s.want != "" && (err != nil || v.Content != s.want):
				t.Fatalf("Check = %q, %v; want %q", v.Content, err, s.want)
			}
		})
	}
}
