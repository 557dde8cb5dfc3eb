-- Counts of what is throttled (iam/throttle.h), by the hash of a key: failed
-- passwords by normalised e-mail address (whether or not a user has it), by
-- (address, client network) pair and by client network; invitation mail by
-- sender. Sign-in happens before an account is known, so these rows belong
-- to the host, not to an account.
CREATE TABLE throttle_counts (
  key_hash TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at BIGINT NOT NULL,
  locked_until BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX throttle_counts_last ON throttle_counts (last_failure_at);

-- A guest invited by one account keeps an address that a user of another
-- account has (or that another account invited too): telling the inviter
-- otherwise would say that the address exists elsewhere. Only users who can
-- sign in need the address to themselves; a pending guest (no password yet)
-- does not, and cannot accept while someone else signs in with it.
DROP INDEX users_email;
CREATE UNIQUE INDEX users_email ON users (email) WHERE NOT (role = 'guest' AND password_hash IS NULL);
CREATE INDEX users_email_any ON users (email);
