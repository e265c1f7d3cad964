//go:build unix

package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/chatapi/chatapi/store"
)

// kill -9 right after a tenant's deletion was answered, before its purge
// finished (the test logs what was left at the kill): the restarted
// process finds the purge unfinished and completes it; no row of the
// tenant is left in any table with a tenant_id column, and another tenant
// keeps all of its.
func TestKill9MidPurge(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	db := filepath.Join(t.TempDir(), "x.db")
	p := startServer(t, db)
	a := newAPI(t, p)
	gone, kept := a.newTenant(t, ctx, "gone", 100000), a.newTenant(t, ctx, "kept", 100000)

	// Seeded through the store beside the running server: the REST sends
	// would take the test's time for nothing the purge reads differently.
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	defer st.Close()
	const rooms, perRoom = 5, 400
	for _, tn := range []tenant{gone, kept} {
		for r := range rooms {
			room, err := tn.createRoom(ctx, "alice", "group", []string{"bob"})
			if err != nil {
				t.Fatalf("create room: %v", err)
			}
			n := perRoom
			if tn.id == kept.id && r > 0 {
				continue // one room is enough to see it kept
			}
			for i := range n {
				if _, _, err := st.SendMessage(ctx, tn.id, "alice", room, store.NewMessage{Content: fmt.Sprintf("m%d", i)}); err != nil {
					t.Fatalf("send: %v", err)
				}
			}
		}
	}
	keptBefore, err := st.TenantRows(ctx, kept.id)
	if err != nil {
		t.Fatalf("TenantRows: %v", err)
	}

	if status, err := a.do(ctx, http.MethodDelete, "/admin/tenants/"+gone.id, map[string]string{"X-Master-Key": masterKey}, nil, nil); err != nil || status != http.StatusAccepted {
		t.Fatalf("DELETE tenant: %d %v", status, err)
	}
	time.Sleep(20 * time.Millisecond)
	p.signal(syscall.SIGKILL)
	if _, err := p.waitExit(5 * time.Second); err != nil {
		t.Fatalf("after SIGKILL: %v", err)
	}
	left, err := st.TenantRows(ctx, gone.id)
	if err != nil {
		t.Fatalf("TenantRows: %v", err)
	}
	t.Logf("rows of the deleted tenant at the kill: %v", left)

	p2 := startServer(t, db)
	if status, _ := newAPI(t, p2).do(ctx, http.MethodGet, "/rooms", gone.headers("alice"), nil, nil); status != http.StatusUnauthorized {
		t.Errorf("the deleted tenant's key after the restart: %d, want 401", status)
	}
	for {
		left, err := st.TenantRows(ctx, gone.id)
		if err != nil {
			t.Fatalf("TenantRows: %v", err)
		}
		if len(left) == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("rows of the deleted tenant left after the restart: %v", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
	keptAfter, err := st.TenantRows(ctx, kept.id)
	if err != nil {
		t.Fatalf("TenantRows: %v", err)
	}
	for table, n := range keptBefore {
		if keptAfter[table] != n {
			t.Errorf("the other tenant's rows in %s: %d, want %d", table, keptAfter[table], n)
		}
	}
}
