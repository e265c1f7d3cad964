package server_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/chatapi/chatapi/gen/chatclient"
)

// A tenant's own upload limits, set at its creation: shown on the tenant,
// and enforced by POST /uploads with SPEC's codes, nothing stored by a
// refusal. A tenant created without them shows the defaults.
func TestTenantUploadLimits(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	maxFile, quota := int64(1000), int64(1500)
	types := []string{"text/plain", "image/png"}
	r, err := e.admin().CreateTenantWithResponse(ctx, nil, chatclient.CreateTenantJSONRequestBody{
		Name: "limited", UploadLimits: &chatclient.UploadLimitsRequest{MaxFileBytes: &maxFile, QuotaBytes: &quota, AllowedTypes: &types},
	})
	if err != nil || r.JSON201 == nil {
		t.Fatalf("create tenant: %v %s", err, bodyOf(r))
	}
	conforms(t, http.MethodPost, "/admin/tenants", r.StatusCode(), r.Body)
	if l := r.JSON201.Data.UploadLimits; l.MaxFileBytes != maxFile || l.QuotaBytes != quota || !slices.Equal(l.AllowedTypes, types) {
		t.Fatalf("created tenant's limits = %+v", l)
	}
	tn := tenant{id: r.JSON201.Data.TenantId, key: r.JSON201.Data.ApiKey, e: e}
	plain := e.newTenant("plain", 0)

	list, err := e.admin().ListTenantsWithResponse(ctx)
	if err != nil || list.JSON200 == nil {
		t.Fatalf("list tenants: %v %s", err, bodyOf(list))
	}
	conforms(t, http.MethodGet, "/admin/tenants", list.StatusCode(), list.Body)
	for _, got := range list.JSON200.Data {
		l := got.UploadLimits
		switch got.TenantId {
		case tn.id:
			if l.MaxFileBytes != maxFile || l.QuotaBytes != quota || !slices.Equal(l.AllowedTypes, types) {
				t.Errorf("listed limits of the limited tenant = %+v", l)
			}
		case plain.id:
			if l.MaxFileBytes != 25<<20 || l.QuotaBytes != 1<<30 || !slices.Contains(l.AllowedTypes, "image/webp") {
				t.Errorf("listed limits of a tenant without its own = %+v, want the defaults", l)
			}
		}
	}

	room := tn.createRoom("alice", chatclient.RoomTypeGroup)
	declare := func(ctype string, size int64) (*chatclient.CreateUploadResponse, error) {
		return tn.as("alice").CreateUploadWithResponse(ctx, nil, chatclient.CreateUploadRequest{
			RoomId: room.RoomId, Filename: "f", ContentType: ctype, Size: size, Sha256: sha256Hex([]byte("x")),
		})
	}
	if up, err := declare("text/plain", 900); err != nil || up.JSON201 == nil {
		t.Fatalf("an upload within the limits: %v %s", err, bodyOf(up))
	}
	tests := []struct {
		name  string
		ctype string
		size  int64
		want  refusal
	}{
		{"over the tenant's file size", "text/plain", 1001, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "size"}},
		{"a type outside the tenant's list", "image/jpeg", 10, refusal{http.StatusBadRequest, "VALIDATION_ERROR", "content_type"}},
		{"over the tenant's quota", "image/png", 700, refusal{http.StatusConflict, "CONFLICT", "size"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := declare(tc.ctype, tc.size)
			refused(t, r, err, tc.want)
		})
	}
	// The refusals took none of the quota: what is left of it still fits.
	if up, err := declare("image/png", 600); err != nil || up.JSON201 == nil {
		t.Fatalf("an upload filling the quota: %v %s", err, bodyOf(up))
	}

	bad := []struct {
		name   string
		limits chatclient.UploadLimitsRequest
	}{
		{"a zero file size", chatclient.UploadLimitsRequest{MaxFileBytes: ptr(int64(0))}},
		{"a negative quota", chatclient.UploadLimitsRequest{QuotaBytes: ptr(int64(-1))}},
		{"an empty type list", chatclient.UploadLimitsRequest{AllowedTypes: &[]string{}}},
		{"an upper-case type", chatclient.UploadLimitsRequest{AllowedTypes: &[]string{"Image/PNG"}}},
		{"a type with parameters", chatclient.UploadLimitsRequest{AllowedTypes: &[]string{"text/plain; charset=utf-8"}}},
		{"a type twice", chatclient.UploadLimitsRequest{AllowedTypes: &[]string{"text/plain", "text/plain"}}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.admin().CreateTenantWithResponse(ctx, nil, chatclient.CreateTenantJSONRequestBody{Name: "bad", UploadLimits: &tc.limits})
			if err != nil || r.StatusCode() != http.StatusBadRequest || r.JSON400 == nil || r.JSON400.Error.Code != "VALIDATION_ERROR" {
				t.Fatalf("create tenant with %s: %v %d %s, want 400 VALIDATION_ERROR", tc.name, err, r.StatusCode(), r.Body)
			}
		})
	}
}
