package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// DefaultRateLimitRPS is a tenant's request rate when its creator names none.
const DefaultRateLimitRPS = 100

type tenantRow struct {
	ID            string `db:"id"`
	Name          string `db:"name"`
	RateLimitRPS  int    `db:"rate_limit_rps"`
	CreatedAt     int64  `db:"created_at"`
	KeyGeneration int64  `db:"key_generation"`
	uploadLimitsRow
}

func (r tenantRow) tenant() Tenant {
	return Tenant{ID: r.ID, Name: r.Name, RateLimitRPS: r.RateLimitRPS, Uploads: r.uploadLimitsRow.limits(),
		CreatedAt: fromMillis(r.CreatedAt), KeyGeneration: r.KeyGeneration}
}

// tenantColumns are the columns of tenantRow.
const tenantColumns = `id, name, rate_limit_rps, created_at, key_generation, upload_max_bytes, upload_quota_bytes, upload_types`

// CreateTenant stores a tenant whose API key hashes to apiKeyHash. A
// rateLimitRPS of 0 means DefaultRateLimitRPS. A hash already in use is a
// ConflictError.
func (s *Store) CreateTenant(ctx context.Context, name string, rateLimitRPS int, apiKeyHash string) (Tenant, error) {
	return s.CreateTenantWithLimits(ctx, name, rateLimitRPS, apiKeyHash, UploadLimits{})
}

// CreateTenantWithLimits is CreateTenant with the tenant's own upload
// limits; a zero or empty limit takes the default.
func (s *Store) CreateTenantWithLimits(ctx context.Context, name string, rateLimitRPS int, apiKeyHash string, limits UploadLimits) (Tenant, error) {
	own, err := ownLimits(limits)
	if err != nil {
		return Tenant{}, err
	}
	switch {
	case strings.TrimSpace(name) == "":
		return Tenant{}, &InvalidError{Field: "name", Message: "must not be empty"}
	case rateLimitRPS < 0:
		return Tenant{}, &InvalidError{Field: "rate_limit_rps", Message: "must not be negative"}
	case apiKeyHash == "":
		return Tenant{}, &InvalidError{Field: "api_key_hash", Message: "must not be empty"}
	}
	if err := checkText("name", name, false); err != nil {
		return Tenant{}, err
	}
	if rateLimitRPS == 0 {
		rateLimitRPS = DefaultRateLimitRPS
	}
	row := tenantRow{ID: newID("tn_"), Name: name, RateLimitRPS: rateLimitRPS, CreatedAt: s.nowMillis(), KeyGeneration: 1, uploadLimitsRow: own}
	_, err = s.w.ExecContext(ctx, s.w.Rebind(`
		INSERT INTO tenants (id, name, api_key_hash, rate_limit_rps, created_at, key_generation, upload_max_bytes, upload_quota_bytes, upload_types)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		row.ID, row.Name, apiKeyHash, row.RateLimitRPS, row.CreatedAt, row.KeyGeneration, own.MaxBytes, own.QuotaBytes, own.Types)
	if s.dialect.isUniqueViolation(err) {
		return Tenant{}, &ConflictError{Message: "api key hash already in use"}
	}
	if err != nil {
		return Tenant{}, fmt.Errorf("create tenant: %w", err)
	}
	return row.tenant(), nil
}

// ListTenants returns every tenant, oldest first.
func (s *Store) ListTenants(ctx context.Context) ([]Tenant, error) {
	var rows []tenantRow
	err := s.r.SelectContext(ctx, &rows, `
		SELECT `+tenantColumns+`
		FROM tenants
		WHERE deleted_at IS NULL
		ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	tenants := make([]Tenant, len(rows))
	for i, r := range rows {
		tenants[i] = r.tenant()
	}
	return tenants, nil
}

// TenantByKeyHash returns the tenant whose API key hashes to hash, or ErrNotFound.
func (s *Store) TenantByKeyHash(ctx context.Context, hash string) (Tenant, error) {
	return s.tenantWhere(ctx, "api_key_hash", hash)
}

// TenantByID finds a tenant by its id; an unknown id, or a deleted
// tenant's, is ErrNotFound.
func (s *Store) TenantByID(ctx context.Context, tenantID string) (Tenant, error) {
	return s.tenantWhere(ctx, "id", tenantID)
}

// tenantWhere reads the one tenant whose unique column (a constant of the
// callers above, never input) holds value.
func (s *Store) tenantWhere(ctx context.Context, column, value string) (Tenant, error) {
	var row tenantRow
	st, err := s.reads.get(ctx, s.r.Rebind(`
		SELECT `+tenantColumns+`
		FROM tenants
		WHERE `+column+` = ? AND deleted_at IS NULL`))
	if err == nil {
		err = st.GetContext(ctx, &row, value)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Tenant{}, fmt.Errorf("tenant by %s: %w", column, ErrNotFound)
	}
	if err != nil {
		return Tenant{}, fmt.Errorf("tenant by %s: %w", column, err)
	}
	return row.tenant(), nil
}

// RotateTenantKey replaces the tenant's API key hash and moves its key
// generation on: the old key, and what it issued, stop working at once. An
// unknown tenant is ErrNotFound.
func (s *Store) RotateTenantKey(ctx context.Context, tenantID, newHash string) (Tenant, error) {
	if newHash == "" {
		return Tenant{}, &InvalidError{Field: "api_key_hash", Message: "must not be empty"}
	}
	var row tenantRow
	err := s.w.GetContext(ctx, &row, s.w.Rebind(`
		UPDATE tenants SET api_key_hash = ?, key_generation = key_generation + 1
		WHERE id = ? AND deleted_at IS NULL
		RETURNING `+tenantColumns), newHash, tenantID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Tenant{}, fmt.Errorf("tenant %s: %w", tenantID, ErrNotFound)
	case s.dialect.isUniqueViolation(err):
		return Tenant{}, &ConflictError{Message: "api key hash already in use"}
	case err != nil:
		return Tenant{}, fmt.Errorf("rotate tenant key: %w", err)
	}
	return row.tenant(), nil
}

// keyGenerationsChunk bounds the ids of one TenantKeyGenerations query.
const keyGenerationsChunk = 500

// TenantKeyGenerations returns the current key generation of each of
// tenantIDs that exists; an id missing from the answer names no tenant.
func (s *Store) TenantKeyGenerations(ctx context.Context, tenantIDs []string) (map[string]int64, error) {
	out := make(map[string]int64, len(tenantIDs))
	for start := 0; start < len(tenantIDs); start += keyGenerationsChunk {
		ids := tenantIDs[start:min(start+keyGenerationsChunk, len(tenantIDs))]
		q, args, err := sqlx.In(`SELECT id, key_generation FROM tenants WHERE id IN (?) AND deleted_at IS NULL`, ids)
		if err != nil {
			return nil, fmt.Errorf("key generations query: %w", err)
		}
		var rows []struct {
			ID            string `db:"id"`
			KeyGeneration int64  `db:"key_generation"`
		}
		if err := s.r.SelectContext(ctx, &rows, s.r.Rebind(q), args...); err != nil {
			return nil, fmt.Errorf("read key generations: %w", err)
		}
		for _, r := range rows {
			out[r.ID] = r.KeyGeneration
		}
	}
	return out, nil
}
