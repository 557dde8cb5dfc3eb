-- Zoom connections of conferences (issue 15). Zoom keeps one live token per
-- Zoom user and app, and the app is the server's: so a Zoom account is stored
-- once for the whole server (no account_id), and the connections of every
-- account reference it. Tokens and PKCE verifiers are sealed with the secret
-- box (core/secretbox.h) before they get here. Times are unix seconds.
CREATE TABLE zoom_accounts (
  zoom_user_id TEXT PRIMARY KEY,
  zoom_account_id TEXT NOT NULL,
  email TEXT NOT NULL,
  display_name TEXT NOT NULL,
  plan TEXT NOT NULL,                  -- basic, licensed, other
  time_zone TEXT NOT NULL,
  access_sealed TEXT,                  -- NULL once Zoom refused the tokens
  refresh_sealed TEXT,
  expires_at BIGINT NOT NULL,          -- of the access token
  token_version BIGINT NOT NULL,       -- bumped by every token change
  refresh_lease_until BIGINT,          -- a node is refreshing until then
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE zoom_connections (
  account_id TEXT NOT NULL,
  id TEXT NOT NULL,
  conference_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,                -- not_connected, connected, needs_reconnect
  zoom_user_id TEXT REFERENCES zoom_accounts(zoom_user_id) ON DELETE SET NULL,
  created_by TEXT,
  refreshed_at BIGINT,                 -- the last complete reload of the meetings
  retry_at BIGINT,                     -- Zoom asked to wait (429) or was out
  error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, conference_id) REFERENCES conferences(account_id, id) ON DELETE CASCADE
);
CREATE INDEX zoom_connections_conference ON zoom_connections (account_id, conference_id, name);
CREATE INDEX zoom_connections_user ON zoom_connections (zoom_user_id);

-- OAuth "state" values: single use (used_at), 10 minutes, bound to the
-- connection and to the administrator who clicked Connect; only a hash kept
CREATE TABLE zoom_oauth_states (
  state_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  verifier_sealed TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);

-- Installs started from the Zoom Marketplace, waiting (1 hour) for a
-- signed-in conference administrator to attach them; only a hash kept
CREATE TABLE zoom_installs (
  token_hash TEXT PRIMARY KEY,
  zoom_user_id TEXT NOT NULL REFERENCES zoom_accounts(zoom_user_id) ON DELETE CASCADE,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX zoom_installs_expiry ON zoom_installs (expires_at);

-- The cache of each Zoom account's scheduled meetings (never start_url)
CREATE TABLE zoom_meetings (
  zoom_user_id TEXT NOT NULL REFERENCES zoom_accounts(zoom_user_id) ON DELETE CASCADE,
  meeting_id BIGINT NOT NULL,
  uuid TEXT,
  topic TEXT NOT NULL,
  type INTEGER NOT NULL,
  start_at BIGINT,                     -- NULL for type 3 (no fixed time)
  duration INTEGER NOT NULL,
  timezone TEXT,
  join_url TEXT,
  passcode TEXT,                       -- known from creation or webhooks only
  agenda TEXT,
  gone INTEGER NOT NULL DEFAULT 0,     -- Zoom said 404/3001 when asked for it
  fetched_at BIGINT NOT NULL,          -- 0 only inside a reload (rows not yet seen)
  PRIMARY KEY (zoom_user_id, meeting_id)
);
