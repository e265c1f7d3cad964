-- 0012_idempotency_keys: the answers of creating POSTs sent with an
-- Idempotency-Key (SPEC Part 2, "Clients"), kept 24 h so that a retry with
-- the same key and body gets the first answer again and changes nothing.
-- tenant_id: the caller's tenant ('' for the master key's operations).
-- key_hash: a hash of who called (the user, or the master key's scope) and
-- the key, so the key a client chose is not stored as it is.
-- fingerprint: a hash of the operation and the body; another body under
-- the same key is refused. status: 0 while the first request runs (a
-- claim), then the answer's HTTP status; body: the answer, sealed by the
-- server (it may hold a new tenant's API key or a user token).
-- created_at: when the claim was taken (unix ms), which an abandoned claim
-- is judged by; expires_at: when the key may be used afresh, and pruned.
-- Kept semantically identical in both dialects.

CREATE TABLE idempotency_keys (
    tenant_id   TEXT   NOT NULL,
    key_hash    TEXT   NOT NULL,
    fingerprint TEXT   NOT NULL,
    status      INTEGER NOT NULL,
    body        BLOB,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, key_hash)
);

CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
