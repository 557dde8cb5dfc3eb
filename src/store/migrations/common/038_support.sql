-- Customer support (issue 17): each company's portal and its sub-portals,
-- the teams that serve them and the managers assigned to them; modules and
-- their seats; technicians' presence; support sessions (one conversation
-- each, live or an offline request) and their messages. Times are unix
-- seconds. Every existing company gets its portal here; new companies get
-- theirs in the transaction that makes them.
CREATE TABLE portals (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  company_id TEXT NOT NULL,
  parent_id TEXT,                       -- NULL: the company's portal; else a sub-portal of it
  slug TEXT NOT NULL,                   -- /portal/{slug}; lower-case, unique on the server
  title TEXT NOT NULL,
  welcome TEXT NOT NULL DEFAULT '',
  logo TEXT NOT NULL DEFAULT '',        -- an https URL or a small data: image
  accent TEXT NOT NULL DEFAULT '#1f5fbf',
  customer_auth TEXT NOT NULL DEFAULT 'contact' CHECK (customer_auth IN ('contact', 'sign_in')),
  offline_policy TEXT NOT NULL DEFAULT 'offline_form' CHECK (offline_policy IN ('offline_form', 'queue', 'hide')),
  greeting TEXT NOT NULL DEFAULT '',    -- auto-responses (right set_auto_responses)
  wait_after_s INTEGER NOT NULL DEFAULT 0, -- 0: no waiting message
  wait_message TEXT NOT NULL DEFAULT '',
  offline_message TEXT NOT NULL DEFAULT '',
  reports_reset_at BIGINT NOT NULL DEFAULT 0, -- reset_portal_reports: figures count from here
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, company_id) REFERENCES companies(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, parent_id) REFERENCES portals(account_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX portals_slug ON portals (slug);
CREATE UNIQUE INDEX portals_company ON portals (account_id, company_id) WHERE parent_id IS NULL;
CREATE INDEX portals_parent ON portals (account_id, parent_id);

-- a slug a portal had before: /portal/{old} redirects to the portal's address
CREATE TABLE portal_old_slugs (
  slug TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  portal_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  FOREIGN KEY (account_id, portal_id) REFERENCES portals(account_id, id) ON DELETE CASCADE
);

CREATE TABLE portal_teams (
  account_id TEXT NOT NULL,
  portal_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  PRIMARY KEY (account_id, portal_id, team_id),
  FOREIGN KEY (account_id, portal_id) REFERENCES portals(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, team_id) REFERENCES teams(account_id, id) ON DELETE CASCADE
);
CREATE INDEX portal_teams_team ON portal_teams (account_id, team_id);

CREATE TABLE portal_managers (
  account_id TEXT NOT NULL,
  portal_id TEXT NOT NULL,
  user_id TEXT NOT NULL,                -- a manager; they manage the sub-portals too
  PRIMARY KEY (account_id, portal_id, user_id),
  FOREIGN KEY (account_id, portal_id) REFERENCES portals(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);
CREATE INDEX portal_managers_user ON portal_managers (account_id, user_id);

-- modules a user holds, each taking one of the account's seats of it
CREATE TABLE user_modules (
  account_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  module TEXT NOT NULL CHECK (module IN ('remote_support', 'service_desk')),
  granted_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, user_id, module),
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);
CREATE INDEX user_modules_module ON user_modules (account_id, module);

CREATE TABLE module_seats (             -- set by the operator; no row: 0 seats
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  module TEXT NOT NULL CHECK (module IN ('remote_support', 'service_desk')),
  seats INTEGER NOT NULL CHECK (seats >= 0),
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, module)
);

-- a technician's presence: what they chose (busy is derived: at their limit
-- of concurrent sessions); seen_at is kept fresh by their console's stream,
-- so an online technician whose stream went away counts as offline
CREATE TABLE support_presence (
  account_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'offline' CHECK (state IN ('online', 'away', 'offline')),
  max_sessions INTEGER NOT NULL DEFAULT 3 CHECK (max_sessions >= 1),
  seen_at BIGINT NOT NULL DEFAULT 0,
  active_at BIGINT NOT NULL DEFAULT 0,  -- last input in the console (away after idle)
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, user_id),
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);

-- one support conversation: waiting in the queue, live, an offline request,
-- or closed. The customer follows it with a secret token (its hash here).
CREATE TABLE support_sessions (
  account_id TEXT NOT NULL,
  id TEXT NOT NULL,
  portal_id TEXT NOT NULL,
  company_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('waiting', 'active', 'offline', 'closed')),
  customer_name TEXT NOT NULL,
  customer_email TEXT NOT NULL,
  customer_user_id TEXT,                -- a customer user signed in on the portal
  language TEXT NOT NULL DEFAULT 'en',
  token_hash TEXT NOT NULL,
  question TEXT,                        -- NULL once erased (recording off)
  team_id TEXT,                         -- the team it was routed or transferred to
  technician_id TEXT,                   -- who has it
  offered_to TEXT,                      -- offered to this technician, not yet taken
  offered_at BIGINT,
  device_id TEXT,
  recorded INTEGER NOT NULL DEFAULT 0,  -- session_recording when it started
  keep_until BIGINT,                    -- recorded: erase the transcript after this
  last_seq INTEGER NOT NULL DEFAULT 0,
  customer_read_seq INTEGER NOT NULL DEFAULT 0,
  technician_read_seq INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  picked_up_at BIGINT,
  answered_at BIGINT,                   -- first answer of a technician
  closed_at BIGINT,
  closed_by TEXT CHECK (closed_by IN ('customer', 'technician', 'system')),
  erased_at BIGINT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, portal_id) REFERENCES portals(account_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX support_sessions_token ON support_sessions (token_hash);
CREATE INDEX support_sessions_portal ON support_sessions (account_id, portal_id, state, created_at);
CREATE INDEX support_sessions_technician ON support_sessions (account_id, technician_id, state);
CREATE INDEX support_sessions_company ON support_sessions (account_id, company_id, created_at);

-- the transcript: seq numbers a session's messages from 1 (the SSE event id)
CREATE TABLE support_messages (
  account_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  author_kind TEXT NOT NULL CHECK (author_kind IN ('customer', 'technician', 'system')),
  author_id TEXT,                       -- the technician's user id
  kind TEXT NOT NULL CHECK (kind IN ('text', 'file', 'note', 'event')), -- note: private to technicians
  body TEXT,                            -- NULL once erased
  file_id TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, session_id, seq),
  FOREIGN KEY (account_id, session_id) REFERENCES support_sessions(account_id, id) ON DELETE CASCADE
);

INSERT INTO portals (account_id, id, company_id, parent_id, slug, title, created_at, updated_at)
  SELECT account_id, 'prt_' || substr(id, 5), id, NULL, lower(substr(id, 5)), name, created_at, created_at
  FROM companies;
