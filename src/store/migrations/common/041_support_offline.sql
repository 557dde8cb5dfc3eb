-- Offline requests answered by e-mail (issue 17): whose turn it is on an
-- open offline request ('technician' until answered, 'customer' once a
-- technician has answered, 'technician' again when the customer replies),
-- the single-use link the last answer mailed (its secret's hash, expiry and
-- when it was exchanged), when the transcript was last mailed (at most one
-- mail per few minutes), and the language the customer's mails are in.
ALTER TABLE support_sessions ADD COLUMN awaiting TEXT;
ALTER TABLE support_sessions ADD COLUMN link_hash TEXT;
ALTER TABLE support_sessions ADD COLUMN link_expires_at BIGINT;
ALTER TABLE support_sessions ADD COLUMN link_used_at BIGINT;
ALTER TABLE support_sessions ADD COLUMN transcript_sent_at BIGINT;
UPDATE support_sessions SET awaiting = 'technician' WHERE state = 'offline';
CREATE UNIQUE INDEX support_sessions_link ON support_sessions (link_hash);
