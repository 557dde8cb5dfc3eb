-- App passwords (issue 4, access control): one per device or calendar app,
-- for HTTP Basic on /dav/ and /feeds/ only, never for web sign-in. Only a
-- BLAKE2b hash of the generated secret is kept (the secret has over 80 bits
-- of entropy, so a fast hash is enough); revoking one deletes its row (the
-- audit log keeps the history). Deleting the user deletes them.
CREATE TABLE app_passwords (
  account_id TEXT NOT NULL,
  id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  label TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,               -- written at most once a minute
  last_user_agent TEXT,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);
CREATE INDEX app_passwords_user ON app_passwords (account_id, user_id, secret_hash);
