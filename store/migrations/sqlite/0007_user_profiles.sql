-- 0007_user_profiles: a user's profile (SPEC Part 2, "Users and per-member
-- settings"). Users need no registration: a user without a row has the
-- empty profile. name_key is the display name lower-cased (Go's
-- strings.ToLower, Unicode-aware), so the directory's case-insensitive
-- prefix search compares stored keys and never lower-cases at query time.
-- Kept semantically identical in both dialects.

CREATE TABLE user_profiles (
    tenant_id    TEXT   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id      TEXT   NOT NULL,
    display_name TEXT   NOT NULL DEFAULT '',
    name_key     TEXT   NOT NULL DEFAULT '',
    avatar_url   TEXT   NOT NULL DEFAULT '',
    custom       TEXT   NOT NULL DEFAULT '{}',
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

CREATE INDEX user_profiles_name ON user_profiles (tenant_id, name_key);
