-- Account settings with per-company overrides (company_id '' = the account
-- level, so that one primary key covers both), and devices of companies.
CREATE TABLE settings (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  company_id TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  value TEXT NOT NULL,               -- JSON
  updated_at BIGINT NOT NULL,
  updated_by TEXT,
  PRIMARY KEY (account_id, company_id, name)
);

CREATE TABLE devices (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  serial TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX devices_name ON devices (account_id, name);

CREATE TABLE device_companies (
  account_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  company_id TEXT NOT NULL,
  PRIMARY KEY (account_id, device_id, company_id),
  FOREIGN KEY (account_id, device_id) REFERENCES devices(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, company_id) REFERENCES companies(account_id, id)
);
CREATE INDEX device_companies_company ON device_companies (account_id, company_id);
