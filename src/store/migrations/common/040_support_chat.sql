-- Live chat (issue 17): when the waiting message was sent (once per session,
-- whichever node's worker gets there first), and when each side last said
-- it was typing (the indicator shown to the other side for a few seconds);
-- queued_us orders the queue by arrival (created_at has seconds only, and
-- ids are random).
ALTER TABLE support_sessions ADD COLUMN wait_notice_at BIGINT;
ALTER TABLE support_sessions ADD COLUMN customer_typing_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE support_sessions ADD COLUMN technician_typing_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE support_sessions ADD COLUMN queued_us BIGINT NOT NULL DEFAULT 0;
CREATE INDEX support_sessions_waiting ON support_sessions (state, created_at);
