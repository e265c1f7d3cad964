-- 0004_tenant_key_generation: counts a tenant's key rotations. User tokens
-- carry the generation they were issued under and WebSocket connections
-- remember the one they were opened with; both are refused once the
-- tenant's key has moved on. Kept semantically identical in both dialects.

ALTER TABLE tenants ADD COLUMN key_generation BIGINT NOT NULL DEFAULT 1;
