-- Accounts, companies, users and their sign-in state, the audit log and the outbox.
-- Every table but accounts starts with account_id; ids are opaque strings.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE companies (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX companies_name ON companies (account_id, lower(name));

CREATE TABLE users (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  email TEXT NOT NULL,               -- stored lower-case
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin','manager','api_manager','technician','member','guest','customer')),
  password_hash TEXT,                -- Argon2id string; NULL = cannot sign in with a password
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended')),
  must_change_password INTEGER NOT NULL DEFAULT 0,
  allow_password_reset INTEGER NOT NULL DEFAULT 1,
  force_email_validation INTEGER NOT NULL DEFAULT 0,
  email_validated INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id)
);
-- sign-in is by e-mail alone, so an address names one user on the whole host
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_account_email ON users (account_id, email);

CREATE TABLE user_companies (
  account_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  company_id TEXT NOT NULL,
  PRIMARY KEY (account_id, user_id, company_id),
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, company_id) REFERENCES companies(account_id, id)
);
CREATE INDEX user_companies_company ON user_companies (account_id, company_id);

-- browser sessions; the cookie holds a secret, the table its hash
CREATE TABLE sessions (
  account_id TEXT NOT NULL,
  token_hash TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (account_id, user_id);

-- single-use links (password reset, e-mail validation, invitations)
CREATE TABLE one_time_tokens (
  account_id TEXT NOT NULL,
  token_hash TEXT NOT NULL PRIMARY KEY,
  user_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,
  created_at BIGINT NOT NULL,
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (account_id, user_id, purpose);

CREATE TABLE audit_log (
  account_id TEXT NOT NULL,
  id TEXT NOT NULL,
  at BIGINT NOT NULL,                -- microseconds, orders the log
  actor_id TEXT,                     -- user id, NULL for the system
  actor_label TEXT NOT NULL,         -- e-mail or "system", kept after the user is deleted
  via TEXT NOT NULL,                 -- cookie, bearer, cli, system
  action TEXT NOT NULL,              -- e.g. user.create
  target_type TEXT NOT NULL,
  target_id TEXT,
  target_label TEXT,
  old_value TEXT,                    -- JSON, never secrets
  new_value TEXT,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX audit_log_at ON audit_log (account_id, at);

CREATE TABLE outbox (
  account_id TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,                -- mail
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
