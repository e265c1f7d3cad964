-- 0025_tenants_moderated: nothing to do on SQLite, where every moderation
-- change goes through this process's single writer, which tells the
-- store's cache of unmoderated tenants itself (Store.moderationFree). The
-- PostgreSQL migration of the same number adds tenants.moderated for
-- instances that do not see each other's writes; the number is kept in
-- step on both databases.

SELECT 1;
