package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chatapi/chatapi/server"
	"github.com/chatapi/chatapi/store"
)

// Refusals raised outside the handlers (router, body limit, content type,
// JSON parsing, the validator) all leave in the envelope with SPEC's codes.
func TestEdgeRefusalsUseEnvelope(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 0)
	auth := map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "application/json"}
	big := `{"type":"group","name":"` + strings.Repeat("x", 70<<10) + `"}`
	tests := []struct {
		name    string
		method  string
		path    string
		headers map[string]string
		body    string
		want    refusal
	}{
		{"unknown route", "GET", "/nope", nil, "", refusal{404, "NOT_FOUND", ""}},
		{"unknown route under rooms", "GET", "/rooms/x/y/z", auth, "", refusal{404, "NOT_FOUND", ""}},
		{"wrong method", "PUT", "/rooms", auth, "{}", refusal{405, "VALIDATION_ERROR", ""}},
		{"wrong method on health", "DELETE", "/health", nil, "", refusal{405, "VALIDATION_ERROR", ""}},
		{"body too large", "POST", "/rooms", auth, big, refusal{413, "VALIDATION_ERROR", "body"}},
		{"wrong content type", "POST", "/rooms", map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice", "Content-Type": "text/plain"}, `{"type":"group"}`, refusal{415, "VALIDATION_ERROR", "body"}},
		{"malformed JSON", "POST", "/rooms", auth, `{"type":`, refusal{400, "VALIDATION_ERROR", "body"}},
		{"missing body", "POST", "/rooms", auth, "", refusal{400, "VALIDATION_ERROR", "body"}},
		{"unknown enum", "POST", "/rooms", auth, `{"type":"forum"}`, refusal{400, "VALIDATION_ERROR", "type"}},
		{"wrong type", "POST", "/rooms", auth, `{"type":"group","name":5}`, refusal{400, "VALIDATION_ERROR", "name"}},
		{"name too long", "POST", "/rooms", auth, `{"type":"group","name":"` + strings.Repeat("n", 101) + `"}`, refusal{400, "VALIDATION_ERROR", "name"}},
		{"bad member id", "POST", "/rooms", auth, `{"type":"group","members":["ok","not ok"]}`, refusal{400, "VALIDATION_ERROR", "members.1"}},
		{"unknown field", "POST", "/rooms", auth, `{"type":"group","colour":"red"}`, refusal{400, "VALIDATION_ERROR", ""}},
		{"metadata over 4 KB", "POST", "/rooms", auth, `{"type":"group","metadata":{"k":"` + strings.Repeat("m", 4100) + `"}}`, refusal{400, "VALIDATION_ERROR", "metadata"}},
		{"limit zero", "GET", "/rooms?limit=0", auth, "", refusal{400, "VALIDATION_ERROR", "limit"}},
		{"limit over max", "GET", "/rooms?limit=101", auth, "", refusal{400, "VALIDATION_ERROR", "limit"}},
		{"limit not a number", "GET", "/rooms?limit=ten", auth, "", refusal{400, "VALIDATION_ERROR", "limit"}},
		{"negative offset", "GET", "/rooms?offset=-1", auth, "", refusal{400, "VALIDATION_ERROR", "offset"}},
		{"unknown type filter", "GET", "/rooms?type=forum", auth, "", refusal{400, "VALIDATION_ERROR", "type"}},
		{"tenant name empty", "POST", "/admin/tenants", map[string]string{"X-Master-Key": testMasterKey, "Content-Type": "application/json"}, `{"name":""}`, refusal{400, "VALIDATION_ERROR", "name"}},
		{"rate limit null", "POST", "/admin/tenants", map[string]string{"X-Master-Key": testMasterKey, "Content-Type": "application/json"}, `{"name":"x","rate_limit_rps":null}`, refusal{400, "VALIDATION_ERROR", "rate_limit_rps"}},
		{"rate limit out of range", "POST", "/admin/tenants", map[string]string{"X-Master-Key": testMasterKey, "Content-Type": "application/json"}, `{"name":"x","rate_limit_rps":0}`, refusal{400, "VALIDATION_ERROR", "rate_limit_rps"}},
		{"not implemented yet", "GET", "/presence?user_ids=bob", auth, "", refusal{501, "INTERNAL_ERROR", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, _, raw := e.raw(tc.method, tc.path, tc.headers, tc.body)
			checkRefusal(t, status, raw, tc.want)
		})
	}
	// Nothing the refused requests carried was stored.
	rooms, err := e.store.ListRooms(context.Background(), tn.id, "alice", store.RoomFilter{})
	if err != nil || len(rooms) != 0 {
		t.Errorf("refused requests left rooms behind: %v %v", rooms, err)
	}
}

// panickyStore panics in one method, as a bug in a handler's dependency would.
type panickyStore struct{ *store.Store }

func (panickyStore) ListTenants(context.Context) ([]store.Tenant, error) {
	panic("boom: SELECT secret")
}

func TestPanicBecomesInternalErrorEnvelope(t *testing.T) {
	e := newEnvWith(t, envOptions{wrap: func(st *store.Store) server.Store { return panickyStore{st} }})
	resp, err := e.admin().ListTenantsWithResponse(context.Background())
	refused(t, resp, err, refusal{500, "INTERNAL_ERROR", ""})
	if strings.Contains(string(resp.Body), "boom") || strings.Contains(string(resp.Body), "SELECT") {
		t.Errorf("500 leaks internals: %s", resp.Body)
	}
	// The server goes on serving.
	if h, err := e.client(nil).GetHealthWithResponse(context.Background()); err != nil || h.StatusCode() != 200 {
		t.Errorf("health after panic: %v %v", err, bodyOf(h))
	}
}
