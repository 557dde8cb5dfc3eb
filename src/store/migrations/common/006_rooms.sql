-- Rooms, their rules, equipment, who may book them and who approves, and
-- bookings: the claim each occurrence of an event makes on a room. A booking's
-- busy span is the occurrence widened by the room's buffers; two spans of one
-- room never overlap (PostgreSQL: an exclusion constraint, migration 009;
-- SQLite: checked inside the write transaction, under the writer lock).
-- rooms.max_booking_len is the longest busy span the room ever held, so that
-- "what overlaps [a, b)" is a bounded range scan: busy_from in [a - max, b).
CREATE TABLE rooms (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  calendar_id TEXT NOT NULL,
  name TEXT NOT NULL,
  email TEXT NOT NULL,                        -- its scheduling address (invited as ATTENDEE;CUTYPE=ROOM)
  capacity INTEGER NOT NULL DEFAULT 0,
  building TEXT NOT NULL DEFAULT '',
  floor TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  hide_subjects INTEGER NOT NULL DEFAULT 0,
  max_duration INTEGER NOT NULL DEFAULT 0,    -- seconds; 0: no limit
  min_notice INTEGER NOT NULL DEFAULT 0,      -- seconds before the start
  max_ahead INTEGER NOT NULL DEFAULT 31536000, -- the booking horizon, seconds
  buffer_before INTEGER NOT NULL DEFAULT 0,
  buffer_after INTEGER NOT NULL DEFAULT 0,
  opening_hours TEXT,                         -- as the business_hours setting; NULL: always open
  approval INTEGER NOT NULL DEFAULT 0,        -- bookings wait for a delegate
  max_conflicts INTEGER NOT NULL DEFAULT 0,   -- declined occurrences a series may have
  checkin_minutes INTEGER NOT NULL DEFAULT 0, -- 0: no check-in
  max_booking_len BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX rooms_email ON rooms (email);
CREATE INDEX rooms_capacity ON rooms (account_id, capacity);

CREATE TABLE room_equipment (
  account_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (account_id, room_id, tag),
  FOREIGN KEY (account_id, room_id) REFERENCES rooms(account_id, id) ON DELETE CASCADE
);
CREATE INDEX room_equipment_tag ON room_equipment (account_id, tag);

CREATE TABLE room_companies (
  account_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  company_id TEXT NOT NULL,
  PRIMARY KEY (account_id, room_id, company_id),
  FOREIGN KEY (account_id, room_id) REFERENCES rooms(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, company_id) REFERENCES companies(account_id, id) ON DELETE CASCADE
);

CREATE TABLE room_delegates (
  account_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  PRIMARY KEY (account_id, room_id, user_id),
  FOREIGN KEY (account_id, room_id) REFERENCES rooms(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);

CREATE TABLE bookings (
  account_id TEXT NOT NULL,
  id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  recurrence_id BIGINT NOT NULL,              -- the occurrence's original start; 0: not a series
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL,
  busy_from BIGINT NOT NULL,                  -- start_at - buffer_before
  busy_to BIGINT NOT NULL,                    -- end_at + buffer_after
  status TEXT NOT NULL CHECK (status IN ('confirmed','pending')),
  checked_in_at BIGINT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, room_id) REFERENCES rooms(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, event_id) REFERENCES events(account_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX bookings_occurrence ON bookings (account_id, event_id, room_id, recurrence_id);
CREATE INDEX bookings_room ON bookings (room_id, busy_from);
