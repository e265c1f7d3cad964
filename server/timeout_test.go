package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/server"
	"github.com/chatapi/chatapi/store"
)

// hangingRooms is a store whose room listing hangs until its context ends,
// as a database that stopped answering would.
type hangingRooms struct{ *store.Store }

func (hangingRooms) ListRooms(ctx context.Context, _, _ string, _ store.RoomFilter) ([]store.RoomSummary, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// A request waiting on a hung database ends at the request timeout with a
// 500 envelope, not when the client gives up.
func TestRequestTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "chatapi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	app, err := server.New(server.Config{MasterKey: testMasterKey, RequestTimeout: timeout}, hangingRooms{st}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/admin/tenants", strings.NewReader(`{"name":"t"}`))
	req.Header.Set("X-Master-Key", testMasterKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		Data struct {
			APIKey string `json:"api_key"`
		} `json:"data"`
	}
	err = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if err != nil || created.Data.APIKey == "" {
		t.Fatalf("create tenant: %d %v", resp.StatusCode, err)
	}

	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/rooms", nil)
	req.Header.Set("X-API-Key", created.Data.APIKey)
	req.Header.Set("X-User-Id", "alice")
	client := &http.Client{Timeout: 20 * timeout}
	start := time.Now()
	resp, err = client.Do(req)
	if err != nil {
		t.Fatalf("GET /rooms: %v", err)
	}
	defer resp.Body.Close()
	took := time.Since(start)
	var env struct {
		Success bool `json:"success"`
		Error   *struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusInternalServerError || env.Success || env.Error == nil || env.Error.Code != "INTERNAL_ERROR" {
		t.Errorf("GET /rooms = %d %+v, want 500 INTERNAL_ERROR", resp.StatusCode, env)
	}
	if took < timeout || took > 10*timeout {
		t.Errorf("answered after %v, want about %v", took, timeout)
	}
}
