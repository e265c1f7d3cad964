package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chatapi/chatapi/gen/chatclient"
)

func TestAdminEndpointsNeedTheMasterKey(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		headers map[string]string
	}{
		{"no key", nil},
		{"wrong key", map[string]string{"X-Master-Key": "mk_wrong"}},
		{"prefix of the key", map[string]string{"X-Master-Key": testMasterKey[:5]}},
		{"tenant key in its place", map[string]string{"X-API-Key": testMasterKey}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client(tc.headers)
			create, err := c.CreateTenantWithResponse(ctx, nil, chatclient.CreateTenantRequest{Name: "x"})
			refused(t, create, err, refusal{401, "AUTHENTICATION_ERROR", ""})
			list, err := c.ListTenantsWithResponse(ctx)
			refused(t, list, err, refusal{401, "AUTHENTICATION_ERROR", ""})
			rot, err := c.RotateTenantKeyWithResponse(ctx, "tn_x")
			refused(t, rot, err, refusal{401, "AUTHENTICATION_ERROR", ""})
		})
	}
	tenants, err := e.store.ListTenants(ctx)
	if err != nil || len(tenants) != 0 {
		t.Errorf("refused creates stored tenants: %v %v", tenants, err)
	}
}

func TestTenantLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.admin()

	rps := 7
	created, err := admin.CreateTenantWithResponse(ctx, nil, chatclient.CreateTenantRequest{Name: "Acme", RateLimitRps: &rps})
	if err != nil || created.JSON201 == nil {
		t.Fatalf("create: %v %s", err, bodyOf(created))
	}
	tn := created.JSON201.Data
	if !strings.HasPrefix(tn.ApiKey, "sk_") || len(tn.ApiKey) < 3+64 || !strings.HasPrefix(tn.TenantId, "tn_") || tn.RateLimitRps != 7 || tn.Name != "Acme" {
		t.Errorf("created tenant = %+v", tn)
	}
	// The key is kept only as a hash.
	if _, err := e.store.TenantByKeyHash(ctx, tn.ApiKey); err == nil {
		t.Error("the plaintext key finds the tenant: it is stored unhashed")
	}

	list, err := admin.ListTenantsWithResponse(ctx)
	if err != nil || list.JSON200 == nil || len(list.JSON200.Data) != 1 || list.JSON200.Data[0].TenantId != tn.TenantId {
		t.Fatalf("list: %v %s", err, bodyOf(list))
	}
	if strings.Contains(string(list.Body), "sk_") || strings.Contains(string(list.Body), "api_key") {
		t.Errorf("list shows keys: %s", list.Body)
	}

	old := tenant{id: tn.TenantId, key: tn.ApiKey, e: e}
	if r, err := old.as("alice").ListRoomsWithResponse(ctx, nil); err != nil || r.StatusCode() != 200 {
		t.Fatalf("old key before rotation: %v %s", err, bodyOf(r))
	}
	rot, err := admin.RotateTenantKeyWithResponse(ctx, tn.TenantId)
	if err != nil || rot.JSON200 == nil || rot.JSON200.Data.ApiKey == tn.ApiKey {
		t.Fatalf("rotate: %v %s", err, bodyOf(rot))
	}
	r, err := old.as("alice").ListRoomsWithResponse(ctx, nil)
	refused(t, r, err, refusal{401, "AUTHENTICATION_ERROR", ""})
	fresh := tenant{id: tn.TenantId, key: rot.JSON200.Data.ApiKey, e: e}
	if r, err := fresh.as("alice").ListRoomsWithResponse(ctx, nil); err != nil || r.StatusCode() != 200 {
		t.Fatalf("new key: %v %s", err, bodyOf(r))
	}

	missing, err := admin.RotateTenantKeyWithResponse(ctx, "tn_doesnotexist")
	refused(t, missing, err, refusal{404, "NOT_FOUND", ""})
}

