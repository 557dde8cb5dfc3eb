-- API applications registered by API managers, and the bearer tokens they
-- obtain from /oauth/token. The secret and the tokens are kept only as hashes.
-- Deleting the owner deletes their applications and so every token.
CREATE TABLE apps (
  account_id TEXT NOT NULL,
  id TEXT NOT NULL,
  owner_id TEXT NOT NULL,            -- the API manager (or admin) who registered it
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  client_id TEXT NOT NULL,
  secret_hash TEXT,                  -- NULL once revoked: the secret no longer matches anything
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  last_used_at BIGINT,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, owner_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);
-- the token endpoint knows only the client id, so it names one application on the host
CREATE UNIQUE INDEX apps_client_id ON apps (client_id);
CREATE INDEX apps_owner ON apps (account_id, owner_id);

CREATE TABLE app_tokens (
  account_id TEXT NOT NULL,
  token_hash TEXT NOT NULL PRIMARY KEY,
  app_id TEXT NOT NULL,
  user_id TEXT NOT NULL,             -- the owner at issue time: the identity the token acts with
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  FOREIGN KEY (account_id, app_id) REFERENCES apps(account_id, id) ON DELETE CASCADE
);
CREATE INDEX app_tokens_app ON app_tokens (account_id, app_id, expires_at);
