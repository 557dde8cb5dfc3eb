-- Secrets of the whole server (every node of a PostgreSQL cluster shares
-- them), by name: the key of the password salts (iam/password.c). The rows
-- are made in C at startup (random bytes, which SQL cannot make portably),
-- the first node to start winning the insert.
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
