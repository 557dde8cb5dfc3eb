-- Support reports (issue 17): whether a session began as an offline request,
-- which its state stops telling once it is closed (a closed session that
-- began waiting and was never picked up is a missed chat, an offline
-- request is not). Sessions closed before this migration cannot be told
-- apart: only the open offline requests are marked. The index serves a
-- report's period over the whole account.
ALTER TABLE support_sessions ADD COLUMN offline_request INTEGER NOT NULL DEFAULT 0;
UPDATE support_sessions SET offline_request = 1 WHERE state = 'offline';
CREATE INDEX support_sessions_created ON support_sessions (account_id, created_at);
