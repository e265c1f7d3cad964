package server

import (
	"context"

	"github.com/chatapi/chatapi/gen/chatapi"
	"github.com/chatapi/chatapi/store"
)

// CreateTenant creates a tenant and returns its key, the only time it is shown.
func (s *Server) CreateTenant(ctx context.Context, req chatapi.CreateTenantRequestObject) (chatapi.CreateTenantResponseObject, error) {
	rps := s.cfg.DefaultRateLimit
	if req.Body.RateLimitRps != nil {
		rps = *req.Body.RateLimitRps
	}
	key, err := newAPIKey()
	if err != nil {
		return nil, err
	}
	var limits store.UploadLimits
	if l := req.Body.UploadLimits; l != nil {
		limits = store.UploadLimits{MaxBytes: valueOr(l.MaxFileBytes, 0), QuotaBytes: valueOr(l.QuotaBytes, 0), Types: valueOr(l.AllowedTypes, nil)}
	}
	t, err := s.store.CreateTenantWithLimits(ctx, req.Body.Name, rps, HashAPIKey(key), limits)
	if err != nil {
		return nil, err
	}
	return chatapi.CreateTenant201JSONResponse{Success: true, Data: tenantWithKeyOut(t, key)}, nil
}

// ListTenants lists tenants without their keys.
func (s *Server) ListTenants(ctx context.Context, _ chatapi.ListTenantsRequestObject) (chatapi.ListTenantsResponseObject, error) {
	ts, err := s.store.ListTenants(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]chatapi.Tenant, len(ts))
	for i, t := range ts {
		out[i] = tenantOut(t)
	}
	return chatapi.ListTenants200JSONResponse{Success: true, Data: out}, nil
}

// RotateTenantKey replaces a tenant's key; the old one stops working at once.
func (s *Server) RotateTenantKey(ctx context.Context, req chatapi.RotateTenantKeyRequestObject) (chatapi.RotateTenantKeyResponseObject, error) {
	key, err := newAPIKey()
	if err != nil {
		return nil, err
	}
	t, err := s.store.RotateTenantKey(ctx, req.TenantId, HashAPIKey(key))
	if err != nil {
		return nil, err
	}
	// Before answering: once the caller has the new key, the old one fails
	// on this instance (other instances: within tenantCacheTTL).
	s.tenants.forget(t.ID)
	return chatapi.RotateTenantKey200JSONResponse{Success: true, Data: tenantWithKeyOut(t, key)}, nil
}
