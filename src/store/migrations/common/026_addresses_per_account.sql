-- Tenants never learn whether an address exists in another account: a user's
-- and a room's address are unique within their account only. Sign-in, which
-- starts before an account is known, tries each account's user with the
-- address (iam/signin.c) and asks for the account when more than one matches.
-- The pending-guest exception of 023 stays, now within one account.
DROP INDEX users_email;
CREATE UNIQUE INDEX users_email ON users (account_id, email) WHERE NOT (role = 'guest' AND password_hash IS NULL);
DROP INDEX rooms_email;
CREATE UNIQUE INDEX rooms_email ON rooms (account_id, email);

-- Sign-in counters moved to throttle_counts (023); nothing reads these.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
