-- Files in support chat (issue 17): the bytes live in the database, so that
-- every node serves them; data is NULL once erased (recording off at close,
-- or the retention over). SQLite keeps them as a BLOB, PostgreSQL as BYTEA.
CREATE TABLE support_files (
  account_id TEXT NOT NULL,
  id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  author_kind TEXT NOT NULL CHECK (author_kind IN ('customer', 'technician')),
  author_id TEXT,
  data BYTEA,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, session_id) REFERENCES support_sessions(account_id, id) ON DELETE CASCADE
);
CREATE INDEX support_files_session ON support_files (account_id, session_id);
-- the retention worker's search: closed sessions not yet erased
CREATE INDEX support_sessions_erase ON support_sessions (state, erased_at, keep_until);
