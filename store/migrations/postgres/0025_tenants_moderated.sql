-- 0025_tenants_moderated: tenants.moderated is true once a tenant has had
-- any moderation state: a room or tenant ban, a mute, a block, a shadow
-- message, a frozen or slow-mode room. It never goes back to false.
--
-- It lets a send skip reading the rules on PostgreSQL (Store.CheckSend):
-- an instance remembers the tenants it found unmoderated, and the send's
-- own transaction reads the flag with the room's counters, refusing the
-- send (ErrRulesChanged, read the rules and send again) if it has turned
-- true since. Reading the rules was a query of seven subplans per message
-- and the largest cost of a send after the insert itself
-- (BENCHMARKS.md, "PostgreSQL send: the rules read once per tenant").
--
-- Triggers keep the flag, so that every path that writes moderation state
-- sets it in the same transaction; the UPDATE touches no key column, so it
-- does not wait for, nor block, the FOR KEY SHARE checks of sends' rows.

ALTER TABLE tenants ADD COLUMN moderated BOOLEAN NOT NULL DEFAULT false;

UPDATE tenants t SET moderated = true
WHERE EXISTS (SELECT 1 FROM room_bans x WHERE x.tenant_id = t.id)
   OR EXISTS (SELECT 1 FROM tenant_bans x WHERE x.tenant_id = t.id)
   OR EXISTS (SELECT 1 FROM room_mutes x WHERE x.tenant_id = t.id)
   OR EXISTS (SELECT 1 FROM user_blocks x WHERE x.tenant_id = t.id)
   OR EXISTS (SELECT 1 FROM shadow_messages x WHERE x.tenant_id = t.id)
   OR EXISTS (SELECT 1 FROM rooms x WHERE x.tenant_id = t.id AND (x.frozen <> 0 OR x.slow_mode_seconds > 0));

CREATE FUNCTION tenants_moderated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tenants SET moderated = true
    WHERE id IN (SELECT tenant_id FROM changed) AND NOT moderated;
    RETURN NULL;
END
$$;

CREATE TRIGGER room_bans_moderated AFTER INSERT ON room_bans
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tenants_moderated();
CREATE TRIGGER tenant_bans_moderated AFTER INSERT ON tenant_bans
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tenants_moderated();
CREATE TRIGGER room_mutes_moderated AFTER INSERT ON room_mutes
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tenants_moderated();
CREATE TRIGGER user_blocks_moderated AFTER INSERT ON user_blocks
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tenants_moderated();
CREATE TRIGGER shadow_messages_moderated AFTER INSERT ON shadow_messages
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tenants_moderated();

-- A room's controls are set by UPDATE; a trigger with a column list cannot
-- have a transition table, so this one is per row, and only for a room
-- whose controls are on.
CREATE FUNCTION rooms_moderated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tenants SET moderated = true WHERE id = NEW.tenant_id AND NOT moderated;
    RETURN NULL;
END
$$;

CREATE TRIGGER rooms_moderated AFTER INSERT OR UPDATE OF frozen, slow_mode_seconds ON rooms
FOR EACH ROW WHEN (NEW.frozen <> 0 OR NEW.slow_mode_seconds > 0)
EXECUTE FUNCTION rooms_moderated();
