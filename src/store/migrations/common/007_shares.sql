-- Shares of calendars and their public feeds. A share grants one role to one
-- grantee: a user (an account user or a guest), a team or a company; exactly
-- one of user_id, team_id, company_id is set, so that deleting the grantee
-- deletes its shares. A public feed keeps only the BLAKE2b hash of its
-- 256-bit secret; rotating replaces the hash, so the old address stops at once.
CREATE TABLE shares (
  account_id TEXT NOT NULL,
  id TEXT NOT NULL,
  calendar_id TEXT NOT NULL,
  grantee_kind TEXT NOT NULL CHECK (grantee_kind IN ('user','team','company','guest')),
  user_id TEXT,
  team_id TEXT,
  company_id TEXT,
  role TEXT NOT NULL CHECK (role IN ('freebusy','viewer','editor','manager')),
  created_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id),
  CHECK ((grantee_kind IN ('user','guest') AND user_id IS NOT NULL AND team_id IS NULL AND company_id IS NULL)
      OR (grantee_kind = 'team' AND team_id IS NOT NULL AND user_id IS NULL AND company_id IS NULL)
      OR (grantee_kind = 'company' AND company_id IS NOT NULL AND user_id IS NULL AND team_id IS NULL)),
  FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, team_id) REFERENCES teams(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, company_id) REFERENCES companies(account_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX shares_grantee ON shares (account_id, calendar_id, coalesce(user_id, team_id, company_id));
CREATE INDEX shares_user ON shares (account_id, user_id);
CREATE INDEX shares_team ON shares (account_id, team_id);
CREATE INDEX shares_company ON shares (account_id, company_id);

CREATE TABLE public_feeds (
  account_id TEXT NOT NULL,
  calendar_id TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  detail TEXT NOT NULL CHECK (detail IN ('full','busy')),
  created_by TEXT,
  created_at BIGINT NOT NULL,
  rotated_at BIGINT,
  last_fetched_at BIGINT,
  fetch_count BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, calendar_id),
  FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX public_feeds_secret ON public_feeds (secret_hash);