func TestTenantCredentials(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 0)
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		headers map[string]string
		want    refusal
	}{
		{"no key", map[string]string{"X-User-Id": "alice"}, refusal{401, "AUTHENTICATION_ERROR", ""}},
		{"unknown key", map[string]string{"X-API-Key": "sk_" + strings.Repeat("0", 64), "X-User-Id": "alice"}, refusal{401, "AUTHENTICATION_ERROR", ""}},
		{"master key as tenant key", map[string]string{"X-API-Key": testMasterKey, "X-User-Id": "alice"}, refusal{401, "AUTHENTICATION_ERROR", ""}},
		{"no key and no user", nil, refusal{401, "AUTHENTICATION_ERROR", ""}},
		{"no user", map[string]string{"X-API-Key": tn.key}, refusal{400, "VALIDATION_ERROR", "X-User-Id"}},
		{"user with a space", map[string]string{"X-API-Key": tn.key, "X-User-Id": "al ice"}, refusal{400, "VALIDATION_ERROR", "X-User-Id"}},
		{"user with a slash", map[string]string{"X-API-Key": tn.key, "X-User-Id": "a/b"}, refusal{400, "VALIDATION_ERROR", "X-User-Id"}},
		{"user too long", map[string]string{"X-API-Key": tn.key, "X-User-Id": strings.Repeat("u", 129)}, refusal{400, "VALIDATION_ERROR", "X-User-Id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.client(tc.headers).ListRoomsWithResponse(ctx, nil)
			refused(t, r, err, tc.want)
		})
	}
	for _, user := range []string{"a", "alice@example.com", "org:team.user_1-x", strings.Repeat("u", 128)} {
		if r, err := tn.as(user).ListRoomsWithResponse(ctx, nil); err != nil || r.StatusCode() != 200 {
			t.Errorf("user %q refused: %v %s", user, err, bodyOf(r))
		}
	}
}

func TestRateLimitPerTenant(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	slow := e.newTenant("slow", 3)
	other := e.newTenant("other", 3)
	c := slow.as("alice")
	for i := 0; i < 3; i++ {
		r, err := c.ListRoomsWithResponse(ctx, nil)
		if err != nil || r.StatusCode() != 200 {
			t.Fatalf("request %d: %v %s", i, err, bodyOf(r))
		}
		h := r.HTTPResponse.Header
		if h.Get("X-RateLimit-Limit") != "3" {
			t.Errorf("X-RateLimit-Limit = %q, want 3", h.Get("X-RateLimit-Limit"))
		}
		if rem, _ := strconv.Atoi(h.Get("X-RateLimit-Remaining")); rem > 2-i {
			t.Errorf("request %d: X-RateLimit-Remaining = %d, want at most %d", i, rem, 2-i)
		}
		reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
		if err != nil || reset < time.Now().Unix() || reset > time.Now().Unix()+5 {
			t.Errorf("X-RateLimit-Reset = %q", h.Get("X-RateLimit-Reset"))
		}
	}
	r, err := c.ListRoomsWithResponse(ctx, nil)
	refused(t, r, err, refusal{http.StatusTooManyRequests, "RATE_LIMIT_EXCEEDED", ""})
	if ra, _ := strconv.Atoi(r.HTTPResponse.Header.Get("Retry-After")); ra < 1 {
		t.Errorf("Retry-After = %q", r.HTTPResponse.Header.Get("Retry-After"))
	}
	// Another tenant has its own bucket.
	if r, err := other.as("alice").ListRoomsWithResponse(ctx, nil); err != nil || r.StatusCode() != 200 {
		t.Errorf("other tenant limited too: %v %s", err, bodyOf(r))
	}
}

// Keys and tokens never reach the log, whether sent in headers or, by
// mistake, in a query string.
func TestLogsHoldNoSecrets(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant("acme", 0)
	ctx := context.Background()
	tn.as("alice").ListRoomsWithResponse(ctx, nil)
	e.raw("GET", "/rooms?api_key="+tn.key+"&token=tok_secret_value", map[string]string{"X-API-Key": tn.key, "X-User-Id": "alice"}, "")
	e.raw("GET", "/nope?api_key="+tn.key, nil, "")
	logs := e.logs.String()
	for _, secret := range []string{tn.key, testMasterKey, "tok_secret_value"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log holds a secret %q:\n%s", secret[:6], logs)
		}
	}
	if !strings.Contains(logs, `"route":"/rooms"`) || !strings.Contains(logs, `"tenant":"`+tn.id+`"`) || !strings.Contains(logs, `"request_id":"`) {
		t.Errorf("log lines lack route, tenant or request id:\n%s", logs)
	}
}
