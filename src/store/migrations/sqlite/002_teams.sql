-- Teams and sub-teams of technicians, the rights each team enables, the
-- managers assigned to teams (they manage the sub-teams too) and the rights
-- each manager holds. Rights are stored by their catalogue name
-- (src/iam/rights.def); a name the catalogue no longer has is ignored.
CREATE TABLE teams (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  parent_id TEXT,                    -- NULL for a top-level team
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, parent_id) REFERENCES teams(account_id, id)
);
-- a name is unique among siblings (top-level teams are siblings too)
CREATE UNIQUE INDEX teams_name ON teams (account_id, coalesce(parent_id, ''), lower(name));
CREATE INDEX teams_parent ON teams (account_id, parent_id);

CREATE TABLE team_members (
  account_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  user_id TEXT NOT NULL,             -- a technician
  PRIMARY KEY (account_id, team_id, user_id),
  FOREIGN KEY (account_id, team_id) REFERENCES teams(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);
CREATE INDEX team_members_user ON team_members (account_id, user_id);

CREATE TABLE team_rights (
  account_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  right_name TEXT NOT NULL,          -- what the team enables
  PRIMARY KEY (account_id, team_id, right_name),
  FOREIGN KEY (account_id, team_id) REFERENCES teams(account_id, id) ON DELETE CASCADE
);

CREATE TABLE team_managers (
  account_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  user_id TEXT NOT NULL,             -- a manager or API manager
  PRIMARY KEY (account_id, team_id, user_id),
  FOREIGN KEY (account_id, team_id) REFERENCES teams(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);
CREATE INDEX team_managers_user ON team_managers (account_id, user_id);

CREATE TABLE manager_rights (
  account_id TEXT NOT NULL,
  user_id TEXT NOT NULL,             -- a manager or API manager
  right_name TEXT NOT NULL,
  PRIMARY KEY (account_id, user_id, right_name),
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);
