-- The screens at room doors: each opens the room's display page with a
-- token of its own (only its BLAKE2b hash is kept); revoking deletes it.
CREATE TABLE room_displays (
  account_id TEXT NOT NULL,
  id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, room_id) REFERENCES rooms(account_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX room_displays_token ON room_displays (token_hash);
-- releasing bookings nobody checked in to looks for these
CREATE INDEX bookings_unchecked ON bookings (start_at) WHERE checked_in_at IS NULL;
